// `mindprint import-run BUNDLE_OUTPUT`: the adapters and run.json that a bundle's train.py wrote, checked
// against the base model and the bundle's plan, recorded as a run (state, run.json, report.md, adapters)
// in --out, where `mindprint eval --adapter` and the studio read it.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { importRun, planFacts, type PlanFacts } from '../../bundle/import-run.ts';
import { parseHubId } from '../../hub/hub-id.ts';
import { parseModelConfig, type ModelConfig } from '../../model/hf-config.ts';
import { buildTinyModel, TINY_ARCHS, type TinyArch } from '../../model/tiny-model.ts';
import { FsStore } from '../../storage/fs-store.ts';
import { RUN_FILES, RunStore } from '../../storage/run-store.ts';
import { parseCommandArgs, UsageError, type Command } from '../command.ts';

const usage = `Usage: mindprint import-run BUNDLE_OUTPUT [--out DIR] [--model ORG/NAME|DIR] [--plan FILE] [--token TOKEN] [--force]

Reads what a bundle's train.py wrote (run.json, adapters/{topic}/{phase}_adapter, merged_adapters/) and
records it as a finished run in --out: every adapter is checked against the base model's config.json
(layers, module shapes), the plan's LoRA rank and target modules, and the plan's topics; the pass rate is
recomputed from the topics. Nothing is written unless everything checks. Then:
  mindprint eval --model MODEL --adapter DIR/adapters/<topic>/<phase>_adapter

Options:
  --out DIR        where the run goes (default: output); it must not hold a run unless --force
  --model ID|DIR   the base model whose config.json the adapters must fit (default: run.json's model,
                   from a local folder, the Hugging Face cache or the Hub; config.json only)
  --plan FILE      the bundle's plan.json (default: BUNDLE_OUTPUT/plan.json, else the folder above it)
  --token TOKEN    Hugging Face token for a gated model's config.json (default: HF_TOKEN)
  --force          replace the run already in --out`;

/** config.json of the generated tiny models, a local folder, or a Hub id (config only). */
export async function loadModelConfig(model: string, token?: string): Promise<ModelConfig> {
  const tiny = model === 'tiny' ? 'llama' : model.startsWith('tiny-') ? model.slice(5) : null;
  if (tiny !== null) {
    if (!(TINY_ARCHS as readonly string[]).includes(tiny))
      throw new UsageError(`--model ${model}: unknown tiny model (tiny, ${TINY_ARCHS.map((a) => `tiny-${a}`).join(', ')})`);
    return parseModelConfig(JSON.parse(buildTinyModel(0, tiny as TinyArch)['config.json'] as string), `${model}/config.json`);
  }
  let file = path.join(model, 'config.json');
  if (!(await stat(model).catch(() => null))) {
    if (!parseHubId(model)) throw new UsageError(`model ${model}: no such folder, and not a Hub id ORG/NAME`);
    const { resolveHubModel } = await import('../../hub/resolve.ts');
    try {
      file = path.join((await resolveHubModel(model, { need: 'config', token })).dir, 'config.json');
    } catch (err) {
      throw new UsageError(`model ${model}: ${(err as Error).message}`);
    }
  }
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`${file}: not found (the base model's config.json, which the adapters are checked against)`);
  });
  try {
    return parseModelConfig(JSON.parse(text), file);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function readPlan(source: string, given: string | undefined): Promise<PlanFacts> {
  const candidates = given ? [given] : [path.join(source, 'plan.json'), path.join(path.dirname(path.resolve(source)), 'plan.json')];
  for (const file of candidates) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text !== null) return planFacts(text, file);
  }
  throw new UsageError(
    `plan.json: not found at ${candidates.join(' or ')} (the bundle's plan names the topics and the LoRA to check against; pass --plan FILE)`,
  );
}

export const command: Command = {
  summary: "record what a TRL bundle's train.py wrote (adapters + run.json) as a run, every adapter checked",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      out: { type: 'string' },
      model: { type: 'string' },
      plan: { type: 'string' },
      token: { type: 'string' },
      force: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError(`expected one BUNDLE_OUTPUT folder, got ${positionals.length}`);
    const [sourceDir] = positionals;
    if (!(await stat(sourceDir).catch(() => null))?.isDirectory()) throw new UsageError(`${sourceDir}: no such folder`);
    const out = values.out ?? 'output';
    if (path.resolve(out) === path.resolve(sourceDir))
      throw new UsageError(`--out ${out}: choose a folder other than BUNDLE_OUTPUT (the import writes its own run.json)`);
    const plan = await readPlan(sourceDir, values.plan);
    const runFile = path.join(sourceDir, RUN_FILES.summary);
    const runText = await readFile(runFile, 'utf8').catch(() => null);
    if (runText === null) throw new UsageError(`${runFile}: missing (train.py writes run.json when the run finishes; run it again to finish or resume it)`);
    let runModel: unknown;
    try {
      runModel = (JSON.parse(runText) as { model?: unknown }).model;
    } catch (e) {
      throw new UsageError(`${runFile}: not valid JSON (${(e as Error).message})`);
    }
    const model = values.model ?? runModel;
    if (typeof model !== 'string') throw new UsageError(`${runFile}: model: expected a string (the base model's id), got ${JSON.stringify(runModel)}`);
    const target = new RunStore(await FsStore.open(out));
    if ((await target.readState()) && !values.force) throw new UsageError(`--out ${out}: already holds a run (${RUN_FILES.state}); pass --force to replace it`);
    const modelConfig = await loadModelConfig(model, values.token ?? process.env.HF_TOKEN);
    try {
      const source = await FsStore.open(sourceDir);
      const res = await importRun({ source, label: sourceDir, target, plan, modelConfig, replace: !!values.force });
      const pr = res.report.split('\n').find((l) => l.startsWith('**Pass rate')) ?? '';
      console.log(`Imported ${res.run.topics.length} topics and ${res.adapters.length} adapters into ${out}: ${pr.replace(/\*/g, '')}`);
      for (const key of res.adapters) console.log(`  ${key}`);
      return 0;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError((err as Error).message);
    }
  },
};
