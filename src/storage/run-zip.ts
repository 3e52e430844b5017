// A run, or one adapter, as a zip (written by fflate) streamed to a sink: one stored value is read,
// zipped and handed on at a time, so a big run never sits whole in memory. The layout is the CLI's
// output folder (adapters/{source}/{phase}_adapter/, merged_adapters/{unit}_merged/, run.json,
// report.md, metrics.jsonl, run/options.json, run/config.json) inside one top folder; resume
// internals (run/state.json, the progress tensors) stay out. Safetensors are stored, text deflated.
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { renderRunReport, runJson } from '../training/run-report.ts';
import { ADAPTERS_ROOT, MERGED_ROOT } from './adapter-store.ts';
import { RUN_FILES, RunStore } from './run-store.ts';
import type { ArtifactStore } from './store.ts';

/** Receives the zip's bytes in order; awaited before the next value is read. */
export type ZipSink = (chunk: Uint8Array) => void | Promise<void>;

export interface ZipResult {
  /** Paths inside the zip, in order. */
  files: string[];
  bytes: number;
}

/** The run's keys that go into its zip, in order: outputs first, then adapters. */
export async function runZipKeys(store: ArtifactStore): Promise<string[]> {
  const keys = [RUN_FILES.summary, RUN_FILES.report, RUN_FILES.metrics, RUN_FILES.options, RUN_FILES.config];
  const present = [];
  for (const k of keys) if (await store.has(k)) present.push(k);
  return [...present, ...(await store.list(ADAPTERS_ROOT)), ...(await store.list(MERGED_ROOT))];
}

/** Writes `entries` (path in the zip → bytes, read lazily one at a time) as a zip into `sink`. */
export async function writeZip(entries: Iterable<[string, () => Promise<Uint8Array>]>, sink: ZipSink, mtime = new Date()): Promise<ZipResult> {
  const pending: Uint8Array[] = [];
  let failed: Error | null = null;
  let bytes = 0;
  const zip = new Zip((err, chunk) => {
    if (err) failed = err;
    else pending.push(chunk);
  });
  const drain = async () => {
    if (failed) throw new Error(`zip: ${(failed as Error).message}`);
    while (pending.length) {
      const chunk = pending.shift()!;
      bytes += chunk.byteLength;
      await sink(chunk);
    }
  };
  const files: string[] = [];
  for (const [path, read] of entries) {
    const data = await read();
    const file = /\.(json|jsonl|md|txt|yaml)$/.test(path) ? new ZipDeflate(path, { level: 6 }) : new ZipPassThrough(path);
    file.mtime = mtime;
    zip.add(file);
    file.push(data, true);
    files.push(path);
    await drain();
  }
  zip.end();
  await drain();
  return { files, bytes };
}

async function mustGet(store: ArtifactStore, key: string): Promise<Uint8Array> {
  const bytes = await store.get(key);
  if (!bytes) throw new Error(`zip: '${key}' went missing while the zip was written (was the run deleted?)`);
  return bytes;
}

/**
 * Writes one run's zip (the store is the run's own scope) under the folder `top`. An unfinished run has
 * no run.json or report.md yet: they are written from its saved state, as the run would at its end.
 */
export async function writeRunZip(store: ArtifactStore, top: string, sink: ZipSink, mtime?: Date): Promise<ZipResult> {
  const keys = await runZipKeys(store);
  const entries: [string, () => Promise<Uint8Array>][] = keys.map((k) => [`${top}/${k}`, () => mustGet(store, k)]);
  const missing = [RUN_FILES.summary, RUN_FILES.report].filter((k) => !keys.includes(k));
  if (missing.length) {
    const runs = new RunStore(store);
    const state = await runs.readState();
    if (state) {
      const opts = await runs.readOptions<{ similarityUsed?: { name: string; reason: string } | null }>();
      const similarity = opts?.similarityUsed ?? { name: 'not known', reason: 'the run did not record it' };
      const made: Record<string, () => Promise<Uint8Array>> = {
        [RUN_FILES.summary]: async () => new TextEncoder().encode(JSON.stringify(runJson(state, similarity), null, 2) + '\n'),
        [RUN_FILES.report]: async () => new TextEncoder().encode(renderRunReport(state, similarity)),
      };
      entries.unshift(...missing.map((k): [string, () => Promise<Uint8Array>] => [`${top}/${k}`, made[k]]));
    }
  }
  return writeZip(entries, sink, mtime);
}

/** Writes one stored adapter folder (`key`, e.g. adapters/unit-01/t/sft_adapter) as a zip under `folder`. */
export async function writeAdapterZip(store: ArtifactStore, key: string, folder: string, sink: ZipSink): Promise<ZipResult> {
  const keys = await store.list(key);
  if (!keys.length) throw new Error(`zip: no adapter stored at '${key}'`);
  return writeZip(
    keys.map((k) => [`${folder}/${k.slice(key.length + 1)}`, () => mustGet(store, k)]),
    sink,
  );
}
