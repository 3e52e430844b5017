// The standard Hugging Face hub cache, read and written as huggingface_hub does, so models are shared
// with transformers and `hf download` both ways:
//   models--ORG--NAME/blobs/{etag}                     file contents, named by the Hub's ETag
//   models--ORG--NAME/snapshots/{commit}/{file}        relative symlink → ../../blobs/{etag}
//   models--ORG--NAME/refs/{revision}                  the commit a branch or tag pointed at
import { mkdir, readdir, readFile, rename, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { isCommitHash } from './hub-id.ts';
import { nodeModelFiles, type ModelFiles } from '../model/weights.ts';
import { CONFIG, INDEX, WEIGHTS, shardsOfIndex, type HubNeed } from './model-files.ts';

export interface RepoCache {
  /** models--ORG--NAME */
  root: string;
  blobs: string;
  snapshots: string;
  refs: string;
  /** .locks/models--ORG--NAME: who is downloading which blob (see lock.ts). */
  locks: string;
}

export function repoCache(cacheDir: string, repoId: string): RepoCache {
  const root = join(cacheDir, `models--${repoId.replace(/\//g, '--')}`);
  const locks = join(cacheDir, '.locks', basename(root));
  return { root, blobs: join(root, 'blobs'), snapshots: join(root, 'snapshots'), refs: join(root, 'refs'), locks };
}

/** Whether a path exists as a file, following symlinks (a dangling snapshot link counts as missing). */
export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

/** The commit a revision names in the cache: itself for a commit hash, else what refs/{revision} holds; null when unknown. */
export async function cachedCommit(repo: RepoCache, revision: string): Promise<string | null> {
  if (isCommitHash(revision)) return revision;
  const ref = (await readFile(join(repo.refs, revision), 'utf8').catch(() => '')).trim();
  return isCommitHash(ref) ? ref : null;
}

/** Writes refs/{revision} = commit, atomically (a reader never sees half a hash). */
export async function writeRef(repo: RepoCache, revision: string, commit: string): Promise<void> {
  if (isCommitHash(revision)) return;
  const file = join(repo.refs, revision);
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, commit);
  await rename(tmp, file);
}

/** The files `need` requires that a snapshot folder lacks (weights: the single file, or the index and every shard it names). */
export async function missingFiles(dir: string, need: HubNeed): Promise<string[]> {
  const want = need === 'config' ? [CONFIG] : [CONFIG, 'tokenizer.json'];
  const missing: string[] = [];
  for (const f of want) if (!(await isFile(join(dir, f)))) missing.push(f);
  if (need === 'config' || (await isFile(join(dir, WEIGHTS)))) return missing;
  if (!(await isFile(join(dir, INDEX)))) return [...missing, WEIGHTS];
  let shards: string[];
  try {
    shards = shardsOfIndex(JSON.parse(await readFile(join(dir, INDEX), 'utf8')), join(dir, INDEX));
  } catch {
    return [...missing, INDEX]; // unreadable: fetch it again
  }
  for (const s of shards) if (!(await isFile(join(dir, s)))) missing.push(s);
  return missing;
}

/** The snapshot folder of a cached, complete model for `need`, or null (not cached, or missing files). */
export async function cachedSnapshot(repo: RepoCache, revision: string, need: HubNeed): Promise<{ dir: string; commit: string } | null> {
  const commit = await cachedCommit(repo, revision);
  if (!commit) return null;
  const dir = join(repo.snapshots, commit);
  return (await missingFiles(dir, need)).length === 0 ? { dir, commit } : null;
}

/** snapshots/{commit}/{file} → ../../blobs/{etag}, made atomically (a new link renamed over any old one). */
export async function linkSnapshotFile(repo: RepoCache, commit: string, file: string, etag: string): Promise<string> {
  const pointer = join(repo.snapshots, commit, file);
  await mkdir(dirname(pointer), { recursive: true });
  const tmp = `${pointer}.${process.pid}.link`;
  await unlink(tmp).catch(() => {});
  await symlink(relative(dirname(pointer), join(repo.blobs, etag)), tmp);
  await rename(tmp, pointer);
  return pointer;
}

/** ModelFiles over a snapshot folder, whose entries are symlinks to blobs (nodeModelFiles lists plain files only). */
export function snapshotModelFiles(dir: string): ModelFiles {
  return {
    ...nodeModelFiles(dir),
    list: async () => {
      const names: string[] = [];
      for (const name of await readdir(dir)) if (await isFile(join(dir, name))) names.push(name);
      return names;
    },
  };
}
