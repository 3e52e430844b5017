// The keys a curriculum run's callers (the CLI, the training worker) read and write beside the
// pipeline's own: the options a run started with, the saved state, the outputs, and what a fresh start
// clears. Kept in this one small module so they can move to the run store (src/storage/run-store.ts).
import type { ArtifactStore } from '../storage/store.ts';
import { STATE_KEY, type RunState } from './pipeline.ts';

const OPTIONS_KEY = 'run/options.json';
const RUN_JSON = 'run.json';
const REPORT_MD = 'report.md';
/** Everything a run writes; a fresh start removes it. */
const RUN_KEYS = ['run', 'adapters', 'merged_adapters', 'metrics.jsonl', RUN_JSON, REPORT_MD];

export const runFiles = {
  async state(store: ArtifactStore): Promise<RunState | null> {
    const text = await store.getText(STATE_KEY);
    return text ? (JSON.parse(text) as RunState) : null;
  },
  hasState: (store: ArtifactStore): Promise<boolean> => store.has(STATE_KEY),
  async options<T>(store: ArtifactStore): Promise<T | null> {
    const text = await store.getText(OPTIONS_KEY);
    return text ? (JSON.parse(text) as T) : null;
  },
  saveOptions: (store: ArtifactStore, options: unknown): Promise<void> => store.put(OPTIONS_KEY, JSON.stringify(options, null, 2), { durable: true }),
  report: (store: ArtifactStore): Promise<string | null> => store.getText(REPORT_MD),
  /** run.json and report.md, written together once the run finished. */
  saveOutputs: (store: ArtifactStore, runJson: unknown, reportMd: string): Promise<void> =>
    store.putMany([[RUN_JSON, JSON.stringify(runJson, null, 2) + '\n'], [REPORT_MD, reportMd]], { durable: true }),
  async clear(store: ArtifactStore): Promise<void> {
    for (const k of RUN_KEYS) await store.delete(k);
  },
};
