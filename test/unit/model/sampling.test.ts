// Sampling from a row of logits (greedy argmax, temperature softmax frequencies, nucleus top-p cuts), and
// KV-cache generation on the CPU twin backend against repeated full reference forwards.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../../src/engine/backend.ts';
import { Decoder } from '../../../src/model/decoder.ts';
import { argmax, generate, sampleToken, samplingDistribution, validateSampling } from '../../../src/model/generate.ts';
import { referenceLogits } from '../../helpers/reference-llama.ts';
import { loadModelFolder } from '../../../src/model/weights.ts';
import { tinyModelFiles } from '../../../src/model/tiny-model.ts';
import { Rng } from '../../../src/util/rng.ts';

function softmax(logits: number[], temperature: number): number[] {
  const m = Math.max(...logits);
  const e = logits.map((x) => Math.exp((x - m) / temperature));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

describe('sampleToken', () => {
  it('greedy (temperature 0) is the argmax, first index on ties, and never draws from the rng', () => {
    const rng = new Rng(1);
    const before = rng.state;
    expect(sampleToken(Float32Array.of(0.1, 3.5, -2, 3.4), {}, rng)).toBe(1);
    expect(sampleToken([-5, -1, -1, -7], { temperature: 0, topP: 0.5 }, rng)).toBe(1);
    expect(sampleToken([1e30, -Infinity, 2e30], { temperature: 0 }, rng)).toBe(2);
    expect(rng.state).toBe(before);
    expect(argmax([-Infinity, -Infinity, -3])).toBe(2);
  });

  it('rejects NaN logits and bad options, naming them', () => {
    expect(() => argmax([0, NaN, 1])).toThrow(/logit 1 is NaN/);
    expect(() => validateSampling({ temperature: -1 })).toThrow(/temperature/);
    expect(() => validateSampling({ topP: 0 })).toThrow(/topP/);
    expect(() => validateSampling({ topP: 1.5 })).toThrow(/topP/);
    expect(() => sampleToken([], {}, new Rng(0))).toThrow(/empty/);
  });

  it('temperature sampling draws each token with its softmax(logits / T) probability', () => {
    const logits = [2.0, 1.0, 0.5, -1.0, 0.0];
    for (const temperature of [0.7, 1.5]) {
      const want = softmax(logits, temperature);
      const rng = new Rng(42);
      const n = 40_000;
      const counts = new Array(logits.length).fill(0);
      for (let i = 0; i < n; i++) counts[sampleToken(logits, { temperature }, rng)]++;
      for (let k = 0; k < logits.length; k++) {
        const sd = Math.sqrt((want[k] * (1 - want[k])) / n);
        expect(Math.abs(counts[k] / n - want[k])).toBeLessThan(5 * sd + 1e-9);
      }
    }
  });

  it('a higher temperature flattens the distribution, a lower one sharpens it', () => {
    const logits = [3, 1, 0];
    const cold = samplingDistribution(logits, 0.25).probs[0];
    const warm = samplingDistribution(logits, 4).probs[0];
    expect(cold).toBeGreaterThan(0.99);
    expect(warm).toBeLessThan(0.5);
  });

  it('a tiny top-p keeps only the most likely token', () => {
    const logits = [0.3, 2.2, 2.1, -1];
    const rng = new Rng(7);
    for (let i = 0; i < 500; i++) expect(sampleToken(logits, { temperature: 1.5, topP: 1e-6 }, rng)).toBe(1);
    expect(samplingDistribution(logits, 1.5, 1e-6)).toEqual({ ids: [1], probs: [1] });
  });

  it('top-p keeps the smallest most-likely set whose mass reaches p, renormalised, and samples only from it', () => {
    const logits = [Math.log(0.1), Math.log(0.5), Math.log(0.3), Math.log(0.1)];
    const d = samplingDistribution(logits, 1, 0.75); // 0.5 < 0.75 <= 0.5 + 0.3
    expect(d.ids).toEqual([1, 2]);
    expect(d.probs[0]).toBeCloseTo(0.5 / 0.8, 10);
    expect(d.probs[1]).toBeCloseTo(0.3 / 0.8, 10);
    const rng = new Rng(3);
    const n = 20_000;
    let ones = 0;
    for (let i = 0; i < n; i++) {
      const t = sampleToken(logits, { temperature: 1, topP: 0.75 }, rng);
      expect([1, 2]).toContain(t);
      if (t === 1) ones++;
    }
    const sd = Math.sqrt((0.625 * 0.375) / n);
    expect(Math.abs(ones / n - 0.625)).toBeLessThan(5 * sd);
    // topP = 1 keeps every token with non-zero probability
    expect(samplingDistribution(logits, 1, 1).ids.sort()).toEqual([0, 1, 2, 3]);
  });

  it('the same seed gives the same draws; masked (-Infinity) tokens are never drawn', () => {
    const logits = [1, -Infinity, 0.5, 0.2, -Infinity];
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 200 }, () => sampleToken(logits, { temperature: 1 }, rng));
    };
    expect(draw(9)).toEqual(draw(9));
    expect(draw(9)).not.toEqual(draw(10));
    expect(draw(9).some((t) => t === 1 || t === 4)).toBe(false);
  });
});

describe('generate on the CPU twin backend', () => {
  it('KV-cache greedy decoding equals argmax of repeated full reference forwards; stop ids end it', async () => {
    const model = await loadModelFolder(tinyModelFiles(0));
    const cfg = model.config;
    const be = cpuBackend();
    const dec = new Decoder(be, cfg, model.weights);
    const prompt = [507, 40, 41, 300, 12];
    const got = await generate(be, dec, null, prompt, { maxNewTokens: 4, stopIds: [] });
    const seq = [...prompt];
    for (let i = 0; i < 4; i++) seq.push(argmax(referenceLogits(cfg, model.weights, seq).at(-1)!));
    expect(got).toEqual({ ids: seq.slice(prompt.length), stoppedBy: 'length' });
    const stopped = await generate(be, dec, null, prompt, { maxNewTokens: 4, stopIds: [got.ids[1]] });
    expect(stopped.stoppedBy).toBe('eos');
    expect(stopped.ids).toEqual(got.ids.slice(0, got.ids.indexOf(got.ids[1]) + 1));
    expect(await generate(be, dec, null, prompt, { maxNewTokens: 0, stopIds: [] })).toEqual({ ids: [], stoppedBy: 'length' });
    await expect(generate(be, dec, null, [], { maxNewTokens: 1, stopIds: [] })).rejects.toThrow(/no tokens/);
    await expect(generate(be, dec, null, prompt, { maxNewTokens: 508, stopIds: [] })).rejects.toThrow(/5 tokens\) \+ maxNewTokens \(508\) = 513 exceeds/);
  });
});
