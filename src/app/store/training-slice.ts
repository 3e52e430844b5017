// Training state: the run form (model, phases, alignment, topics, quick limits), the live run (status,
// current topic and phase, metrics, the last checkpointed state), the adapters and the report; actions
// talk to the training worker, which owns the GPU and writes everything to IndexedDB itself.
import type { StateCreator } from 'zustand';
import type { AdapterEntry } from '../../storage/adapter-store.ts';
import {
  QUICK_OPTIONS,
  type ModelChoice,
  type PhaseMetric,
  type Phase,
  type RunOutcome,
  type RunSnapshot,
  type StoredRunOptions,
  type TrainOptions,
  type TrainingProgress,
} from '../../workers/training-protocol.ts';
import { TrainingError, trainingClient, type TrainingClient } from '../training-client.ts';
import { saveBlob } from '../zip-download.ts';
import type { StudioState } from './types.ts';
import { phaseMetric } from '../../training/metric-types.ts';
import { loadRunLog, saveRunLog } from '../run-log.ts';

export type RunStatus = 'idle' | 'starting' | 'running' | 'pausing' | 'paused' | 'interrupted' | 'finished' | 'failed';

export interface CurrentStep {
  topicId: string;
  index: number;
  total: number;
  attempt: number;
  retries: number; // retries the config allows ("retry 1 of 2")
  phase: Phase | null;
}

export interface TrainingView {
  /** True once the stored run (if any) has been read. */
  loaded: boolean;
  /** The shown run's id in the history (runs/{id}); null before the first run. */
  runId: string | null;
  status: RunStatus;
  /** What the worker is doing right now (loading the model, starting WebGPU, ...). */
  message: string | null;
  error: string | null;
  deviceLost: boolean;
  /** The last checkpointed run state (without metrics). */
  state: RunSnapshot | null;
  metrics: PhaseMetric[];
  current: CurrentStep | null;
  /** The options of the run shown (saved with it; Resume repeats them). */
  runOptions: StoredRunOptions | null;
  similarity: { name: string; reason: string } | null;
  adapters: AdapterEntry[];
  report: string | null;
  log: string[];
  /** Questions answered so far in the evaluation or exam going (null outside them). */
  questions: { what: string; done: number; total: number } | null;
}

export interface TrainingSlice {
  training: TrainingView;
  /** The form: what Start will run. */
  trainOptions: TrainOptions;
  trainModel: ModelChoice;
  loadTraining: () => Promise<void>;
  setTrainOptions: (patch: Partial<TrainOptions>) => void;
  setTrainModel: (model: ModelChoice) => void;
  startTraining: () => Promise<void>;
  pauseTraining: () => Promise<void>;
  resumeTraining: () => Promise<void>;
  downloadAdapter: (key: string) => Promise<void>;
}

const LOG_LINES = 200;

const initialView: TrainingView = {
  loaded: false,
  runId: null,
  status: 'idle',
  message: null,
  error: null,
  deviceLost: false,
  state: null,
  metrics: [],
  current: null,
  runOptions: null,
  similarity: null,
  adapters: [],
  report: null,
  log: [],
  questions: null,
};

type Set = Parameters<StateCreator<StudioState>>[0];
type Get = () => StudioState;

/** What the training actions share: the store's set/get, the worker client, and small state writers. */
interface TrainingCtx {
  set: Set;
  get: Get;
  client: () => TrainingClient;
  /** Merges fields into the training view. */
  patch: (p: Partial<TrainingView>) => void;
  /** Appends a line to the run log, keeping the last LOG_LINES. */
  addLog: (line: string) => void;
  /** Re-reads the adapter list from the worker (a failure keeps the list shown). */
  refreshAdapters: () => Promise<void>;
}

/** The shared writers over the store for one training slice. */
function trainingCtx(set: Set, get: Get, client: () => TrainingClient): TrainingCtx {
  const patch = (p: Partial<TrainingView>) => set((s) => ({ training: { ...s.training, ...p } }));
  const addLog = (line: string) => {
    set((s) => ({ training: { ...s.training, log: [...s.training.log.slice(-(LOG_LINES - 1)), line] } }));
    saveRunLog(get().training.log);
  };
  const refreshAdapters = async () => {
    try {
      patch({ adapters: await client().listAdapters() });
    } catch {
      /* the list is refreshed again after the next phase */
    }
  };
  return { set, get, client, patch, addLog, refreshAdapters };
}

/** Applies one progress message from the worker to the view and the log. */
function applyProgress({ get, patch, addLog, refreshAdapters }: TrainingCtx, p: TrainingProgress): void {
  const t = get().training;
  switch (p.type) {
    case 'metrics':
      patch({ metrics: [...t.metrics, ...p.records], status: t.status === 'starting' ? 'running' : t.status });
      for (const r of p.records) {
        if (r.phase === 'eval' && typeof r.score === 'number') {
          addLog(
            `${r.topicId}: evaluation score ${r.score.toFixed(3)} / threshold ${r.threshold} → ${r.passed ? 'passed' : 'failed'}${r.source ? ` (${r.source})` : ''}`,
          );
        }
      }
      break;
    case 'checkpoint':
      patch({ state: p.state });
      break;
    case 'status':
      patch({ message: p.message });
      break;
    case 'run':
      patch({ runOptions: p.options, runId: p.runId });
      break;
    case 'similarity':
      patch({ similarity: { name: p.name, reason: p.reason } });
      addLog(`Semantic similarity: ${p.reason}`);
      break;
    case 'topic':
      patch({
        current: { topicId: p.topicId, index: p.index, total: p.total, attempt: p.attempt, retries: p.retries, phase: null },
        message: null,
        status: t.status === 'starting' ? 'running' : t.status,
      });
      addLog(`[${p.index + 1}/${p.total}] ${p.topicId}${p.attempt ? ` (retry ${p.attempt} of ${p.retries})` : ''}`);
      break;
    case 'phase':
      if (p.status === 'start')
        patch({
          current: t.current ? { ...t.current, phase: p.phase } : { topicId: p.topicId, index: 0, total: 0, attempt: 0, retries: 0, phase: p.phase },
          message: null,
        });
      else {
        addLog(`${p.topicId}: ${p.phase} ${p.status}${p.message ? ` — ${p.message}` : ''}`);
        if (p.status === 'done' && p.phase !== 'eval') void refreshAdapters();
      }
      break;
    case 'exam':
      addLog(`Exam ${p.result.title}: accuracy ${(p.result.accuracy * 100).toFixed(1)}%, bars ${p.result.passed ? 'met' : 'not met'}`);
      break;
    case 'merge':
      void refreshAdapters();
      addLog(`Merged ${p.unit} → ${p.key} (rank ${p.rank}${p.relativeError === null ? ', exact' : `, error ${p.relativeError.toExponential(2)}`})`);
      break;
    case 'log':
      addLog(p.message);
      break;
    case 'questions':
      patch({ questions: p.done < p.total ? { what: p.what, done: p.done, total: p.total } : null });
      break;
    case 'warning':
      addLog(`⚠ ${p.topicId}: ${p.message}`);
      break;
  }
}

/** Runs a start/resume call to its end: finished, paused, or failed (device loss says Resume). */
async function drive({ get, client, patch, addLog, refreshAdapters }: TrainingCtx, call: () => Promise<RunOutcome>): Promise<void> {
  try {
    const out = await call();
    const { metrics, ...snapshot } = out.state;
    patch({
      status: out.status,
      state: snapshot,
      metrics: metrics.map(phaseMetric),
      report: out.report,
      current: out.status === 'finished' ? null : get().training.current,
      message: null,
    });
    addLog(out.status === 'finished' ? 'Run finished' : 'Paused after the last completed phase; Resume continues from there');
  } catch (e) {
    const err = e as Error;
    patch({ status: 'failed', error: err.message, deviceLost: e instanceof TrainingError && e.deviceLost, message: null });
  } finally {
    await refreshAdapters();
    try {
      const info = await client().info();
      patch({ runOptions: info.options, report: info.report ?? get().training.report });
    } catch {
      /* keep what is shown */
    }
  }
}

/** Reads the stored run (status, metrics, options, adapters, report) into the view and the form. */
async function loadTraining({ set, client, patch }: TrainingCtx): Promise<void> {
  try {
    const info = await client().info();
    const st = info.state;
    const status: RunStatus = info.running ? 'running' : !st ? 'idle' : st.finished ? 'finished' : 'interrupted';
    const { metrics = [], ...snapshot } = st ?? ({} as Partial<NonNullable<typeof st>>);
    set((s) => ({
      training: {
        ...s.training,
        loaded: true,
        runId: info.runId,
        status,
        state: st ? (snapshot as RunSnapshot) : null,
        metrics: metrics.map(phaseMetric),
        runOptions: info.options,
        similarity: info.options?.similarityUsed ?? null,
        adapters: info.adapters,
        report: info.report,
        log: s.training.log.length ? s.training.log : loadRunLog(),
      },
      // The form starts from the stored run's options, so Start repeats it unless changed.
      trainOptions: info.options ? pickOptions(info.options) : s.trainOptions,
    }));
  } catch (e) {
    patch({ loaded: true, error: `Could not read the saved run: ${(e as Error).message}` });
  }
}

/** Clears the view and starts a new run with the form's options and the studio's markers and overrides. */
async function startTraining(ctx: TrainingCtx, onProgress: (p: TrainingProgress) => void): Promise<void> {
  const s = ctx.get();
  ctx.patch({
    status: 'starting',
    error: null,
    deviceLost: false,
    state: null,
    metrics: [],
    current: null,
    report: null,
    adapters: [],
    similarity: null,
    runOptions: null,
    log: [],
    message: 'Preparing the run',
  });
  saveRunLog([]);
  await drive(ctx, () =>
    // Markers and overrides as the studio shows them now ('' before the analysis worker restored them: the worker reads the saved ones).
    ctx
      .client()
      .start(
        {
          model: s.trainModel,
          options: s.trainOptions,
          markersYaml: s.lastGoodMarkersYaml || undefined,
          markerSource: s.result?.analysis.markers,
          overrides: s.overrides,
        },
        onProgress,
      ),
  );
}

/** Asks the worker to pause after the current phase. */
async function pauseTraining({ client, patch, addLog }: TrainingCtx): Promise<void> {
  const { pausing } = await client().pause();
  if (pausing) {
    patch({ status: 'pausing' });
    addLog('Pausing after the current phase…');
  }
}

/** Resumes the stored run from its last completed phase (with the picked model files when it used files). */
async function resumeTraining(ctx: TrainingCtx, onProgress: (p: TrainingProgress) => void): Promise<void> {
  const s = ctx.get();
  const model = s.training.runOptions?.model.kind === 'files' && s.trainModel.kind === 'files' ? s.trainModel : undefined;
  ctx.patch({ status: 'starting', error: null, deviceLost: false, message: 'Resuming the run' });
  ctx.addLog('Resuming from the last completed phase');
  await drive(ctx, () => ctx.client().resume(model, onProgress));
}

/** Saves an adapter as a tar file, or shows why it could not. */
async function downloadAdapter({ get, client }: TrainingCtx, key: string): Promise<void> {
  try {
    const z = await client().call('downloadAdapterZip', { runId: get().training.runId, key });
    saveBlob(z.blob, z.name);
  } catch (e) {
    get().notify({ kind: 'error', text: (e as Error).message });
  }
}

/** The training slice: the run form, the live run view, and the actions that drive the training worker. */
export function createTrainingSlice(set: Set, get: Get, client: () => TrainingClient = trainingClient): TrainingSlice {
  const ctx = trainingCtx(set, get, client);
  const onProgress = (p: TrainingProgress) => applyProgress(ctx, p);
  return {
    training: initialView,
    trainOptions: QUICK_OPTIONS,
    trainModel: { kind: 'tiny' },
    loadTraining: () => loadTraining(ctx),
    setTrainOptions: (p) => set((s) => ({ trainOptions: { ...s.trainOptions, ...p } })),
    setTrainModel: (model) => set({ trainModel: model }),
    startTraining: () => startTraining(ctx, onProgress),
    pauseTraining: () => pauseTraining(ctx),
    resumeTraining: () => resumeTraining(ctx, onProgress),
    downloadAdapter: (key) => downloadAdapter(ctx, key),
  };
}

/** The form's options out of a stored run's options. */
function pickOptions(o: StoredRunOptions): TrainOptions {
  return {
    phases: o.phases,
    alignment: o.alignment,
    topics: o.topics,
    maxSteps: o.maxSteps,
    maxSeqLength: o.maxSeqLength,
    maxNewTokens: o.maxNewTokens,
    seed: o.seed,
    retries: o.retries ?? null,
    similarity: o.similarity,
  };
}
