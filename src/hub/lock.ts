// One downloader per blob: two mindprint processes fetching the same model (train and eval started
// together) would otherwise append to one .incomplete file. A lock file holds the owner's pid; a lock
// whose process is gone is taken over. (huggingface_hub locks with flock on .locks/…/{etag}.lock,
// which Node cannot do; ours sits beside it under its own name.)
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RepoCache } from './cache.ts';

const POLL_MS = 250;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Runs `fn` holding the lock of blob `etag`; while another live process holds it, waits (telling `onWait` once). */
export async function withBlobLock<T>(repo: RepoCache, etag: string, fn: () => Promise<T>, onWait: (pid: number) => void): Promise<T> {
  await mkdir(repo.locks, { recursive: true });
  const lock = join(repo.locks, `${etag}.mindprint.lock`);
  let told = false;
  let sawEmpty = false;
  for (;;) {
    try {
      const fh = await open(lock, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
    const held = pid > 0 && alive(pid);
    if (held && !told) onWait(pid);
    told ||= held;
    if (held || (!pid && !sawEmpty)) {
      // Held by a live process, or empty (its writer is between open and write): look again soon.
      sawEmpty = !pid;
      await new Promise((ok) => setTimeout(ok, POLL_MS));
    } else {
      await unlink(lock).catch(() => {}); // its process is gone: take it over
      sawEmpty = false;
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => {});
  }
}
