// The WebGPU decoder against the plain HF Llama math, and SFT on the GPU against its CPU twin.
import { describe, expect, it } from 'vitest';
import { runtime } from './helpers.ts';
import { gpuBackend, cpuBackend } from '../../src/engine/backend.ts';
import { Decoder, Workspace } from '../../src/model/decoder.ts';
import { LoraParams } from '../../src/model/lora-params.ts';
import { initLora, type LoraAdapter } from '../../src/model/lora-types.ts';
import { loadModelFolder } from '../../src/model/weights.ts';
import { tinyModelFiles } from '../../src/model/tiny-model.ts';
import { referenceLogits } from '../helpers/reference-llama.ts';
import { trainSft, type TokenizedExample } from '../../src/training/sft.ts';
import { Rng } from '../../src/util/rng.ts';

const model = await loadModelFolder(tinyModelFiles(0));
const cfg = model.config;

/** An adapter with non-zero B so the LoRA path contributes to the logits. */
function randomAdapter(seed: number): LoraAdapter {
  const a = initLora(
    cfg,
    { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'], useRslora: false },
    new Rng(seed),
  );
  const rng = new Rng(seed + 1);
  for (const layer of a.layers.values()) for (let i = 0; i < layer.B.length; i++) layer.B[i] = rng.normal() * 0.05;
  return a;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0,
    s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / Math.max(s, 1e-12);
}

describe('decoder', () => {
  it('logits match the plain HF Llama math within 1e-4 relative, with and without LoRA', async () => {
    const rt = await runtime();
    const be = gpuBackend(rt);
    const dec = new Decoder(be, cfg, model.weights);
    const ids = [507, 12, 99, 300, 45, 7, 510, 256, 3];
    for (const adapter of [undefined, randomAdapter(3)]) {
      const lora = adapter ? LoraParams.create(be, adapter) : null;
      const ws = new Workspace(be, cfg, 1, ids.length, Decoder.loraRanks(lora));
      ws.setBatch(Uint32Array.from(ids), Uint32Array.of(ids.length));
      dec.forward(ws, lora);
      const got = await be.read(ws.logits!);
      const want = referenceLogits(cfg, model.weights, ids, adapter);
      const flat = new Float32Array(want.length * cfg.vocabSize);
      want.forEach((row, t) => flat.set(row, t * cfg.vocabSize));
      const rel = maxRelDiff(got, flat);
      console.log(`decoder logits ${adapter ? 'with' : 'without'} LoRA: max relative diff ${rel.toExponential(3)}`);
      expect(rel).toBeLessThan(1e-4);
      ws.release();
      lora?.release();
    }
  });

  it.each(['qwen3', 'gemma3', 'gemma3-conditional'] as const)('tiny %s: logits and KV-cache decoding match the float64 reference within 1e-4', async (arch) => {
    // Qwen3: per-head q/k norms, head size 24. Gemma 3: sandwich norms, GeGLU, sliding/full layers, local/global RoPE, soft cap.
    const rt = await runtime();
    const be = gpuBackend(rt);
    const q3 = await loadModelFolder(tinyModelFiles(0, arch));
    const dec = new Decoder(be, q3.config, q3.weights);
    const ids = [507, 12, 99, 300, 45, 7, 510, 256, 3];
    const ws = new Workspace(be, q3.config, 1, ids.length, new Map());
    ws.setBatch(Uint32Array.from(ids), Uint32Array.of(ids.length));
    dec.forward(ws, null);
    const got = await be.read(ws.logits!);
    const want = referenceLogits(q3.config, q3.weights, ids);
    const flat = new Float32Array(want.length * q3.config.vocabSize);
    want.forEach((row, t) => flat.set(row, t * q3.config.vocabSize));
    expect(maxRelDiff(got, flat)).toBeLessThan(1e-4);
    const kv = dec.newKvCache(16);
    const pre = new Workspace(be, q3.config, 1, ids.length - 1, new Map());
    pre.setBatch(Uint32Array.from(ids.slice(0, -1)), Uint32Array.of(ids.length - 1));
    dec.forward(pre, null, { kv });
    const one = new Workspace(be, q3.config, 1, 1, new Map());
    one.setBatch(Uint32Array.of(ids.at(-1)!), Uint32Array.of(1), undefined, undefined, ids.length - 1);
    dec.forward(one, null, { kv });
    expect(maxRelDiff(await be.read(one.logits!), want.at(-1)!)).toBeLessThan(1e-4);
    for (const w of [ws, pre, one]) w.release();
    dec.releaseKvCache(kv);
    dec.release();
  });

  it('KV-cache decoding gives the same last-position logits as a full forward', async () => {
    const rt = await runtime();
    const be = gpuBackend(rt);
    const dec = new Decoder(be, cfg, model.weights);
    const ids = [507, 40, 41, 42, 43, 44, 45];
    const kv = dec.newKvCache(16);
    const pre = new Workspace(be, cfg, 1, ids.length - 1, new Map());
    pre.setBatch(Uint32Array.from(ids.slice(0, -1)), Uint32Array.of(ids.length - 1));
    dec.forward(pre, null, { kv });
    const one = new Workspace(be, cfg, 1, 1, new Map());
    one.setBatch(Uint32Array.of(ids[ids.length - 1]), Uint32Array.of(1), undefined, undefined, ids.length - 1);
    dec.forward(one, null, { kv });
    const got = await be.read(one.logits!);
    const want = referenceLogits(cfg, model.weights, ids).at(-1)!;
    expect(maxRelDiff(got, want)).toBeLessThan(1e-4);
  });

  it('SFT with LoRA dropout: the GPU loss curve matches the CPU twin (same masks) and differs from no dropout', async () => {
    const rt = await runtime();
    const rng = new Rng(21);
    const examples: TokenizedExample[] = Array.from({ length: 2 }, () => {
      const ids = [507, ...Array.from({ length: 9 }, () => rng.int(500))];
      return { ids, lossMask: ids.map((_, t) => (t >= 3 ? 1 : 0)) };
    });
    const run = async (be: ReturnType<typeof gpuBackend> | ReturnType<typeof cpuBackend>, dropout: number) => {
      const dec = new Decoder(be as never, cfg, model.weights);
      const adapter = initLora(cfg, { r: 4, alpha: 8, dropout, targetModules: ['q_proj', 'v_proj', 'o_proj', 'down_proj'], useRslora: false }, new Rng(2));
      const res = await trainSft(be as never, dec, LoraParams.create(be as never, adapter), examples, {
        epochs: 4,
        batchSize: 2,
        learningRate: 2e-2,
        seed: 9,
        warmupRatio: 0,
      });
      return res.losses;
    };
    const gpu = await run(gpuBackend(rt), 0.3);
    const cpu = await run(cpuBackend(), 0.3);
    const plain = await run(gpuBackend(rt), 0);
    console.log(
      `sft with dropout 0.3 gpu: ${gpu.map((l) => l.toFixed(4)).join(' ')} | cpu: ${cpu.map((l) => l.toFixed(4)).join(' ')} | no dropout: ${plain.map((l) => l.toFixed(4)).join(' ')}`,
    );
    for (let i = 0; i < cpu.length; i++) expect(Math.abs(gpu[i] - cpu[i])).toBeLessThan(2e-3 * Math.max(1, cpu[i]));
    expect(gpu.slice(1).some((l, i) => Math.abs(l - plain[i + 1]) > 1e-3)).toBe(true);
  });

  it('SFT drives the completion loss down and the GPU curve matches the CPU twin step by step', async () => {
    const rt = await runtime();
    const rng = new Rng(11);
    const examples: TokenizedExample[] = Array.from({ length: 4 }, (_, e) => {
      const len = 10 + e;
      const ids = [507, ...Array.from({ length: len - 1 }, () => rng.int(500))];
      return { ids, lossMask: ids.map((_, t) => (t >= 4 ? 1 : 0)) };
    });
    const opts = { epochs: 60, batchSize: 4, learningRate: 3e-2, seed: 5, maxSteps: 60, warmupRatio: 0.05, maxGradNorm: 1.0 };
    const curves: number[][] = [];
    for (const be of [gpuBackend(rt), cpuBackend()] as const) {
      const dec = new Decoder(be as never, cfg, model.weights);
      const adapter = initLora(
        cfg,
        { r: 8, alpha: 16, dropout: 0, targetModules: ['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'], useRslora: false },
        new Rng(1),
      );
      const lora = LoraParams.create(be as never, adapter);
      const res = await trainSft(be as never, dec, lora, examples, { ...opts, untilStep: be.kind === 'cpu' ? 12 : undefined });
      curves.push(res.losses);
    }
    const [gpu, cpu] = curves;
    console.log(`sft gpu: ${gpu.map((l) => l.toFixed(4)).join(' ')}\ncpu twin: ${cpu.map((l) => l.toFixed(4)).join(' ')}`);
    for (let i = 0; i < cpu.length; i++) expect(Math.abs(gpu[i] - cpu[i])).toBeLessThan(2e-3 * Math.max(1, cpu[i]));
    expect(gpu[0]).toBeGreaterThan(4);
    expect(gpu.at(-1)!).toBeLessThan(0.1);
  });
});
