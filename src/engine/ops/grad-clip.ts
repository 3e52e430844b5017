// Global gradient-norm clipping over the flat gradient buffer, all on the GPU: per-workgroup sums of
// squares, one workgroup reduces them into `norm`, then grads *= min(1, maxNorm / (norm + 1e-6)); both
// reductions by subgroups where the device has them. The norm stays on the GPU; read it only when logging.
// On a software adapter (rt.profile) both passes are barrier-free: each invocation sums one contiguous chunk,
// and one invocation adds the partial sums. Twin: ref/grad-clip.ts.
import type { GpuRuntime } from '../runtime.ts';
import type { GpuTensor, OpDescription } from '../op.ts';
import { ENTRY, elementwiseMain, groups1d, reductions, subgroupFields, reducesBySubgroups, variants, WG_1D } from './common.ts';

const WG = 256;
const MAX_PARTIALS = 1024; // workgroups of the first pass; each thread strides over P / (1024 * 256) elements

const PARTIAL_BINDINGS: OpDescription['bindings'] = [
  { name: 'partials', access: 'read_write' },
  { name: 'grads', access: 'read' },
];

const partialOp = variants(
  (subgroups: boolean): OpDescription => ({
    name: 'grad_clip_partial',
    workgroupSize: [WG],
    ...subgroupFields(subgroups),
    bindings: PARTIAL_BINDINGS,
    uniforms: [
      ['n', 'u32'],
      ['groups', 'u32'],
    ],
    wgsl: `${reductions(subgroups, 'sum')}
${ENTRY} {
  var ss = 0.0;
  for (var i = wid.x * WG_X + lid; i < u.n; i = i + u.groups * WG_X) { let g = grads[i]; ss = ss + g * g; }
  let total = reduceSum(lid, ss);
  if (lid == 0u) { partials[wid.x] = total; }
}`,
  }),
);

const FINAL_BINDINGS: OpDescription['bindings'] = [
  { name: 'norm', access: 'read_write' },
  { name: 'partials', access: 'read' },
];

const finalOp = variants(
  (subgroups: boolean): OpDescription => ({
    name: 'grad_clip_final',
    workgroupSize: [WG],
    ...subgroupFields(subgroups),
    bindings: FINAL_BINDINGS,
    uniforms: [['groups', 'u32']],
    wgsl: `${reductions(subgroups, 'sum')}
${ENTRY} {
  var ss = 0.0;
  for (var i = lid; i < u.groups; i = i + WG_X) { ss = ss + partials[i]; }
  let total = reduceSum(lid, ss);
  if (lid == 0u) { norm[0] = sqrt(total); }
}`,
  }),
);

const SCALE: OpDescription = {
  name: 'grad_clip_scale',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'grads', access: 'read_write' },
    { name: 'norm', access: 'read' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['maxNorm', 'f32'],
  ],
  wgsl: elementwiseMain('  grads[i] = grads[i] * min(1.0, u.maxNorm / (norm[0] + 1e-6));'),
};

/** Invocations per workgroup of the software variants. */
const SERIAL_WG = 64;

// Software variant of PARTIAL: invocation i sums the squares of elements [i * chunk, (i + 1) * chunk).
const PARTIAL_SERIAL: OpDescription = {
  name: 'grad_clip_partial',
  workgroupSize: [SERIAL_WG],
  bindings: PARTIAL_BINDINGS,
  facts: { perInvocation: true },
  uniforms: [
    ['n', 'u32'],
    ['groups', 'u32'],
    ['chunk', 'u32'],
  ],
  wgsl: `${ENTRY} {
  let i = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (i >= u.groups) { return; }
  var ss = 0.0;
  for (var j = i * u.chunk; j < min(u.n, (i + 1u) * u.chunk); j = j + 1u) { let g = grads[j]; ss = ss + g * g; }
  partials[i] = ss;
}`,
};

// Software variant of FINAL: one invocation adds the partial sums.
const FINAL_SERIAL: OpDescription = {
  name: 'grad_clip_final',
  workgroupSize: [1],
  bindings: FINAL_BINDINGS,
  uniforms: [['groups', 'u32']],
  facts: { perInvocation: true },
  wgsl: `${ENTRY} {
  var ss = 0.0;
  for (var i = 0u; i < u.groups; i = i + 1u) { ss = ss + partials[i]; }
  norm[0] = sqrt(ss);
}`,
};

/** grads (P) scaled in place; norm (1) receives the norm before clipping; maxNorm <= 0 only measures. */
export function gradClip(rt: GpuRuntime, grads: GpuTensor, norm: GpuTensor, maxNorm: number): void {
  if (norm.size !== 1) throw new Error(`gradClip: norm must be a 1-element tensor, has ${norm.size}`);
  const n = grads.size;
  const groups = Math.max(1, Math.min(MAX_PARTIALS, Math.ceil(n / WG)));
  const partials = rt.scratch('grad_clip_partials', [MAX_PARTIALS]); // the partial sums
  if (rt.profile === 'software') {
    const chunk = Math.max(WG, Math.ceil(n / MAX_PARTIALS));
    const parts = Math.max(1, Math.ceil(n / chunk));
    rt.run(PARTIAL_SERIAL, { partials, grads }, { n, groups: parts, chunk }, Math.ceil(parts / SERIAL_WG));
    rt.run(FINAL_SERIAL, { norm, partials }, { groups: parts }, 1);
  } else {
    rt.run(partialOp(reducesBySubgroups(rt)), { partials, grads }, { n, groups }, groups);
    rt.run(finalOp(reducesBySubgroups(rt)), { norm, partials }, { groups }, 1);
  }
  if (maxNorm > 0) rt.run(SCALE, { grads, norm }, { n, maxNorm }, groups1d(n));
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { gradClip };
export { twins } from '../ref/grad-clip.ts';
