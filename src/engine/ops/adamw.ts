// AdamW over a flat parameter buffer: decoupled weight decay, bias correction; hyperparameters are uniforms,
// so a changing learning rate costs nothing. Twin: ref/adamw.ts.
import type { GpuRuntime } from '../runtime.ts';
import type { GpuTensor, OpDescription } from '../op.ts';
import { checkAdamW, type AdamWParams } from '../ref/adamw.ts';
import { elementwiseMain, groups1d, WG_1D } from './common.ts';

export type { AdamWParams } from '../ref/adamw.ts';

const UPDATE: OpDescription = {
  name: 'adamw_update',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'params', access: 'read_write' },
    { name: 'grads', access: 'read' },
    { name: 'm', access: 'read_write' },
    { name: 'v', access: 'read_write' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['lr', 'f32'],
    ['beta1', 'f32'],
    ['beta2', 'f32'],
    ['eps', 'f32'],
    ['weightDecay', 'f32'],
    ['bc1', 'f32'],
    ['bc2', 'f32'],
  ],
  wgsl: elementwiseMain(`  let g = grads[i];
  let mi = u.beta1 * m[i] + (1.0 - u.beta1) * g;
  let vi = u.beta2 * v[i] + (1.0 - u.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let p = params[i];
  params[i] = p - u.lr * ((mi / u.bc1) / (sqrt(vi / u.bc2) + u.eps) + u.weightDecay * p);`),
};

/** params, grads, m, v: (P); m and v start at zero; hp.step is 1-based. */
export function adamwUpdate(rt: GpuRuntime, params: GpuTensor, grads: GpuTensor, m: GpuTensor, v: GpuTensor, hp: AdamWParams): void {
  checkAdamW(hp);
  const n = params.size;
  for (const [name, t] of [
    ['grads', grads],
    ['m', m],
    ['v', v],
  ] as const) {
    if (t.size !== n) throw new Error(`adamwUpdate: ${name} has ${t.size} elements, params has ${n}`);
  }
  // Bias corrections in f64 on the host: beta2^step underflows gracefully there.
  const bc1 = 1 - Math.pow(hp.beta1, hp.step);
  const bc2 = 1 - Math.pow(hp.beta2, hp.step);
  rt.run(UPDATE, { params, grads, m, v }, { n, lr: hp.lr, beta1: hp.beta1, beta2: hp.beta2, eps: hp.eps, weightDecay: hp.weightDecay, bc1, bc2 }, groups1d(n));
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { adamwUpdate };
export { twins } from '../ref/adamw.ts';
