// AdamW over a flat parameter buffer: decoupled weight decay, bias correction; hyperparameters are uniforms,
// so a changing learning rate costs nothing. adamwClipUpdate also applies the gradient clip and skips a
// non-finite step on the device, so an optimizer step needs no read-back before its update. Twin: ref/adamw.ts.
import type { GpuRuntime } from '../runtime.ts';
import type { GpuTensor, OpDescription } from '../op.ts';
import { checkAdamW, NORM_STRIDE, type AdamWParams } from '../ref/adamw.ts';
import { elementwiseMain, expectSize, groups1d, WG_1D } from './common.ts';

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

const UPDATE_BODY = `  let mi = u.beta1 * m[i] + (1.0 - u.beta1) * g;
  let vi = u.beta2 * v[i] + (1.0 - u.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let p = params[i];
  params[i] = p - u.lr * ((mi / u.bc1) / (sqrt(vi / u.bc2) + u.eps) + u.weightDecay * p);`;

// The step's gradient norm and loss decide, per invocation and the same for all: a non-finite one skips the
// update (bit test: WGSL has no isFinite, and x != x may be folded away); otherwise grads are clipped (the
// clipped values are written back, as gradClip leaves them) and AdamW runs on them.
const CLIP_UPDATE: OpDescription = {
  name: 'adamw_clip_update',
  workgroupSize: [WG_1D],
  bindings: [...UPDATE.bindings.map((b) => (b.name === 'grads' ? { ...b, access: 'read_write' as const } : b)), { name: 'stat', access: 'read' }],
  uniforms: [...(UPDATE.uniforms ?? []), ['maxNorm', 'f32']],
  wgsl: `fn finite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }
${elementwiseMain(`  let norm = stat[0];
  if (!finite(norm) || !finite(stat[1])) { return; }
  var g = grads[i];
  if (u.maxNorm > 0.0) {
    g = g * min(1.0, u.maxNorm / (norm + 1e-6));
    grads[i] = g;
  }
${UPDATE_BODY}`)}`,
};

/**
 * AdamW after gradClip's measurement, in one dispatch: stat (2) holds [gradient norm, loss]; when both are
 * finite, grads are clipped in place by min(1, maxNorm / (norm + 1e-6)) (maxNorm <= 0: not clipped) and the
 * update runs; otherwise nothing changes (a skipped step). params, grads, m, v: (P); hp as adamwUpdate.
 */
export function adamwClipUpdate(
  rt: GpuRuntime,
  params: GpuTensor,
  grads: GpuTensor,
  m: GpuTensor,
  v: GpuTensor,
  stat: GpuTensor,
  maxNorm: number,
  hp: AdamWParams,
): void {
  checkAdamW(hp);
  expectSize('adamwClipUpdate stat', stat, 2);
  const n = params.size;
  for (const [name, t] of [
    ['grads', grads],
    ['m', m],
    ['v', v],
  ] as const) {
    if (t.size !== n) throw new Error(`adamwClipUpdate: ${name} has ${t.size} elements, params has ${n}`);
  }
  const bc1 = 1 - Math.pow(hp.beta1, hp.step);
  const bc2 = 1 - Math.pow(hp.beta2, hp.step);
  const values = { n, lr: hp.lr, beta1: hp.beta1, beta2: hp.beta2, eps: hp.eps, weightDecay: hp.weightDecay, bc1, bc2, maxNorm };
  rt.run(CLIP_UPDATE, { params, grads, m, v, stat }, values, groups1d(n));
}

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

// Several parameter groups (a LoRA and a head) are clipped by one global norm: gradClip measures each group into
// its row of norms, this sums their squares into stat[0], and each group's adamwClipUpdate reads that.
const NORM_COMBINE: OpDescription = {
  name: 'adamw_norm_combine',
  workgroupSize: [1],
  bindings: [
    { name: 'stat', access: 'read_write' },
    { name: 'norms', access: 'read' },
  ],
  uniforms: [['groups', 'u32']],
  wgsl: `@compute @workgroup_size(1) fn main() {
  var ss = 0.0;
  for (var g = 0u; g < u.groups; g = g + 1u) { let n = norms[g * ${NORM_STRIDE}u]; ss = ss + n * n; }
  stat[0] = sqrt(ss);
}`,
};

/** stat (2): stat[0] = the L2 norm of the group norms in column 0 of norms (G, 64); stat[1] is left alone. */
export function gradNormCombine(rt: GpuRuntime, stat: GpuTensor, norms: GpuTensor): void {
  expectSize('gradNormCombine stat', stat, 2);
  if (norms.shape.length !== 2 || norms.shape[1] !== NORM_STRIDE) {
    throw new Error(`gradNormCombine: norms must be (groups, ${NORM_STRIDE}), got (${norms.shape.join(', ')})`);
  }
  rt.run(NORM_COMBINE, { stat, norms }, { groups: norms.shape[0] }, 1);
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { adamwUpdate, adamwClipUpdate, gradNormCombine };
export { twins } from '../ref/adamw.ts';
