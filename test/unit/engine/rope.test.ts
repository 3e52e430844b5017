// RoPE twin: HF rotate-half values, inverse, relative-position property, finite-difference gradient.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/util/rng.ts';
import { ropeBackward, ropeForward, ropeInvFreq } from '../../../src/engine/ref/rope.ts';
import { refTensor, type RefTensor } from '../../../src/engine/ref/tensor.ts';

/** A twin argument: float arrays as they are (results land in them), positions as u32. */
function t(a: Float64Array | Float32Array | number[]): RefTensor {
  return refTensor(Array.isArray(a) ? Uint32Array.from(a) : a);
}

function randn(n: number, rng: Rng, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

describe('rope twin', () => {
  it('inverse frequencies follow theta^(-2i/HS)', () => {
    const f = ropeInvFreq(8, 10000);
    expect(Array.from(f)).toEqual([1, 0.1, 0.01, 0.001].map((x) => Math.fround(x)));
    expect(() => ropeInvFreq(7, 10000)).toThrow(/even/);
  });

  it('rotates pairs (i, i + HS/2) by pos * invFreq (HF rotate_half)', () => {
    const HS = 4;
    const inv = new Float32Array([1, 0.5]);
    const x = new Float64Array([1, 2, 3, 4]);
    ropeForward(t(x), t([3]), t(inv), 1, 1, 1, HS);
    const a0 = 3,
      a1 = 1.5;
    const want = [
      1 * Math.cos(a0) - 3 * Math.sin(a0),
      2 * Math.cos(a1) - 4 * Math.sin(a1),
      3 * Math.cos(a0) + 1 * Math.sin(a0),
      4 * Math.cos(a1) + 2 * Math.sin(a1),
    ];
    for (let i = 0; i < 4; i++) expect(x[i]).toBeCloseTo(want[i], 12);
  });

  it('position 0 is the identity and backward inverts forward', () => {
    const rng = new Rng(1);
    const B = 2,
      T = 3,
      NH = 3,
      HS = 8;
    const inv = ropeInvFreq(HS, 500000);
    const x0 = randn(B * T * NH * HS, rng);
    const x = x0.slice();
    ropeForward(t(x), t([0, 0, 0, 0, 0, 0]), t(inv), B, T, NH, HS);
    expect(x).toEqual(x0);
    const pos = [0, 1, 2, 40, 41, 42000];
    ropeForward(t(x), t(pos), t(inv), B, T, NH, HS);
    expect(Math.max(...x.map((v, i) => Math.abs(v - x0[i])))).toBeGreaterThan(0.1);
    ropeBackward(t(x), t(pos), t(inv), B, T, NH, HS);
    for (let i = 0; i < x.length; i++) expect(x[i]).toBeCloseTo(x0[i], 10);
  });

  it('q·k after rotation depends only on the position difference', () => {
    const rng = new Rng(2);
    const HS = 16;
    const inv = ropeInvFreq(HS, 10000);
    const q = randn(HS, rng),
      k = randn(HS, rng);
    const dot = (pq: number, pk: number): number => {
      const a = q.slice(),
        b = k.slice();
      ropeForward(t(a), t([pq]), t(inv), 1, 1, 1, HS);
      ropeForward(t(b), t([pk]), t(inv), 1, 1, 1, HS);
      return a.reduce((s, v, i) => s + v * b[i], 0);
    };
    expect(dot(7, 3)).toBeCloseTo(dot(104, 100), 4);
    expect(dot(5, 5)).toBeCloseTo(dot(0, 0), 10);
  });

  it('backward matches central finite differences', () => {
    const rng = new Rng(3);
    const B = 1,
      T = 2,
      NH = 2,
      HS = 6;
    const inv = ropeInvFreq(HS, 10000);
    const pos = [5, 9];
    const x = randn(B * T * NH * HS, rng);
    const w = randn(x.length, rng);
    const f = (xx: Float64Array): number => {
      const y = xx.slice();
      ropeForward(t(y), t(pos), t(inv), B, T, NH, HS);
      return y.reduce((s, v, i) => s + v * w[i], 0);
    };
    const dx = w.slice();
    ropeBackward(t(dx), t(pos), t(inv), B, T, NH, HS);
    const eps = 1e-6;
    let maxDiff = 0;
    for (let i = 0; i < x.length; i++) {
      const xp = x.slice();
      xp[i] += eps;
      const xm = x.slice();
      xm[i] -= eps;
      maxDiff = Math.max(maxDiff, Math.abs((f(xp) - f(xm)) / (2 * eps) - dx[i]));
    }
    console.log(`rope twin vs finite differences: max abs diff ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-7);
  });

  it('rejects mismatched shapes with the sizes', () => {
    expect(() => ropeForward(t(new Float32Array(10)), t([0]), t(new Float32Array(2)), 1, 1, 2, 4)).toThrow(
      /x \(10\) has 10 elements, expected 8 \(B=1 T=1 NH=2 HS=4\)/,
    );
  });
});
