// `mindprint export-bundle`: the curriculum and its adaptive recipe as a TRL + PEFT bundle (data in TRL's
// formats, plan.json, train.py, requirements, accelerate and Slurm configs) for a GPU machine or cluster.
import { chmod, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { adaptTopics } from '../../analysis/adaptive.ts';
import { analyzeDataset } from '../../analysis/analyze.ts';
import { loadDefaultPipelineConfig, loadPipelineConfigFile } from '../../analysis/node-defaults.ts';
import { buildBundle, type BundleFile } from '../../bundle/bundle.ts';
import { PEFT_VERSION, TRL_VERSION } from '../../bundle/train-py.ts';
import type { PipelineConfig } from '../../config/pipeline-config.ts';
import { parseCommandArgs, UsageError, type Command } from '../command.ts';
import { loadInputs } from './analyze.ts';

const usage = `Usage: mindprint export-bundle [DIR|FILES...] --out BUNDLE [--model ORG/NAME|DIR] [--alignment ppo|dpo]
                              [--config FILE] [--markers FILE] [--force]

Writes the curriculum and the recipe the studio would run on it as a bundle for Hugging Face TRL ${TRL_VERSION}
+ PEFT ${PEFT_VERSION} on a GPU machine or cluster: the data per topic in TRL's formats (conversational
messages; prompt/chosen/rejected), the evaluation sets, plan.json (what \`mindprint config --json\`
prints, with the curriculum order and the pipeline config), train.py (SFT -> reward model -> PPO or DPO
-> evaluation per topic, resumable, writing adapters and run.json as the studio does),
requirements.txt, accelerate configs for one and several GPUs, a Slurm job and a README. The same inputs
give the same bytes. Bring the results back with \`mindprint import-run BUNDLE/output\`.

Options:
  --out BUNDLE      folder to write (must be new or empty, unless --force)
  --model ID|DIR    base model train.py loads: a Hugging Face id or a folder on the GPU machine
                    (default: the config's model)
  --alignment A     ppo (reward model + PPO) or dpo (default: the config's alignment)
  --config FILE     pipeline config YAML (only the values that differ from configs/training_pipeline.yaml;
                    a \`topics:\` map overrides values per topic)
  --markers FILE    voice markers YAML (default: the folder's voice_markers.yaml, else provisional markers)
  --force           replace the contents of a non-empty --out folder`;

async function pipelineConfig(file: string | undefined): Promise<PipelineConfig> {
  try {
    return file ? await loadPipelineConfigFile(file) : await loadDefaultPipelineConfig();
  } catch (err) {
    throw new UsageError(`bad pipeline config: ${(err as Error).message}`);
  }
}

/** Creates `dir` empty: refuses a non-empty one unless `force`. */
async function emptyFolder(dir: string, force: boolean): Promise<void> {
  const existing = await readdir(dir).catch(() => null);
  if (existing?.length) {
    if (!force) throw new UsageError(`--out ${dir}: the folder exists and is not empty (${existing.length} entries); choose another or pass --force`);
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(dir, { recursive: true });
}

/** Writes the bundle's files under `dir` (scripts executable). */
export async function writeBundle(dir: string, files: BundleFile[]): Promise<void> {
  for (const f of files) {
    const target = path.join(dir, ...f.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, f.bytes);
    if (f.executable) await chmod(target, 0o755);
  }
}

export const command: Command = {
  summary: 'write the curriculum and its recipe as a TRL + PEFT bundle (train.py, data, plan) for a GPU cluster',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      out: { type: 'string' },
      model: { type: 'string' },
      alignment: { type: 'string' },
      config: { type: 'string' },
      markers: { type: 'string' },
      force: { type: 'boolean' },
    });
    if (!values.out) throw new UsageError('--out BUNDLE is required (the folder to write the bundle to)');
    const config = await pipelineConfig(values.config);
    const alignment = values.alignment ?? config.alignment;
    if (alignment !== 'ppo' && alignment !== 'dpo') throw new UsageError(`--alignment: expected ppo or dpo, got '${alignment}'`);
    const model = values.model ?? config.model;
    if (model === 'tiny' || model.startsWith('tiny-'))
      throw new UsageError(`--model ${model}: the generated tiny model exists only in the studio; TRL needs a Hugging Face id (ORG/NAME) or a model folder`);
    const { ds, markers, source } = await loadInputs(positionals, values.markers);
    const analysis = analyzeDataset(ds, markers, source);
    const configured: PipelineConfig = { ...config, alignment };
    const files = buildBundle({
      dataset: ds,
      config: configured,
      topicConfigs: adaptTopics(analysis, configured),
      markersInUse: analysis.markers,
      voiceMarkers: markers,
      model,
      alignment,
    });
    await emptyFolder(values.out, !!values.force);
    await writeBundle(values.out, files);
    const bytes = files.reduce((n, f) => n + f.bytes.length, 0);
    const unassigned = ds.preference.filter((p) => p.topicId === null).length;
    if (unassigned) console.log(`${unassigned} preference pair(s) match no topic's SFT instruction and are not in the bundle (mindprint analyze lists them)`);
    console.log(
      `Wrote ${files.length} files (${(bytes / 1024).toFixed(1)} KiB) to ${values.out}: train.py for trl ${TRL_VERSION} + peft ${PEFT_VERSION}, model ${model}, alignment ${alignment}`,
    );
    console.log(`Next: cd ${values.out} && pip install -r requirements.txt && python train.py --max-steps 2 --device cpu   (then on the GPUs: README.md)`);
    return 0;
  },
};
