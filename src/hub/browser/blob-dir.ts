// The file store the studio's Hub cache writes into: '/'-separated paths of byte files, appended in
// commits (a crash or an abort keeps what was committed, nothing after it). OPFS in the browser
// (opfs-dir.ts); an in-memory twin here for tests and for browsers without OPFS.

/** Appends to one file; nothing written is visible until commit() or close(). */
export interface BlobWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Makes everything written so far part of the file (a later abort keeps it). */
  commit(): Promise<void>;
  /** Commits and releases the file. */
  close(): Promise<void>;
  /** Drops what was written since the last commit and releases the file. */
  abort(): Promise<void>;
}

export interface BlobDir {
  /** The file as a Blob (read lazily where the store allows), or null when absent. */
  file(path: string): Promise<Blob | null>;
  /** Opens `path` for appending at byte `at` (the file is cut there first; created when absent). */
  append(path: string, at: number): Promise<BlobWriter>;
  /** Renames a file (the target is replaced). */
  move(from: string, to: string): Promise<void>;
  /** Removes a file or a folder with everything under it; absent paths are fine. */
  remove(path: string): Promise<void>;
  /** The names directly under a folder (files and folders); [] when it is absent. */
  list(dir: string): Promise<string[]>;
}

export async function readText(dir: BlobDir, path: string): Promise<string | null> {
  const f = await dir.file(path);
  return f ? f.text() : null;
}

/** Writes a small file whole: to `path.tmp`, then renamed over `path`, so a reader sees the old or the new text. */
export async function writeText(dir: BlobDir, path: string, text: string): Promise<void> {
  const w = await dir.append(`${path}.tmp`, 0);
  try {
    await w.write(new TextEncoder().encode(text));
    await w.close();
  } catch (e) {
    await w.abort().catch(() => {});
    throw e;
  }
  await dir.move(`${path}.tmp`, path);
}

/** BlobDir in memory (tests, browsers without OPFS: nothing survives a reload there). */
export class MemoryBlobDir implements BlobDir {
  readonly files = new Map<string, Uint8Array>();
  /** Fails writes once this many bytes are stored in all (a full quota), when set. */
  quota: number | null = null;

  private used(): number {
    let n = 0;
    for (const v of this.files.values()) n += v.length;
    return n;
  }

  async file(path: string): Promise<Blob | null> {
    const v = this.files.get(path);
    return v ? new Blob([v.slice()]) : null;
  }

  async append(path: string, at: number): Promise<BlobWriter> {
    const base = (this.files.get(path) ?? new Uint8Array(0)).slice(0, at);
    this.files.set(path, base);
    let pending: Uint8Array[] = [];
    const commit = async () => {
      const parts = [this.files.get(path) ?? new Uint8Array(0), ...pending];
      const size = parts.reduce((s, p) => s + p.length, 0);
      if (this.quota !== null && this.used() - parts[0]!.length + size > this.quota) {
        pending = [];
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      const out = new Uint8Array(size);
      let o = 0;
      for (const p of parts) out.set(p, (o += p.length) - p.length);
      this.files.set(path, out);
      pending = [];
    };
    return { write: async (chunk) => void pending.push(chunk.slice()), commit, close: commit, abort: async () => void (pending = []) };
  }

  async move(from: string, to: string): Promise<void> {
    const v = this.files.get(from);
    if (!v) throw new Error(`${from}: no such file to move`);
    this.files.delete(from);
    this.files.set(to, v);
  }

  async remove(path: string): Promise<void> {
    for (const k of [...this.files.keys()]) if (k === path || k.startsWith(`${path}/`)) this.files.delete(k);
  }

  async list(dir: string): Promise<string[]> {
    const prefix = dir ? `${dir}/` : '';
    const names = new Set<string>();
    for (const k of this.files.keys()) if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split('/')[0]!);
    return [...names].sort();
  }
}
