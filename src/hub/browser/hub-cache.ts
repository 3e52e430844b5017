// The studio's Hub cache, in a BlobDir (OPFS), laid out as the Hugging Face cache is but without
// symlinks: models--ORG--NAME/blobs/{etag} (whole files only; a download in progress is
// blobs/{etag}.incomplete), snapshots/{commit}.json (the file list: name → etag and size) and
// refs/{revision} (the commit it pointed at). A snapshot is usable once its manifest says complete.
import { blobModelFiles, type ModelFiles } from '../../model/weights.ts';
import { type BlobDir, readText, writeText } from './blob-dir.ts';

export interface CachedFile {
  name: string;
  /** sha256 of LFS files, git blob sha1 of the rest (as the Hub gives them). */
  etag: string;
  size: number;
  /** True when the etag is the content's sha256 (checked after download). */
  sha256: boolean;
}

export interface SnapshotManifest {
  repoId: string;
  commit: string;
  /** Revisions asked for that resolved to this commit ('main', a tag, ...). */
  revisions: string[];
  files: CachedFile[];
  /** Every file is in blobs/, checked. */
  complete: boolean;
  savedAt: number;
}

export interface CachedModel extends SnapshotManifest {
  /** Bytes of the files present (whole blobs plus partial ones). */
  bytes: number;
  /** Bytes of all the snapshot's files once complete. */
  totalBytes: number;
}

/** The OPFS folder the studio's Hub cache lives in. */
export const HUB_CACHE_DIR = 'mindprint-hub';

export const repoFolder = (repoId: string) => `models--${repoId.replace('/', '--')}`;
const repoOfFolder = (f: string) => (f.startsWith('models--') ? f.slice(8).replace('--', '/') : null);
export const blobPath = (repoId: string, etag: string) => `${repoFolder(repoId)}/blobs/${etag}`;
const manifestPath = (repoId: string, commit: string) => `${repoFolder(repoId)}/snapshots/${commit}.json`;
const refPath = (repoId: string, rev: string) => `${repoFolder(repoId)}/refs/${encodeURIComponent(rev)}`;

export async function readManifest(dir: BlobDir, repoId: string, commit: string): Promise<SnapshotManifest | null> {
  const text = await readText(dir, manifestPath(repoId, commit));
  if (text === null) return null;
  try {
    return JSON.parse(text) as SnapshotManifest;
  } catch {
    return null; // a manifest is written whole (tmp + rename); a broken one is treated as absent
  }
}

export const writeManifest = (dir: BlobDir, m: SnapshotManifest) => writeText(dir, manifestPath(m.repoId, m.commit), JSON.stringify(m));

export async function writeRef(dir: BlobDir, repoId: string, rev: string, commit: string): Promise<void> {
  await writeText(dir, refPath(repoId, rev), commit);
}

/** The size of blobs/{etag} when whole, of blobs/{etag}.incomplete otherwise (0 when neither). */
export async function blobBytes(dir: BlobDir, repoId: string, f: CachedFile): Promise<{ whole: boolean; bytes: number }> {
  const whole = await dir.file(blobPath(repoId, f.etag));
  if (whole && whole.size === f.size) return { whole: true, bytes: whole.size };
  const part = await dir.file(`${blobPath(repoId, f.etag)}.incomplete`);
  return { whole: false, bytes: Math.min(part?.size ?? 0, f.size) };
}

/** The complete snapshot a revision points at in the cache, or null (no request is made). */
export async function cachedSnapshot(dir: BlobDir, repoId: string, revision: string): Promise<SnapshotManifest | null> {
  const commit = (await readText(dir, refPath(repoId, revision)))?.trim() || (/^[0-9a-f]{40}$/.test(revision) ? revision : null);
  if (!commit) return null;
  const m = await readManifest(dir, repoId, commit);
  if (!m?.complete) return null;
  for (const f of m.files) if (!(await blobBytes(dir, repoId, f)).whole) return null;
  return m;
}

/** Every snapshot in the cache (complete or partly downloaded), with its size, newest first. */
export async function listCachedModels(dir: BlobDir): Promise<CachedModel[]> {
  const out: CachedModel[] = [];
  for (const folder of await dir.list('')) {
    const repoId = repoOfFolder(folder);
    if (!repoId) continue;
    for (const name of await dir.list(`${folder}/snapshots`)) {
      if (!name.endsWith('.json')) continue;
      const m = await readManifest(dir, repoId, name.slice(0, -5));
      if (!m) continue;
      let bytes = 0;
      for (const f of m.files) bytes += (await blobBytes(dir, repoId, f)).bytes;
      out.push({ ...m, bytes, totalBytes: m.files.reduce((s, f) => s + f.size, 0) });
    }
  }
  return out.sort((a, b) => b.savedAt - a.savedAt);
}

/** Removes a repo's files (every snapshot, partial downloads included) from the cache. */
export const deleteCachedRepo = (dir: BlobDir, repoId: string) => dir.remove(repoFolder(repoId));

/** ModelFiles over a complete cached snapshot (disk-backed Blobs: read when the loader asks). */
export async function snapshotModelFiles(dir: BlobDir, repoId: string, commit: string): Promise<ModelFiles> {
  const m = await readManifest(dir, repoId, commit);
  if (!m?.complete) throw new Error(`${repoId} (${commit.slice(0, 7)}) is not downloaded completely in this browser: download it in the Model tab first`);
  const blobs = new Map<string, Blob>();
  for (const f of m.files) {
    const b = await dir.file(blobPath(repoId, f.etag));
    if (!b || b.size !== f.size)
      throw new Error(`${repoId}/${f.name} is missing from this browser's model cache (evicted?): download ${repoId} again in the Model tab`);
    blobs.set(f.name, b);
  }
  return blobModelFiles(blobs, repoId);
}
