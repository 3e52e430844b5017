// One file's bytes into the cache: written to blobs/{etag}.incomplete, resumed from its length with a
// Range request, checked against the Hub's size (and sha256 when the ETag is one, as for LFS files),
// then renamed to blobs/{etag}, so a blob that exists is always whole and nothing cached is touched.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isFile, type RepoCache } from './cache.ts';
import { HubError, isDiskFull } from './errors.ts';
import type { FileMeta, HubClient } from './http.ts';
import { formatBytes, type DownloadProgress } from './progress.ts';

/** Abort a body that sends nothing for this long (a stalled connection). */
const IDLE_MS = 60_000;

const isSha256 = (etag: string) => /^[0-9a-f]{64}$/.test(etag);

async function hashPrefix(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

function diskFull(part: string, have: number, meta: FileMeta): HubError {
  return new HubError(
    'disk-full',
    `${part}: the disk is full after ${formatBytes(have)} of ${formatBytes(meta.size)} (${formatBytes(meta.size - have)} more needed): free space or point HF_HUB_CACHE at a larger disk, then run again to resume; the files already cached are intact`,
  );
}

function connectionLost(repoId: string, meta: FileMeta, have: number, why: string): HubError {
  return new HubError(
    'network',
    `${repoId}/${meta.file}: the connection was lost after ${formatBytes(have)} of ${formatBytes(meta.size)} (${why}): run the command again to resume from there`,
  );
}

/** Streams a response body onto the end of `part`; returns the bytes written (an error keeps what was written for the next try). */
async function appendBody(res: Response, part: string, start: number, hash: Hash | null, progress: DownloadProgress, idle: () => void): Promise<number> {
  const fh = await open(part, start > 0 ? 'a' : 'w');
  let written = 0;
  try {
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return written;
      idle();
      await fh.write(value);
      hash?.update(value);
      written += value.length;
      progress.advance(value.length);
    }
  } catch (err) {
    (err as { written?: number }).written = written;
    throw err;
  } finally {
    await fh.close().catch(() => {});
  }
}

/** Downloads one file into blobs/{etag} unless it is there already. */
export async function downloadBlob(client: HubClient, repoId: string, meta: FileMeta, repo: RepoCache, progress: DownloadProgress): Promise<void> {
  const blob = join(repo.blobs, meta.etag);
  if (await isFile(blob)) return;
  const part = `${blob}.incomplete`;
  let start = 0;
  try {
    await mkdir(repo.blobs, { recursive: true });
    start = (await stat(part).catch(() => null))?.size ?? 0;
    if (start > meta.size) await truncate(part, (start = 0));
  } catch (err) {
    throw isDiskFull(err) ? diskFull(part, start, meta) : err;
  }
  let hash = isSha256(meta.etag) ? createHash('sha256') : null;
  if (hash && start > 0) await hashPrefix(part, hash);
  progress.beginFile(meta.file, meta.size, start);
  let have = start;
  if (start < meta.size) {
    const ac = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => ac.abort(new Error(`no data for ${IDLE_MS / 1000} s`)), IDLE_MS);
    };
    idle();
    try {
      let res = await client.openBytes(meta, start, ac.signal);
      if (start > 0 && res.status !== 206) {
        // The server ignored the Range (200) or refused it (416): start the file over.
        progress.endFile(start);
        await truncate(part, 0);
        hash = isSha256(meta.etag) ? createHash('sha256') : null;
        have = start = 0;
        progress.beginFile(meta.file, meta.size, 0);
        if (res.status !== 200) {
          await res.body?.cancel().catch(() => {});
          res = await client.openBytes(meta, 0, ac.signal);
        }
      }
      have += await appendBody(res, part, start, hash, progress, idle);
    } catch (err) {
      have += (err as { written?: number }).written ?? 0;
      if (err instanceof HubError) throw err;
      if (isDiskFull(err)) throw diskFull(part, have, meta);
      throw connectionLost(repoId, meta, have, (err as Error).message || String(err));
    } finally {
      clearTimeout(timer);
    }
  }
  if (have < meta.size) throw connectionLost(repoId, meta, have, 'the server closed it early');
  const digest = hash?.digest('hex');
  if (have > meta.size || (digest && digest !== meta.etag)) {
    await unlink(part).catch(() => {});
    const what = have > meta.size ? `${have} bytes where the Hub said ${meta.size}` : `sha256 ${digest} where the Hub said ${meta.etag}`;
    throw new HubError(
      'integrity',
      `${repoId}/${meta.file}: the downloaded file is corrupt (${what}); it was deleted: run the command again to download it afresh`,
    );
  }
  await rename(part, blob);
  progress.endFile();
}
