// Checkpoints: byte-exact round trip, the pointer written last (a crash keeps the previous one), damage detection, retention.
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/model/hf-config.ts';
import { initLora } from '../../../src/model/lora-types.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import {
  checkpointPosition, clearCheckpoints, currentKey, loadCheckpoint, saveCheckpoint, type Checkpoint,
} from '../../../src/storage/checkpoint.ts';
import { FsStore } from '../../../src/storage/fs-store.ts';
import { IdbStore } from '../../../src/storage/idb-store.ts';
import type { ArtifactStore } from '../../../src/storage/store.ts';
import { Rng } from '../../../src/util/rng.ts';

const model = parseModelConfig(JSON.parse(buildTinyModel(0)['config.json'] as string));
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Awkward float values included: -0, denormals, ±Inf, a NaN with a payload. */
function awkward(n: number, rng: Rng): Float32Array {
  const x = Float32Array.from({ length: n }, () => rng.normal());
  const u = new Uint32Array(x.buffer);
  x[0] = -0; u[1] = 0x00000001; x[2] = Infinity; x[3] = -Infinity; u[4] = 0x7fc01234;
  return x;
}

function makeCheckpoint(seed: number, step: number): Checkpoint {
  const rng = new Rng(seed);
  const policy = initLora(model, { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'down_proj'], useRslora: false }, rng, 'tiny');
  for (const l of policy.layers.values()) l.B.set(awkward(l.B.length, rng));
  const P = [...policy.layers.values()].reduce((n, l) => n + l.A.length + l.B.length, 0);
  const data = new Rng(seed + 1);
  return {
    position: { topicIndex: 3, topicId: 'unit-01/chapter-02', phase: 'reward', attempt: 1, step },
    adapters: { policy },
    tensors: { 'score.weight': { shape: [1, model.hiddenSize], data: awkward(model.hiddenSize, rng) } },
    optimizers: { policy: { step, m: awkward(P, rng), v: awkward(P, rng).map(Math.abs) } },
    schedulerStep: step,
    rng: { data: data.state, dropout: rng.state },
    data: { epoch: 1, batchIndex: 4, order: data.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) },
    metrics: [{ step: 1, loss: 0.69 }, { step: 2, loss: 0.61, note: 'ü' }],
    extra: { earlyStopping: { best: 0.6, bad: 0 }, completed: ['unit-01/chapter-01'] },
  };
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

function expectSame(a: Checkpoint, b: Checkpoint): void {
  expect(b.position).toEqual(a.position);
  expect(b.schedulerStep).toBe(a.schedulerStep);
  expect(b.rng).toEqual(a.rng);
  expect(b.data).toEqual(a.data);
  expect(b.metrics).toEqual(a.metrics);
  expect(b.extra).toEqual(a.extra);
  for (const [role, ad] of Object.entries(a.adapters)) {
    const bd = b.adapters[role];
    expect(bd.config).toEqual(ad.config);
    expect(bd.baseModel).toBe(ad.baseModel);
    expect([...bd.layers.keys()]).toEqual([...ad.layers.keys()]);
    for (const [path, l] of ad.layers) {
      const m = bd.layers.get(path)!;
      expect([m.inFeatures, m.outFeatures]).toEqual([l.inFeatures, l.outFeatures]);
      expect(bits(m.A)).toEqual(bits(l.A));
      expect(bits(m.B)).toEqual(bits(l.B));
    }
  }
  for (const [name, t] of Object.entries(a.tensors)) {
    expect(b.tensors[name].shape).toEqual(t.shape);
    expect(bits(b.tensors[name].data)).toEqual(bits(t.data));
  }
  for (const [name, o] of Object.entries(a.optimizers)) {
    expect(b.optimizers[name].step).toBe(o.step);
    expect(bits(b.optimizers[name].m)).toEqual(bits(o.m));
    expect(bits(b.optimizers[name].v)).toEqual(bits(o.v));
  }
}

/** A store whose writes fail once `failOn(key)` says so: a crash at that write. */
function crashing(inner: ArtifactStore, failOn: (key: string) => boolean): ArtifactStore {
  return {
    ...inner,
    get: inner.get.bind(inner), getText: inner.getText.bind(inner), has: inner.has.bind(inner),
    list: inner.list.bind(inner), delete: inner.delete.bind(inner), close: inner.close.bind(inner),
    put: async (key, value, o) => { if (failOn(key)) throw new Error(`crash writing ${key}`); return inner.put(key, value, o); },
    putMany: async (entries, o) => {
      const list = [...entries];
      if (list.some(([k]) => failOn(k))) throw new Error('crash writing the data files');
      return inner.putMany(list, o);
    },
  };
}

describe.each([
  ['FsStore', async (): Promise<ArtifactStore> => { const d = mkdtempSync(join(tmpdir(), 'mp-ck-')); dirs.push(d); return FsStore.open(d); }],
  ['IdbStore', async (): Promise<ArtifactStore> => IdbStore.open(`ckpt-${Math.random()}`, { chunkBytes: 1000 })],
])('%s', (_name, open) => {
  it('round-trips every field byte for byte (NaN payloads, -0, denormals included)', async () => {
    const store = await open();
    expect(await loadCheckpoint(store, 'run-1')).toBeNull();
    const ck = makeCheckpoint(1, 10);
    const dir = await saveCheckpoint(store, 'run-1', ck);
    expect(dir).toBe('checkpoints/run-1/000001');
    expectSame(ck, (await loadCheckpoint(store, 'run-1'))!);
    expect(await checkpointPosition(store, 'run-1')).toEqual(ck.position);
    await store.close();
  });

  it('resumed RNG continues the same sequence', async () => {
    const store = await open();
    const rng = new Rng(42);
    for (let i = 0; i < 5; i++) rng.next();
    const ck = makeCheckpoint(2, 1);
    ck.rng = { data: rng.state };
    await saveCheckpoint(store, 'r', ck);
    const resumed = new Rng(0);
    resumed.state = (await loadCheckpoint(store, 'r'))!.rng.data;
    expect([resumed.next(), resumed.next()]).toEqual([rng.next(), rng.next()]);
    await store.close();
  });

  it('a crash before or while writing the pointer leaves the previous checkpoint current', async () => {
    const store = await open();
    await saveCheckpoint(store, 'run', makeCheckpoint(1, 10));
    await expect(saveCheckpoint(crashing(store, (k) => k.endsWith('current.json')), 'run', makeCheckpoint(2, 20))).rejects.toThrow(/crash writing checkpoints\/run\/current.json/);
    expect((await loadCheckpoint(store, 'run'))!.position.step).toBe(10);
    await expect(saveCheckpoint(crashing(store, (k) => k.endsWith('tensors.safetensors')), 'run', makeCheckpoint(3, 30))).rejects.toThrow(/crash/);
    expectSame(makeCheckpoint(1, 10), (await loadCheckpoint(store, 'run'))!);
    // The next save goes past the orphaned folder and becomes current.
    const dir = await saveCheckpoint(store, 'run', makeCheckpoint(4, 40));
    expect(dir).toBe('checkpoints/run/000003');
    expectSame(makeCheckpoint(4, 40), (await loadCheckpoint(store, 'run'))!);
    await store.close();
  });

  it('keeps the newest checkpoints only, and clears a run', async () => {
    const store = await open();
    for (let s = 1; s <= 4; s++) await saveCheckpoint(store, 'k', makeCheckpoint(s, s), 2);
    const folders = new Set((await store.list('checkpoints/k')).map((k) => k.split('/')[2]));
    expect([...folders].sort()).toEqual(['000003', '000004', 'current.json']);
    expect(await clearCheckpoints(store, 'k')).toBe(5);
    expect(await loadCheckpoint(store, 'k')).toBeNull();
    await store.close();
  });

  it('detects a damaged or missing data file, naming it', async () => {
    const store = await open();
    const dir = await saveCheckpoint(store, 'd', makeCheckpoint(1, 1));
    const bytes = (await store.get(`${dir}/tensors.safetensors`))!;
    bytes[bytes.length - 1] ^= 1;
    await store.put(`${dir}/tensors.safetensors`, bytes);
    await expect(loadCheckpoint(store, 'd')).rejects.toThrow(/checkpoints\/d\/000001\/tensors.safetensors is damaged/);
    await store.delete(`${dir}/state.json`);
    await expect(loadCheckpoint(store, 'd')).rejects.toThrow(/checkpoints\/d\/000001\/state.json is missing \(named by checkpoints\/d\/current.json\)/);
    await store.put(currentKey('d'), '{"nope": 1}');
    await expect(loadCheckpoint(store, 'd')).rejects.toThrow(/current.json: not a checkpoint pointer/);
    await expect(saveCheckpoint(store, 'a/b', makeCheckpoint(1, 1))).rejects.toThrow(/run id 'a\/b': expected one path segment/);
    await store.close();
  });
});
