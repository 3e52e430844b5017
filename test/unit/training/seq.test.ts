// seq.ts on the CPU twin: the weighted log-prob backward equals the SFT mean cross-entropy backward, and
// the scalar head's gradients (dw, db, LoRA) match central finite differences of a head-score loss.
import { describe, expect, it } from 'vitest';
import { cpuBackend, type CpuTensor } from '../../../src/engine/backend.ts';
import { Decoder, Workspace } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora, type LoraAdapter } from '../../../src/model/lora-types.ts';
import { loadModelFolder } from '../../../src/model/weights.ts';
import { tinyModelFiles } from '../../../src/model/tiny-model.ts';
import { backwardWeightedLogprobs, pack, ScalarHead, tokenLogprobs, writeBatch } from '../../../src/training/seq.ts';
import type { TokenizedExample } from '../../../src/training/sft.ts';
import { Rng } from '../../../src/util/rng.ts';

const model = await loadModelFolder(tinyModelFiles(0));
const cfg = model.config;
const be = cpuBackend();
const dec = new Decoder(be, cfg, model.weights);

/** Non-zero A and B so every LoRA parameter has a gradient. */
function randomAdapter(seed: number): LoraAdapter {
  const a = initLora(cfg, { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj', 'down_proj'], useRslora: false }, new Rng(seed));
  const rng = new Rng(seed + 1);
  for (const layer of a.layers.values()) for (let i = 0; i < layer.B.length; i++) layer.B[i] = rng.normal() * 0.1;
  return a;
}

const examples: TokenizedExample[] = [
  { ids: [507, 10, 20, 30, 40, 50, 60], lossMask: [0, 0, 0, 1, 1, 1, 1] },
  { ids: [507, 11, 21, 31, 41], lossMask: [0, 0, 1, 1, 1] },
];

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0,
    s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / Math.max(s, 1e-12);
}

describe('seq (CPU twin)', () => {
  it('backwardWeightedLogprobs with weights mask/Σmask gives the SFT mean cross-entropy gradients', async () => {
    const lora = LoraParams.create(be, randomAdapter(3));
    const batch = pack(examples, 2, 7);
    const ws = new Workspace(be, cfg, 2, 7, Decoder.loraRanks(lora));
    const V = cfg.vocabSize;
    // SFT path: mean CE over masked tokens.
    writeBatch(ws, batch);
    lora.zeroGrads();
    dec.forward(ws, lora);
    be.crossEntropyForward(ws.losses, ws.loss, ws.ceLse, ws.logits!, ws.targets, ws.mask, ws.N, V);
    be.crossEntropyBackward(ws.logits!, ws.logits!, ws.ceLse, ws.targets, ws.mask, ws.loss, ws.N, V);
    dec.backward(ws, lora);
    const sft = await be.read(lora.grads);
    // Weighted path.
    writeBatch(ws, batch);
    lora.zeroGrads();
    const out = be.zeros([ws.N]);
    const lp = await tokenLogprobs(be, dec, lora, ws, out);
    let count = 0;
    for (const m of batch.mask) count += m;
    const weights = batch.mask.map((m) => m / count);
    backwardWeightedLogprobs(be, dec, lora, ws, weights);
    const weighted = await be.read(lora.grads);
    // The weighted forward's per-row losses are w_n · (−log p_n): the log-probs agree with them.
    const losses = await be.read(ws.losses);
    for (let n = 0; n < ws.N; n++) if (batch.mask[n]) expect(Math.abs(lp[n] + losses[n] / weights[n])).toBeLessThan(1e-4 * Math.max(1, Math.abs(lp[n])));
    let norm = 0;
    for (const g of sft) norm += g * g;
    expect(Math.sqrt(norm)).toBeGreaterThan(1e-4); // a real gradient, not zeros on both sides
    const rel = maxRel(weighted, sft);
    console.log(`weighted vs SFT LoRA gradients: max relative diff ${rel.toExponential(3)}`);
    expect(rel).toBeLessThan(1e-5);
  });

  it('ScalarHead gradients (dw, db, a LoRA parameter) match central finite differences', async () => {
    const lora = LoraParams.create(be, randomAdapter(5));
    const batch = pack(examples, 2, 7);
    const ws = new Workspace(be, cfg, 2, 7, Decoder.loraRanks(lora), false);
    const rng = new Rng(9);
    const init = Float32Array.from({ length: cfg.hiddenSize + 1 }, () => rng.normal() * 0.2);
    const head = new ScalarHead(be, cfg.hiddenSize, ws.N, init);
    const T = batch.T;
    // A Bradley-Terry style loss on the last-token scores plus a small term on every position.
    const lossOf = (s: Float32Array): number => {
      const z = s[0 * T + batch.last[0]] - s[1 * T + batch.last[1]];
      let l = Math.log1p(Math.exp(-z));
      for (let n = 0; n < s.length; n++) l += 0.01 * s[n] * Math.sin(n);
      return l;
    };
    const evaluate = async (): Promise<number> => {
      writeBatch(ws, batch);
      dec.forward(ws, lora);
      return lossOf(await head.forward(ws));
    };
    lora.zeroGrads();
    head.zeroGrads();
    writeBatch(ws, batch);
    dec.forward(ws, lora);
    const s = await head.forward(ws);
    const z = s[batch.last[0]] - s[T + batch.last[1]];
    const g = -1 / (1 + Math.exp(z));
    const dscore = Float32Array.from({ length: ws.N }, (_, n) => 0.01 * Math.sin(n));
    dscore[batch.last[0]] += g;
    dscore[T + batch.last[1]] -= g;
    head.backward(dec, lora, ws, dscore);
    const headGrads = await be.read(head.grads);
    const loraGrads = await be.read(lora.grads);

    const fd = async (t: CpuTensor, i: number, eps: number): Promise<number> => {
      const data = t.data as Float32Array;
      const x = data[i];
      data[i] = x + eps;
      const lp = await evaluate();
      data[i] = x - eps;
      const lm = await evaluate();
      data[i] = x;
      return (lp - lm) / (2 * eps);
    };
    const C = cfg.hiddenSize;
    const bOffset = Math.ceil(C / 64) * 64;
    const checks: [string, number, number][] = [];
    for (const i of [0, 7, 33, C - 1]) checks.push([`dw[${i}]`, headGrads[i], await fd(head.params, i, 1e-2)]);
    checks.push(['db', headGrads[bOffset], await fd(head.params, bOffset, 1e-2)]);
    // The LoRA parameters with the largest analytic gradient in A and in B.
    const mod = [...lora.modules.values()][0];
    for (const [off, len] of [
      [mod.offsetA, mod.r * mod.inFeatures],
      [mod.offsetB, mod.outFeatures * mod.r],
    ]) {
      let best = off;
      for (let i = off; i < off + len; i++) if (Math.abs(loraGrads[i]) > Math.abs(loraGrads[best])) best = i;
      checks.push([`lora[${best}]`, loraGrads[best], await fd(lora.params, best, 1e-2)]);
    }
    for (const [name, analytic, numeric] of checks) {
      console.log(`${name}: analytic ${analytic.toExponential(4)} numeric ${numeric.toExponential(4)}`);
      expect(Math.abs(analytic)).toBeGreaterThan(1e-5);
      expect(Math.abs(analytic - numeric)).toBeLessThan(2e-2 * Math.abs(numeric) + 1e-5);
    }
  });
});

describe('weighted log-likelihood gradients on a soft-capped model (tiny Gemma 3)', () => {
  it('match central finite differences of −Σ w·log p, through the cap and the explicit weighted backward', async () => {
    const g = await loadModelFolder(tinyModelFiles(0, 'gemma3'));
    expect(g.config.finalLogitSoftcap).toBe(5);
    const gdec = new Decoder(be, g.config, g.weights);
    const adapter = initLora(g.config, { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj', 'down_proj'], useRslora: false }, new Rng(4));
    const rng = new Rng(5);
    for (const layer of adapter.layers.values()) for (let i = 0; i < layer.B.length; i++) layer.B[i] = rng.normal() * 0.1;
    const lora = LoraParams.create(be, adapter);
    const batch = pack(examples, 2, 7);
    const ws = new Workspace(be, g.config, 2, 7, Decoder.loraRanks(lora));
    const out = be.zeros([ws.N]);
    const weights = batch.mask.map((m, n) => m * (n % 3 === 0 ? -0.7 : 1.3)); // any sign, as PPO's advantages
    const objective = async () => {
      writeBatch(ws, batch);
      const lp = await tokenLogprobs(be, gdec, lora, ws, out);
      let s = 0;
      for (let n = 0; n < ws.N; n++) s -= weights[n] * lp[n];
      return s;
    };
    await objective();
    lora.zeroGrads();
    backwardWeightedLogprobs(be, gdec, lora, ws, weights);
    const grads = await be.read(lora.grads);
    const params = (lora.params as CpuTensor).data as Float32Array;
    const probe = new Rng(6);
    let worst = 0;
    for (let k = 0; k < 20; k++) {
      const i = probe.int(params.length);
      const keep = params[i];
      params[i] = keep + 1e-2;
      const up = await objective();
      params[i] = keep - 1e-2;
      const down = await objective();
      params[i] = keep;
      const fd = (up - down) / 2e-2;
      worst = Math.max(worst, Math.abs(fd - grads[i]) / Math.max(1e-3, Math.abs(fd) + Math.abs(grads[i])));
    }
    expect(worst).toBeLessThan(2e-2);
    ws.release();
    lora.release();
    gdec.release();
  });
});
