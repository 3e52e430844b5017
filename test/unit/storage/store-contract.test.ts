// The ArtifactStore contract, run against both implementations (file system; IndexedDB on fake-indexeddb).
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsStore } from '../../../src/storage/fs-store.ts';
import { IdbStore } from '../../../src/storage/idb-store.ts';
import { ScopedStore } from '../../../src/storage/scoped-store.ts';
import { keyProblem, type ArtifactStore } from '../../../src/storage/store.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
let dbCount = 0;

const impls: Array<[string, () => Promise<ArtifactStore>]> = [
  [
    'FsStore',
    async () => {
      const d = mkdtempSync(join(tmpdir(), 'mp-store-'));
      dirs.push(d);
      return FsStore.open(d);
    },
  ],
  ['IdbStore', async () => IdbStore.open(`contract-${dbCount++}`, { chunkBytes: 7 })],
  // A run of the history is a scoped view (runs/{id}/) of either store: it keeps the same contract.
  [
    'ScopedStore over FsStore',
    async () => {
      const d = mkdtempSync(join(tmpdir(), 'mp-store-'));
      dirs.push(d);
      const inner = await FsStore.open(d);
      await inner.put('outside', 'not in the view');
      return new ScopedStore(inner, 'runs/20260101-000000-abcd');
    },
  ],
  [
    'ScopedStore over IdbStore',
    async () => {
      const inner = await IdbStore.open(`contract-${dbCount++}`, { chunkBytes: 7 });
      await inner.put('runs/other/x', 'another run');
      return new ScopedStore(inner, 'runs/20260101-000000-abcd');
    },
  ],
];

describe('keyProblem', () => {
  it.each([
    ['', 'is empty'],
    ['/a', "starts with '/'"],
    ['a/', "ends with '/'"],
    ['a//b', 'empty segment'],
    ['a/../b', "'..'"],
    ['./a', "'.'"],
    ['a/.hidden', "starting with '.'"],
    ['a\\b', 'backslash'],
    ['a\nb', 'control'],
  ])('rejects %j (%s)', (key, why) => {
    expect(keyProblem(key)).toContain(why);
  });
  it('accepts nested paths with dots and dashes inside segments', () => {
    expect(keyProblem('adapters/unit-01/chapter-01/topic-01/sft_adapter/adapter_config.json')).toBeNull();
    expect(keyProblem('episode-2019-02-19')).toBeNull();
  });
});

describe.each(impls)('%s', (_name, open) => {
  let store: ArtifactStore;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
  });

  it('round-trips bytes and text; absent keys give null', async () => {
    const bytes = new Uint8Array(100).map((_, i) => (i * 37) & 255); // 15 chunks of 7 in IdbStore
    await store.put('a/b/bin', bytes);
    await store.put('a/text.json', '{"ü": "ß"}');
    await store.put('empty', new Uint8Array(0));
    expect(Array.from((await store.get('a/b/bin'))!)).toEqual(Array.from(bytes));
    expect(await store.getText('a/text.json')).toBe('{"ü": "ß"}');
    expect((await store.get('empty'))!.length).toBe(0);
    expect(await store.get('a/missing')).toBeNull();
    expect(await store.getText('nope')).toBeNull();
    expect(await store.has('a/b/bin')).toBe(true);
    expect(await store.has('a/b')).toBe(false); // a folder is not a value
  });

  it('overwrites, including with a shorter value', async () => {
    await store.put('k', new Uint8Array(50).fill(1));
    await store.put('k', new Uint8Array([9, 8]));
    expect(Array.from((await store.get('k'))!)).toEqual([9, 8]);
  });

  it('lists recursively by folder prefix, sorted', async () => {
    await store.putMany([
      ['x/2', 'b'],
      ['x/1/deep/z', 'c'],
      ['x/1/a', 'a'],
      ['xy', 'not under x'],
      ['y', 'y'],
    ]);
    expect(await store.list('x')).toEqual(['x/1/a', 'x/1/deep/z', 'x/2']);
    expect(await store.list('x/1')).toEqual(['x/1/a', 'x/1/deep/z']);
    expect(await store.list('x/2')).toEqual(['x/2']);
    expect(await store.list('')).toEqual(['x/1/a', 'x/1/deep/z', 'x/2', 'xy', 'y']);
    expect(await store.list('nothing')).toEqual([]);
  });

  it('deletes a key or a whole folder and counts them', async () => {
    await store.putMany([
      ['r/1/a', 'a'],
      ['r/1/b', 'b'],
      ['r/2', 'c'],
      ['r1', 'd'],
    ]);
    expect(await store.delete('r/1')).toBe(2);
    expect(await store.list('')).toEqual(['r/2', 'r1']);
    expect(await store.delete('r/2')).toBe(1);
    expect(await store.delete('r')).toBe(0);
    expect(await store.list('')).toEqual(['r1']);
  });

  it('rejects bad keys, naming them', async () => {
    await expect(store.put('../escape', 'x')).rejects.toThrow(/bad key "\.\.\/escape".*'\.\.'/);
    await expect(store.get('/abs')).rejects.toThrow(/bad key "\/abs"/);
    await expect(store.list('a//b')).rejects.toThrow(/bad key "a\/\/b"/);
    await expect(
      store.putMany([
        ['ok', 'x'],
        ['ok', 'y'],
      ]),
    ).rejects.toThrow(/'ok' appears twice/);
    expect(await store.has('ok')).toBe(false);
  });

  it('refuses a key that is also a folder, either way round', async () => {
    await store.put('f/g', 'value');
    await expect(store.put('f/g/h', 'x')).rejects.toThrow(/'f\/g\/h' lies under 'f\/g'/);
    await expect(store.put('f', 'x')).rejects.toThrow(/'f' is a folder holding 'f\/g'/);
    await expect(
      store.putMany([
        ['p', '1'],
        ['p/q', '2'],
      ]),
    ).rejects.toThrow(/'p\/q' lies under 'p'/);
    expect(await store.list('')).toEqual(['f/g']);
  });

  it('putMany makes all values visible together and honours durable', async () => {
    await store.putMany([
      ['g/a', 'A1'],
      ['g/b', 'B1'],
    ]);
    await store.putMany(
      [
        ['g/a', 'A2'],
        ['g/b', 'B2'],
        ['g/c', 'C2'],
      ],
      { durable: true },
    );
    expect(await Promise.all(['g/a', 'g/b', 'g/c'].map((k) => store.getText(k)))).toEqual(['A2', 'B2', 'C2']);
  });

  it('throws after close', async () => {
    await store.close();
    await expect(store.get('a')).rejects.toThrow(/closed/);
  });
});
