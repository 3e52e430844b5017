// Persists the studio's curriculum in IndexedDB: each file's bytes in fixed-size chunks (so a 200 MB
// file never sits in memory twice), the user's kind per file, the voice-marker YAML and overrides.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { FileKind } from '../data/types.ts';

export const DEFAULT_DB_NAME = 'mindprint-datasets';
/** Bytes per stored chunk: big enough for few transactions, small enough to stream. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/** One stored file's metadata; its bytes are in `chunks` under [name, 0..chunks-1]. */
export interface StoredFile {
  name: string;
  size: number;
  chunks: number;
  /** The kind the user chose, or null to let the reader detect it. */
  kind: FileKind | null;
  /** Position in the file list (load order). */
  order: number;
  savedAt: number;
}

interface StoredChunk {
  name: string;
  index: number;
  bytes: ArrayBuffer;
}

interface Schema extends DBSchema {
  files: { key: string; value: StoredFile };
  chunks: { key: [string, number]; value: StoredChunk };
  settings: { key: string; value: { key: string; value: unknown } };
}

/** The browser refused to store more (quota). Says which file and how big it was. */
export class StorageQuotaError extends Error {
  override name = 'StorageQuotaError';
  constructor(
    readonly file: string,
    readonly bytes: number,
    cause: unknown,
  ) {
    super(
      `Browser storage is full: could not save ${file} (${formatBytes(bytes)}). ` +
        'The data is analysed but will not survive a reload; free space or clear old data.',
      { cause },
    );
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** True for the errors browsers raise when a write exceeds the origin's quota. */
export function isQuotaError(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const err = e as { name?: string; code?: number; cause?: unknown; message?: string };
  if (err.name === 'QuotaExceededError' || err.code === 22) return true;
  if (err.name === 'AbortError' && /quota/i.test(err.message ?? '')) return true;
  return err.cause !== undefined && err.cause !== e && isQuotaError(err.cause);
}

/** A file's bytes as given to the store: a Blob/File (read slice by slice) or bytes in memory. */
export type FileSource = Blob | Uint8Array;

function sizeOf(source: FileSource): number {
  return source instanceof Uint8Array ? source.byteLength : source.size;
}

async function readSlice(source: FileSource, start: number, end: number): Promise<ArrayBuffer> {
  if (source instanceof Uint8Array) return source.slice(start, end).buffer as ArrayBuffer;
  return source.slice(start, end).arrayBuffer();
}

export class DatasetStore {
  private constructor(private readonly db: IDBPDatabase<Schema>) {}

  static async open(name = DEFAULT_DB_NAME): Promise<DatasetStore> {
    const db = await openDB<Schema>(name, 1, {
      upgrade(db) {
        db.createObjectStore('files', { keyPath: 'name' });
        db.createObjectStore('chunks', { keyPath: ['name', 'index'] });
        db.createObjectStore('settings', { keyPath: 'key' });
      },
    });
    return new DatasetStore(db);
  }

  close(): void {
    this.db.close();
  }

  /** Stores (or replaces) one file. Metadata is written last, so a failed save leaves no file behind.
   *  Throws StorageQuotaError when the browser's quota is exceeded. */
  async putFile(
    name: string,
    source: FileSource,
    opts: { kind: FileKind | null; order: number },
    onProgress?: (bytesSaved: number, totalBytes: number) => void,
  ): Promise<StoredFile> {
    const size = sizeOf(source);
    const chunks = Math.ceil(size / CHUNK_BYTES);
    await this.removeFile(name);
    try {
      for (let i = 0; i < chunks; i++) {
        const start = i * CHUNK_BYTES;
        const end = Math.min(size, start + CHUNK_BYTES);
        const bytes = await readSlice(source, start, end);
        await this.db.put('chunks', { name, index: i, bytes });
        onProgress?.(end, size);
      }
      const meta: StoredFile = { name, size, chunks, kind: opts.kind, order: opts.order, savedAt: Date.now() };
      await this.db.put('files', meta);
      return meta;
    } catch (e) {
      await this.deleteChunks(name).catch(() => undefined);
      if (isQuotaError(e)) throw new StorageQuotaError(name, size, e);
      throw new Error(`Could not save ${name} to IndexedDB: ${(e as Error).message ?? e}`, { cause: e });
    }
  }

  /** Stored files in load order. */
  async listFiles(): Promise<StoredFile[]> {
    const all = await this.db.getAll('files');
    return all.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  }

  /** A stored file's bytes, chunk by chunk. */
  async *readChunks(name: string): AsyncGenerator<Uint8Array> {
    const meta = await this.db.get('files', name);
    if (!meta) throw new Error(`No stored file named ${name}`);
    for (let i = 0; i < meta.chunks; i++) {
      const chunk = await this.db.get('chunks', [name, i]);
      if (!chunk) throw new Error(`Stored file ${name} is missing chunk ${i + 1} of ${meta.chunks}`);
      yield new Uint8Array(chunk.bytes);
    }
  }

  async setKind(name: string, kind: FileKind | null): Promise<void> {
    const tx = this.db.transaction('files', 'readwrite');
    const meta = await tx.store.get(name);
    if (!meta) throw new Error(`No stored file named ${name}`);
    await tx.store.put({ ...meta, kind });
    await tx.done;
  }

  async removeFile(name: string): Promise<void> {
    await this.db.delete('files', name);
    await this.deleteChunks(name);
  }

  private async deleteChunks(name: string): Promise<void> {
    const range = IDBKeyRange.bound([name, 0], [name, Number.MAX_SAFE_INTEGER]);
    await this.db.delete('chunks', range);
  }

  async getSetting<T>(key: string): Promise<T | undefined> {
    const row = await this.db.get('settings', key);
    return row?.value as T | undefined;
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    try {
      await this.db.put('settings', { key, value });
    } catch (e) {
      if (isQuotaError(e)) throw new StorageQuotaError(`setting "${key}"`, JSON.stringify(value ?? null).length, e);
      throw e;
    }
  }

  /** Removes every file, chunk and setting. */
  async clear(): Promise<void> {
    const tx = this.db.transaction(['files', 'chunks', 'settings'], 'readwrite');
    await Promise.all([tx.objectStore('files').clear(), tx.objectStore('chunks').clear(), tx.objectStore('settings').clear()]);
    await tx.done;
  }
}
