// Reference twin of ops/adamw.ts: AdamW (Loshchilov & Hutter) with decoupled weight decay and bias correction.
import type { FloatArray } from './array.ts';

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

/** params, grads, m, v: (P) flat buffers; m and v start at zero. */
export function adamwUpdate(params: FloatArray, grads: FloatArray, m: FloatArray, v: FloatArray, hp: AdamWParams): void {
  checkAdamW(hp);
  const bc1 = 1 - Math.pow(hp.beta1, hp.step);
  const bc2 = 1 - Math.pow(hp.beta2, hp.step);
  for (let i = 0; i < params.length; i++) {
    const g = grads[i];
    m[i] = hp.beta1 * m[i] + (1 - hp.beta1) * g;
    v[i] = hp.beta2 * v[i] + (1 - hp.beta2) * g * g;
    const mhat = m[i] / bc1;
    const vhat = v[i] / bc2;
    params[i] -= hp.lr * (mhat / (Math.sqrt(vhat) + hp.eps) + hp.weightDecay * params[i]);
  }
}
