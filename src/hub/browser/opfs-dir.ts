// BlobDir on the Origin Private File System (navigator.storage.getDirectory()). Chosen over Cache
// Storage because a download must resume: an OPFS file is appended in commits, so a cut connection
// or a closed tab keeps what arrived, whereas cache.put() stores a response whole or not at all. In a
// worker (the Hub worker) it writes in place through a sync access handle, a commit being a flush;
// elsewhere through createWritable with keepExistingData, which starts from a copy of the file. Files
// read back as disk-backed File objects, sliced without loading a model into memory.
import type { BlobDir, BlobWriter } from './blob-dir.ts';

const split = (path: string) => path.split('/').filter(Boolean);

export class OpfsBlobDir implements BlobDir {
  private constructor(private readonly root: FileSystemDirectoryHandle) {}

  /** The folder `name` at the top of this origin's OPFS; null where the browser has no OPFS. */
  static async open(name: string): Promise<OpfsBlobDir | null> {
    const storage = (globalThis as { navigator?: Navigator }).navigator?.storage;
    if (!storage?.getDirectory) return null;
    try {
      const top = await storage.getDirectory();
      return new OpfsBlobDir(await top.getDirectoryHandle(name, { create: true }));
    } catch {
      return null;
    }
  }

  private async folder(parts: string[], create: boolean): Promise<FileSystemDirectoryHandle | null> {
    let d = this.root;
    for (const p of parts) {
      try {
        d = await d.getDirectoryHandle(p, { create });
      } catch {
        return null;
      }
    }
    return d;
  }

  private async handle(path: string, create: boolean): Promise<FileSystemFileHandle | null> {
    const parts = split(path);
    const d = await this.folder(parts.slice(0, -1), create);
    if (!d) return null;
    try {
      return await d.getFileHandle(parts.at(-1)!, { create });
    } catch {
      return null;
    }
  }

  async file(path: string): Promise<Blob | null> {
    const h = await this.handle(path, false);
    // A file being written through a sync access handle cannot be read meanwhile: absent until closed.
    return h ? h.getFile().catch(() => null) : null;
  }

  async append(path: string, at: number): Promise<BlobWriter> {
    const h = await this.handle(path, true);
    if (!h) throw new Error(`${path}: cannot create the file in this browser's private storage`);
    // Only dedicated workers have sync access handles (the DOM typings declare them everywhere).
    if (typeof (h as Partial<SyncCapable>).createSyncAccessHandle === 'function') return syncAppend(await (h as SyncCapable).createSyncAccessHandle(), at);
    const open = async () => {
      const w = await h.createWritable({ keepExistingData: true });
      return w;
    };
    let w = await open();
    await w.truncate(at);
    await w.seek(at);
    let pos = at;
    return {
      write: async (chunk) => {
        await w.write(chunk as Uint8Array<ArrayBuffer>);
        pos += chunk.length;
      },
      // close() is what makes OPFS writes part of the file; reopen to go on appending. The reopened writable
      // starts from a copy of the file (keepExistingData), so callers commit sparingly.
      commit: async () => {
        await w.close();
        w = await open();
        await w.seek(pos);
      },
      close: () => w.close(),
      abort: () => w.abort(),
    };
  }

  async move(from: string, to: string): Promise<void> {
    const src = await this.handle(from, false);
    if (!src) throw new Error(`${from}: no such file to move`);
    const parts = split(to);
    const d = await this.folder(parts.slice(0, -1), true);
    await this.remove(to);
    const movable = src as FileSystemFileHandle & { move?: (dir: FileSystemDirectoryHandle, name: string) => Promise<void> };
    if (movable.move) return movable.move(d!, parts.at(-1)!);
    // Browsers without FileSystemHandle.move: copy, then remove the source.
    const w = await (await d!.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
    await (await src.getFile()).stream().pipeTo(w);
    await this.remove(from);
  }

  async remove(path: string): Promise<void> {
    const parts = split(path);
    const d = await this.folder(parts.slice(0, -1), false);
    await d?.removeEntry(parts.at(-1)!, { recursive: true }).catch(() => {});
  }

  async list(dir: string): Promise<string[]> {
    const d = await this.folder(split(dir), false);
    if (!d) return [];
    const names: string[] = [];
    for await (const name of (d as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    return names.sort();
  }
}

/** The worker-only handle that writes a file in place (no copy), with flush() to make the bytes durable. */
interface SyncHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
type SyncCapable = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncHandle> };

/** Appends in place through a sync access handle (dedicated workers): commit is a flush, abort cuts back to the last one. */
function syncAppend(ah: SyncHandle, at: number): BlobWriter {
  ah.truncate(at);
  let pos = at,
    committed = at;
  return {
    write: async (chunk) => {
      for (let n = 0; n < chunk.length; ) n += ah.write(chunk.subarray(n), { at: pos + n });
      pos += chunk.length;
    },
    commit: async () => {
      ah.flush();
      committed = pos;
    },
    close: async () => {
      ah.flush();
      ah.close();
    },
    abort: async () => {
      ah.truncate(committed);
      ah.close();
    },
  };
}
