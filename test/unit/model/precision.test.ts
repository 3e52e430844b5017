// Base weights in 16 and 4 bits on the CPU twin, for every tiny architecture: the decoder over packed weights
// computes exactly what the float64 reference computes over the same (unpacked) values, the deviation from the
// f32 model stays within the tolerances the README states, adapters folded beside a packed base act like the
// live adapter, a q4 model trains, and loading reads a shard tensor by tensor.
import { describe, expect, it } from 'vitest';
import { cpuBackend, type CpuTensor } from '../../../src/engine/backend.ts';
import { unpack } from '../../../src/engine/packed.ts';
import { Decoder, Workspace } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora, LORA_TARGETS, type LoraAdapter } from '../../../src/model/lora-types.ts';
import { loadModelFolder, memoryModelFiles, type LoadedModel, type ModelFiles } from '../../../src/model/weights.ts';
import { buildTinyModel, TINY_ARCHS, tinyModelFiles, type TinyArch } from '../../../src/model/tiny-model.ts';
import { parseSafetensors, writeSafetensors, type WritableTensor } from '../../../src/model/safetensors.ts';
import type { BasePrecision } from '../../../src/model/base-precision.ts';
import { trainSft, type TokenizedExample } from '../../../src/training/sft.ts';
import { Rng } from '../../../src/util/rng.ts';
import { referenceLogits } from '../../helpers/reference-llama.ts';

/** The README's tolerances: max |Δlogit| / max |logit| for 16-bit, RMS(Δ) / RMS(logits) for q4 (random weights: a worst case). */
const TOLERANCE = { bf16: 1e-2, f16: 1.5e-3, q4: 0.45 } as const;
const ROW = [507, 12, 99, 300, 45, 7, 510, 256, 3];

/** Every weight as f32 values: the f32 ones, and the packed ones unpacked (what the kernels read). */
function unpackedWeights(m: LoadedModel): Map<string, Float32Array> {
  const out = new Map(m.weights);
  for (const [name, p] of m.packed)
    out.set(
      name,
      unpack(
        p.format,
        p.words,
        m.shapes.get(name)!.reduce((a, b) => a * b, 1),
      ),
    );
  return out;
}

function forward(m: LoadedModel, adapter?: LoraAdapter, fold?: LoraAdapter): Float32Array {
  const be = cpuBackend();
  const dec = new Decoder(be, m.config, m.weights, m.packed);
  if (fold) dec.foldAdapter(fold);
  const lora = adapter ? LoraParams.create(be, adapter) : null;
  const ws = new Workspace(be, m.config, 1, ROW.length, Decoder.loraRanks(lora));
  ws.setBatch(Uint32Array.from(ROW), Uint32Array.of(ROW.length));
  dec.forward(ws, lora);
  return Float32Array.from((ws.logits as CpuTensor).data);
}

function randomAdapter(m: LoadedModel, seed: number): LoraAdapter {
  const a = initLora(m.config, { r: 4, alpha: 8, dropout: 0, targetModules: [...LORA_TARGETS], useRslora: false }, new Rng(seed), 'tiny');
  const rng = new Rng(seed + 1);
  for (const layer of a.layers.values()) for (let i = 0; i < layer.B.length; i++) layer.B[i] = rng.normal() * 0.05;
  return a;
}

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0,
    s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / s;
}

function rmsRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0,
    s = 0;
  for (let i = 0; i < a.length; i++) {
    e += (a[i] - b[i]) ** 2;
    s += b[i] ** 2;
  }
  return Math.sqrt(e / s);
}

describe.each(TINY_ARCHS)('tiny %s with packed base weights', (arch: TinyArch) => {
  const load = (precision: BasePrecision) => loadModelFolder(tinyModelFiles(0, arch), { precision });

  it.each(['bf16', 'f16', 'q4'] as const)('%s: exact over its own values, within the stated tolerance of f32', async (precision) => {
    const m = await load(precision);
    expect(m.packed.size).toBe(m.config.numLayers * 7 + (m.config.tieWordEmbeddings ? 1 : 2));
    expect([...m.weights.keys()].every((n) => /norm|bias/.test(n))).toBe(true); // norms and biases stay f32
    const got = forward(m);
    const want = referenceLogits(m.config, unpackedWeights(m), ROW).flatMap((r) => [...r]);
    expect(maxRel(got, want)).toBeLessThan(1e-4);
    const f32 = forward(await load('f32'));
    const dev = precision === 'q4' ? rmsRel(got, f32) : maxRel(got, f32);
    expect(dev).toBeLessThan(TOLERANCE[precision]);
    expect(dev).toBeGreaterThan(0); // the weights really are narrower
  });

  it('an adapter folded beside a packed base acts as the same adapter applied live', async () => {
    const m = await load('bf16');
    const adapter = randomAdapter(m, 7);
    const live = forward(m, adapter);
    const folded = forward(m, undefined, adapter);
    expect(maxRel(folded, live)).toBeLessThan(1e-5);
    expect(maxRel(folded, forward(m))).toBeGreaterThan(1e-3); // and it changed the logits
  });
});

it('folding twice stacks the ranks, and gradients flow through the stack to the input', async () => {
  const m = await loadModelFolder(tinyModelFiles(0), { precision: 'q4' });
  const be = cpuBackend();
  const dec = new Decoder(be, m.config, m.weights, m.packed);
  const [a, b] = [randomAdapter(m, 1), randomAdapter(m, 2)];
  dec.foldAdapter(a);
  dec.foldAdapter(b);
  expect(dec.frozenRank('layers.0.self_attn.q_proj')).toBe(8);
  // The same two adapters as one live adapter of rank 8 (A stacked, B side by side) give the same logits.
  const both = initLora(m.config, { r: 8, alpha: 16, dropout: 0, targetModules: [...LORA_TARGETS], useRslora: false }, new Rng(0), 'tiny');
  for (const [path, l] of both.layers) {
    const [la, lb] = [a.layers.get(path)!, b.layers.get(path)!];
    l.A.set(la.A);
    l.A.set(lb.A, la.A.length);
    for (let o = 0; o < l.outFeatures; o++) for (let k = 0; k < 4; k++) [l.B[o * 8 + k], l.B[o * 8 + 4 + k]] = [la.B[o * 4 + k], lb.B[o * 4 + k]];
  }
  const ws = new Workspace(be, m.config, 1, ROW.length, new Map());
  ws.setBatch(Uint32Array.from(ROW), Uint32Array.of(ROW.length));
  dec.forward(ws, null);
  expect(maxRel((ws.logits as CpuTensor).data, forward(m, both))).toBeLessThan(1e-5);
});

it('a q4 model trains: SFT halves the loss', async () => {
  const m = await loadModelFolder(tinyModelFiles(0), { precision: 'q4' });
  const be = cpuBackend();
  const dec = new Decoder(be, m.config, m.weights, m.packed);
  const lora = LoraParams.create(
    be,
    initLora(m.config, { r: 8, alpha: 16, dropout: 0, targetModules: ['q_proj', 'v_proj', 'o_proj'], useRslora: false }, new Rng(2), 'tiny'),
  );
  const rng = new Rng(4);
  const examples: TokenizedExample[] = Array.from({ length: 2 }, () => {
    const ids = [507, ...Array.from({ length: 11 }, () => rng.int(500))];
    return { ids, lossMask: ids.map((_, t) => (t >= 2 ? 1 : 0)) };
  });
  const res = await trainSft(be, dec, lora, examples, { epochs: 30, batchSize: 2, learningRate: 3e-2, seed: 1, warmupRatio: 0 });
  expect(res.losses.at(-1)!).toBeLessThan(res.losses[0] * 0.5);
});

describe('loading', () => {
  /** The tiny model with its tensors rewritten in `dtype`. */
  function tinyAs(dtype: 'BF16' | 'F16'): Record<string, Uint8Array | string> {
    const files = buildTinyModel(0, 'llama');
    const tensors: Record<string, WritableTensor> = {};
    for (const [name, e] of parseSafetensors(files['model.safetensors'] as Uint8Array)) {
      tensors[name] = { dtype, shape: e.shape, data: new Float32Array(e.data.buffer.slice(e.data.byteOffset, e.data.byteOffset + e.data.byteLength)) };
    }
    return { ...files, 'model.safetensors': writeSafetensors(tensors) };
  }

  it('keeps a 16-bit file 16-bit by default, bit for bit, and f32 when asked', async () => {
    for (const dtype of ['BF16', 'F16'] as const) {
      const files = tinyAs(dtype);
      const m = await loadModelFolder(memoryModelFiles(files));
      const q = m.packed.get('model.layers.0.self_attn.q_proj.weight')!;
      expect(q.format.kind).toBe(dtype.toLowerCase());
      const raw = parseSafetensors(files['model.safetensors'] as Uint8Array).get('model.layers.0.self_attn.q_proj.weight')!.data;
      expect(Buffer.from(q.words.buffer, q.words.byteOffset, raw.length).equals(Buffer.from(raw))).toBe(true);
      expect(m.weights.has('model.norm.weight')).toBe(true);
      const f32 = await loadModelFolder(memoryModelFiles(files), { precision: 'f32' });
      expect(f32.packed.size).toBe(0);
    }
  });

  it('reads a shard tensor by tensor when the source can read ranges, never the whole file', async () => {
    const mem = tinyModelFiles(0);
    const ranges: number[] = [];
    const ranged: ModelFiles = {
      ...mem,
      read: (name) => (name.endsWith('.safetensors') ? Promise.reject(new Error(`${name} read whole`)) : mem.read(name)),
      readRange: async (name, start, end) => {
        ranges.push(end - start);
        return mem.readRange!(name, start, end);
      },
      size: (name) => mem.size!(name),
    };
    const m = await loadModelFolder(ranged, { precision: 'q4' });
    const total = (await mem.read('model.safetensors')).length;
    expect(m.packed.size).toBeGreaterThan(0);
    expect(Math.max(...ranges)).toBeLessThan(total / 4); // the largest read is one tensor
    expect(ranges.length).toBeGreaterThan(m.shapes.size); // header reads plus one per tensor
  });

  it('a truncated shard is refused before any tensor is read, naming the file', async () => {
    const files = buildTinyModel(0, 'llama');
    const st = files['model.safetensors'] as Uint8Array;
    await expect(loadModelFolder(memoryModelFiles({ ...files, 'model.safetensors': st.subarray(0, st.length - 100) }))).rejects.toThrow(
      /memory\/model.safetensors: .*truncated/,
    );
  });
});

describe('an embedding and LM head larger than one binding', () => {
  /** Logits and LoRA gradients of one SFT step, with the vocabulary matrices split into parts of at most `maxTensorBytes`. */
  async function step(m: LoadedModel, maxTensorBytes?: number) {
    const be = cpuBackend();
    const dec = new Decoder(be, m.config, m.weights, m.packed, { maxTensorBytes });
    const lora = LoraParams.create(be, randomAdapter(m, 5));
    const ws = new Workspace(be, m.config, 1, ROW.length, Decoder.loraRanks(lora));
    const targets = Uint32Array.from([...ROW.slice(1), 0]);
    ws.setBatch(Uint32Array.from(ROW), Uint32Array.of(ROW.length), targets, Float32Array.from(ROW.map((_, t) => (t < ROW.length - 1 ? 1 : 0))));
    dec.forward(ws, lora);
    const logits = Float32Array.from((ws.logits as CpuTensor).data);
    be.crossEntropyForward(ws.losses, ws.loss, ws.ceLse, ws.logits!, ws.targets, ws.mask, ws.N, m.config.vocabSize);
    lora.zeroGrads();
    be.crossEntropyBackward(ws.logits!, ws.logits!, ws.ceLse, ws.targets, ws.mask, ws.loss, ws.N, m.config.vocabSize);
    dec.backward(ws, lora);
    return { logits, grads: Float32Array.from((lora.grads as CpuTensor).data), parts: dec.embedParts.length, headParts: dec.headParts.length };
  }

  it.each([
    ['llama', 'f32'],
    ['gemma3', 'q4'],
    ['qwen3', 'bf16'],
  ] as const)('%s %s: split into 64-row parts, the same logits and gradients as whole', async (arch, precision) => {
    const m = await loadModelFolder(tinyModelFiles(0, arch), { precision });
    const whole = await step(m);
    const C = m.config.hiddenSize;
    const rowBytes = precision === 'f32' ? C * 4 : precision === 'q4' ? C / 2 + (C / 64) * 4 : C * 2;
    const split = await step(m, rowBytes * 130); // room for 130 rows: parts of 128
    expect(whole.parts).toBe(1);
    expect(split.parts).toBe(Math.ceil(m.config.vocabSize / 128));
    expect(split.parts).toBeGreaterThanOrEqual(3);
    expect(split.headParts).toBe(split.parts);
    expect(maxRel(split.logits, whole.logits)).toBeLessThan(1e-6);
    expect(maxRel(split.grads, whole.grads)).toBeLessThan(1e-5);
  });

  it('says when not even 64 rows fit one binding', async () => {
    const m = await loadModelFolder(tinyModelFiles(0));
    expect(() => new Decoder(cpuBackend(), m.config, m.weights, m.packed, { maxTensorBytes: 1000 })).toThrow(
      /model.embed_tokens.weight rows of 256 bytes do not fit 64 to a binding of 1000 bytes/,
    );
  });
});

it('a run’s decoder drops each host weight once uploaded, so the model is not held twice', async () => {
  const m = await loadModelFolder(tinyModelFiles(0, 'gemma3'), { precision: 'bf16' });
  const want = forward(m);
  const be = cpuBackend();
  const dec = new Decoder(be, m.config, m.weights, m.packed, { releaseHost: true, maxTensorBytes: 130 * m.config.hiddenSize * 2 });
  expect(m.weights.size + m.packed.size).toBe(0);
  const ws = new Workspace(be, m.config, 1, ROW.length, new Map());
  ws.setBatch(Uint32Array.from(ROW), Uint32Array.of(ROW.length));
  dec.forward(ws, null);
  expect(maxRel((ws.logits as CpuTensor).data, want)).toBeLessThan(1e-6);
  expect(() => new Decoder(be, m.config, m.weights, m.packed)).toThrow(/decoder: weight model\.embed_tokens\.weight missing/);
});

describe('loading onto a backend', () => {
  it('uploads each tensor as it is read, and the decoder takes them over with the same logits', async () => {
    const { loadOntoBackend } = await import('../../../src/model/device-load.ts');
    const want = forward(await loadModelFolder(tinyModelFiles(0, 'qwen3'), { precision: 'q4' }));
    const base = cpuBackend();
    const order: string[] = [];
    const be = Object.create(base, {
      uploadPacked: { value: (w: Uint32Array, s: readonly number[], f: never) => (order.push(`up ${s.join('x')}`), base.uploadPacked(w, s, f)) },
      maxTensorBytes: { value: 10_000 }, // the embedding (512 × 64 in q4: 18 KiB) does not fit: left for the decoder to split
    }) as typeof base;
    const files = tinyModelFiles(0, 'qwen3');
    const spy: ModelFiles = { ...files, readRange: (n, a, b) => (order.push('read'), files.readRange!(n, a, b)), size: (n) => files.size!(n) };
    const { model, device } = await loadOntoBackend(be, spy, { precision: 'q4' });
    // Only the vocabulary matrices stay on the host, for the decoder to split.
    expect([...model.packed.keys(), ...model.weights.keys()].sort()).toEqual(['lm_head.weight', 'model.embed_tokens.weight']);
    // Reads and uploads interleave: the first upload happens before the last tensor is read.
    expect(order.findIndex((o) => o.startsWith('up'))).toBeLessThan(order.lastIndexOf('read'));
    expect(device.size).toBe(model.shapes.size - 2);
    const dec = new Decoder(be, model.config, model.weights, model.packed, { device, releaseHost: true });
    expect(device.size).toBe(0);
    const ws = new Workspace(be, model.config, 1, ROW.length, new Map());
    ws.setBatch(Uint32Array.from(ROW), Uint32Array.of(ROW.length));
    dec.forward(ws, null);
    expect(maxRel((ws.logits as CpuTensor).data, want)).toBeLessThan(1e-6);
    expect(dec.embedParts.length).toBeGreaterThan(1);
  });

  it('a load that fails part way leaves nothing on the backend', async () => {
    const { loadOntoBackend } = await import('../../../src/model/device-load.ts');
    const base = cpuBackend();
    let live = 0;
    const be = Object.create(base, {
      upload: { value: (d: Float32Array, s: readonly number[]) => (live++, base.upload(d, s)) },
      release: { value: (t: CpuTensor) => (live--, base.release(t)) },
    }) as typeof base;
    const files = buildTinyModel(0, 'llama');
    const tensors: Record<string, WritableTensor> = {};
    for (const [name, e] of parseSafetensors(files['model.safetensors'] as Uint8Array)) {
      if (name !== 'model.norm.weight') tensors[name] = { dtype: 'F32', shape: e.shape, data: e.data.slice() };
    }
    await expect(loadOntoBackend(be, memoryModelFiles({ ...files, 'model.safetensors': writeSafetensors(tensors) }))).rejects.toThrow(
      /1 expected tensor\(s\) missing: model\.norm\.weight/,
    );
    expect(live).toBe(0);
  });
});

it('a weight stored in a dtype we cannot read is refused, naming the file, the tensor and the dtype', async () => {
  const files = buildTinyModel(0, 'llama');
  const st = files['model.safetensors'] as Uint8Array;
  // Rewrite the header's dtype of one F32 tensor as I32 (same width, so the file stays consistent).
  const n = Number(new DataView(st.buffer, st.byteOffset, 8).getBigUint64(0, true));
  const header = new TextDecoder().decode(st.subarray(8, 8 + n));
  const changed = header.replace(/("model\.layers\.0\.mlp\.up_proj\.weight":\{"dtype":")F32/, '$1I32');
  expect(changed).not.toBe(header);
  const out = st.slice();
  out.set(new TextEncoder().encode(changed), 8);
  await expect(loadModelFolder(memoryModelFiles({ ...files, 'model.safetensors': out }), { precision: 'q4' })).rejects.toThrow(
    "memory/model.safetensors: tensor 'model.layers.0.mlp.up_proj.weight': dtype I32 cannot be read as floats (expected F32, F16, BF16 or F64)",
  );
});
