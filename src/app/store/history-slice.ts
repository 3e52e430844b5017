// Run history state: every run in this browser (listed with date and pass rate), the one reopened
// read-only, the two chosen for comparison, the imported adapters; actions ask the training worker,
// which owns the store, and save its zips.
import type { StateCreator } from 'zustand';
import type { ImportEvaluation, RunInfo, RunSummary } from '../../workers/training-protocol.ts';
import { trainingClient, type TrainingClient } from '../training-client.ts';
import { saveBlob } from '../zip-download.ts';
import type { StudioState } from './types.ts';

export interface HistoryView {
  loaded: boolean;
  runs: RunSummary[];
  /** The run reopened read-only. */
  open: RunInfo | null;
  /** Up to two run ids, in the order chosen. */
  compare: string[];
  imports: string[];
  /** Imports ticked for merging. */
  mergeSel: string[];
  /** Each import's last evaluation (null: not evaluated). */
  evaluations: Record<string, ImportEvaluation | null>;
  /** What the worker is doing for the history now ('Zipping …', 'Checking …'). */
  busy: string | null;
  error: string | null;
  /** The last import's outcome, one line per adapter kept or note. */
  imported: string[] | null;
  /** The last run imported from a TRL bundle's output: its id and what it holds, one line per fact or note. */
  runImported: { runId: string; lines: string[] } | null;
}

export interface HistorySlice {
  history: HistoryView;
  loadHistory: () => Promise<void>;
  openRun: (id: string | null) => Promise<void>;
  toggleCompare: (id: string) => void;
  deleteRun: (id: string) => Promise<void>;
  downloadRun: (id: string) => Promise<void>;
  downloadRunAdapter: (runId: string | null, key: string) => Promise<void>;
  importAdapters: (name: string, files: { path: string; file: Blob }[]) => Promise<void>;
  /** Records a TRL bundle's output (folder files or one zip) as a new run, checked against the training form's model. */
  importRun: (name: string, files: { path: string; file: Blob }[]) => Promise<void>;
  deleteImport: (key: string) => Promise<void>;
  /** Evaluates an import on the saved curriculum's quizzes with the training form's model and limits. */
  evaluateImport: (key: string) => Promise<void>;
  toggleMergeSel: (key: string) => void;
  /** Merges the ticked imports exactly into a new import. */
  mergeImports: () => Promise<void>;
}

const initialHistory: HistoryView = {
  loaded: false,
  runs: [],
  open: null,
  compare: [],
  imports: [],
  evaluations: {},
  mergeSel: [],
  busy: null,
  error: null,
  imported: null,
  runImported: null,
};

type Set = Parameters<StateCreator<StudioState>>[0];
type Get = () => StudioState;

export function createHistorySlice(set: Set, get: Get, client: () => TrainingClient = trainingClient): HistorySlice {
  const patch = (p: Partial<HistoryView>) => set((s) => ({ history: { ...s.history, ...p } }));
  /** Runs `fn` with a busy line; its error is shown (as text) and nothing else changes. */
  const withBusy = async (label: string, fn: () => Promise<void>) => {
    patch({ busy: label, error: null });
    try {
      await fn();
    } catch (e) {
      patch({ error: (e as Error).message });
    } finally {
      patch({ busy: null });
    }
  };
  const reload = async () => {
    const [runs, evaluations] = await Promise.all([client().call('listRuns', {}), client().call('importEvaluations', {})]);
    const imports = Object.keys(evaluations);
    const ids = new Set(runs.map((r) => r.id));
    set((s) => ({
      history: {
        ...s.history,
        loaded: true,
        runs,
        imports,
        evaluations,
        mergeSel: s.history.mergeSel.filter((k) => imports.includes(k)),
        compare: s.history.compare.filter((id) => ids.has(id)),
        open: s.history.open?.runId && ids.has(s.history.open.runId) ? s.history.open : null,
      },
    }));
  };
  return {
    history: initialHistory,
    loadHistory: () => withBusy('Reading the runs', reload),
    openRun: (id) =>
      id === null ? Promise.resolve(patch({ open: null })) : withBusy('Opening the run', async () => patch({ open: await client().call('runInfo', { id }) })),
    toggleCompare: (id) =>
      set((s) => {
        const c = s.history.compare;
        const next = c.includes(id) ? c.filter((x) => x !== id) : [...c, id].slice(-2);
        return { history: { ...s.history, compare: next } };
      }),
    deleteRun: (id) =>
      withBusy('Deleting the run', async () => {
        await client().call('deleteRun', { id });
        await reload();
        if (get().training.runId === id) await get().loadTraining(); // the Training tab shows the newest run left
      }),
    downloadRun: (id) =>
      withBusy('Zipping the run', async () => {
        const z = await client().call('downloadRun', { id });
        saveBlob(z.blob, z.name);
      }),
    downloadRunAdapter: (runId, key) =>
      withBusy('Zipping the adapter', async () => {
        const z = await client().call('downloadAdapterZip', { runId, key });
        saveBlob(z.blob, z.name);
      }),
    importAdapters: (name, files) =>
      withBusy(`Checking ${name}`, async () => {
        patch({ imported: null });
        const r = await client().call('importAdapters', { name, files, model: get().trainModel });
        patch({ imported: [...r.keys.map((k) => `${k} (fits ${r.model})`), ...r.notes] });
        await reload();
      }),
    importRun: (name, files) =>
      withBusy(`Checking the run in ${name}`, async () => {
        patch({ runImported: null });
        const r = await client().call('importRun', { name, files, model: get().trainModel });
        const pr = r.passRate;
        const rate = pr.rate === null ? '' : ` (${(pr.rate * 100).toFixed(0)}%)`;
        patch({
          runImported: { runId: r.runId, lines: [`${r.topics} topics, ${r.adapters.length} adapters, ${pr.passed} / ${pr.trained} passed${rate}`, ...r.notes] },
        });
        await reload();
        await get().loadTraining(); // the import is now the newest run, which the Training tab shows
      }),
    evaluateImport: (key) =>
      withBusy('Evaluating the adapter', async () => {
        const s = get();
        // As a run started now: the form's model and limits, the studio's markers and overrides.
        const params = {
          key,
          model: s.trainModel,
          options: s.trainOptions,
          markersYaml: s.lastGoodMarkersYaml || undefined,
          markerSource: s.result?.analysis.markers,
          overrides: s.overrides,
        };
        const r = await client().call('evaluateImport', params, (p) => {
          if (p.type === 'status') patch({ busy: p.message });
        });
        set((s) => ({ history: { ...s.history, evaluations: { ...s.history.evaluations, [key]: r } } }));
      }),
    toggleMergeSel: (key) =>
      set((s) => {
        const sel = s.history.mergeSel;
        return { history: { ...s.history, mergeSel: sel.includes(key) ? sel.filter((k) => k !== key) : [...sel, key] } };
      }),
    mergeImports: () =>
      withBusy('Merging the adapters', async () => {
        const { key } = await client().call('mergeImports', { keys: get().history.mergeSel, model: get().trainModel });
        patch({ mergeSel: [], imported: [`${key} (exact merge)`] });
        await reload();
      }),
    deleteImport: (key) =>
      withBusy('Deleting the import', async () => {
        await client().call('deleteImport', { key });
        await reload();
      }),
  };
}
