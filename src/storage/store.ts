// One storage interface for artifacts (adapters, checkpoints, metrics): '/'-separated keys, byte values.
// Implementations: fs-store.ts (CLI, files under a root folder), idb-store.ts (browser, IndexedDB).

export type StoreValue = Uint8Array | string;

export interface WriteOptions {
  /**
   * true: the write is on disk when the promise resolves (fsync of files and folders; IndexedDB
   * durability 'strict'). Use it for the write that makes a checkpoint current. Writes are atomic
   * either way.
   */
  durable?: boolean;
}

/**
 * Keys are relative paths: segments joined by '/', no empty segment, no '.' or '..', no segment
 * starting with '.' (reserved for the stores' temporary files), no backslash or control characters.
 * A key names a value; it cannot also be a folder of other keys (as on a file system): writing
 * 'a/b' when 'a/b/c' exists, or 'a/b/c' when 'a/b' exists, throws.
 */
export interface ArtifactStore {
  /** Writes one value atomically (a reader sees the old value or the new one, never a mix). */
  put(key: string, value: StoreValue, options?: WriteOptions): Promise<void>;
  /**
   * Writes several values as one group: after a crash either all of them or none of them are
   * visible (the previous values stay).
   */
  putMany(entries: Iterable<readonly [string, StoreValue]>, options?: WriteOptions): Promise<void>;
  /** The value's bytes, or null when the key is absent. */
  get(key: string): Promise<Uint8Array | null>;
  /** The value decoded as UTF-8, or null when the key is absent. */
  getText(key: string): Promise<string | null>;
  /** True when the key holds a value. */
  has(key: string): Promise<boolean>;
  /** Every key equal to `prefix` or under the folder `prefix/`, sorted; '' lists everything. */
  list(prefix?: string): Promise<string[]>;
  /** Deletes the key and everything under the folder `key/`; returns how many values went. */
  delete(keyOrPrefix: string): Promise<number>;
  /** Releases the store (closes the database); later calls throw. */
  close(): Promise<void>;
}

const MAX_SEGMENT_BYTES = 255;
const utf8 = new TextEncoder();

/** Why `key` is not a valid store key, or null when it is. */
export function keyProblem(key: unknown): string | null {
  if (typeof key !== 'string') return `expected a string, got ${typeof key}`;
  if (key.length === 0) return 'is empty';
  if (key.startsWith('/')) return "starts with '/' (keys are relative paths)";
  if (key.endsWith('/')) return "ends with '/'";
  if (/[\u0000-\u001f\u007f\\]/.test(key)) return 'contains a backslash or a control character';
  for (const seg of key.split('/')) {
    if (seg === '') return "has an empty segment ('//')";
    if (seg === '.' || seg === '..') return `has a '${seg}' segment`;
    if (seg.startsWith('.')) return `has the segment '${seg}' starting with '.' (reserved for temporary files)`;
    if (utf8.encode(seg).length > MAX_SEGMENT_BYTES) return `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  return null;
}

/** Throws `Error("{where}: bad key '{key}': {why}")` unless `key` is valid. */
export function checkKey(key: string, where: string): void {
  const why = keyProblem(key);
  if (why) throw new Error(`${where}: bad key ${JSON.stringify(key)}: ${why}`);
}

/** Throws unless `prefix` is '' or a valid key. */
export function checkPrefix(prefix: string, where: string): void {
  if (prefix !== '') checkKey(prefix, where);
}

/** True when `key` is `prefix` itself or lies under the folder `prefix/` ('' contains everything). */
export function underPrefix(key: string, prefix: string): boolean {
  return prefix === '' || key === prefix || key.startsWith(prefix + '/');
}

/** 'a/b/c' → ['a', 'a/b']: the folders a key lives in. */
export function parentKeys(key: string): string[] {
  const segs = key.split('/');
  const out: string[] = [];
  for (let i = 1; i < segs.length; i++) out.push(segs.slice(0, i).join('/'));
  return out;
}

/** Values as bytes (strings UTF-8 encoded). */
export function toBytes(value: StoreValue): Uint8Array {
  return typeof value === 'string' ? utf8.encode(value) : value;
}

export function decodeText(bytes: Uint8Array, key: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`store: value of '${key}' is not valid UTF-8 text (${bytes.length} bytes)`);
  }
}

/**
 * Validates a write group: every key valid, no key twice, no key that is a folder of another in the
 * group. Returns the entries as bytes, in the given order.
 */
export function prepareGroup(entries: Iterable<readonly [string, StoreValue]>, where: string): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = [];
  const seen = new Set<string>();
  for (const [key, value] of entries) {
    checkKey(key, where);
    if (seen.has(key)) throw new Error(`${where}: key '${key}' appears twice in one write`);
    if (!(value instanceof Uint8Array) && typeof value !== 'string') {
      throw new Error(`${where}: value of '${key}' must be a Uint8Array or a string, got ${value === null ? 'null' : typeof value}`);
    }
    seen.add(key);
    out.push([key, toBytes(value)]);
  }
  for (const key of seen) {
    for (const parent of parentKeys(key)) {
      if (seen.has(parent)) throw new Error(`${where}: key '${key}' lies under '${parent}', which the same write stores as a value`);
    }
  }
  return out;
}

export function folderConflict(key: string, existingParent: string | null, existingChild: string | null): string | null {
  if (existingParent) return `key '${key}' lies under '${existingParent}', which holds a value (a key cannot also be a folder)`;
  if (existingChild) return `key '${key}' is a folder holding '${existingChild}' (a key cannot also be a folder)`;
  return null;
}

/** Total bytes of a group. */
export function groupBytes(entries: Array<[string, Uint8Array]>): number {
  let n = 0;
  for (const [, v] of entries) n += v.byteLength;
  return n;
}
