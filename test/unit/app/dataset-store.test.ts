// DatasetStore on fake-indexeddb: chunked round trip, kinds, settings, replace, clear, failed saves.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, DatasetStore, StorageQuotaError, isQuotaError } from '../../../src/storage/dataset-store.ts';

let dbCount = 0;
const open = () => DatasetStore.open(`test-db-${dbCount++}`);

async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

describe('DatasetStore', () => {
  it('stores a multi-chunk file and reads the same bytes back in order', async () => {
    const store = await open();
    const bytes = new Uint8Array(CHUNK_BYTES * 2 + 1234);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 0xff;
    const progress: number[] = [];
    const meta = await store.putFile('big.jsonl', new Blob([bytes]), { kind: null, order: 0 }, (n) => progress.push(n));
    expect(meta.chunks).toBe(3);
    expect(progress).toEqual([CHUNK_BYTES, CHUNK_BYTES * 2, bytes.length]);
    const back = await collect(store.readChunks('big.jsonl'));
    expect(back.length).toBe(bytes.length);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(bytes))).toBe(0);
  });

  it('keeps load order, kinds and settings; replacing a file drops its old chunks', async () => {
    const store = await open();
    await store.putFile('b.jsonl', new TextEncoder().encode('{"x":1}\n'), { kind: null, order: 1 });
    await store.putFile('a.jsonl', new TextEncoder().encode('old'), { kind: 'sft', order: 0 });
    await store.setKind('b.jsonl', 'distinctions');
    expect((await store.listFiles()).map((f) => [f.name, f.kind])).toEqual([
      ['a.jsonl', 'sft'],
      ['b.jsonl', 'distinctions'],
    ]);
    await store.putFile('a.jsonl', new Uint8Array(0), { kind: 'sft', order: 0 });
    expect(await collect(store.readChunks('a.jsonl'))).toEqual(new Uint8Array(0));
    await store.setSetting('markersYaml', 'density_markers: [x]');
    expect(await store.getSetting<string>('markersYaml')).toBe('density_markers: [x]');
    await store.clear();
    expect(await store.listFiles()).toEqual([]);
    expect(await store.getSetting('markersYaml')).toBeUndefined();
    await expect(store.setKind('a.jsonl', 'sft')).rejects.toThrow(/No stored file named a.jsonl/);
  });

  it('a save that fails midway leaves nothing behind; quota failures become StorageQuotaError', async () => {
    const store = await open();
    const failing = (error: Error) => {
      const blob = new Blob([new Uint8Array(CHUNK_BYTES + 10)]);
      let calls = 0;
      const orig = blob.slice.bind(blob);
      blob.slice = (s?: number, e?: number) => {
        if (calls++ === 1) return { arrayBuffer: () => Promise.reject(error) } as unknown as Blob;
        return orig(s, e);
      };
      return blob;
    };
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const err = await store.putFile('q.jsonl', failing(quota), { kind: null, order: 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect(err.message).toMatch(/could not save q\.jsonl \(4\.0 MB\)/);
    await expect(store.putFile('r.jsonl', failing(new Error('disk on fire')), { kind: null, order: 0 })).rejects.toThrow(
      /Could not save r\.jsonl to IndexedDB: disk on fire/,
    );
    expect(await store.listFiles()).toEqual([]);
    await expect(collect(store.readChunks('q.jsonl'))).rejects.toThrow(/No stored file named q\.jsonl/);
    expect(isQuotaError(new Error('x', { cause: quota }))).toBe(true);
    expect(isQuotaError(new Error('x'))).toBe(false);
  });
});
