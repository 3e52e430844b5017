// CPU reference twin of the softmax cross-entropy kernels over the vocabulary, with a loss mask.
//
// Shapes: logits, dlogits (N, V); targets (N) integer ids in [0, V) (any value where mask = 0);
// mask (N) weights, normally 0/1; losses, lse, logprobs (N); loss (2) = [mean loss, sum(mask)].
//   losses[n]  = mask[n] * (lse[n] - logits[n, targets[n]])      (0 where mask[n] = 0)
//   loss[0]    = sum(losses) / max(1, sum(mask))                  (0 when every row is masked)
//   dlogits    = (softmax(logits) - onehot(target)) * mask[n] / max(1, sum(mask)) * gradScale
//   weighted:  dlogits = (softmax(logits) - onehot(target)) * weights[n]         (no normalisation)
// lse is row max + log(sum(exp(x - max))), accumulated in f64 here.

import type { FloatArray } from './array.ts';
import { expectSizes, floats, type RefTensor } from './tensor.ts';

function check(name: string, N: number, V: number, tensors: [string, RefTensor, number][]): void {
  if (!Number.isInteger(N) || N <= 0 || !Number.isInteger(V) || V <= 0) throw new Error(`${name}: N (${N}) and V (${V}) must be positive integers`);
  expectSizes(name, tensors, `N=${N} V=${V}`);
}

function rowLse(logits: FloatArray, n: number, V: number): number {
  let m = -Infinity;
  for (let c = 0; c < V; c++) m = Math.max(m, logits[n * V + c]);
  let s = 0;
  for (let c = 0; c < V; c++) s += Math.exp(logits[n * V + c] - m);
  return m + Math.log(s);
}

function target(name: string, targets: ArrayLike<number>, n: number, V: number): number {
  const t = targets[n];
  if (!Number.isInteger(t) || t < 0 || t >= V) {
    throw new Error(`${name}: targets[${n}] = ${t} is outside the vocabulary [0, ${V}) on an unmasked row`);
  }
  return t;
}

/** losses, lse: (N); loss: (2) [mean over masked rows, sum(mask)]; logits: (N, V); targets, mask: (N). */
export function crossEntropyForward(
  losses: RefTensor,
  loss: RefTensor,
  lse: RefTensor,
  logits: RefTensor,
  targets: RefTensor,
  mask: RefTensor,
  N: number,
  V: number,
): void {
  check('crossEntropyForward', N, V, [
    ['losses', losses, N],
    ['loss', loss, 2],
    ['lse', lse, N],
    ['logits', logits, N * V],
    ['targets', targets, N],
    ['mask', mask, N],
  ]);
  const x = floats('crossEntropyForward logits', logits),
    l = floats('crossEntropyForward losses', losses);
  const L = floats('crossEntropyForward lse', lse),
    w = mask.data;
  for (let n = 0; n < N; n++) {
    L[n] = rowLse(x, n, V);
    l[n] = w[n] === 0 ? 0 : w[n] * (L[n] - x[n * V + target('crossEntropyForward', targets.data, n, V)]);
  }
  crossEntropyMean(loss, losses, mask, N);
}

/** loss: (2) = [sum(losses) / max(1, sum(mask)), sum(mask)]; losses, mask: (N). Part of the forward. */
export function crossEntropyMean(loss: RefTensor, losses: RefTensor, mask: RefTensor, N: number): void {
  check('crossEntropyMean', N, 1, [
    ['loss', loss, 2],
    ['losses', losses, N],
    ['mask', mask, N],
  ]);
  let total = 0,
    count = 0;
  for (let n = 0; n < N; n++) {
    total += losses.data[n];
    count += mask.data[n];
  }
  const out = floats('crossEntropyMean loss', loss);
  out[0] = total / Math.max(1, count);
  out[1] = count;
}

/** dlogits: (N, V), may be `logits` itself (in place); lse: (N) from the forward; loss: (2) from the forward. */
export function crossEntropyBackward(
  dlogits: RefTensor,
  logits: RefTensor,
  lse: RefTensor,
  targets: RefTensor,
  mask: RefTensor,
  loss: RefTensor,
  N: number,
  V: number,
  gradScale = 1,
): void {
  check('crossEntropyBackward', N, V, [
    ['dlogits', dlogits, N * V],
    ['logits', logits, N * V],
    ['lse', lse, N],
    ['targets', targets, N],
    ['mask', mask, N],
    ['loss', loss, 2],
  ]);
  const norm = gradScale / Math.max(1, loss.data[1]);
  softmaxGrad('crossEntropyBackward', dlogits, logits, lse, targets, (n) => mask.data[n] * norm, N, V);
}

/**
 * dlogits (N, V) = weights[n] * (softmax(logits[n]) - onehot(targets[n])), with no normalisation: per-position
 * weights (any sign) instead of the 0/1 mask and its count; rows of weight 0 get zeros. May run in place.
 * It is the gradient of sum_n weights[n] * (lse[n] - logits[n, targets[n]]).
 */
export function weightedCrossEntropyBackward(
  dlogits: RefTensor,
  logits: RefTensor,
  lse: RefTensor,
  targets: RefTensor,
  weights: RefTensor,
  N: number,
  V: number,
): void {
  check('weightedCrossEntropyBackward', N, V, [
    ['dlogits', dlogits, N * V],
    ['logits', logits, N * V],
    ['lse', lse, N],
    ['targets', targets, N],
    ['weights', weights, N],
  ]);
  softmaxGrad('weightedCrossEntropyBackward', dlogits, logits, lse, targets, (n) => weights.data[n], N, V);
}

/** dlogits[n] = (softmax(logits[n]) - onehot(targets[n])) * weight(n); rows of weight 0 are zeroed. */
function softmaxGrad(
  name: string,
  dlogits: RefTensor,
  logits: RefTensor,
  lse: RefTensor,
  targets: RefTensor,
  weight: (n: number) => number,
  N: number,
  V: number,
): void {
  const d = floats(`${name} dlogits`, dlogits),
    x = floats(`${name} logits`, logits),
    L = lse.data;
  for (let n = 0; n < N; n++) {
    const w = weight(n);
    if (w === 0) {
      d.fill(0, n * V, (n + 1) * V);
      continue;
    }
    const t = target(name, targets.data, n, V);
    for (let c = 0; c < V; c++) {
      const p = Math.exp(x[n * V + c] - L[n]);
      d[n * V + c] = (p - (c === t ? 1 : 0)) * w;
    }
  }
}

/** logprobs: (N) = log softmax(logits)[n, targets[n]]; logits: (N, V); targets: (N). Forward only. */
export function crossEntropyLogprobs(logprobs: RefTensor, logits: RefTensor, targets: RefTensor, N: number, V: number): void {
  check('crossEntropyLogprobs', N, V, [
    ['logprobs', logprobs, N],
    ['logits', logits, N * V],
    ['targets', targets, N],
  ]);
  const lp = floats('crossEntropyLogprobs logprobs', logprobs),
    x = floats('crossEntropyLogprobs logits', logits);
  for (let n = 0; n < N; n++) {
    const t = target('crossEntropyLogprobs', targets.data, n, V);
    lp[n] = x[n * V + t] - rowLse(x, n, V);
  }
}

export const twins = { crossEntropyForward, crossEntropyMean, crossEntropyBackward, weightedCrossEntropyBackward, crossEntropyLogprobs };
