// The training worker: owns the WebGPU device and serves the training protocol over the envelope
// (src/util/rpc.ts). A run is the core's prepareRun/runPrepared (src/training/prepare-run.ts) over the
// curriculum the studio saved (or the files given), with IndexedDB ('mindprint-run') as its store.
// Pause aborts the run's signal: it stops after the current phase's checkpoint; Resume continues.
import pipelineYaml from '../../configs/training_pipeline.yaml?raw';
import { parsePipelineConfig } from '../config/pipeline-config.ts';
import { GpuRuntime, DeviceLostError } from '../engine/runtime.ts';
import { gpuBackend } from '../engine/backend.ts';
import { phaseMetric, type PhaseMetric } from '../training/metric-types.ts';
import { checkRunOptions, prepareRun, runPrepared } from '../training/prepare-run.ts';
import { RunStore } from '../storage/run-store.ts';
import { sha256Hex } from '../storage/run-library.ts';
import { adapterZip, deleteImport, history, importPicked, importRunPicked, listImports, mergePicked, runInfo, runZip } from './history-handlers.ts';
import { evaluateImport, readImportEvaluation } from './import-eval.ts';
import { loadModelChoice, loadSimilarityChoice, precisionOf, readInputs } from './run-inputs.ts';
import { serve, type Handlers } from '../util/rpc.ts';
import { batched } from '../util/pace.ts';
import { cancelGenerate, playgroundGenerate, playgroundQuizzes, releasePlayground } from './playground.ts';
import {
  TRAINING_PROTOCOL_VERSION,
  type ModelChoice,
  type RunOutcome,
  type StartParams,
  type StoredRunOptions,
  type TrainingMethods,
  type TrainingProgress,
} from './training-protocol.ts';

type Report = (p: TrainingProgress) => void;
/** Metric batches go out at most this often (ms): ~10 messages per second. */
const METRIC_FLUSH_MS = 100;

/** The run going in this tab; aborting it pauses the run. */
let pause: AbortController | null = null;
/** The id of the run going (runs/{id} in the history). */
let going: string | null = null;
/** True while an imported adapter is evaluated (it holds the GPU, as a run does). */
let evaluating = false;
/** The newest run's store: the one the Training tab shows, Resume continues and the playground reads. */
const currentRuns = async () => {
  const lib = await history();
  const id = await lib.latest();
  return id ? lib.run(id) : null;
};

async function run(p: StartParams, resume: boolean, report: Report): Promise<RunOutcome> {
  if (pause) throw new Error('A run is already going in this tab: pause it or wait for it to finish');
  if (evaluating) throw new Error('An imported adapter is being evaluated on the GPU: wait for it to finish, then start');
  const signal = (pause = new AbortController()).signal;
  releasePlayground(); // the run needs the GPU the playground held
  let where = 'preparing the run'; // for the device-lost message
  let rt: GpuRuntime | null = null;
  // Metrics are batched; any other event flushes the batch first so the page sees them in order.
  const metrics = batched<PhaseMetric>((records) => report({ type: 'metrics', records }), METRIC_FLUSH_MS);
  try {
    const o = p.options,
      model = p.model,
      status = (message: string) => report({ type: 'status', message });
    checkRunOptions(o);
    const inputs = await readInputs(p, status);
    // WebGPU first: the model's tensors are uploaded as they are read, so the page never holds the model.
    status('Starting WebGPU');
    rt = await GpuRuntime.create();
    const be = gpuBackend(rt);
    const prepared = await prepareRun({
      ...inputs,
      options: o,
      config: parsePipelineConfig(pipelineYaml, 'configs/training_pipeline.yaml'),
      status,
      loadModel: () => loadModelChoice(model, status, { ...precisionOf(o), backend: be }),
      loadSimilarity: () => loadSimilarityChoice(o.similarity, status),
    });
    report({ type: 'similarity', ...prepared.similarityUsed });
    const lib = await history();
    // A new run gets its own folder in the history; Resume continues the newest.
    const runId = resume ? await lib.latest() : await lib.newId();
    if (!runId) throw new Error('There is no saved run in this browser to resume: start one');
    going = runId;
    const st = lib.scope(runId);
    const runs = new RunStore(st);
    const stored: StoredRunOptions = {
      ...o,
      seed: prepared.seed,
      model: model.kind === 'files' ? { kind: 'files', label: model.label } : model,
      modelName: prepared.bundle.name,
      similarityUsed: prepared.similarityUsed,
      startedAt: Date.now(),
      dataFingerprint: await sha256Hex(
        JSON.stringify([prepared.dataset.sft, prepared.dataset.preference, prepared.dataset.distinctions, prepared.dataset.evalSets]),
      ),
    };
    if (resume) stored.startedAt = (await runs.readOptions<StoredRunOptions>())?.startedAt ?? stored.startedAt;
    await runs.writeOptions(stored);
    await runs.writeConfig({ topics: prepared.topicConfigs });
    report({ type: 'run', options: stored, runId });
    const outcome = await runPrepared(prepared, {
      be,
      store: st,
      resume,
      signal,
      onEvent: (e) => {
        if (e.type === 'metric') return metrics.push(phaseMetric(e.record));
        if (e.type === 'topic') where = `topic ${e.topicId}`;
        if (e.type === 'phase' && e.status === 'start') where = `topic ${e.topicId}, ${e.phase}`;
        metrics.flush();
        report(e);
      },
      afterCheckpoint: ({ metrics: _m, ...snapshot }) => {
        metrics.flush();
        report({ type: 'checkpoint', state: snapshot }); // cloned by postMessage now
      },
    });
    metrics.flush();
    return outcome;
  } catch (e) {
    metrics.flush();
    if (!(e instanceof DeviceLostError || rt?.isLost)) throw e;
    const err = new Error(
      `The WebGPU device was lost during ${where} (${(e as Error).message}). Everything up to the last completed phase is saved in this browser: press Resume to continue.`,
    );
    err.name = 'DeviceLostError';
    throw err;
  } finally {
    metrics.stop();
    rt?.destroy();
    pause = null;
    going = null;
  }
}

const handlers: Handlers<TrainingMethods, TrainingProgress> = {
  async info() {
    const lib = await history();
    return runInfo(lib, await lib.latest(), !!pause);
  },
  start: (p, report) => run(p, false, report),
  async resume(p, report) {
    const runs = await currentRuns();
    const saved = await runs?.readOptions<StoredRunOptions>();
    if (!saved || !(await runs?.readState())) throw new Error('There is no saved run in this browser to resume: start one');
    let model: ModelChoice = saved.model.kind === 'hub' ? saved.model : { kind: 'tiny' }; // a Hub model is read from the browser's cache again
    if (saved.model.kind === 'files') {
      if (!p.model || p.model.kind !== 'files') throw new Error(`This run trained ${saved.model.label}: pick that model folder again to resume`);
      model = p.model;
    }
    const { model: _m, modelName: _n, similarityUsed: _s, startedAt: _t, ...options } = saved;
    return run({ files: p.files, markersYaml: p.markersYaml, overrides: p.overrides, model, options }, true, report);
  },
  async pause() {
    pause?.abort();
    return { pausing: !!pause };
  },
  listAdapters: async () => (await currentRuns())?.listAdapters() ?? [],
  listRuns: async () => (await history()).list(),
  runInfo: async ({ id }) => runInfo(await history(), id, going === id),
  async deleteRun({ id }) {
    if (going === id) throw new Error('This run is training now: pause it before deleting it');
    return { deleted: await (await history()).delete(id) };
  },
  downloadRun: async ({ id }) => runZip(await history(), id),
  downloadAdapterZip: async ({ runId, key }) => adapterZip(await history(), runId, key),
  importAdapters: async (p) => importPicked(await history(), p),
  listImports: async () => listImports(await history()),
  deleteImport: async ({ key }) => deleteImport(await history(), key),
  mergeImports: async (p) => mergePicked(await history(), p),
  async importRun(p) {
    // The import becomes the newest run, which Resume would continue: not while one trains.
    if (pause) throw new Error('A run is training: pause it (or wait for it to finish) before importing a run');
    return importRunPicked(await history(), p);
  },
  async evaluateImport(p, report) {
    if (pause) throw new Error('A run is training on this GPU: pause it (or wait for it to finish) to evaluate an adapter');
    if (evaluating) throw new Error('An adapter is being evaluated already: wait for it to finish');
    releasePlayground(); // the evaluation needs the GPU the playground held
    evaluating = true;
    try {
      return await evaluateImport(await history(), p, (message) => report({ type: 'status', message }));
    } finally {
      evaluating = false;
    }
  },
  async importEvaluations() {
    const lib = await history();
    const keys = await listImports(lib);
    return Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await readImportEvaluation(lib, k)] as const)));
  },
  playgroundQuizzes: () => playgroundQuizzes(),
  async generate(p, report) {
    if (pause) throw new Error('A run is training on this GPU: pause it (or wait for it to finish) to use the playground');
    return playgroundGenerate(p, await currentRuns(), report, (await history()).store); // no run yet: the base answers alone (or an import)
  },
  stopGenerate: async () => cancelGenerate(),
};

// Requests run concurrently: a pause or an adapter download must not wait for the run to end.
serve(self as unknown as DedicatedWorkerGlobalScope, {
  version: TRAINING_PROTOCOL_VERSION,
  label: 'training protocol',
  handlers,
  order: 'concurrent',
  errorFlags: (e) => ({ deviceLost: (e as Error).name === 'DeviceLostError' }),
});
