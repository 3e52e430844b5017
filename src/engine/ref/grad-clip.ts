// Reference twin of ops/grad-clip.ts: global L2 norm of the flat gradient, then scaling to at most maxNorm.
import type { FloatArray } from './array.ts';

/** The clip factor applied for a given norm: min(1, maxNorm / (norm + 1e-6)); maxNorm <= 0 means no clipping. */
export function clipFactor(norm: number, maxNorm: number): number {
  return maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
}

/** grads (P) scaled in place; norm (1) receives the norm before clipping. */
export function gradClip(grads: FloatArray, norm: FloatArray, maxNorm: number): void {
  let ss = 0;
  for (let i = 0; i < grads.length; i++) ss += grads[i] * grads[i];
  const total = Math.sqrt(ss);
  norm[0] = total;
  const f = clipFactor(total, maxNorm);
  if (f !== 1) for (let i = 0; i < grads.length; i++) grads[i] *= f;
}
