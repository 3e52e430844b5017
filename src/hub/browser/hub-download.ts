// A Hub model into the studio's browser cache: first the small files that tell what it is
// (config.json, and the index of a sharded model) so the size and the memory plan show before any
// weights come; then the rest, each file appended to blobs/{etag}.incomplete in commits, resumed with
// a Range after a cut, checked (size, and sha256 for LFS files) and only then renamed whole.
import { HubError } from '../errors.ts';
import { parseHubId, type HubId } from '../hub-id.ts';
import { CONFIG, INDEX, selectFiles, shardsOfIndex } from '../model-files.ts';
import { parseModelConfig } from '../../model/hf-config.ts';
import type { BlobDir, BlobWriter } from './blob-dir.ts';
import { isAbort, isQuotaError, studioConnectionLost, studioQuotaFull } from './errors.ts';
import { BrowserHubClient, type BrowserHubSettings } from './hub-fetch.ts';
import { blobBytes, blobPath, cachedSnapshot, readManifest, writeManifest, writeRef, type CachedFile, type SnapshotManifest } from './hub-cache.ts';
import { Sha256 } from './sha256.ts';
import { TransferMeter, type TransferSnapshot } from './transfer-meter.ts';

/** What a Hub id resolves to before its weights are fetched. */
export interface HubInspection {
  id: HubId;
  commit: string;
  files: CachedFile[];
  totalBytes: number;
  /** Bytes already in this browser (whole files and partial ones). */
  haveBytes: number;
  /** config.json, parsed as JSON (not yet checked: the caller parses it for the plan). */
  config: unknown;
  /** Whether the model ships a chat template (chat_template.jinja, or in tokenizer_config.json). */
  chatTemplate: boolean;
  /** True when the whole snapshot was in the cache (no request was made). */
  cached: boolean;
  requests: number;
}

/** The first commit of a file's bytes comes after this many (later ones at doubling sizes: see appendBody). */
const COMMIT_BYTES = 8 * 2 ** 20;

export function parseHubIdOrThrow(text: string): HubId {
  const id = parseHubId(text.trim());
  if (!id) throw new HubError('repo-not-found', `'${text.trim()}' is not a Hugging Face model id: write ORG/NAME or ORG/NAME@REVISION.`);
  return id;
}

async function readJson(dir: BlobDir, repoId: string, f: CachedFile): Promise<unknown> {
  const blob = await dir.file(blobPath(repoId, f.etag));
  try {
    return JSON.parse(await blob!.text());
  } catch (e) {
    throw new HubError('integrity', `${repoId}/${f.name} is not valid JSON (${(e as Error).message}): the repo is broken; pin another revision with @REV.`);
  }
}

/**
 * The model's files, size and config.json: from the cache with no request when a complete snapshot is
 * there, else from the Hub (metadata, then config.json and the index, which are cached as they come).
 */
export async function inspectHubModel(
  idText: string,
  s: BrowserHubSettings,
  dir: BlobDir,
  signal?: AbortSignal,
  fetchFn?: typeof fetch,
): Promise<HubInspection> {
  const id = parseHubIdOrThrow(idText);
  const have = await cachedSnapshot(dir, id.repoId, id.revision);
  if (have) {
    const config = await readJson(dir, id.repoId, have.files.find((f) => f.name === CONFIG)!);
    const totalBytes = have.files.reduce((a, f) => a + f.size, 0);
    const chatTemplate = await hasChatTemplate(have.files, (f) => readJson(dir, id.repoId, f));
    return { id, commit: have.commit, files: have.files, totalBytes, haveBytes: totalBytes, config, chatTemplate, cached: true, requests: 0 };
  }
  const client = new BrowserHubClient(s, id, fetchFn);
  const { commit, siblings } = await client.modelInfo(signal);
  const { files: names, sharded } = selectFiles(
    id.repoId,
    siblings.map((x) => x.name),
    'model',
  );
  const byName = new Map(siblings.map((x) => [x.name, x]));
  const files: CachedFile[] = [];
  for (const n of names) files.push(await client.describe(commit, byName.get(n)!, signal));
  const meter = new TransferMeter(0, 0);
  const small = async (name: string) => {
    const f = files.find((x) => x.name === name)!;
    await downloadFile(client, dir, commit, f, meter, signal ?? new AbortController().signal);
    return readJson(dir, id.repoId, f);
  };
  const config = await small(CONFIG);
  try {
    parseModelConfig(config, `${id.repoId}/config.json`);
  } catch (e) {
    throw new HubError('unsupported', `${(e as Error).message}; nothing more of ${id.repoId} was downloaded: pick a model of a supported architecture.`);
  }
  if (sharded) {
    const shards = shardsOfIndex(await small(INDEX), `${id.repoId}/${INDEX}`);
    const absent = shards.filter((f) => !byName.has(f));
    if (absent.length)
      throw new HubError('integrity', `${id.repoId}/${INDEX} names ${absent.join(', ')}, which the repo lacks: pin another revision with @REV.`);
    for (const n of shards) files.push(await client.describe(commit, byName.get(n)!, signal));
  }
  const chatTemplate = await hasChatTemplate(files, (f) => small(f.name));
  const old = await readManifest(dir, id.repoId, commit);
  const revisions = [...new Set([...(old?.revisions ?? []), id.revision])];
  await writeManifest(dir, { repoId: id.repoId, commit, revisions, files, complete: false, savedAt: Date.now() });
  let haveBytes = 0;
  for (const f of files) haveBytes += (await blobBytes(dir, id.repoId, f)).bytes;
  const totalBytes = files.reduce((a, f) => a + f.size, 0);
  return { id, commit, files, totalBytes, haveBytes, config, chatTemplate, cached: false, requests: client.requests };
}

/** chat_template.jinja in the repo, or a chat_template in tokenizer_config.json (a small file, read to know). */
async function hasChatTemplate(files: CachedFile[], read: (f: CachedFile) => Promise<unknown>): Promise<boolean> {
  if (files.some((f) => f.name === 'chat_template.jinja')) return true;
  const tc = files.find((f) => f.name === 'tokenizer_config.json');
  if (!tc) return false;
  const t = (await read(tc)) as { chat_template?: unknown } | null;
  return t?.chat_template !== undefined && t?.chat_template !== null;
}

/** Downloads what the inspected snapshot still lacks, then marks it complete. `onProgress` gets a snapshot per chunk. */
export async function downloadHubModel(
  insp: HubInspection,
  s: BrowserHubSettings,
  dir: BlobDir,
  onProgress: (p: TransferSnapshot) => void,
  signal: AbortSignal,
  fetchFn?: typeof fetch,
): Promise<SnapshotManifest & { requests: number }> {
  const client = new BrowserHubClient(s, insp.id, fetchFn);
  let have = 0;
  for (const f of insp.files) have += (await blobBytes(dir, insp.id.repoId, f)).bytes;
  const meter = new TransferMeter(insp.totalBytes, have);
  onProgress(meter.snapshot());
  for (const f of insp.files) {
    meter.beginFile(f.name);
    await downloadFile(client, dir, insp.commit, f, meter, signal, onProgress);
  }
  const old = await readManifest(dir, insp.id.repoId, insp.commit);
  const manifest: SnapshotManifest = {
    repoId: insp.id.repoId,
    commit: insp.commit,
    revisions: [...new Set([...(old?.revisions ?? []), insp.id.revision])],
    files: insp.files,
    complete: true,
    savedAt: Date.now(),
  };
  await writeManifest(dir, manifest);
  await writeRef(dir, insp.id.repoId, insp.id.revision, insp.commit);
  onProgress(meter.snapshot());
  return { ...manifest, requests: client.requests };
}

async function hashPrefix(blob: Blob, hash: Sha256): Promise<void> {
  const reader = blob.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    hash.update(value);
  }
}

/** One file into blobs/{etag} unless it is whole there already; what arrives before a failure is kept. */
async function downloadFile(
  client: BrowserHubClient,
  dir: BlobDir,
  commit: string,
  f: CachedFile,
  meter: TransferMeter,
  signal: AbortSignal,
  onProgress?: (p: TransferSnapshot) => void,
): Promise<void> {
  const repoId = client.id.repoId;
  const path = blobPath(repoId, f.etag);
  const part = `${path}.incomplete`;
  const now = await blobBytes(dir, repoId, f);
  if (now.whole) return;
  let start = now.bytes;
  let hash = f.sha256 ? new Sha256() : null;
  if (hash && start > 0) await hashPrefix((await dir.file(part))!.slice(0, start), hash);
  if (start < f.size || f.size === 0) {
    let res = await client.openBytes(commit, f.name, start, signal);
    if (start > 0 && res.status !== 206) {
      // The server ignored the Range (200) or refused it (416): start the file over.
      meter.lose(start);
      start = 0;
      hash = f.sha256 ? new Sha256() : null;
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => {});
        res = await client.openBytes(commit, f.name, 0, signal);
      }
    }
    start = await appendBody(res, dir, part, start, f, repoId, hash, meter, onProgress);
  }
  if (start !== f.size || (hash && hash.hex() !== f.etag)) {
    await dir.remove(part);
    const what = start !== f.size ? `${start} bytes where the Hub said ${f.size}` : 'its sha256 differs from the Hub’s';
    throw new HubError('integrity', `${repoId}/${f.name} arrived corrupt (${what}) and was deleted: press Download to fetch it afresh.`);
  }
  await dir.move(part, path);
}

/**
 * Streams a response onto the end of `part`; returns the file's new length. It commits once the new bytes
 * reach the size already committed (at least COMMIT_BYTES): an OPFS commit copies the whole file (a
 * writable opened with keepExistingData starts from a copy), so doubling sizes keep the copying under
 * twice the file, while a closed tab loses at most half of what arrived (a cut or Cancel loses nothing).
 */
async function appendBody(
  res: Response,
  dir: BlobDir,
  part: string,
  start: number,
  f: CachedFile,
  repoId: string,
  hash: Sha256 | null,
  meter: TransferMeter,
  onProgress?: (p: TransferSnapshot) => void,
): Promise<number> {
  let w: BlobWriter;
  try {
    w = await dir.append(part, start);
  } catch (e) {
    await res.body?.cancel().catch(() => {});
    throw isQuotaError(e) ? studioQuotaFull(repoId, f.name, start, f.size) : e;
  }
  let committed = start,
    pos = start;
  try {
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (pos + value.length > f.size) throw new HubError('integrity', `${repoId}/${f.name}: the Hub sent more than the ${f.size} bytes it listed.`);
      await w.write(value);
      hash?.update(value);
      pos += value.length;
      meter.advance(value.length);
      onProgress?.(meter.snapshot());
      if (pos - committed >= Math.max(COMMIT_BYTES, committed)) {
        await w.commit();
        committed = pos;
      }
    }
    await w.close();
    return pos;
  } catch (e) {
    if (isQuotaError(e)) {
      await w.abort().catch(() => {});
      throw studioQuotaFull(repoId, f.name, committed, f.size);
    }
    await w.close().catch(() => w.abort().catch(() => {})); // keep what arrived, for the next try
    if (isAbort(e) || e instanceof HubError) throw e;
    throw studioConnectionLost(repoId, f.name, pos, f.size);
  }
}
