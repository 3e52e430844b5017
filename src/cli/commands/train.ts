// `mindprint train`: the curriculum pipeline from the command line, adapters and reports on disk.
import path from 'node:path';
import { parseCommandArgs, UsageError, type Command } from '../command.ts';
import { loadDataset } from '../../data/node-files.ts';
import { configNamesModel, loadDefaultPipelineConfig, loadPipelineConfigFile } from '../../analysis/node-defaults.ts';
import { markersName } from '../../analysis/marker-source.ts';
import { loadGivenMarkers, resolveMarkers } from '../markers-input.ts';
import { SAMPLE_DATA_DIR } from './analyze.ts';
import { PRECISION_OPTIONS, PRECISION_USAGE, precisionFromFlags } from '../precision-flags.ts';
import { loadModelArg } from './logits.ts';
import { createNodeRuntime } from '../../engine/node-driver.ts';
import { gpuBackend } from '../../engine/backend.ts';
import { FsStore } from '../../storage/fs-store.ts';
import type { Phase, PipelineEvent } from '../../training/pipeline.ts';
import { passRate } from '../../training/run-report.ts';
import { prepareRun, runDefaults, runPrepared, type RunOptions } from '../../training/prepare-run.ts';
import { isStepMetric, phaseMetric } from '../../training/metric-types.ts';
import { resolveSimilarity } from '../../training/embedder.ts';
import { Progress } from '../progress.ts';

const PHASES: Phase[] = ['sft', 'reward', 'ppo', 'dpo', 'eval'];

const usage = `Usage: mindprint train [options]

Trains the curriculum topic by topic: SFT (LoRA) → reward model → PPO (or DPO) → evaluation against each
topic's pass threshold; takes the chapter tests, unit exams and final assessment; merges units. With no
options it trains the sample curriculum on the generated tiny model into ./output, with quick demo
settings (--max-steps 4 --max-seq-length 96 --max-new-tokens 8 --retries 0) unless given.

Options:
  --data DIR            curriculum folder or files (default: the bundled sample-data/)
  --model DIR|tiny      Hugging Face model folder, a Hub id ORG/NAME[@REV] (from the Hugging Face cache,
                        downloaded if missing), or 'tiny' for the generated test model (default: the
                        model a --config file names with model:, else tiny)
  --token TOKEN         Hugging Face access token for gated or private Hub models (default: HF_TOKEN)
${PRECISION_USAGE}
  --out DIR             output folder (default: ./output)
  --phases LIST         comma-separated: sft,reward,ppo,dpo,eval (default: sft,reward,ppo,eval; with
                        --alignment dpo: sft,dpo,eval)
  --alignment ppo|dpo   alignment after SFT (default: the config's, ppo)
  --topics ID,...       train only these topics (source paths)
  --max-steps N         cap every phase at N optimizer steps (quick runs)
  --max-seq-length N    override the config's max_seq_length (tokens; longer answers are cut)
  --max-new-tokens N    override the generated length: evaluation answers and PPO rollouts
  --retries N           retries of a failed topic (default: the config's, 2)
  --seed N              random seed (default: the config's)
  --resume              continue a killed run from its last completed phase in --out
  --embedder DIR        sentence-embedding model folder (all-MiniLM-L6-v2) for semantic similarity;
                        without it the local Hugging Face cache is tried, then a lexical similarity
  --config FILE         training_pipeline.yaml (default: configs/training_pipeline.yaml)
  --markers FILE        voice_markers.yaml (default: the curriculum folder's own, else provisional
                        markers discovered in its preference pairs)

Writes OUT/adapters/{source path}/{sft,reward,ppo,dpo}_adapter/ (PEFT format), OUT/merged_adapters/
{unit}_merged/, OUT/metrics.jsonl, OUT/run.json and OUT/report.md.`;

/** --name's value as a positive integer (undefined when not given), or a usage error naming the flag. */
function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
  return n;
}

/** The command's flags, as parseArgs reads them. */
const OPTIONS = {
  data: { type: 'string' },
  model: { type: 'string' },
  token: { type: 'string' },
  ...PRECISION_OPTIONS,
  out: { type: 'string' },
  phases: { type: 'string' },
  alignment: { type: 'string' },
  topics: { type: 'string' },
  'max-steps': { type: 'string' },
  seed: { type: 'string' },
  resume: { type: 'boolean' },
  embedder: { type: 'string' },
  config: { type: 'string' },
  markers: { type: 'string' },
  'max-seq-length': { type: 'string' },
  'max-new-tokens': { type: 'string' },
  retries: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];
type Defaults = ReturnType<typeof runDefaults>;

/** The alignment and the phases to run, checked against the known ones. */
function parsePhases(values: Values, defaults: Defaults): { alignment: 'ppo' | 'dpo'; phases: Phase[] } {
  const alignment = (values.alignment ?? defaults.options.alignment) as 'ppo' | 'dpo';
  if (alignment !== 'ppo' && alignment !== 'dpo') throw new UsageError(`--alignment must be ppo or dpo, got '${values.alignment}'`);
  const phases = (values.phases ?? (alignment === 'dpo' ? 'sft,dpo,eval' : 'sft,reward,ppo,eval')).split(',').map((p) => p.trim()) as Phase[];
  for (const p of phases) if (!PHASES.includes(p)) throw new UsageError(`--phases: unknown phase '${p}' (expected ${PHASES.join(', ')})`);
  return { alignment, phases };
}

/** Fills the quick demo limits the user did not give (only when quick); returns them as flags for the log. */
function applyQuickSettings(values: Values, quick: boolean): string[] {
  const QUICK = { 'max-steps': '4', 'max-seq-length': '96', 'max-new-tokens': '8', retries: '0' } as const;
  const quickApplied: string[] = [];
  if (quick) {
    for (const [k, v] of Object.entries(QUICK) as [keyof typeof QUICK, string][]) {
      if (values[k] === undefined) {
        values[k] = v;
        quickApplied.push(`--${k} ${v}`);
      }
    }
  }
  return quickApplied;
}

/** The numeric limits (steps, seed, lengths, retries) and topics, checked, as run options. */
function runOptionsFrom(values: Values, defaults: Defaults, alignment: 'ppo' | 'dpo', phases: Phase[]): RunOptions {
  const maxSteps = positiveInt(values['max-steps'], 'max-steps');
  const seed = values.seed !== undefined ? Number(values.seed) : defaults.options.seed;
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got '${values.seed}'`);
  const maxSeqLength = positiveInt(values['max-seq-length'], 'max-seq-length') ?? null;
  const maxNewTokens = positiveInt(values['max-new-tokens'], 'max-new-tokens') ?? null;
  const retries = values.retries !== undefined ? Number(values.retries) : null;
  if (retries !== null && (!Number.isInteger(retries) || retries < 0))
    throw new UsageError(`--retries must be a non-negative integer, got '${values.retries}'`);
  const topics =
    values.topics
      ?.split(',')
      .map((t) => t.trim())
      .filter(Boolean) ?? [];
  return { phases, alignment, topics, maxSteps: maxSteps ?? null, maxSeqLength, maxNewTokens, seed, retries };
}

/** What the command line asks for: the flags, the config and markers it names, the run options and the model. */
interface TrainArgs {
  values: Values;
  config: Awaited<ReturnType<typeof loadDefaultPipelineConfig>>;
  givenMarkers: Awaited<ReturnType<typeof loadGivenMarkers>>;
  options: RunOptions;
  modelName: string;
  /** The quick demo flags filled in for the tiny model. */
  quickApplied: string[];
  out: string;
}

/** Parses and checks the command line, loading the config and markers files it names. */
async function parseTrainArgs(argv: string[]): Promise<TrainArgs> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS);
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (use --data DIR for the curriculum)`);
  const config = values.config ? await loadPipelineConfigFile(values.config) : await loadDefaultPipelineConfig();
  const givenMarkers = await loadGivenMarkers(values.markers);
  const defaults = runDefaults(config);
  const { alignment, phases } = parsePhases(values, defaults);
  // The generated tiny model is for demos and tests: unless told otherwise, run it with quick settings.
  // The model: --model, else the one a given config file names itself (`model:`), else the generated tiny model.
  const modelName = values.model ?? (values.config && (await configNamesModel(values.config)) ? defaults.model : 'tiny');
  const quickApplied = applyQuickSettings(values, modelName === 'tiny' && !values.config);
  const options = runOptionsFrom(values, defaults, alignment, phases);
  return { values, config, givenMarkers, options, modelName, quickApplied, out: path.resolve(values.out ?? 'output') };
}

/** A pipeline event handler that logs topics, phases (with their time), evaluations, exams and merges, and draws step bars. */
function eventLogger(progress: Progress, log: (m: string) => void): (e: PipelineEvent) => void {
  let phaseStart = Date.now();
  return (e: PipelineEvent) => {
    if (e.type === 'topic') log(`[${e.index + 1}/${e.total}] ${e.topicId}${e.attempt ? ` (retry ${e.attempt} of ${e.retries})` : ''}`);
    else if (e.type === 'phase' && e.status === 'start') phaseStart = Date.now();
    else if (e.type === 'phase') {
      const secs = e.status === 'done' ? ` (${((Date.now() - phaseStart) / 1000).toFixed(1)} s)` : '';
      log(`  ${e.phase} ${e.status}${secs}${e.message ? `: ${e.message}` : ''}`);
    } else if (e.type === 'metric') {
      const m = phaseMetric(e.record);
      if (isStepMetric(m)) {
        const [fig, value] = m.phase === 'ppo' ? ['meanReward', m.meanReward] : ['loss', m.loss];
        progress.bar(`  ${m.phase}`, m.step, 'totalSteps' in m ? m.totalSteps : m.step, `${fig} ${value.toFixed(4)}`);
      } else if (m.phase === 'eval') log(`  eval: score ${m.score.toFixed(3)} / threshold ${m.threshold} → ${m.passed ? 'passed' : 'failed'}`);
    } else if (e.type === 'exam') log(`exam ${e.result.title}: accuracy ${(e.result.accuracy * 100).toFixed(1)}%, bars ${e.result.passed ? 'met' : 'not met'}`);
    else if (e.type === 'merge') log(`merged ${e.unit} → ${e.key} (rank ${e.rank})`);
    else if (e.type === 'log') log(e.message);
  };
}

export const command: Command = {
  summary: 'train the curriculum: SFT → reward → PPO/DPO → evaluation per topic, exams, merges',
  usage,
  async run(argv) {
    const { values, config, givenMarkers, options, modelName, quickApplied, out } = await parseTrainArgs(argv);
    const dataset = await loadDataset([values.data ?? SAMPLE_DATA_DIR]);
    const { markers, source: markerSrc } = await resolveMarkers([values.data ?? SAMPLE_DATA_DIR], givenMarkers, dataset);
    const progress = new Progress(process.stderr);
    const log = (m: string) => progress.line(m);
    // The GPU first: the model's weights are uploaded tensor by tensor as they are read.
    const rt = await createNodeRuntime(log);
    const be = gpuBackend(rt);
    let prepared: Awaited<ReturnType<typeof prepareRun>>;
    try {
      prepared = await prepareRun({
        options,
        config,
        dataset,
        markers,
        markerSource: markerSrc,
        loadModel: () => loadModelArg(modelName, values.token, { ...precisionFromFlags(values), backend: be }),
        loadSimilarity: () => resolveSimilarity({ localDir: values.embedder }),
      });
    } catch (err) {
      rt.destroy();
      throw err;
    }
    const { name } = prepared.bundle;
    const simInfo = prepared.similarityUsed;
    const store = await FsStore.open(out);
    log(`mindprint train: ${dataset.topics.length} topics, model ${name}, phases ${options.phases.join(',')}, out ${out}`);
    if (quickApplied.length) log(`tiny model, quick demo settings: ${quickApplied.join(' ')} (give them, or --config, to change)`);
    log(`semantic similarity: ${simInfo.name}${simInfo.reason ? ` (${simInfo.reason})` : ''}`);
    log(`voice markers: ${markersName(markerSrc)}`);
    const onEvent = eventLogger(progress, log);
    try {
      const { state } = await runPrepared(prepared, { be, store, resume: !!values.resume, onEvent });
      const pr = passRate(state);
      progress.done();
      log(`pass rate: ${pr.passed}/${pr.trained}${pr.rate === null ? '' : ` (${(pr.rate * 100).toFixed(1)}%)`} — ${path.join(out, 'report.md')}`);
    } finally {
      rt.destroy();
      await store.close();
    }
    return 0;
  },
};
