// The training worker's run history and adapter transfers: runs listed, read, deleted and zipped;
// adapters zipped one at a time; PEFT adapters imported (checked against the chosen model first).
// A zip is built from fflate's streamed pieces into a Blob, which the browser keeps out of the JS heap
// (paged to disk when large) and hands to the page by reference, so a big run is never one buffer.
import { parseModelConfig, type ModelConfig } from '../model/hf-config.ts';
import { TINY_MODEL_NAME } from '../model/load.ts';
import { buildTinyModel } from '../model/tiny-model.ts';
import { importAdapters } from '../storage/adapter-import.ts';
import { deleteImported, listImported, mergeImported, saveImported } from '../storage/adapter-imports.ts';
import { IdbStore } from '../storage/idb-store.ts';
import { RunLibrary } from '../storage/run-library.ts';
import { writeAdapterZip, writeRunZip, type ZipResult, type ZipSink } from '../storage/run-zip.ts';
import { importRunInto, type RunImportResult } from '../bundle/studio-import-run.ts';
import { HUB_CACHE_DIR, snapshotModelFiles } from '../hub/browser/hub-cache.ts';
import { OpfsBlobDir } from '../hub/browser/opfs-dir.ts';
import type { ImportParams, ModelChoice, RunInfo, StoredRunOptions, ZipDownload } from './training-protocol.ts';

let opened: Promise<RunLibrary> | null = null;

/** The browser's run history ('mindprint-run'), migrated from the one-run layout on first open. */
export function history(): Promise<RunLibrary> {
  opened ??= (async () => {
    const lib = new RunLibrary(await IdbStore.open('mindprint-run'));
    await lib.migrate();
    return lib;
  })();
  return opened;
}

/** One run as the panels show it (the newest when `id` is null). */
export async function runInfo(lib: RunLibrary, id: string | null, running: boolean): Promise<RunInfo> {
  if (id === null) return { runId: null, state: null, options: null, report: null, adapters: [], running };
  const runs = lib.run(id);
  return {
    runId: id,
    state: await runs.readState(),
    options: await runs.readOptions<StoredRunOptions>(),
    report: await runs.readReport(),
    adapters: await runs.listAdapters(),
    running,
  };
}

/** Pieces under this size are gathered before they become a Blob part (fflate emits small headers). */
const PART_BYTES = 1 << 20;

async function zipToBlob(name: string, write: (sink: ZipSink) => Promise<ZipResult>): Promise<ZipDownload> {
  const parts: Blob[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pending.length) parts.push(new Blob(pending as BlobPart[]));
    pending = [];
    pendingBytes = 0;
  };
  const result = await write((chunk) => {
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    if (pendingBytes >= PART_BYTES) flush();
  });
  flush();
  return { name, blob: new Blob(parts, { type: 'application/zip' }), bytes: result.bytes, files: result.files.length };
}

/** A run as mindprint-run-{id}.zip. */
export async function runZip(lib: RunLibrary, id: string): Promise<ZipDownload> {
  if (!(await lib.ids()).includes(id)) throw new Error(`No run '${id}' is stored in this browser`);
  const top = `mindprint-run-${id}`;
  return zipToBlob(`${top}.zip`, (sink) => writeRunZip(lib.scope(id), top, sink));
}

/** One adapter of a run (or an import, runId null) as {folder}.zip. */
export async function adapterZip(lib: RunLibrary, runId: string | null, key: string): Promise<ZipDownload> {
  const store = runId === null ? lib.store : lib.scope(runId);
  // adapters/unit-01/chapter-01/topic-02/sft_adapter → unit-01_chapter-01_topic-02_sft_adapter
  const folder = key.replace(/^(adapters|merged_adapters|imports)\//, '').replace(/\//g, '_');
  return zipToBlob(`${folder}.zip`, (sink) => writeAdapterZip(store, key, folder, sink));
}

/** The chosen model's config and the name adapters record: from config.json alone where it can. */
async function modelConfigOf(model: ModelChoice): Promise<{ config: ModelConfig; name: string }> {
  if (model.kind === 'tiny') return { config: parseModelConfig(JSON.parse(buildTinyModel(0)['config.json'] as string)), name: TINY_MODEL_NAME };
  if (model.kind === 'files') {
    const f = model.files.find((x) => x.name === 'config.json' || x.name.endsWith('/config.json'));
    if (!f) throw new Error(`${model.label}: config.json is missing, so adapters cannot be checked against it`);
    let json: unknown;
    try {
      json = JSON.parse(await f.file.text());
    } catch (e) {
      throw new Error(`${model.label}/config.json: not valid JSON (${(e as Error).message})`);
    }
    return { config: parseModelConfig(json, `${model.label}/config.json`), name: model.label };
  }
  // A Hub model: its config.json from this browser's cache, no weights read.
  const dir = await OpfsBlobDir.open(HUB_CACHE_DIR);
  if (!dir) throw new Error(`${model.label}: this browser has no private file storage (OPFS) for the model cache: pick the model's folder instead`);
  const files = await snapshotModelFiles(dir, model.repoId, model.commit);
  const text = new TextDecoder().decode(await files.read('config.json'));
  return { config: parseModelConfig(text, `${model.repoId}/config.json`), name: model.repoId };
}

/** Checks every adapter of the picked files or zip against the model, then keeps them all (or none). */
export async function importPicked(
  lib: RunLibrary,
  p: { name: string; files: { path: string; file: Blob }[]; model: ModelChoice },
): Promise<{ keys: string[]; notes: string[]; model: string }> {
  if (!p.files.length) throw new Error(`${p.name}: nothing was picked`);
  const { config, name } = await modelConfigOf(p.model);
  const files = await Promise.all(p.files.map(async (f) => ({ path: f.path, bytes: new Uint8Array(await f.file.arrayBuffer()) })));
  const checked = importAdapters(files, config, name, p.name);
  const keys = await saveImported(lib.store, checked, p.name);
  return { keys, notes: checked.flatMap((c) => c.notes.map((n) => `${c.folder || p.name}: ${n}`)), model: name };
}

/** Merges imported adapters exactly into imports/merged/{UTC time}, checked against the chosen model. */
export async function mergePicked(lib: RunLibrary, p: { keys: string[]; model: ModelChoice }): Promise<{ key: string }> {
  const { config } = await modelConfigOf(p.model);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return { key: await mergeImported(lib.store, p.keys, config, stamp) };
}

/** Records a TRL bundle's output (a picked folder's files or one zip) as a new run; nothing is kept unless it all checks. */
export async function importRunPicked(lib: RunLibrary, p: ImportParams): Promise<RunImportResult> {
  const { config, name } = await modelConfigOf(p.model);
  return importRunInto(lib, {
    name: p.name,
    files: p.files.map((f) => ({ path: f.path, data: f.file })),
    modelConfig: config,
    modelName: name,
    modelChoice: p.model.kind === 'files' ? { kind: 'files', label: p.model.label } : p.model,
  });
}

export const listImports = async (lib: RunLibrary) => listImported(lib.store);
export const deleteImport = async (lib: RunLibrary, key: string) => ({ deleted: await deleteImported(lib.store, key) });
