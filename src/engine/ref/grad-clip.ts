// Reference twin of ops/grad-clip.ts: global L2 norm of the flat gradient, then scaling to at most maxNorm.
import { expectSizes, floats, type RefTensor } from './tensor.ts';

/** The clip factor applied for a given norm: min(1, maxNorm / (norm + 1e-6)); maxNorm <= 0 means no clipping. */
export function clipFactor(norm: number, maxNorm: number): number {
  return maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
}

/** grads (P) scaled in place; norm (1) receives the norm before clipping. */
export function gradClip(grads: RefTensor, norm: RefTensor, maxNorm: number): void {
  expectSizes('gradClip', [['norm', norm, 1]]);
  const g = floats('gradClip grads', grads);
  let ss = 0;
  for (let i = 0; i < g.length; i++) ss += g[i] * g[i];
  const total = Math.sqrt(ss);
  floats('gradClip norm', norm)[0] = total;
  const f = clipFactor(total, maxNorm);
  if (f !== 1) for (let i = 0; i < g.length; i++) g[i] *= f;
}

export const twins = { gradClip };
