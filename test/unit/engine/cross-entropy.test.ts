// Cross-entropy twin: gradients vs central finite differences, extreme logits, long rows, masks, per-position weights, logprobs.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/util/rng.ts';
import { crossEntropyBackward, crossEntropyForward, crossEntropyLogprobs, weightedCrossEntropyBackward } from '../../../src/engine/ref/cross-entropy.ts';
import { fdError } from './fd.ts';
import { refTensor, type RefTensor } from '../../../src/engine/ref/tensor.ts';

/** A twin argument over `a` itself when it is a Float64Array (results land in it), else over an f64 copy. */
function t(a: Float64Array | readonly number[]): RefTensor {
  return refTensor(a instanceof Float64Array ? a : Float64Array.from(a));
}

function randn(n: number, rng: Rng, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

function meanLoss(logits: Float64Array, targets: number[], mask: number[], N: number, V: number): number {
  const loss = new Float64Array(2);
  crossEntropyForward(t(new Float64Array(N)), t(loss), t(new Float64Array(N)), t(logits), t(targets), t(mask), N, V);
  return loss[0];
}

/** Max |FD - analytic| over the given coordinates (all when omitted). */
function fdCheck(
  logits: Float64Array,
  targets: number[],
  mask: number[],
  N: number,
  V: number,
  gradScale: number,
  coords?: number[],
): { maxDiff: number; grad: Float64Array; loss: Float64Array } {
  const lse = new Float64Array(N),
    loss = new Float64Array(2);
  crossEntropyForward(t(new Float64Array(N)), t(loss), t(lse), t(logits), t(targets), t(mask), N, V);
  const grad = new Float64Array(N * V);
  crossEntropyBackward(t(grad), t(logits), t(lse), t(targets), t(mask), t(loss), N, V, gradScale);
  const eps = 1e-5;
  let maxDiff = 0;
  for (const i of coords ?? grad.keys()) {
    const x = logits[i];
    logits[i] = x + eps;
    const fp = meanLoss(logits, targets, mask, N, V);
    logits[i] = x - eps;
    const fm = meanLoss(logits, targets, mask, N, V);
    logits[i] = x;
    maxDiff = Math.max(maxDiff, Math.abs((gradScale * (fp - fm)) / (2 * eps) - grad[i]));
  }
  return { maxDiff, grad, loss };
}

describe('cross-entropy twin', () => {
  it('small case by hand', () => {
    const logits = new Float64Array([0, Math.log(3), 5, 5]);
    const losses = new Float64Array(2),
      loss = new Float64Array(2),
      lse = new Float64Array(2);
    crossEntropyForward(t(losses), t(loss), t(lse), t(logits), t([1, 0]), t([1, 1]), 2, 2);
    expect(losses[0]).toBeCloseTo(Math.log(4) - Math.log(3), 12);
    expect(losses[1]).toBeCloseTo(Math.log(2), 12);
    expect(loss[0]).toBeCloseTo((losses[0] + losses[1]) / 2, 12);
    expect(loss[1]).toBe(2);
  });

  it('gradients match finite differences with a partial mask and a gradient scale', () => {
    const rng = new Rng(7);
    const N = 5,
      V = 7;
    const logits = randn(N * V, rng, 2);
    const { maxDiff, grad } = fdCheck(logits, [0, 6, 3, 2, 1], [1, 0, 1, 1, 0], N, V, 0.5);
    console.log(`cross-entropy twin vs finite differences (partial mask): max abs diff ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-8);
    expect(grad.subarray(V, 2 * V).every((x) => x === 0)).toBe(true);
  });

  it('extreme logits (+-80) stay finite and match finite differences', () => {
    const N = 3,
      V = 6;
    const logits = new Float64Array([80, -80, 80, -80, 0, 79.5, -80, -80, -80, -80, -80, -80, 80, 80, 80, 80, 80, -80]);
    const { maxDiff, grad, loss } = fdCheck(logits, [1, 3, 5], [1, 1, 1], N, V, 1);
    console.log(`cross-entropy twin vs finite differences (+-80): max abs diff ${maxDiff.toExponential(2)}, loss ${loss[0].toFixed(4)}`);
    expect(Number.isFinite(loss[0]) && grad.every(Number.isFinite)).toBe(true);
    expect(loss[0]).toBeGreaterThan(50); // row 0 targets a -80 logit against +80 ones
    expect(maxDiff).toBeLessThan(1e-7);
  });

  it('long rows (V = 152000) match finite differences on sampled coordinates', () => {
    const rng = new Rng(8);
    const N = 2,
      V = 152000;
    const logits = randn(N * V, rng, 3);
    logits[V + 151999] = 40; // a dominant logit at the very end of row 1
    const targets = [151999, 151999];
    const coords = [0, 17, 151999, 99999, V + 151999, V + 5, V + 76000];
    const { maxDiff, grad } = fdCheck(logits, targets, [1, 1], N, V, 1, coords);
    console.log(`cross-entropy twin vs finite differences (V = 152000): max abs diff ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-7);
    let rowSum = 0;
    for (let c = 0; c < V; c++) rowSum += grad[c];
    expect(Math.abs(rowSum)).toBeLessThan(1e-9); // softmax - onehot sums to zero
  });

  it('all rows masked: loss 0, zero gradients, targets not read', () => {
    const rng = new Rng(9);
    const N = 3,
      V = 4;
    const logits = randn(N * V, rng);
    const losses = new Float64Array(N),
      loss = new Float64Array(2),
      lse = new Float64Array(N);
    crossEntropyForward(t(losses), t(loss), t(lse), t(logits), t([-100, -100, 99]), t([0, 0, 0]), N, V);
    expect(Array.from(loss)).toEqual([0, 0]);
    expect(losses.every((x) => x === 0)).toBe(true);
    const grad = new Float64Array(N * V).fill(7);
    crossEntropyBackward(t(grad), t(logits), t(lse), t([-100, -100, 99]), t([0, 0, 0]), t(loss), N, V);
    expect(grad.every((x) => x === 0)).toBe(true);
  });

  it('backward may run in place over the logits', () => {
    const rng = new Rng(10);
    const N = 2,
      V = 5;
    const logits = randn(N * V, rng);
    const { grad } = fdCheck(logits, [2, 4], [1, 1], N, V, 1);
    const lse = new Float64Array(N),
      loss = new Float64Array(2);
    crossEntropyForward(t(new Float64Array(N)), t(loss), t(lse), t(logits), t([2, 4]), t([1, 1]), N, V);
    crossEntropyBackward(t(logits), t(logits), t(lse), t([2, 4]), t([1, 1]), t(loss), N, V);
    for (let i = 0; i < grad.length; i++) expect(logits[i]).toBeCloseTo(grad[i], 14);
  });

  it('logprobs are minus the per-row loss and normalised over the vocabulary', () => {
    const rng = new Rng(11);
    const N = 2,
      V = 5;
    const logits = randn(N * V, rng, 4);
    const losses = new Float64Array(N);
    crossEntropyForward(t(losses), t(new Float64Array(2)), t(new Float64Array(N)), t(logits), t([1, 3]), t([1, 1]), N, V);
    const lp = new Float64Array(N);
    crossEntropyLogprobs(t(lp), t(logits), t([1, 3]), N, V);
    expect(lp[0]).toBeCloseTo(-losses[0], 12);
    expect(lp[1]).toBeCloseTo(-losses[1], 12);
    let total = 0;
    for (let c = 0; c < V; c++) {
      crossEntropyLogprobs(t(lp), t(logits), t([c, c]), N, V);
      total += Math.exp(lp[0]);
    }
    expect(total).toBeCloseTo(1, 12);
  });

  it('names an out-of-range target on an unmasked row', () => {
    expect(() =>
      crossEntropyForward(t(new Float64Array(1)), t(new Float64Array(2)), t(new Float64Array(1)), t(new Float64Array(3)), t([3]), t([1]), 1, 3),
    ).toThrow(/targets\[0\] = 3 is outside the vocabulary \[0, 3\)/);
  });
});

describe('weighted cross-entropy backward twin', () => {
  /** sum_n w[n] * (lse[n] - logits[n, t[n]]): the loss whose gradient the weighted backward is. */
  function weightedLoss(logits: Float64Array, targets: number[], weights: number[], N: number, V: number): number {
    const losses = new Float64Array(N);
    crossEntropyForward(t(losses), t(new Float64Array(2)), t(new Float64Array(N)), t(logits), t(targets), t(weights), N, V);
    return losses.reduce((s, x) => s + x, 0);
  }

  function weightedGrad(logits: Float64Array, targets: number[], weights: number[], N: number, V: number, out = new Float64Array(N * V)): Float64Array {
    const lse = new Float64Array(N);
    crossEntropyForward(t(new Float64Array(N)), t(new Float64Array(2)), t(lse), t(logits), t(targets), t(weights), N, V);
    weightedCrossEntropyBackward(t(out), t(logits), t(lse), t(targets), t(weights), N, V);
    return out;
  }

  for (const [label, N, V, scale, weights] of [
    ['weights of both signs, a zero row (target -100, unread)', 5, 7, 2, [0.5, 0, -1.25, 2, 1e-3]],
    ['large logits (scale 80)', 3, 6, 80, [1, -3, 0.25]],
  ] as const) {
    it(`matches finite differences of sum_n w[n] * loss[n], no normalisation: ${label}`, () => {
      const logits = randn(N * V, new Rng(N * V), scale);
      const targets = weights.map((w, n) => (w === 0 ? -100 : (n * 5 + 1) % V));
      const grad = weightedGrad(logits, targets, [...weights], N, V);
      const err = fdError(logits, grad, () => weightedLoss(logits, targets, [...weights], N, V), 1e-5, 200);
      expect(err).toBeLessThan(1e-7);
      expect(grad.every(Number.isFinite)).toBe(true);
      weights.forEach((w, n) => {
        if (w === 0) expect(grad.subarray(n * V, (n + 1) * V).every((x) => x === 0)).toBe(true);
      });
    });
  }

  it('with w = mask * gradScale / sum(mask) it is the masked mean backward, and it runs in place', () => {
    const N = 4,
      V = 9;
    const logits = randn(N * V, new Rng(21), 3);
    const targets = [1, 8, 0, 4],
      mask = [1, 0, 1, 1];
    const masked = fdCheck(logits, targets, mask, N, V, 0.5, []).grad;
    const inPlace = logits.slice();
    weightedGrad(
      inPlace,
      targets,
      mask.map((m) => (m * 0.5) / 3),
      N,
      V,
      inPlace,
    );
    for (let i = 0; i < masked.length; i++) expect(inPlace[i]).toBeCloseTo(masked[i], 14);
  });
});
