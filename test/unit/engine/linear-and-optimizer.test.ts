// Reference twins of matmul, LoRA, AdamW and gradient clipping: finite differences and closed forms.
import { describe, expect, it } from 'vitest';
import { gemm, matmulBackward, matmulForward } from '../../../src/engine/ref/matmul.ts';
import { loraBackward, loraForward } from '../../../src/engine/ref/lora.ts';
import { adamwClipUpdate, adamwUpdate } from '../../../src/engine/ref/adamw.ts';
import { clipFactor, gradClip } from '../../../src/engine/ref/grad-clip.ts';
import { dot, fdError, randn64 } from './fd.ts';
import { refTensor as t } from '../../../src/engine/ref/tensor.ts';

function transpose(x: Float64Array, rows: number, cols: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) y[c * rows + r] = x[r * cols + c];
  return y;
}

describe('matmul twin', () => {
  it('dinp matches finite differences, with large values and a long K', () => {
    for (const [N, I, O, scale] of [
      [3, 5, 4, 1],
      [2, 300, 3, 1e3],
    ]) {
      const inp = randn64(1, N * I, scale);
      const W = randn64(2, O * I);
      const G = randn64(3, N * O);
      const out = new Float64Array(N * O);
      const loss = () => {
        matmulForward(t(out, [N, O]), t(inp, [N, I]), t(W, [O, I]));
        return dot(out, G);
      };
      const dinp = new Float64Array(N * I);
      matmulBackward(t(dinp, [N, I]), t(G, [N, O]), t(W, [O, I]));
      expect(fdError(inp, dinp, loss, 1e-3)).toBeLessThan(1e-8);
    }
  });

  it('gemm transposes agree with explicitly transposed operands', () => {
    const [M, N, K] = [4, 3, 5];
    const a = randn64(1, M * K);
    const b = randn64(2, K * N);
    const plain = new Float64Array(M * N);
    gemm(t(plain, [M, N]), t(a, [M, K]), t(b, [K, N]));
    const both = new Float64Array(M * N);
    gemm(t(both, [M, N]), t(transpose(a, M, K), [K, M]), t(transpose(b, K, N), [N, K]), { transA: true, transB: true });
    for (let i = 0; i < M * N; i++) expect(both[i]).toBeCloseTo(plain[i], 12);
  });
});

describe('lora twin', () => {
  it('dinp contribution, dA and dB match finite differences of out += scale * (inp A^T) B^T', () => {
    const [N, I, O, R, scale] = [4, 6, 5, 2, 8];
    const inp = randn64(1, N * I);
    const A = randn64(2, R * I, 0.5);
    const B = randn64(3, O * R, 0.5);
    const G = randn64(4, N * O);
    const base = randn64(5, N * O);
    const h = new Float64Array(N * R);
    const loss = () => {
      const out = base.slice();
      loraForward(t(out, [N, O]), t(h, [N, R]), t(inp, [N, I]), t(A, [R, I]), t(B, [O, R]), scale);
      return dot(out, G);
    };
    loss();
    const dinp = new Float64Array(N * I);
    const dA = new Float64Array(R * I);
    const dB = new Float64Array(O * R);
    loraBackward(
      t(dinp, [N, I]),
      t(dA, [R, I]),
      t(dB, [O, R]),
      t(new Float64Array(N * R), [N, R]),
      t(G, [N, O]),
      t(inp, [N, I]),
      t(A, [R, I]),
      t(B, [O, R]),
      t(h, [N, R]),
      scale,
    );
    expect(fdError(inp, dinp, loss)).toBeLessThan(1e-8);
    expect(fdError(A, dA, loss)).toBeLessThan(1e-8);
    expect(fdError(B, dB, loss)).toBeLessThan(1e-8);
  });

  it('with B = 0 (fresh adapter) the output is unchanged and only dB is non-zero', () => {
    const [N, I, O, R] = [2, 3, 4, 2];
    const out = randn64(1, N * O);
    const before = out.slice();
    const h = new Float64Array(N * R);
    const A = randn64(2, R * I);
    const B = new Float64Array(O * R);
    const inp = randn64(3, N * I);
    loraForward(t(out, [N, O]), t(h, [N, R]), t(inp, [N, I]), t(A, [R, I]), t(B, [O, R]), 2);
    expect([...out]).toEqual([...before]);
    const dA = new Float64Array(R * I);
    const dB = new Float64Array(O * R);
    loraBackward(
      null,
      t(dA, [R, I]),
      t(dB, [O, R]),
      t(new Float64Array(N * R), [N, R]),
      t(randn64(4, N * O), [N, O]),
      t(inp, [N, I]),
      t(A, [R, I]),
      t(B, [O, R]),
      t(h, [N, R]),
      2,
    );
    expect(dA.every((x) => x === 0)).toBe(true);
    expect(dB.some((x) => x !== 0)).toBe(true);
  });
});

describe('adamw twin', () => {
  const hp = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step: 1 };

  it('first step moves each weight by lr * (sign(g) + wd * p) (bias correction makes m̂ = g, v̂ = g²)', () => {
    const p = Float64Array.from([1, -2, 0.5, 0]);
    const g = Float64Array.from([0.3, -4, 1e-3, 0]);
    const start = p.slice();
    adamwUpdate(t(p), t(g), t(new Float64Array(4)), t(new Float64Array(4)), hp);
    for (let i = 0; i < 4; i++) {
      const expected = start[i] - hp.lr * (g[i] / (Math.abs(g[i]) + hp.eps) + hp.weightDecay * start[i]);
      expect(p[i]).toBeCloseTo(expected, 12);
    }
  });

  it('matches a step-by-step recurrence over 3 steps and decays weights with zero gradients', () => {
    const p = Float64Array.from([2]);
    const m = new Float64Array(1);
    const v = new Float64Array(1);
    let [pe, me, ve] = [2, 0, 0];
    for (let step = 1; step <= 3; step++) {
      const g = 0.5 * step;
      adamwUpdate(t(p), t(Float64Array.from([g])), t(m), t(v), { ...hp, step });
      me = 0.9 * me + 0.1 * g;
      ve = 0.999 * ve + 0.001 * g * g;
      pe -= hp.lr * (me / (1 - 0.9 ** step) / (Math.sqrt(ve / (1 - 0.999 ** step)) + hp.eps) + hp.weightDecay * pe);
      expect(p[0]).toBeCloseTo(pe, 12);
    }
    const q = Float64Array.from([3]);
    adamwUpdate(t(q), t(new Float64Array(1)), t(new Float64Array(1)), t(new Float64Array(1)), hp);
    expect(q[0]).toBeCloseTo(3 - hp.lr * hp.weightDecay * 3, 12);
  });

  it('rejects step 0 and betas >= 1', () => {
    const z = t(new Float64Array(1));
    expect(() => adamwUpdate(z, z, z, z, { ...hp, step: 0 })).toThrow(/step must be an integer >= 1/);
    expect(() => adamwUpdate(z, z, z, z, { ...hp, beta2: 1 })).toThrow(/betas must be < 1/);
  });
});

describe('gradient clipping twin', () => {
  it('clips a large gradient to maxNorm, leaves a small one, keeps zeros finite', () => {
    const big = randn64(1, 10_000, 5);
    const norm = new Float64Array(1);
    gradClip(t(big), t(norm), 1);
    const after = Math.sqrt(big.reduce((s, x) => s + x * x, 0));
    expect(norm[0]).toBeGreaterThan(400);
    expect(after).toBeCloseTo((1 * norm[0]) / (norm[0] + 1e-6), 9);
    const small = Float64Array.from([0.1, -0.2]);
    gradClip(t(small), t(norm), 1);
    expect([...small]).toEqual([0.1, -0.2]);
    expect(norm[0]).toBeCloseTo(Math.sqrt(0.05), 14);
    const zeros = new Float64Array(5);
    gradClip(t(zeros), t(norm), 1);
    expect(norm[0]).toBe(0);
    expect(zeros.every((x) => x === 0)).toBe(true);
    expect(clipFactor(10, 0)).toBe(1); // maxNorm <= 0 disables clipping
  });
});

describe('adamw with the clip and the skip (adamwClipUpdate twin)', () => {
  const hp = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step: 2 };

  it('equals gradClip then adamwUpdate for a finite step, and changes nothing for a non-finite norm or loss', () => {
    const p0 = randn64(11, 50);
    const g0 = randn64(12, 50, 3);
    const m0 = randn64(13, 50, 0.1);
    const v0 = randn64(14, 50, 0.1).map(Math.abs);
    const [p1, g1, m1, v1] = [p0.slice(), g0.slice(), m0.slice(), v0.slice()];
    const norm = new Float64Array(1);
    gradClip(t(g1), t(norm), 1);
    adamwUpdate(t(p1), t(g1), t(m1), t(v1), hp);
    const [p2, g2, m2, v2] = [p0.slice(), g0.slice(), m0.slice(), v0.slice()];
    adamwClipUpdate(t(p2), t(g2), t(m2), t(v2), t(Float64Array.of(norm[0], 3.5)), 1, hp);
    expect([p2, g2, m2, v2].map((a) => [...a])).toEqual([p1, g1, m1, v1].map((a) => [...a]));
    for (const stat of [
      [Number.NaN, 1],
      [1, Number.POSITIVE_INFINITY],
    ]) {
      const [p3, g3, m3, v3] = [p0.slice(), g0.slice(), m0.slice(), v0.slice()];
      adamwClipUpdate(t(p3), t(g3), t(m3), t(v3), t(Float64Array.from(stat)), 1, hp);
      expect([p3, g3, m3, v3].map((a) => [...a])).toEqual([p0, g0, m0, v0].map((a) => [...a]));
    }
  });
});
