// Brings a run that train.py wrote (adapters in the studio's layout + run.json) into a RunStore: every
// adapter is checked against the base model (architecture, target modules, rank, shapes) and the plan's
// topics, the pass rate is recomputed, and the run is recorded as a finished run (state, run.json,
// report.md, adapters) that the studio and `mindprint eval` read. Works on any ArtifactStore.
import type { ModelConfig } from '../model/hf-config.ts';
import { ADAPTER_PHASES, adapterKey, HEAD_FILE, METRICS_FILE, mergedKey, type AdapterPhase } from '../storage/adapter-store.ts';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS, importPeft, readPeftScore } from '../storage/peft.ts';
import { RUN_FILES, RUN_STATE_VERSION, type RunStore } from '../storage/run-store.ts';
import type { ArtifactStore } from '../storage/store.ts';
import { passRate, renderRunReport, runJson } from '../training/run-report.ts';
import type { RunState } from '../training/run-types.ts';
import { parseRunJson, type ImportedRunJson } from './run-json.ts';

/** What the import needs from plan.json: the topics it knows and the LoRA every topic adapter must have. */
export interface PlanFacts {
  topics: string[];
  steps: number;
  lora: { r: number; target_modules: string[] };
  where: string;
}

/** Reads the facts import-run checks against from plan.json's text. */
export function planFacts(text: string, where: string): PlanFacts {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
  const topics = raw.topics;
  if (!Array.isArray(topics) || !topics.every((t) => typeof t?.id === 'string')) throw new Error(`${where}: topics: expected a list of {id, ...}`);
  const lora = (raw.pipeline as { lora?: { r?: unknown; target_modules?: unknown } } | undefined)?.lora;
  if (!lora || typeof lora.r !== 'number' || !Array.isArray(lora.target_modules))
    throw new Error(`${where}: pipeline.lora: expected {r, target_modules, ...}, got ${JSON.stringify(lora)}`);
  return {
    topics: topics.map((t) => t.id as string),
    steps: Array.isArray(raw.steps) ? raw.steps.length : 0,
    lora: { r: lora.r, target_modules: lora.target_modules as string[] },
    where,
  };
}

export interface ImportInputs {
  /** The folder train.py wrote (run.json, adapters/, merged_adapters/). */
  source: ArtifactStore;
  /** How `source` is named in errors (its path). */
  label: string;
  target: RunStore;
  plan: PlanFacts;
  /** The base model's config.json, parsed; the adapters must fit it. */
  modelConfig: ModelConfig;
  /** Clear a run already in the target (after every check passed, before writing). */
  replace?: boolean;
}

export interface ImportedRun {
  run: ImportedRunJson;
  state: RunState;
  adapters: string[];
  report: string;
}

/** The adapter keys run.json names, each with what it must be: a topic's phase or a unit's merge. */
function adapterRefs(run: ImportedRunJson, where: string): Map<string, { field: string; phase: AdapterPhase | 'merged' }> {
  const refs = new Map<string, { field: string; phase: AdapterPhase | 'merged' }>();
  run.topics.forEach((t, i) => {
    t.attempts.forEach((a, j) => {
      for (const [phase, key] of Object.entries(a.adapters) as [AdapterPhase, string][]) {
        const field = `${where}: topics[${i}].attempts[${j}].adapters.${phase}`;
        if (key !== adapterKey(t.id, phase))
          throw new Error(`${field}: '${key}' is not ${adapterKey(t.id, phase)}, where topic ${t.id} keeps its ${phase} adapter`);
        if (!refs.has(key)) refs.set(key, { field, phase });
      }
    });
    const last = t.finalAdapter;
    if (last !== null && !ADAPTER_PHASES.some((p) => adapterKey(t.id, p) === last))
      throw new Error(`${where}: topics[${i}].adapter: '${last}' is not one of topic ${t.id}'s adapters (adapters/${t.id}/{phase}_adapter)`);
    if (last !== null && !refs.has(last))
      refs.set(last, { field: `${where}: topics[${i}].adapter`, phase: last.slice(last.lastIndexOf('/') + 1, -'_adapter'.length) as AdapterPhase });
  });
  run.merged.forEach((m, i) => {
    if (m.key !== mergedKey(m.unit)) throw new Error(`${where}: merged[${i}].key: '${m.key}' is not ${mergedKey(m.unit)}`);
    refs.set(m.key, { field: `${where}: merged[${i}].key`, phase: 'merged' });
  });
  return refs;
}

/** Reads one adapter folder from the source and checks it; returns its files to copy. */
async function checkedAdapter(inp: ImportInputs, run: ImportedRunJson, key: string, ref: { field: string; phase: AdapterPhase | 'merged' }) {
  const [config, weights] = await Promise.all([inp.source.getText(`${key}/${ADAPTER_CONFIG}`), inp.source.get(`${key}/${ADAPTER_WEIGHTS}`)]);
  const at = `${inp.label}/${key}`;
  if (config === null || weights === null)
    throw new Error(`${at}/${config === null ? ADAPTER_CONFIG : ADAPTER_WEIGHTS}: missing (${ref.field} names this adapter)`);
  const files = { [ADAPTER_CONFIG]: config, [ADAPTER_WEIGHTS]: weights };
  const adapter = importPeft(files, inp.modelConfig, run.model, at);
  const score = readPeftScore(files, inp.modelConfig, at);
  if (ref.phase === 'reward' && !score)
    throw new Error(`${at}/${ADAPTER_WEIGHTS}: a reward adapter needs its head 'base_model.model.score.weight' (task_type SEQ_CLS), found none`);
  if (ref.phase !== 'merged') {
    const { r, target_modules: targets } = inp.plan.lora;
    if (adapter.config.r !== r) throw new Error(`${at}/${ADAPTER_CONFIG}: r: expected ${r} (${inp.plan.where} pipeline.lora.r), got ${adapter.config.r}`);
    const extra = adapter.config.targetModules.filter((t) => !targets.includes(t));
    if (extra.length)
      throw new Error(
        `${at}/${ADAPTER_CONFIG}: target_modules: ${extra.join(', ')} not in ${inp.plan.where} pipeline.lora.target_modules [${targets.join(', ')}]`,
      );
  }
  const out: [string, string | Uint8Array][] = [
    [`${key}/${ADAPTER_CONFIG}`, config],
    [`${key}/${ADAPTER_WEIGHTS}`, weights],
  ];
  for (const extra of [METRICS_FILE, HEAD_FILE]) {
    const bytes = await inp.source.get(`${key}/${extra}`);
    if (bytes) out.push([`${key}/${extra}`, bytes]);
  }
  return out;
}

/** The run state of an imported run: finished, its folds and unit parts as run.json records them. */
function stateOf(run: ImportedRunJson, steps: number): RunState {
  const folded = run.topics.filter((t) => t.merged && t.finalAdapter).map((t) => t.finalAdapter as string);
  const unitParts: Record<string, string[]> = {};
  for (const t of run.topics) if (t.merged && t.finalAdapter) (unitParts[t.unit] ??= []).push(t.finalAdapter);
  return {
    version: RUN_STATE_VERSION,
    seed: run.seed,
    modelName: run.model,
    alignment: run.alignment,
    phases: run.phases,
    cursor: steps,
    attemptPhase: null,
    topics: run.topics,
    exams: run.exams,
    folded,
    unitParts,
    merged: run.merged,
    metrics: [],
    progress: null,
    finished: run.finished,
  };
}

/** Checks everything first, then writes: a bad adapter leaves the target untouched. */
export async function importRun(inp: ImportInputs): Promise<ImportedRun> {
  const where = `${inp.label}/${RUN_FILES.summary}`;
  const text = await inp.source.getText(RUN_FILES.summary);
  if (text === null) throw new Error(`${where}: missing (train.py writes run.json when the run finishes; run it again to finish or resume it)`);
  const run = parseRunJson(text, where);
  if (!run.finished) throw new Error(`${where}: finished: false: train.py stopped before the end; run it again with the same arguments to resume it`);
  const known = new Set(inp.plan.topics);
  run.topics.forEach((t, i) => {
    if (!known.has(t.id)) throw new Error(`${where}: topics[${i}].id: unknown topic '${t.id}' (${inp.plan.where} has ${inp.plan.topics.join(', ')})`);
  });
  const state = stateOf(run, inp.plan.steps);
  const pr = passRate(state);
  if (pr.passed !== run.passRate.passed || pr.trained !== run.passRate.trained)
    throw new Error(`${where}: passRate: says ${run.passRate.passed} of ${run.passRate.trained}, but its topics say ${pr.passed} of ${pr.trained}`);
  const entries: [string, string | Uint8Array][] = [];
  const refs = adapterRefs(run, where);
  for (const [key, ref] of refs) entries.push(...(await checkedAdapter(inp, run, key, ref)));
  if (inp.replace) await inp.target.clear();
  await inp.target.store.putMany(entries, { durable: true });
  await inp.target.writeState(state);
  const similarity = run.similarity;
  const report = renderRunReport(state, similarity);
  await inp.target.writeOutputs(
    { ...runJson(state, similarity), ...(run.markers ? { markers: run.markers } : {}), importedFrom: { trainer: 'trl', folder: inp.label } },
    report,
  );
  return { run, state, adapters: [...refs.keys()].sort(), report };
}
