// Central finite differences in f64 for checking the reference twins' backward passes.
import { Rng } from '../../../src/util/rng.ts';

export function randn64(seed: number, n: number, scale = 1): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.normal() * scale);
}

/** sum(out * G): a scalar loss whose gradient with respect to out is G. */
export function dot(out: ArrayLike<number>, G: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i] * G[i];
  return s;
}

/**
 * Compares `analytic` with (loss(x + h) - loss(x - h)) / 2h at up to `samples` indices of x (all when fewer).
 * Returns the worst relative error: |num - an| / max(1, |num|, |an|).
 */
export function fdError(x: Float64Array, analytic: ArrayLike<number>, loss: () => number, h = 1e-5, samples = 64): number {
  const rng = new Rng(99);
  const idx = x.length <= samples ? [...x.keys()] : Array.from({ length: samples }, () => rng.int(x.length));
  let worst = 0;
  for (const i of idx) {
    const keep = x[i];
    x[i] = keep + h;
    const up = loss();
    x[i] = keep - h;
    const down = loss();
    x[i] = keep;
    const num = (up - down) / (2 * h);
    const err = Math.abs(num - analytic[i]) / Math.max(1, Math.abs(num), Math.abs(analytic[i]));
    worst = Math.max(worst, err);
  }
  console.log(`finite differences: worst relative error ${worst.toExponential(2)} over ${idx.length} coordinates`);
  return worst;
}
