// Reference twin of ops/adamw.ts: AdamW (Loshchilov & Hutter) with decoupled weight decay and bias correction.
import { clipFactor } from './grad-clip.ts';
import { expectSizes, floats, type RefTensor } from './tensor.ts';

export interface AdamWParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number; // 1-based step count, for bias correction
}

export function checkAdamW(hp: AdamWParams): void {
  if (!Number.isInteger(hp.step) || hp.step < 1) throw new Error(`adamw: step must be an integer >= 1 (bias correction), got ${hp.step}`);
  for (const k of ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const) {
    if (!Number.isFinite(hp[k]) || hp[k] < 0) throw new Error(`adamw: ${k} must be a finite number >= 0, got ${hp[k]}`);
  }
  if (hp.beta1 >= 1 || hp.beta2 >= 1) throw new Error(`adamw: betas must be < 1, got ${hp.beta1}, ${hp.beta2}`);
}

/** params, grads, m, v: (P) flat buffers; m and v start at zero; hp.step is 1-based. */
export function adamwUpdate(params: RefTensor, grads: RefTensor, m: RefTensor, v: RefTensor, hp: AdamWParams): void {
  checkAdamW(hp);
  expectSizes('adamwUpdate', [
    ['grads', grads, params.size],
    ['m', m, params.size],
    ['v', v, params.size],
  ]);
  const P = floats('adamwUpdate params', params),
    G = floats('adamwUpdate grads', grads);
  const M = floats('adamwUpdate m', m),
    V = floats('adamwUpdate v', v);
  const bc1 = 1 - Math.pow(hp.beta1, hp.step);
  const bc2 = 1 - Math.pow(hp.beta2, hp.step);
  for (let i = 0; i < P.length; i++) {
    const g = G[i];
    M[i] = hp.beta1 * M[i] + (1 - hp.beta1) * g;
    V[i] = hp.beta2 * V[i] + (1 - hp.beta2) * g * g;
    const mhat = M[i] / bc1;
    const vhat = V[i] / bc2;
    P[i] -= hp.lr * (mhat / (Math.sqrt(vhat) + hp.eps) + hp.weightDecay * P[i]);
  }
}

/**
 * AdamW after gradClip's measurement: stat (2) holds [gradient norm, loss]; when both are finite, grads are
 * clipped in place by clipFactor(norm, maxNorm) and the update runs; otherwise nothing changes (a skipped step).
 */
export function adamwClipUpdate(params: RefTensor, grads: RefTensor, m: RefTensor, v: RefTensor, stat: RefTensor, maxNorm: number, hp: AdamWParams): void {
  checkAdamW(hp);
  expectSizes('adamwClipUpdate', [['stat', stat, 2]]);
  const [norm, loss] = floats('adamwClipUpdate stat', stat);
  if (!Number.isFinite(norm) || !Number.isFinite(loss)) return;
  const f = clipFactor(norm, maxNorm);
  const G = floats('adamwClipUpdate grads', grads);
  if (f !== 1) for (let i = 0; i < G.length; i++) G[i] *= f;
  adamwUpdate(params, grads, m, v, hp);
}

/** Elements between the group norms of gradNormCombine: one bindable view (64 floats = 256 bytes) per group. */
export const NORM_STRIDE = 64;

/** Column 0 of each row of the group norms (G, 64) is one group's norm: stat[0] = their global L2 norm. */
export function gradNormCombine(stat: RefTensor, norms: RefTensor): void {
  expectSizes('gradNormCombine', [['stat', stat, 2]]);
  if (norms.shape.length !== 2 || norms.shape[1] !== NORM_STRIDE) {
    throw new Error(`gradNormCombine: norms must be (groups, ${NORM_STRIDE}), got (${norms.shape.join(', ')})`);
  }
  const n = floats('gradNormCombine norms', norms);
  let ss = 0;
  for (let g = 0; g < norms.shape[0]; g++) ss += n[g * NORM_STRIDE] * n[g * NORM_STRIDE];
  floats('gradNormCombine stat', stat)[0] = Math.sqrt(ss);
}

export const twins = { adamwUpdate, adamwClipUpdate, gradNormCombine };
