// IdbStore specifics: chunk records, strict durability on request, quota errors, damage detection.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CHUNK_BYTES, IdbStore, StoreQuotaError } from '../../../src/storage/idb-store.ts';

afterEach(() => {
  vi.restoreAllMocks();
});
let n = 0;
const name = () => `idb-test-${n++}`;

async function chunkCount(db: string, key: string): Promise<number> {
  const raw = await openDB(db);
  const count = await raw.count('chunks', IDBKeyRange.bound([key, 0], [key, Infinity]));
  raw.close();
  return count;
}

describe('IdbStore', () => {
  it('splits values into 8 MiB chunks by default and reassembles them', async () => {
    const db = name();
    const store = await IdbStore.open(db);
    const big = new Uint8Array(2 * DEFAULT_CHUNK_BYTES + 5);
    for (let i = 0; i < big.length; i += 4093) big[i] = (i >>> 12) & 255;
    big[big.length - 1] = 77;
    await store.put('big', big);
    expect(await chunkCount(db, 'big')).toBe(3);
    const back = (await store.get('big'))!;
    expect(back.length).toBe(big.length);
    expect(Buffer.from(back).equals(Buffer.from(big))).toBe(true);
    // Overwriting with a small value drops the extra chunks.
    await store.put('big', 'tiny');
    expect(await chunkCount(db, 'big')).toBe(1);
    expect(await store.getText('big')).toBe('tiny');
    await store.close();
  });

  it('opens write groups with strict durability only when asked', async () => {
    const store = await IdbStore.open(name());
    const seen: Array<string | undefined> = [];
    const orig = IDBDatabase.prototype.transaction;
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, names, mode, options) {
      if (mode === 'readwrite') seen.push(options?.durability);
      return orig.call(this, names, mode, options);
    });
    await store.putMany(
      [
        ['a', '1'],
        ['b', '2'],
      ],
      { durable: true },
    );
    await store.put('c', '3');
    expect(seen).toEqual(['strict', 'default']);
    await store.close();
  });

  it('turns a quota failure into an error with the byte count and keeps the old values', async () => {
    const store = await IdbStore.open(name(), { chunkBytes: 4 });
    await store.putMany([
      ['q/a', 'old'],
      ['q/b', 'old'],
    ]);
    const orig = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value, key) {
      if ((value as { index?: number }).index === 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return orig.call(this, value, key);
    });
    const err = await store
      .putMany(
        [
          ['q/a', 'new value a'],
          ['q/b', 'new value b'],
        ],
        { durable: true },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreQuotaError);
    expect((err as StoreQuotaError).bytes).toBe(22);
    expect((err as Error).message).toMatch(/storage quota was hit while writing 22 bytes/);
    vi.restoreAllMocks();
    expect(await store.getText('q/a')).toBe('old');
    expect(await store.getText('q/b')).toBe('old');
    await store.close();
  });

  it('reports a value whose chunks went missing', async () => {
    const db = name();
    const store = await IdbStore.open(db, { chunkBytes: 3 });
    await store.put('d', 'abcdefgh');
    const raw = await openDB(db);
    await raw.delete('chunks', ['d', 1]);
    raw.close();
    await expect(store.get('d')).rejects.toThrow(/'d' is damaged: its manifest lists 3 chunks, 2 are stored/);
    await store.close();
  });
});
