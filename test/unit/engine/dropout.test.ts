// Dropout twin: the u32 hash against a BigInt re-derivation, keep rate and mean over large tensors,
// mask independence across elements and steps, backward against finite differences, p = 0 and bad arguments.
import { describe, expect, it } from 'vitest';
import { dropoutBackward, dropoutForward, dropoutHash, dropoutKeep, dropoutScale, pcgHash } from '../../../src/engine/ref/dropout.ts';
import { dot, fdError, randn64 } from './fd.ts';
import { refTensor as t } from '../../../src/engine/ref/tensor.ts';

const M32 = (1n << 32n) - 1n;

/** pcg_hash written with BigInt and explicit masking: an independent check of the Math.imul / >>> 0 version. */
function pcgBig(v: number): number {
  const state = (BigInt(v) * 747796405n + 2891336453n) & M32;
  const word = (((state >> ((state >> 28n) + 4n)) ^ state) * 277803737n) & M32;
  return Number((word >> 22n) ^ word);
}

function keepMask(n: number, p: number, seed: number, step: number): Uint8Array {
  const out = new Float32Array(n);
  dropoutForward(t(out), t(new Float32Array(n).fill(1)), p, seed, step);
  return Uint8Array.from(out, (x) => (x !== 0 ? 1 : 0));
}

describe('dropout hash', () => {
  it('matches a BigInt re-derivation of pcg_hash, including the u32 extremes', () => {
    const inputs = [0, 1, 2, 255, 65535, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 123456789, 3141592653];
    for (const v of inputs) expect(pcgHash(v)).toBe(pcgBig(v));
    for (const [seed, step, i] of [
      [0, 0, 0],
      [0xffffffff, 0xffffffff, 0xffffffff],
      [42, 7, 1000],
    ]) {
      const key = pcgBig(Number((BigInt(seed) ^ BigInt(pcgBig(step))) & M32));
      expect(dropoutHash(seed, step, i)).toBe(pcgBig(Number((BigInt(key) ^ BigInt(pcgBig(i))) & M32)));
    }
  });

  it('is a bijection on a sample (no two inputs of 2^16 collide) and spreads over all 32 bits', () => {
    const seen = new Set<number>();
    let or = 0;
    let and = 0xffffffff;
    for (let v = 0; v < 65536; v++) {
      const h = pcgHash(v);
      seen.add(h);
      or = (or | h) >>> 0;
      and = (and & h) >>> 0;
    }
    expect(seen.size).toBe(65536);
    expect(or).toBe(0xffffffff);
    expect(and).toBe(0);
  });
});

describe('dropout twin', () => {
  const n = 1 << 20;
  for (const p of [0.05, 0.1, 0.5, 0.9]) {
    it(`keeps 1 - p of a large tensor and preserves the mean (p = ${p}, n = 2^20)`, () => {
      const mask = keepMask(n, p, 1234, 17);
      const kept = mask.reduce((s, b) => s + b, 0) / n;
      const sigma = Math.sqrt((p * (1 - p)) / n);
      console.log(`p = ${p}: keep rate ${kept.toFixed(5)} (expected ${1 - p}, sigma ${sigma.toExponential(2)})`);
      expect(Math.abs(kept - (1 - p))).toBeLessThan(5 * sigma);

      // Mean of inverted dropout on inputs with mean 1: E[out] = E[inp].
      const inp = new Float32Array(n);
      for (let i = 0; i < n; i++) inp[i] = 1 + Math.sin(i * 0.37);
      const out = new Float32Array(n);
      dropoutForward(t(out), t(inp), p, 99, 3);
      let sIn = 0,
        sOut = 0;
      for (let i = 0; i < n; i++) {
        sIn += inp[i];
        sOut += out[i];
      }
      const meanSigma = Math.sqrt((2 * p) / (1 - p) / n); // E[inp^2] <= 2 here
      expect(Math.abs(sOut / n - sIn / n)).toBeLessThan(5 * meanSigma);
      // Kept elements are exactly inp * f32(1 / (1 - p)); dropped ones are 0.
      const s = dropoutScale(p);
      for (let i = 0; i < 1000; i++) expect(out[i]).toBe(dropoutKeep(p, 99, 3, i) ? Math.fround(inp[i] * s) : 0);
    });
  }

  it('draws independent bits: neighbours, consecutive steps and seeds overlap at (1 - p)^2', () => {
    const p = 0.5;
    const m = keepMask(n, p, 7, 100);
    const next = keepMask(n, p, 7, 101);
    const other = keepMask(n, p, 8, 100);
    let pairs = 0,
      stepBoth = 0,
      seedBoth = 0;
    for (let i = 0; i < n; i++) {
      if (i + 1 < n) pairs += m[i] & m[i + 1];
      stepBoth += m[i] & next[i];
      seedBoth += m[i] & other[i];
    }
    const sigma = Math.sqrt((0.25 * 0.75) / n);
    for (const [label, both] of [
      ['neighbours', pairs / (n - 1)],
      ['steps 100/101', stepBoth / n],
      ['seeds 7/8', seedBoth / n],
    ] as const) {
      console.log(`${label}: P(both kept) ${both.toFixed(5)} (independent: 0.25)`);
      expect(Math.abs(both - 0.25)).toBeLessThan(5 * sigma);
    }
  });

  it('is deterministic and a different step or seed gives a different mask', () => {
    const a = keepMask(4096, 0.3, 5, 10);
    expect(keepMask(4096, 0.3, 5, 10)).toEqual(a);
    const diff = (b: Uint8Array) => b.reduce((s, x, i) => s + (x !== a[i] ? 1 : 0), 0);
    expect(diff(keepMask(4096, 0.3, 5, 11))).toBeGreaterThan(4096 * 0.3);
    expect(diff(keepMask(4096, 0.3, 6, 10))).toBeGreaterThan(4096 * 0.3);
  });

  it('p = 0 is the identity, bit for bit, including extreme values', () => {
    const inp = Float32Array.from([1.5, -0, 3.4e38, -3.4e38, 1e-38, Infinity, -7, 0.1]);
    const out = new Float32Array(inp.length);
    dropoutForward(t(out), t(inp), 0, 3, 4);
    expect(Array.from(out)).toEqual(Array.from(inp));
    const dinp = new Float32Array(inp.length);
    dropoutBackward(t(dinp), t(inp), 0, 3, 4);
    expect(Array.from(dinp)).toEqual(Array.from(inp));
  });

  for (const p of [0.1, 0.5]) {
    it(`backward matches finite differences of the forward (p = ${p})`, () => {
      const N = 257;
      const inp = randn64(1, N, 3);
      const G = randn64(2, N);
      const out = new Float64Array(N);
      const loss = () => {
        dropoutForward(t(out), t(inp), p, 11, 22);
        return dot(out, G);
      };
      const dinp = new Float64Array(N);
      dropoutBackward(t(dinp), t(G), p, 11, 22);
      expect(fdError(inp, dinp, loss, 1e-4, N)).toBeLessThan(1e-8);
      // Dropped coordinates get exactly zero gradient, kept ones exactly G / (1 - p) in f64.
      for (let i = 0; i < N; i++) expect(dinp[i]).toBe(dropoutKeep(p, 11, 22, i) ? G[i] * dropoutScale(p) : 0);
    });
  }

  it('rejects p outside [0, 1), bad seeds and short arrays with the argument named', () => {
    const a = new Float32Array(4);
    expect(() => dropoutForward(t(a), t(a), 1, 0, 0)).toThrow(/p must be in \[0, 1\), got 1/);
    expect(() => dropoutForward(t(a), t(a), -0.1, 0, 0)).toThrow(/got -0.1/);
    expect(() => dropoutForward(t(a), t(a), Number.NaN, 0, 0)).toThrow(/got NaN/);
    expect(() => dropoutBackward(t(a), t(a), 0.1, 1.5, 0)).toThrow(/dropoutBackward: seed must be an integer/);
    expect(() => dropoutBackward(t(a), t(a), 0.1, 0, 2 ** 32)).toThrow(/step must be an integer/);
    expect(() => dropoutForward(t(a), t(new Float32Array(2)), 0.1, 0, 0)).toThrow(/dropoutForward: the output \(4\) has 4 elements, the input \(2\) 2/);
  });
});
