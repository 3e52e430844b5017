// Batched generation on the WebGPU engine, every tiny architecture: token for token what generate() gives
// each prompt alone (greedy and sampled, ragged prompts, per-sequence stop and limit, chunks); and the
// ragged decode attention (per-query positions) and the KV-cache write against their twins.
import { describe, expect, it } from 'vitest';
import { compare, randn, runtime } from './helpers.ts';
import { gpuBackend } from '../../src/engine/backend.ts';
import * as gpu from '../../src/engine/ops/attention.ts';
import * as ref from '../../src/engine/ref/attention.ts';
import { refTensor } from '../../src/engine/ref/tensor.ts';
import { Decoder } from '../../src/model/decoder.ts';
import { LoraParams } from '../../src/model/lora-params.ts';
import { initLora, LORA_TARGETS } from '../../src/model/lora-types.ts';
import { TINY_ARCHS, tinyModelFiles } from '../../src/model/tiny-model.ts';
import { loadModelFolder } from '../../src/model/weights.ts';
import { Rng } from '../../src/util/rng.ts';
import { BATCH_CASES, batchVersusAlone } from '../helpers/generate-batch-cases.ts';

describe('ragged decode attention (per-query positions)', () => {
  for (const c of [
    { B: 3, Tq: 1, NH: 4, NKV: 2, HS: 16, cap: 20, pos: [2, 19, 7], window: 0 },
    { B: 2, Tq: 3, NH: 2, NKV: 1, HS: 80, cap: 90, pos: [0, 1, 2, 70, 71, 72], window: 0 },
    { B: 3, Tq: 1, NH: 2, NKV: 2, HS: 24, cap: 12, pos: [10, 3, 0], window: 4 },
  ]) {
    it(`B=${c.B} Tq=${c.Tq} HS=${c.HS} positions ${c.pos.join(',')}${c.window ? ` window=${c.window}` : ''}`, async () => {
      const rt = await runtime();
      const { B, Tq, NH, NKV, HS, cap } = c;
      const q = randn(1, B * Tq * NH * HS),
        kc = randn(2, B * cap * NKV * HS),
        vc = randn(3, B * cap * NKV * HS);
      const out = new Float64Array(q.length);
      const pos = Uint32Array.from(c.pos);
      ref.attentionDecode(refTensor(out), refTensor(q), refTensor(kc), refTensor(vc), B, Tq, NH, NKV, HS, 0, cap, { window: c.window, pos: refTensor(pos) });
      const [gq, gk, gv] = [q, kc, vc].map((x) => rt.upload(x, [x.length]));
      const gp = rt.upload(pos, [pos.length]);
      const go = rt.empty([q.length]);
      gpu.attentionDecode(rt, go, gq, gk, gv, B, Tq, NH, NKV, HS, 0, cap, { window: c.window, pos: gp });
      expect(compare(`ragged decode B=${B} Tq=${Tq}`, await rt.read(go), out)).toBeLessThan(2e-5);
      for (const t of [gq, gk, gv, gp, go]) rt.release(t);
    });
  }
});

describe('KV-cache write at per-token positions', () => {
  it('B=3 T=2 W=24 into a cache of 4 rows of 9 slots, against its twin', async () => {
    const rt = await runtime();
    const [B, T, W, cap] = [3, 2, 24, 9];
    const k = randn(4, B * T * W),
      v = randn(5, B * T * W),
      kc = randn(6, 4 * cap * W),
      vc = randn(7, 4 * cap * W);
    const pos = Uint32Array.of(0, 1, 7, 8, 3, 4);
    const [rk, rv] = [Float64Array.from(kc), Float64Array.from(vc)];
    ref.kvCacheWrite(refTensor(rk), refTensor(rv), refTensor(k), refTensor(v), refTensor(pos), B, T, cap);
    const [gk, gv, gkc, gvc] = [k, v, kc, vc].map((x) => rt.upload(x, [x.length]));
    const gp = rt.upload(pos, [pos.length]);
    gpu.kvCacheWrite(rt, gkc, gvc, gk, gv, gp, B, T, cap);
    expect(compare('kv write k', await rt.read(gkc), rk)).toBe(0);
    expect(compare('kv write v', await rt.read(gvc), rv)).toBe(0);
    expect(rk[(2 * cap + 3) * W]).toBe(k[4 * W]); // row 2, token 0 at slot 3
    for (const t of [gk, gv, gkc, gvc, gp]) rt.release(t);
  });
});

describe.each(TINY_ARCHS)('generateBatch on the GPU, tiny %s', async (arch) => {
  const model = await loadModelFolder(tinyModelFiles(0, arch));
  const cfg = model.config;
  const adapter = initLora(cfg, { r: 4, alpha: 8, dropout: 0, targetModules: [...LORA_TARGETS], useRslora: false }, new Rng(5), 'tiny');
  const noise = new Rng(6);
  for (const layer of adapter.layers.values()) for (let i = 0; i < layer.B.length; i++) layer.B[i] = noise.normal() * 0.05;

  it.each(BATCH_CASES)('$name: equals generate() on each prompt alone, with LoRA', async (c) => {
    const be = gpuBackend(await runtime());
    const dec = new Decoder(be, cfg, model.weights);
    const lora = LoraParams.create(be, adapter);
    const { alone, batch } = await batchVersusAlone(be, dec, lora, c);
    console.log(`${arch} ${c.name}: ${batch.map((r) => r.ids.join(' ')).join(' | ')}`);
    expect(batch).toEqual(alone);
    expect(batch[1].stoppedBy).toBe('eos');
    lora.release();
    dec.release();
  });
});
