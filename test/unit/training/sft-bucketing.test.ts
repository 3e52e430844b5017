// SFT batches bucketed by length and padded to their own longest example: every epoch still sees every
// example once in a seeded order, batches hold similar lengths, the loss of a batch does not depend on how
// far it is padded, and a run stopped and resumed ends with the same adapter as one run straight through.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../../src/engine/backend.ts';
import { Decoder, Workspace } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora } from '../../../src/model/lora-types.ts';
import { tinyModelFiles } from '../../../src/model/tiny-model.ts';
import { loadModelFolder } from '../../../src/model/weights.ts';
import { sftLossBackward } from '../../../src/training/logit-chunks.ts';
import { packBatch, sftSchedule, trainSft, type TokenizedExample } from '../../../src/training/sft.ts';
import { Rng } from '../../../src/util/rng.ts';

const be = cpuBackend();
const model = await loadModelFolder(tinyModelFiles(0));
const cfg = model.config;
const dec = new Decoder(be, cfg, model.weights);

/** Examples of very different lengths (5 to 60 tokens), a completion after the first third. */
function examples(n: number, seed: number): TokenizedExample[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const len = 5 + Math.floor(rng.next() * 56);
    return {
      ids: Array.from({ length: len }, () => 1 + Math.floor(rng.next() * (cfg.vocabSize - 1))),
      lossMask: Array.from({ length: len }, (_, t) => (t > len / 3 ? 1 : 0)),
    };
  });
}

const lora = () => LoraParams.create(be, initLora(cfg, { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj'], useRslora: false }, new Rng(1)));

describe('SFT length bucketing', () => {
  it('covers every example once per epoch, deterministically, with batches of similar length', () => {
    const lengths = examples(70, 2).map((e) => e.ids.length);
    const a = sftSchedule(70, 4, 3, 7, lengths);
    expect(sftSchedule(70, 4, 3, 7, lengths)).toEqual(a);
    expect(a).toHaveLength(3 * 18);
    for (let e = 0; e < 3; e++)
      expect(
        a
          .slice(e * 18, (e + 1) * 18)
          .flat()
          .sort((x, y) => x - y),
      ).toEqual(Array.from({ length: 70 }, (_, i) => i));
    // Padding: tokens a batch pads (its longest × its size − its tokens), bucketed against plain shuffling.
    const padding = (s: number[][]) => s.reduce((sum, b) => sum + Math.max(...b.map((i) => lengths[i])) * b.length - b.reduce((t, i) => t + lengths[i], 0), 0);
    const plain = sftSchedule(70, 4, 3, 7);
    const total = 3 * lengths.reduce((x, y) => x + y, 0);
    console.log(`padding per real token: plain ${(padding(plain) / total).toFixed(3)}, bucketed ${(padding(a) / total).toFixed(3)}`);
    expect(padding(a)).toBeLessThan(padding(plain) / 3);
    expect(() => sftSchedule(70, 4, 1, 7, lengths.slice(1))).toThrow('sftSchedule: 69 lengths for 70 examples');
  });

  it('a batch padded to its own longest has the loss and gradients of the same batch padded to the longest of all', async () => {
    const ex = examples(3, 4).map((e) => ({ ids: e.ids.slice(0, 20), lossMask: e.lossMask.slice(0, 20) }));
    const l = lora();
    const full = new Workspace(be, cfg, 3, 60, Decoder.loraRanks(l));
    const run = async (ws: Workspace<typeof full.hf>, T: number) => {
      const p = packBatch(ex, 3, T);
      ws.setBatch(p.ids, p.lens, p.targets, p.mask);
      l.zeroGrads();
      dec.forward(ws, l);
      sftLossBackward(be, dec, l, ws);
      return { loss: (await be.read(ws.loss))[0], grads: await be.read(l.grads) };
    };
    const T = Math.max(...ex.map((e) => e.ids.length));
    const tight = await run(full.within(T), T);
    const padded = await run(full, 60);
    expect(full.within(T).hf.size).toBe(3 * T * cfg.hiddenSize);
    expect(Math.abs(tight.loss - padded.loss)).toBeLessThan(1e-6 * padded.loss);
    let d = 0;
    for (let i = 0; i < tight.grads.length; i++) d = Math.max(d, Math.abs(tight.grads[i] - padded.grads[i]));
    expect(d).toBeLessThan(1e-6);
    expect(() => full.within(61)).toThrow('workspace: a sequence length of 61 does not fit within T = 60');
  });

  it('trains with falling loss, and a run stopped at step 3 and resumed ends with the same adapter', async () => {
    const ex = examples(24, 5);
    const opts = { epochs: 3, batchSize: 4, learningRate: 5e-3, seed: 3 };
    const straight = lora();
    const r = await trainSft(be, dec, straight, ex, opts);
    expect(r.steps).toBe(18);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(r.losses.slice(-6))).toBeLessThan(mean(r.losses.slice(0, 6)));
    const resumed = lora();
    await trainSft(be, dec, resumed, ex, { ...opts, untilStep: 3 });
    const rest = await trainSft(be, dec, resumed, ex, { ...opts, startStep: 3 });
    expect(rest.losses).toEqual(r.losses.slice(3));
    expect(await be.read(resumed.params)).toEqual(await be.read(straight.params));
  });
});
