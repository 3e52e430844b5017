// Every tiny architecture on the CPU twin: logits against the float64 reference (with and without LoRA,
// a padded batch), KV-cache decoding equal to a full forward, LoRA gradients against finite differences,
// SFT with a falling loss, and PEFT export/import round trips.
import { describe, expect, it } from 'vitest';
import { cpuBackend, type CpuTensor } from '../../../src/engine/backend.ts';
import { Decoder, Workspace } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora, LORA_TARGETS, type LoraAdapter } from '../../../src/model/lora-types.ts';
import { loadModelFolder, type LoadedModel } from '../../../src/model/weights.ts';
import { TINY_ARCHS, tinyModelFiles, type TinyArch } from '../../../src/model/tiny-model.ts';
import { exportPeft, importPeft } from '../../../src/storage/peft.ts';
import { packBatch, trainSft, type TokenizedExample } from '../../../src/training/sft.ts';
import { Rng } from '../../../src/util/rng.ts';
import { referenceLogits } from '../../helpers/reference-llama.ts';

const models = new Map<TinyArch, LoadedModel>();
for (const arch of TINY_ARCHS) models.set(arch, await loadModelFolder(tinyModelFiles(0, arch)));

function randomAdapter(model: LoadedModel, seed: number, scale = 0.05): LoraAdapter {
  const a = initLora(model.config, { r: 4, alpha: 8, dropout: 0, targetModules: [...LORA_TARGETS], useRslora: false }, new Rng(seed), 'tiny');
  const rng = new Rng(seed + 1);
  for (const layer of a.layers.values()) for (let i = 0; i < layer.B.length; i++) layer.B[i] = rng.normal() * scale;
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

describe.each(TINY_ARCHS)('tiny %s on the CPU twin', (arch) => {
  const model = models.get(arch)!;
  const cfg = model.config;
  const be = cpuBackend();
  const V = cfg.vocabSize;

  it('is the architecture it says', () => {
    expect(cfg.modelType).toBe(arch.startsWith('gemma3') ? 'gemma3_text' : arch);
    if (arch === 'qwen3') expect(cfg).toMatchObject({ qkNorm: true, headDim: 24, numHeads: 4 }); // heads × head_dim = 96 ≠ hidden 64
    if (arch.startsWith('gemma3')) {
      expect(cfg).toMatchObject({
        qkNorm: true,
        sandwichNorm: true,
        normWeightOffset: 1,
        hiddenAct: 'gelu_pytorch_tanh',
        tieWordEmbeddings: true,
        embedScale: 8,
        layerTypes: ['sliding_attention', 'full_attention'],
        slidingWindow: 4,
        ropeLocalTheta: 10000,
        attnScale: 1 / Math.sqrt(24),
        // The causal-LM class caps its logits; the conditional-generation class (the Hub layout) never does.
        finalLogitSoftcap: arch === 'gemma3' ? 5 : null,
      });
    }
    if (arch === 'gemma3-conditional') {
      expect(model.ignoredTensors.sort()).toEqual([
        'multi_modal_projector.mm_input_projection_weight',
        'vision_tower.vision_model.embeddings.patch_embedding.weight',
      ]);
    }
  });

  it('logits of a padded batch match the float64 reference within 1e-4 relative, with and without LoRA', () => {
    const dec = new Decoder(be, cfg, model.weights);
    const rows = [
      [507, 12, 99, 300, 45, 7, 510, 256, 3],
      [507, 40, 41, 42, 43],
    ];
    const T = 9;
    for (const adapter of [undefined, randomAdapter(model, 3)]) {
      const lora = adapter ? LoraParams.create(be, adapter) : null;
      const ws = new Workspace(be, cfg, 2, T, Decoder.loraRanks(lora));
      const ids = new Uint32Array(2 * T);
      rows.forEach((r, b) => ids.set(r, b * T));
      ws.setBatch(ids, Uint32Array.from(rows.map((r) => r.length)));
      dec.forward(ws, lora);
      const logits = (ws.logits as CpuTensor).data;
      rows.forEach((r, b) => {
        const want = referenceLogits(cfg, model.weights, r, adapter);
        const got = logits.subarray(b * T * V, (b * T + r.length) * V);
        const flat = new Float32Array(r.length * V);
        want.forEach((row, t) => flat.set(row, t * V));
        expect(maxRelDiff(got, flat), `row ${b} ${adapter ? 'with' : 'without'} LoRA`).toBeLessThan(1e-4);
      });
      ws.release();
      lora?.release();
    }
    dec.release();
  });

  it('KV-cache decoding gives the last-position logits of a full forward', () => {
    const dec = new Decoder(be, cfg, model.weights);
    const ids = [507, 40, 41, 42, 43, 44, 45, 46, 47]; // longer than the Gemma window (4)
    const kv = dec.newKvCache(16);
    const pre = new Workspace(be, cfg, 1, ids.length - 1, new Map());
    pre.setBatch(Uint32Array.from(ids.slice(0, -1)), Uint32Array.of(ids.length - 1));
    dec.forward(pre, null, { kv });
    const one = new Workspace(be, cfg, 1, 1, new Map());
    one.setBatch(Uint32Array.of(ids.at(-1)!), Uint32Array.of(1), undefined, undefined, ids.length - 1);
    dec.forward(one, null, { kv });
    expect(maxRelDiff((one.logits as CpuTensor).data, referenceLogits(cfg, model.weights, ids).at(-1)!)).toBeLessThan(1e-4);
    dec.release();
  });

  it('LoRA gradients of the SFT loss match central finite differences', () => {
    const dec = new Decoder(be, cfg, model.weights);
    const lora = LoraParams.create(be, randomAdapter(model, 1, 0.1));
    const rng = new Rng(11);
    const exs = [7, 9].map((n) => {
      const ids = [507, ...Array.from({ length: n }, () => rng.int(500))];
      return { ids, lossMask: ids.map((_, t) => (t >= 3 ? 1 : 0)) };
    });
    const T = 10;
    const ws = new Workspace(be, cfg, 2, T, Decoder.loraRanks(lora));
    const p = packBatch(exs, 2, T);
    ws.setBatch(p.ids, p.lens, p.targets, p.mask);
    const lossAt = () => {
      dec.forward(ws, lora);
      be.crossEntropyForward(ws.losses, ws.loss, ws.ceLse, ws.logits!, ws.targets, ws.mask, ws.N, V);
      return (ws.loss as CpuTensor).data[0];
    };
    lossAt();
    lora.zeroGrads();
    be.crossEntropyBackward(ws.logits!, ws.logits!, ws.ceLse, ws.targets, ws.mask, ws.loss, ws.N, V);
    dec.backward(ws, lora);
    const params = (lora.params as CpuTensor).data as Float32Array;
    const grads = (lora.grads as CpuTensor).data as Float32Array;
    const probe = new Rng(5);
    let worst = 0;
    for (let n = 0; n < 24; n++) {
      const i = probe.int(params.length);
      const keep = params[i];
      const h = 1e-2;
      params[i] = keep + h;
      const up = lossAt();
      params[i] = keep - h;
      const down = lossAt();
      params[i] = keep;
      const fd = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - grads[i]) / Math.max(1e-3, Math.abs(fd) + Math.abs(grads[i])));
    }
    expect(worst).toBeLessThan(2e-2);
    ws.release();
    lora.release();
    dec.release();
  });

  it('SFT drives the loss down, and the adapter round-trips through PEFT bit for bit', async () => {
    const dec = new Decoder(be, cfg, model.weights);
    const lora = LoraParams.create(
      be,
      initLora(cfg, { r: 8, alpha: 16, dropout: 0, targetModules: ['q_proj', 'v_proj', 'o_proj'], useRslora: false }, new Rng(2), 'tiny'),
    );
    const rng = new Rng(4);
    const examples: TokenizedExample[] = Array.from({ length: 2 }, () => {
      const ids = [507, ...Array.from({ length: 11 }, () => rng.int(500))];
      return { ids, lossMask: ids.map((_, t) => (t >= 2 ? 1 : 0)) };
    });
    const res = await trainSft(be, dec, lora, examples, { epochs: 30, batchSize: 2, learningRate: 3e-2, seed: 1, warmupRatio: 0 });
    expect(res.losses.at(-1)!).toBeLessThan(res.losses[0] * 0.5);
    const adapter = await lora.toAdapter();
    const back = importPeft(exportPeft(adapter, 'tiny'), cfg);
    for (const [path, l] of adapter.layers) {
      expect(Buffer.from(back.layers.get(path)!.A.buffer).equals(Buffer.from(l.A.buffer)), path).toBe(true);
      expect(Buffer.from(back.layers.get(path)!.B.buffer).equals(Buffer.from(l.B.buffer)), path).toBe(true);
    }
    lora.release();
    dec.release();
  });
});

describe('a decoder that cannot be built', () => {
  it('names the missing tensor and leaves nothing uploaded', () => {
    const model = models.get('gemma3')!;
    const be = cpuBackend();
    let live = 0;
    const counting = Object.create(be, {
      upload: { value: (d: Float32Array, shape: readonly number[]) => (live++, be.upload(d, shape)) },
      release: { value: (t: CpuTensor) => (live--, be.release(t)) },
    }) as typeof be;
    const weights = new Map(model.weights);
    weights.delete('model.layers.1.post_feedforward_layernorm.weight');
    expect(() => new Decoder(counting, model.config, weights)).toThrow('decoder: weight model.layers.1.post_feedforward_layernorm.weight missing');
    expect(live).toBe(0);
    const dec = new Decoder(counting, model.config, model.weights);
    expect(live).toBeGreaterThan(0);
    dec.release();
    expect(live).toBe(0);
  });
});
