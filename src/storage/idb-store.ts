// ArtifactStore on IndexedDB (the browser and its workers, via idb): each value split into chunks
// plus a manifest record; a write group is one readwrite transaction ('strict' durability on request).
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import {
  checkKey,
  checkPrefix,
  decodeText,
  folderConflict,
  groupBytes,
  parentKeys,
  prepareGroup,
  type ArtifactStore,
  type StoreValue,
  type WriteOptions,
} from './store.ts';

export const DEFAULT_ARTIFACT_DB = 'mindprint-artifacts';
/** Bytes per chunk record: large values never need one huge structured clone. */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

/** One key's record; its bytes are in `chunks` under [key, 0 .. chunks-1]. */
interface Manifest {
  key: string;
  size: number;
  chunks: number;
  savedAt: number;
}

interface Chunk {
  key: string;
  index: number;
  bytes: ArrayBuffer;
}

interface Schema extends DBSchema {
  manifests: { key: string; value: Manifest };
  chunks: { key: [string, number]; value: Chunk };
}

/** The browser refused a write for lack of quota; nothing of the write was stored. */
export class StoreQuotaError extends Error {
  override name = 'StoreQuotaError';
  constructor(
    readonly bytes: number,
    readonly keys: string[],
    detail: string,
    cause: unknown,
  ) {
    super(
      `IndexedDB: the browser's storage quota was hit while writing ${bytes} bytes (${mib(bytes)}) ` +
        `to ${keys.length === 1 ? `'${keys[0]}'` : `${keys.length} keys ('${keys[0]}', ...)`}${detail}; nothing of this write was saved. ` +
        'Free space (delete old runs or adapters, or grant the site persistent storage) and retry.',
      { cause },
    );
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** True for the errors browsers raise when a write exceeds the origin's quota. */
function isQuota(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const err = e as { name?: string; code?: number; message?: string; cause?: unknown };
  if (err.name === 'QuotaExceededError' || err.code === 22) return true;
  if (err.name === 'AbortError' && /quota/i.test(err.message ?? '')) return true;
  return err.cause !== undefined && err.cause !== e && isQuota(err.cause);
}

/** ' (the origin uses X of Y)' when the browser reports its storage estimate. */
async function quotaDetail(): Promise<string> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  if (!storage?.estimate) return '';
  try {
    const { usage, quota } = await storage.estimate();
    return usage !== undefined && quota !== undefined ? ` (the origin uses ${mib(usage)} of its ${mib(quota)} quota)` : '';
  } catch {
    return '';
  }
}

/**
 * Asks the browser to exempt this origin's storage from eviction under storage pressure (call it
 * from a user gesture before a long run). Resolves to whether storage is persistent; false where
 * the API is missing (Node, older browsers).
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  if (!storage?.persist) return false;
  try {
    return (await storage.persisted?.()) || (await storage.persist());
  } catch {
    return false;
  }
}

function chunkRange(key: string): IDBKeyRange {
  return IDBKeyRange.bound([key, 0], [key, Infinity]);
}

/** Keys strictly under the folder `prefix/`: '/' + 1 is '0', so [p/, p0) holds exactly them. */
function folderRange(prefix: string): IDBKeyRange {
  return IDBKeyRange.bound(`${prefix}/`, `${prefix}0`, false, true);
}

export interface IdbStoreOptions {
  /** Chunk size in bytes (default 8 MiB). */
  chunkBytes?: number;
}

export class IdbStore implements ArtifactStore {
  private closed = false;

  private constructor(
    private readonly db: IDBPDatabase<Schema>,
    readonly name: string,
    readonly chunkBytes: number,
  ) {}

  static async open(name = DEFAULT_ARTIFACT_DB, options: IdbStoreOptions = {}): Promise<IdbStore> {
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw new Error(`IdbStore.open: chunkBytes: expected a positive integer, got ${chunkBytes}`);
    const db = await openDB<Schema>(name, 1, {
      upgrade(database) {
        database.createObjectStore('manifests', { keyPath: 'key' });
        database.createObjectStore('chunks', { keyPath: ['key', 'index'] });
      },
    });
    return new IdbStore(db, name, chunkBytes);
  }

  private check(where: string): void {
    if (this.closed) throw new Error(`${where}: the IndexedDB store '${this.name}' is closed`);
  }

  async put(key: string, value: StoreValue, options?: WriteOptions): Promise<void> {
    await this.write([[key, value]], options, 'IdbStore.put');
  }

  async putMany(entries: Iterable<readonly [string, StoreValue]>, options?: WriteOptions): Promise<void> {
    await this.write(entries, options, 'IdbStore.putMany');
  }

  private async write(entries: Iterable<readonly [string, StoreValue]>, options: WriteOptions | undefined, where: string): Promise<void> {
    this.check(where);
    const group = prepareGroup(entries, where);
    if (group.length === 0) return;
    const bytes = groupBytes(group);
    const tx = this.db.transaction(['manifests', 'chunks'], 'readwrite', { durability: options?.durable ? 'strict' : 'default' });
    const done = tx.done;
    done.catch(() => undefined); // observed below; avoids an unhandled rejection when we abort
    const manifests = tx.objectStore('manifests');
    const chunks = tx.objectStore('chunks');
    try {
      for (const [key] of group) {
        let parentHit: string | null = null;
        for (const parent of parentKeys(key)) {
          if ((await manifests.getKey(parent)) !== undefined) {
            parentHit = parent;
            break;
          }
        }
        const child = parentHit ? undefined : await manifests.getKey(folderRange(key));
        const why = folderConflict(key, parentHit, child ?? null);
        if (why) throw new Error(`${where}: ${why}`);
      }
      // Requests are issued without awaiting each; every one is observed, since an abort rejects them all.
      const requests: Promise<unknown>[] = [];
      const track = (p: Promise<unknown>) => {
        p.catch(() => undefined);
        requests.push(p);
      };
      const savedAt = Date.now();
      for (const [key, value] of group) {
        track(chunks.delete(chunkRange(key)));
        const n = Math.max(1, Math.ceil(value.byteLength / this.chunkBytes));
        for (let i = 0; i < n; i++) {
          const part = value.slice(i * this.chunkBytes, Math.min(value.byteLength, (i + 1) * this.chunkBytes));
          track(chunks.put({ key, index: i, bytes: part.buffer as ArrayBuffer }));
        }
        track(manifests.put({ key, size: value.byteLength, chunks: n, savedAt }));
      }
      await Promise.all([...requests, done]);
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // already finished or aborted
      }
      if (isQuota(e))
        throw new StoreQuotaError(
          bytes,
          group.map(([k]) => k),
          await quotaDetail(),
          e,
        );
      throw e;
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    this.check('IdbStore.get');
    checkKey(key, 'IdbStore.get');
    const tx = this.db.transaction(['manifests', 'chunks'], 'readonly');
    const [manifest, parts] = await Promise.all([tx.objectStore('manifests').get(key), tx.objectStore('chunks').getAll(chunkRange(key)), tx.done]);
    if (!manifest) return null;
    if (parts.length !== manifest.chunks) {
      throw new Error(`IdbStore.get: '${key}' is damaged: its manifest lists ${manifest.chunks} chunks, ${parts.length} are stored`);
    }
    const out = new Uint8Array(manifest.size);
    let pos = 0;
    for (let i = 0; i < parts.length; i++) {
      const b = new Uint8Array(parts[i].bytes);
      if (parts[i].index !== i || pos + b.byteLength > manifest.size) {
        throw new Error(
          `IdbStore.get: '${key}' is damaged: chunk ${parts[i].index} (${b.byteLength} bytes) does not fit the manifest's ${manifest.size} bytes`,
        );
      }
      out.set(b, pos);
      pos += b.byteLength;
    }
    if (pos !== manifest.size) throw new Error(`IdbStore.get: '${key}' is damaged: chunks hold ${pos} bytes, the manifest says ${manifest.size}`);
    return out;
  }

  async getText(key: string): Promise<string | null> {
    const bytes = await this.get(key);
    return bytes === null ? null : decodeText(bytes, key);
  }

  async has(key: string): Promise<boolean> {
    this.check('IdbStore.has');
    checkKey(key, 'IdbStore.has');
    return (await this.db.getKey('manifests', key)) !== undefined;
  }

  async list(prefix = ''): Promise<string[]> {
    this.check('IdbStore.list');
    checkPrefix(prefix, 'IdbStore.list');
    if (prefix === '') return this.db.getAllKeys('manifests');
    const tx = this.db.transaction('manifests', 'readonly');
    const [exact, inside] = await Promise.all([tx.store.getKey(prefix), tx.store.getAllKeys(folderRange(prefix)), tx.done]);
    return exact !== undefined ? [exact, ...inside] : inside;
  }

  async delete(keyOrPrefix: string): Promise<number> {
    this.check('IdbStore.delete');
    checkKey(keyOrPrefix, 'IdbStore.delete');
    const tx = this.db.transaction(['manifests', 'chunks'], 'readwrite');
    const manifests = tx.objectStore('manifests');
    const chunks = tx.objectStore('chunks');
    const [exact, inside] = await Promise.all([manifests.getKey(keyOrPrefix), manifests.getAllKeys(folderRange(keyOrPrefix))]);
    const keys = exact !== undefined ? [exact, ...inside] : inside;
    await Promise.all([...keys.flatMap((k) => [manifests.delete(k), chunks.delete(chunkRange(k))]), tx.done]);
    return keys.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.db.close();
  }
}
