// Every run a browser keeps: each under `runs/{id}/` with the keys of one run (RunStore through a
// ScopedStore), listed newest last; the newest is the current run (the one Resume continues).
// A store written before the history existed held one run at its root: migrate() moves it into
// `runs/{id}/` (id from its start time), paused progress included, so it is listed and still resumes.
import { passRate, type PassRate } from '../training/run-report.ts';
import { RUN_FILES, RUN_ROOTS, RunStore } from './run-store.ts';
import { ScopedStore } from './scoped-store.ts';
import { keyProblem, type ArtifactStore } from './store.ts';

export const RUNS_ROOT = 'runs';

/** What the history lists and compares of one run. */
export interface RunSummary {
  id: string;
  /** ms since the epoch, from run/options.json; null when the run never got that far. */
  startedAt: number | null;
  modelName: string | null;
  alignment: string | null;
  phases: string[];
  /** sha-256 of the curriculum the run trained on (hex), when recorded. */
  dataFingerprint: string | null;
  /** The folder a TRL bundle's output was imported from (startedAt is then the import's time); null for a run trained here. */
  importedFrom: string | null;
  /** 'finished', 'unfinished' (a state saved, Resume continues it) or 'empty' (no state yet). */
  status: 'finished' | 'unfinished' | 'empty';
  passRate: PassRate | null;
  topics: { id: string; trainable: boolean; score: number | null; threshold: number; passed: boolean }[];
  adapters: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** '20261203-065618-k3f9': sortable by time (UTC), a valid one-segment key. */
export function runIdAt(ms: number, suffix: string): string {
  const d = new Date(ms);
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `${stamp}-${suffix}`;
}

/** Throws unless `id` names one folder under runs/. */
export function checkRunId(id: string, where: string): void {
  const why = typeof id === 'string' && id.includes('/') ? "contains '/'" : keyProblem(id);
  if (why) throw new Error(`${where}: run id ${JSON.stringify(id)} ${why}`);
}

/** sha-256 of text, hex (Web Crypto: the browser, workers and Node 20 alike). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export class RunLibrary {
  constructor(readonly store: ArtifactStore) {}

  /** The store of one run: its keys as the CLI writes them into an output folder. */
  scope(id: string): ScopedStore {
    checkRunId(id, 'RunLibrary');
    return new ScopedStore(this.store, `${RUNS_ROOT}/${id}`);
  }

  run(id: string): RunStore {
    return new RunStore(this.scope(id));
  }

  /** Run ids, oldest first. */
  async ids(): Promise<string[]> {
    const ids = new Set((await this.store.list(RUNS_ROOT)).map((k) => k.split('/')[1]));
    return [...ids].sort();
  }

  /** The newest run: the one the Training tab shows and Resume continues. */
  async latest(): Promise<string | null> {
    return (await this.ids()).at(-1) ?? null;
  }

  /** A new, unused run id for a run starting at `now`. */
  async newId(now = Date.now()): Promise<string> {
    const taken = new Set(await this.ids());
    for (;;) {
      const id = runIdAt(now, Math.random().toString(36).slice(2, 6).padEnd(4, '0'));
      if (!taken.has(id) && id > ([...taken].at(-1) ?? '')) return id;
      now += 1000; // ids sort by time: never before an existing one
    }
  }

  async summary(id: string): Promise<RunSummary> {
    const runs = this.run(id);
    const options = (await runs.readOptions<Record<string, unknown>>().catch(() => null)) ?? {};
    const state = await runs.readState();
    const adapters = (await runs.listAdapters()).length;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      id,
      startedAt: typeof options.startedAt === 'number' ? options.startedAt : null,
      modelName: str(options.modelName) ?? state?.modelName ?? null,
      alignment: state?.alignment ?? str(options.alignment),
      phases: state?.phases ?? (Array.isArray(options.phases) ? (options.phases as string[]) : []),
      dataFingerprint: str(options.dataFingerprint),
      importedFrom: str((options.importedFrom as { folder?: unknown } | undefined)?.folder),
      status: !state ? 'empty' : state.finished ? 'finished' : 'unfinished',
      passRate: state ? passRate(state) : null,
      topics: (state?.topics ?? []).map((t) => ({ id: t.id, trainable: t.trainable, score: t.score, threshold: t.threshold, passed: t.passed })),
      adapters,
    };
  }

  /** Every run, oldest first; a run whose files cannot be read is listed by id with status 'empty'. */
  async list(): Promise<RunSummary[]> {
    const out: RunSummary[] = [];
    for (const id of await this.ids()) out.push(await this.summary(id));
    return out;
  }

  /** Removes a run and everything it wrote; returns how many values went. */
  async delete(id: string): Promise<number> {
    checkRunId(id, 'RunLibrary.delete');
    const n = await this.store.delete(`${RUNS_ROOT}/${id}`);
    if (n === 0) throw new Error(`RunLibrary.delete: no run '${id}' is stored`);
    return n;
  }

  /**
   * Moves a run stored at the root (before the history) into runs/{id}; returns its id, or null when
   * there is none. Every value is copied before any is deleted and the id comes from the run's start
   * time, so a migration cut short is finished by the next call, with nothing lost or doubled.
   */
  async migrate(): Promise<string | null> {
    const legacy: string[] = [];
    for (const root of RUN_ROOTS) legacy.push(...(await this.store.list(root)));
    if (!legacy.length) return null;
    const old = new RunStore(this.store);
    const options = await old.readOptions<{ startedAt?: unknown }>().catch(() => null);
    const id = runIdAt(typeof options?.startedAt === 'number' ? options.startedAt : 0, 'saved');
    const to = this.scope(id);
    // The state last: until it is there, the copy is not a run a reader would resume.
    const ordered = [...legacy.filter((k) => k !== RUN_FILES.state), ...legacy.filter((k) => k === RUN_FILES.state)];
    for (const key of ordered) {
      const bytes = await this.store.get(key);
      if (bytes) await to.put(key, bytes, { durable: key === RUN_FILES.state });
    }
    // run/ (options and state) goes last, so a cut-short delete still finds the same id next time.
    for (const root of [...RUN_ROOTS.filter((r) => r !== 'run'), 'run']) await this.store.delete(root);
    return id;
  }
}
