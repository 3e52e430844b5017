// CPU reference twin of the softmax cross-entropy kernels over the vocabulary, with a loss mask.
//
// Shapes: logits, dlogits (N, V); targets (N) integer ids in [0, V) (any value where mask = 0);
// mask (N) weights, normally 0/1; losses, lse, logprobs (N); loss (2) = [mean loss, sum(mask)].
//   losses[n]  = mask[n] * (lse[n] - logits[n, targets[n]])      (0 where mask[n] = 0)
//   loss[0]    = sum(losses) / max(1, sum(mask))                  (0 when every row is masked)
//   dlogits    = (softmax(logits) - onehot(target)) * mask[n] / max(1, sum(mask)) * gradScale
// lse is row max + log(sum(exp(x - max))), accumulated in f64 here.

import type { FloatArray } from './array.ts';

function checkRows(name: string, N: number, V: number, arrays: [string, ArrayLike<number>, number][]): void {
  for (const [n, a, expected] of arrays) {
    if (a.length !== expected) throw new Error(`${name}: ${n} has ${a.length} elements, expected ${expected} (N=${N} V=${V})`);
  }
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
export function crossEntropyForward(losses: FloatArray, loss: FloatArray, lse: FloatArray, logits: FloatArray,
  targets: ArrayLike<number>, mask: ArrayLike<number>, N: number, V: number): void {
  checkRows('crossEntropyForward', N, V, [['losses', losses, N], ['loss', loss, 2], ['lse', lse, N],
    ['logits', logits, N * V], ['targets', targets, N], ['mask', mask, N]]);
  for (let n = 0; n < N; n++) {
    const L = rowLse(logits, n, V);
    lse[n] = L;
    losses[n] = mask[n] === 0 ? 0 : mask[n] * (L - logits[n * V + target('crossEntropyForward', targets, n, V)]);
  }
  crossEntropyMean(loss, losses, mask, N);
}

/** loss: (2) = [sum(losses) / max(1, sum(mask)), sum(mask)]; losses, mask: (N). Part of the forward. */
export function crossEntropyMean(loss: FloatArray, losses: FloatArray, mask: ArrayLike<number>, N: number): void {
  checkRows('crossEntropyMean', N, 1, [['loss', loss, 2], ['losses', losses, N], ['mask', mask, N]]);
  let total = 0, count = 0;
  for (let n = 0; n < N; n++) {
    total += losses[n];
    count += mask[n];
  }
  loss[0] = total / Math.max(1, count);
  loss[1] = count;
}

/** dlogits: (N, V), may be `logits` itself (in place); lse: (N) from the forward; loss: (2) from the forward. */
export function crossEntropyBackward(dlogits: FloatArray, logits: FloatArray, lse: FloatArray,
  targets: ArrayLike<number>, mask: ArrayLike<number>, loss: FloatArray, N: number, V: number,
  gradScale = 1): void {
  checkRows('crossEntropyBackward', N, V, [['dlogits', dlogits, N * V], ['logits', logits, N * V],
    ['lse', lse, N], ['targets', targets, N], ['mask', mask, N], ['loss', loss, 2]]);
  const norm = gradScale / Math.max(1, loss[1]);
  for (let n = 0; n < N; n++) {
    const w = mask[n] * norm;
    if (w === 0) { dlogits.fill(0, n * V, (n + 1) * V); continue; }
    const t = target('crossEntropyBackward', targets, n, V);
    for (let c = 0; c < V; c++) {
      const p = Math.exp(logits[n * V + c] - lse[n]);
      dlogits[n * V + c] = (p - (c === t ? 1 : 0)) * w;
    }
  }
}

/** logprobs: (N) = log softmax(logits)[n, targets[n]]; logits: (N, V); targets: (N). Forward only. */
export function crossEntropyLogprobs(logprobs: FloatArray, logits: FloatArray, targets: ArrayLike<number>,
  N: number, V: number): void {
  checkRows('crossEntropyLogprobs', N, V, [['logprobs', logprobs, N], ['logits', logits, N * V], ['targets', targets, N]]);
  for (let n = 0; n < N; n++) {
    const t = target('crossEntropyLogprobs', targets, n, V);
    logprobs[n] = logits[n * V + t] - rowLse(logits, n, V);
  }
}
