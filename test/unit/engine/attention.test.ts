// Attention twin: closed-form cases, decode vs full forward, and gradients vs central finite differences.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/util/rng.ts';
import { attentionBackward, attentionDecode, attentionForward, type AttentionOptions } from '../../../src/engine/ref/attention.ts';
import { attentionFirstKey, attentionVisible } from '../../../src/engine/attention-mask.ts';
import { refTensor as t } from '../../../src/engine/ref/tensor.ts';

function randn(n: number, rng: Rng, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

interface Case {
  name: string;
  B: number;
  T: number;
  NH: number;
  NKV: number;
  HS: number;
  opts: AttentionOptions<number[]>;
  qScale?: number;
}

/** The twins' options: lens as a u32 tensor. */
function tensorOpts(opts: AttentionOptions<number[]>): AttentionOptions {
  return { ...opts, lens: opts.lens ? t(Uint32Array.from(opts.lens)) : null };
}

const cases: Case[] = [
  { name: 'GQA NH=4 NKV=2', B: 2, T: 5, NH: 4, NKV: 2, HS: 4, opts: {} },
  { name: 'T = 1', B: 1, T: 1, NH: 2, NKV: 1, HS: 4, opts: {} },
  { name: 'NKV = NH, custom scale', B: 1, T: 4, NH: 2, NKV: 2, HS: 3, opts: { scale: 0.7 } },
  { name: 'padding lens [5, 2]', B: 2, T: 5, NH: 2, NKV: 1, HS: 4, opts: { lens: [5, 2] } },
  { name: 'sliding window 2', B: 1, T: 6, NH: 2, NKV: 1, HS: 4, opts: { window: 2 } },
  { name: 'empty sequence (len 0) beside a full one', B: 2, T: 3, NH: 2, NKV: 1, HS: 2, opts: { lens: [0, 3] } },
  { name: 'large scores (q ~ 12)', B: 1, T: 5, NH: 2, NKV: 1, HS: 4, opts: {}, qScale: 12 },
];

describe('attention twin', () => {
  it('T = 1 returns v, window 1 returns each own v, lse is the log of the softmax normaliser', () => {
    const rng = new Rng(4);
    const NH = 2,
      NKV = 1,
      HS = 3,
      T = 4;
    const q = randn(T * NH * HS, rng),
      k = randn(T * NKV * HS, rng),
      v = randn(T * NKV * HS, rng);
    const out = new Float64Array(T * NH * HS),
      lse = new Float64Array(NH * T);
    attentionForward(t(out), t(lse), t(q), t(k), t(v), 1, T, NH, NKV, HS, { window: 1 });
    for (let i = 0; i < T; i++)
      for (let h = 0; h < NH; h++)
        for (let d = 0; d < HS; d++) {
          expect(out[(i * NH + h) * HS + d]).toBeCloseTo(v[i * HS + d], 12);
        }
    // Row 1 of head 0 by hand: softmax over keys 0 and 1.
    attentionForward(t(out), t(lse), t(q), t(k), t(v), 1, T, NH, NKV, HS);
    const s = [0, 1].map((j) => (q[1 * NH * HS] * k[j * HS] + q[NH * HS + 1] * k[j * HS + 1] + q[NH * HS + 2] * k[j * HS + 2]) / Math.sqrt(HS));
    const L = Math.log(Math.exp(s[0]) + Math.exp(s[1]));
    expect(lse[1]).toBeCloseTo(L, 12);
    const p1 = Math.exp(s[1] - L);
    expect(out[NH * HS]).toBeCloseTo((1 - p1) * v[0] + p1 * v[HS], 12);
  });

  it('decode against a KV cache equals the last rows of the full forward', () => {
    const rng = new Rng(5);
    const B = 2,
      T = 6,
      NH = 4,
      NKV = 2,
      HS = 4,
      cap = 9,
      Tq = 2;
    const q = randn(B * T * NH * HS, rng),
      k = randn(B * T * NKV * HS, rng),
      v = randn(B * T * NKV * HS, rng);
    for (const window of [0, 3]) {
      const out = new Float64Array(q.length),
        lse = new Float64Array(B * NH * T);
      attentionForward(t(out), t(lse), t(q), t(k), t(v), B, T, NH, NKV, HS, { window });
      const kc = new Float64Array(B * cap * NKV * HS),
        vc = new Float64Array(kc.length);
      const qd = new Float64Array(B * Tq * NH * HS);
      for (let b = 0; b < B; b++) {
        kc.set(k.subarray(b * T * NKV * HS, (b + 1) * T * NKV * HS), b * cap * NKV * HS);
        vc.set(v.subarray(b * T * NKV * HS, (b + 1) * T * NKV * HS), b * cap * NKV * HS);
        qd.set(q.subarray((b * T + T - Tq) * NH * HS, (b + 1) * T * NH * HS), b * Tq * NH * HS);
      }
      const od = new Float64Array(qd.length);
      attentionDecode(t(od), t(qd), t(kc), t(vc), B, Tq, NH, NKV, HS, T - Tq, cap, { window });
      for (let b = 0; b < B; b++)
        for (let x = 0; x < Tq * NH * HS; x++) {
          expect(od[b * Tq * NH * HS + x]).toBeCloseTo(out[(b * T + T - Tq) * NH * HS + x], 12);
        }
    }
    expect(() =>
      attentionDecode(
        t(new Float64Array(NH * HS)),
        t(new Float64Array(NH * HS)),
        t(new Float64Array(4 * NKV * HS)),
        t(new Float64Array(4 * NKV * HS)),
        1,
        1,
        NH,
        NKV,
        HS,
        4,
        4,
      ),
    ).toThrow(/exceeds cache capacity 4/);
  });

  for (const c of cases) {
    it(`gradients match central finite differences: ${c.name}`, () => {
      const { B, T, NH, NKV, HS } = c;
      const opts = tensorOpts(c.opts);
      const rng = new Rng(T * 31 + NH * 7 + HS);
      const q = randn(B * T * NH * HS, rng, c.qScale ?? 1),
        k = randn(B * T * NKV * HS, rng),
        v = randn(B * T * NKV * HS, rng);
      const w = randn(q.length, rng);
      const out = new Float64Array(q.length),
        lse = new Float64Array(B * NH * T);
      const f = (qq: Float64Array, kk: Float64Array, vv: Float64Array): number => {
        const o = new Float64Array(q.length);
        attentionForward(t(o), t(new Float64Array(B * NH * T)), t(qq), t(kk), t(vv), B, T, NH, NKV, HS, opts);
        return o.reduce((s, x, i) => s + x * w[i], 0);
      };
      attentionForward(t(out), t(lse), t(q), t(k), t(v), B, T, NH, NKV, HS, opts);
      expect(out.every(Number.isFinite) && lse.every(Number.isFinite)).toBe(true);
      const dq = new Float64Array(q.length),
        dk = new Float64Array(k.length),
        dv = new Float64Array(v.length);
      const delta = new Float64Array(B * NH * T);
      attentionBackward(t(dq), t(dk), t(dv), t(delta), t(w), t(out), t(lse), t(q), t(k), t(v), B, T, NH, NKV, HS, opts);
      const eps = 1e-6;
      let maxDiff = 0,
        maxGrad = 0;
      const probe = (x: Float64Array, g: Float64Array, call: (p: Float64Array) => number): void => {
        for (let i = 0; i < x.length; i++) {
          const xp = x.slice();
          xp[i] += eps;
          const xm = x.slice();
          xm[i] -= eps;
          const fd = (call(xp) - call(xm)) / (2 * eps);
          maxDiff = Math.max(maxDiff, Math.abs(fd - g[i]));
          maxGrad = Math.max(maxGrad, Math.abs(g[i]));
        }
      };
      probe(q, dq, (p) => f(p, k, v));
      probe(k, dk, (p) => f(q, p, v));
      probe(v, dv, (p) => f(q, k, p));
      console.log(`attention twin vs finite differences (${c.name}): max abs diff ${maxDiff.toExponential(2)}, max |grad| ${maxGrad.toFixed(3)}`);
      expect(maxDiff).toBeLessThan(1e-6 * Math.max(1, maxGrad));
      if (c.opts.lens && c.opts.lens.includes(0)) {
        // the empty sequence: zero output, zero gradients
        const b = c.opts.lens.indexOf(0);
        const n = T * NH * HS,
          nk = T * NKV * HS;
        expect(out.subarray(b * n, (b + 1) * n).every((x) => x === 0)).toBe(true);
        expect(dq.subarray(b * n, (b + 1) * n).every((x) => x === 0)).toBe(true);
        expect(dk.subarray(b * nk, (b + 1) * nk).every((x) => x === 0)).toBe(true);
      } else {
        expect(maxGrad).toBeGreaterThan(1e-3);
      }
    });
  }

  it('the first key of the window is the first key the mask lets a query see', () => {
    for (const window of [0, 1, 3]) {
      for (let i = 0; i < 8; i++) {
        let first = 0;
        while (!attentionVisible(i, first, 8, window)) first++;
        expect(attentionFirstKey(i, window), `i=${i} window=${window}`).toBe(first);
      }
    }
  });

  it('rejects NH not divisible by NKV and wrong buffer sizes', () => {
    const z = (n: number) => t(new Float64Array(n));
    expect(() => attentionForward(z(12), z(3), z(12), z(8), z(8), 1, 1, 3, 2, 4)).toThrow(/NH \(3\) must be a positive multiple of NKV \(2\)/);
    expect(() => attentionForward(z(16), z(4), z(16), z(7), z(8), 1, 1, 4, 2, 4)).toThrow(/k \(7\) has 7 elements, expected 8/);
  });
});
