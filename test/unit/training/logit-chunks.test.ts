// A row-chunked LM head (logits never whole) gives the whole head's loss, log-probs and LoRA gradients:
// SFT's masked mean cross-entropy, per-token log-probs at a temperature, and the joint weighted-log-prob +
// scalar-head backward (PPO's), on the CPU twin, for Llama, Gemma 3 (soft cap, tied head) and a Qwen3 whose
// vocabulary matrix is also split into binding-sized parts.
import { describe, expect, it } from 'vitest';
import { cpuBackend, type CpuTensor } from '../../../src/engine/backend.ts';
import { Decoder, Workspace } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora, type LoraAdapter } from '../../../src/model/lora-types.ts';
import type { ModelConfig } from '../../../src/model/hf-config.ts';
import { tinyModelFiles } from '../../../src/model/tiny-model.ts';
import { loadModelFolder } from '../../../src/model/weights.ts';
import { logitRowsFor } from '../../../src/model/workspace.ts';
import { sftLossBackward, targetLogprobs } from '../../../src/training/logit-chunks.ts';
import { backwardJoint, pack, ScalarHead, tokenLogprobs, writeBatch } from '../../../src/training/seq.ts';
import type { TokenizedExample } from '../../../src/training/sft.ts';
import { Rng } from '../../../src/util/rng.ts';

const be = cpuBackend();

function randomAdapter(cfg: ModelConfig, seed: number): LoraAdapter {
  const a = initLora(cfg, { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj', 'down_proj'], useRslora: false }, new Rng(seed));
  const rng = new Rng(seed + 1);
  for (const layer of a.layers.values()) for (let i = 0; i < layer.B.length; i++) layer.B[i] = rng.normal() * 0.1;
  return a;
}

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0,
    s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / Math.max(s, 1e-12);
}

/** Two rows of 80 tokens (N = 160: chunks of 64, 64 and 32), a completion over most of each. */
function examples(V: number): TokenizedExample[] {
  const rng = new Rng(4);
  return [80, 71].map((n, i) => ({
    ids: Array.from({ length: n }, () => 1 + Math.floor(rng.next() * (V - 1))),
    lossMask: Array.from({ length: n }, (_, t) => (t > 8 + i * 5 ? 1 : 0)),
  }));
}

describe('a row-chunked LM head', () => {
  it.each([
    ['llama', 'f32', undefined],
    ['gemma3', 'f32', undefined],
    ['qwen3', 'bf16', 130],
  ] as const)('%s %s: the same loss, log-probs and gradients as the whole head', async (arch, precision, headRows) => {
    const m = await loadModelFolder(tinyModelFiles(0, arch), { precision });
    const cfg = m.config;
    const V = cfg.vocabSize;
    const maxTensorBytes = headRows ? headRows * cfg.hiddenSize * 2 : undefined; // the head in parts of 128 rows too
    const dec = new Decoder(be, cfg, m.weights, m.packed, { maxTensorBytes });
    const lora = LoraParams.create(be, randomAdapter(cfg, 3));
    const batch = pack(examples(V), 2, 80);
    const chunkBytes = 64 * V * 4 * (cfg.finalLogitSoftcap ? 2 : 1);
    const whole = new Workspace(be, cfg, 2, 80, Decoder.loraRanks(lora));
    const chunked = new Workspace(be, cfg, 2, 80, Decoder.loraRanks(lora), { maxBytes: chunkBytes + 100 });
    expect(whole.logitRows).toBe(160);
    expect(chunked.logitRows).toBe(64);
    expect(chunked.logits!.size).toBe(64 * V); // never (N, V)

    const sft = async (ws: Workspace<CpuTensor>) => {
      writeBatch(ws, batch);
      lora.zeroGrads();
      dec.forward(ws, lora);
      sftLossBackward(be, dec, lora, ws);
      return { loss: (await be.read(ws.loss))[0], grads: await be.read(lora.grads) };
    };
    const a = await sft(whole),
      b = await sft(chunked);
    expect(a.loss).toBeGreaterThan(1);
    expect(Math.abs(b.loss - a.loss)).toBeLessThan(1e-6 * a.loss);
    expect(maxRel(b.grads, a.grads)).toBeLessThan(1e-5);

    // PPO's forward at temperature 0.7 and its joint backward (weighted log-probs + a value head).
    const invTemp = 1 / 0.7;
    const rng = new Rng(8);
    const weights = Float32Array.from(batch.mask, (mk) => mk * (rng.next() - 0.5));
    const dscore = Float32Array.from({ length: 160 }, () => rng.normal() * 0.1);
    const head = new ScalarHead(
      be,
      cfg.hiddenSize,
      160,
      Float32Array.from({ length: cfg.hiddenSize + 1 }, () => rng.normal() * 0.2),
    );
    const joint = async (ws: Workspace<CpuTensor>) => {
      writeBatch(ws, batch);
      lora.zeroGrads();
      head.zeroGrads();
      be.beginStep();
      dec.forward(ws, lora);
      const out = be.zeros([ws.N]);
      targetLogprobs(be, dec, ws, out, invTemp);
      be.submit();
      const lp = await be.read(out);
      await head.forward(ws);
      backwardJoint(be, dec, lora, ws, { logprobWeights: weights, invTemp, head, dscore });
      return { lp, grads: await be.read(lora.grads), head: await be.read(head.grads) };
    };
    const ja = await joint(whole),
      jb = await joint(chunked);
    expect(maxRel(jb.lp, ja.lp)).toBeLessThan(1e-6);
    expect(maxRel(jb.grads, ja.grads)).toBeLessThan(1e-5);
    expect(maxRel(jb.head, ja.head)).toBeLessThan(1e-5);
    let norm = 0;
    for (const g of ja.grads) norm += g * g;
    expect(Math.sqrt(norm)).toBeGreaterThan(1e-4); // real gradients on both sides

    // tokenLogprobs (evaluation, DPO) at temperature 1.
    const lpOf = async (ws: Workspace<CpuTensor>) => {
      writeBatch(ws, batch);
      return tokenLogprobs(be, dec, lora, ws, be.zeros([ws.N]));
    };
    expect(maxRel(await lpOf(chunked), await lpOf(whole))).toBeLessThan(1e-6);
  });

  it('keeps logits whole while they fit; chunks in multiples of 64 rows otherwise', () => {
    const MiB = 2 ** 20;
    expect(logitRowsFor(4096, 32_000, false, 256 * MiB, 1024 * MiB)).toBe(2048); // 500 MiB whole: 2048 rows of 125 KiB
    expect(logitRowsFor(512, 32_000, false, 256 * MiB, 1024 * MiB)).toBe(512); // 62.5 MiB: whole
    expect(logitRowsFor(2048, 262_144, true, 256 * MiB, 1024 * MiB)).toBe(128); // Gemma 3: 1 MiB a row, two buffers
    expect(logitRowsFor(2048, 262_144, false, 4096 * MiB, 1024 * MiB)).toBe(1024); // one binding caps it
    expect(logitRowsFor(100, 262_144, false, 1 * MiB, 1024 * MiB)).toBe(64); // never under 64 rows
  });
});
