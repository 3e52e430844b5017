// RMSNorm on the GPU: one workgroup per row reduces the sum of squares (by subgroups where the device has them;
// on a software adapter, where barriers are expensive, one invocation per row instead). The residual add before
// a norm and the residual add of its input gradient are fused into the norm's kernels. Twin: ref/rmsnorm.ts.
import type { GpuRuntime } from '../runtime.ts';
import { expectShape, type GpuTensor, type OpDescription } from '../op.ts';
import { ENTRY, elementwiseMain, groups1d, reductions, rows2d, subgroupFields, reducesBySubgroups, variants, WG_1D } from './common.ts';

const WG = 256;

const ROW_MAIN = `${ENTRY} {
  let row = linearWorkgroup(wid, nwg);
  if (row >= u.N) { return; }  // uniform per workgroup, so the barriers below stay uniform
  let base = row * u.C;`;

const FORWARD_UNIFORMS: OpDescription['uniforms'] = [
  ['N', 'u32'],
  ['C', 'u32'],
  ['eps', 'f32'],
  ['weightOffset', 'f32'],
];

const BACKWARD: Pick<OpDescription, 'name' | 'bindings' | 'uniforms'> = {
  name: 'rmsnorm_backward',
  bindings: [
    { name: 'dinp', access: 'read_write' },
    { name: 'dout', access: 'read' },
    { name: 'inp', access: 'read' },
    { name: 'weight', access: 'read' },
    { name: 'rstd', access: 'read' },
  ],
  uniforms: [
    ['N', 'u32'],
    ['C', 'u32'],
    ['weightOffset', 'f32'],
  ],
};

/** Rows per workgroup of the software variants (one invocation per row, no barriers). */
const ROWS_WG = 64;

const ROW_PER_INVOCATION = `${ENTRY} {
  let row = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (row >= u.N) { return; }
  let base = row * u.C;`;

/**
 * The forward's variants: `residual` adds res into inp first (inp += res, then the norm of the sum);
 * `perRow` is the barrier-free software variant; `subgroups` reduces by subgroups (reductions()).
 */
const forwardOp = variants((residual: boolean, perRow: boolean, subgroups: boolean): OpDescription => {
  const x = residual ? 'let x = inp[base + c] + res[base + c]; inp[base + c] = x;' : 'let x = inp[base + c];';
  const body = perRow
    ? `${ROW_PER_INVOCATION}
  var ss = 0.0;
  for (var c = 0u; c < u.C; c = c + 1u) { ${x} ss = ss + x * x; }
  let r = inverseSqrt(ss / f32(u.C) + u.eps);
  rstd[row] = r;
  for (var c = 0u; c < u.C; c = c + 1u) { out[base + c] = inp[base + c] * r * (u.weightOffset + weight[c]); }
}`
    : `${reductions(subgroups, 'sum')}
${ROW_MAIN}
  var ss = 0.0;
  for (var c = lid; c < u.C; c = c + WG_X) { ${x} ss = ss + x * x; }
  let r = inverseSqrt(reduceSum(lid, ss) / f32(u.C) + u.eps);
  if (lid == 0u) { rstd[row] = r; }
  for (var c = lid; c < u.C; c = c + WG_X) { out[base + c] = inp[base + c] * r * (u.weightOffset + weight[c]); }
}`;
  return {
    name: residual ? 'rmsnorm_residual_forward' : 'rmsnorm_forward',
    workgroupSize: [perRow ? ROWS_WG : WG],
    // facts name only what differs from the plain kernel, which keeps the key it always had
    ...subgroupFields(subgroups, residual || perRow ? { perRow } : {}),
    bindings: [
      { name: 'out', access: 'read_write' },
      { name: 'rstd', access: 'read_write' },
      { name: 'inp', access: residual ? 'read_write' : 'read' },
      ...(residual ? [{ name: 'res', access: 'read' } as const] : []),
      { name: 'weight', access: 'read' },
    ],
    uniforms: FORWARD_UNIFORMS,
    wgsl: body,
  };
});

/** The backward's variants: `accumulate` adds into dinp (dinp += ..., the residual stream's gradient); `perRow`, `subgroups` as above. */
const backwardOp = variants((accumulate: boolean, perRow: boolean, subgroups: boolean): OpDescription => {
  const store = accumulate ? 'dinp[base + c] = dinp[base + c] +' : 'dinp[base + c] =';
  const body = perRow
    ? `${ROW_PER_INVOCATION}
  let r = rstd[row];
  var dot = 0.0;
  for (var c = 0u; c < u.C; c = c + 1u) { dot = dot + (u.weightOffset + weight[c]) * dout[base + c] * inp[base + c]; }
  let k = r * r * r * dot / f32(u.C);
  for (var c = 0u; c < u.C; c = c + 1u) {
    ${store} r * (u.weightOffset + weight[c]) * dout[base + c] - k * inp[base + c];
  }
}`
    : `${reductions(subgroups, 'sum')}
${ROW_MAIN}
  let r = rstd[row];
  var dot = 0.0;
  for (var c = lid; c < u.C; c = c + WG_X) { dot = dot + (u.weightOffset + weight[c]) * dout[base + c] * inp[base + c]; }
  let k = r * r * r * reduceSum(lid, dot) / f32(u.C);
  for (var c = lid; c < u.C; c = c + WG_X) {
    ${store} r * (u.weightOffset + weight[c]) * dout[base + c] - k * inp[base + c];
  }
}`;
  const facts: Record<string, boolean> = accumulate || perRow ? { accumulate, perRow } : {};
  return { ...BACKWARD, workgroupSize: [perRow ? ROWS_WG : WG], ...subgroupFields(subgroups, facts), wgsl: body };
});

function rowGroups(rt: GpuRuntime, N: number): { perRow: boolean; subgroups: boolean; groups: number } {
  const perRow = rt.profile === 'software';
  return { perRow, subgroups: reducesBySubgroups(rt), groups: perRow ? Math.ceil(N / ROWS_WG) : N };
}

// dweight: one thread per channel sums over rows (deterministic, no atomics).
const DWEIGHT: OpDescription = {
  name: 'rmsnorm_backward_dweight',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'dweight', access: 'read_write' },
    { name: 'dout', access: 'read' },
    { name: 'inp', access: 'read' },
    { name: 'rstd', access: 'read' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['N', 'u32'],
  ],
  wgsl: elementwiseMain(`  var s = 0.0;
  for (var r = 0u; r < u.N; r = r + 1u) { s = s + dout[r * u.n + i] * inp[r * u.n + i] * rstd[r]; }
  dweight[i] = dweight[i] + s;`),
};

/** out (N, C), rstd (N) written for backward, inp (N, C), weight (C) */
export function rmsnormForward(rt: GpuRuntime, out: GpuTensor, rstd: GpuTensor, inp: GpuTensor, weight: GpuTensor, eps: number, weightOffset = 0): void {
  const [N, C] = rows2d(inp);
  expectShape('rmsnormForward weight', weight, [C]);
  expectShape('rmsnormForward out', out, inp.shape);
  if (rstd.size !== N) throw new Error(`rmsnormForward: rstd must hold ${N} rows, has ${rstd.size}`);
  const { perRow, subgroups, groups } = rowGroups(rt, N);
  rt.run(forwardOp(false, perRow, subgroups), { out, rstd, inp, weight }, { N, C, eps, weightOffset }, groups);
}

/** inp (N, C) += res (N, C), then rmsnormForward of the sum: the residual add fused into the next norm. */
export function rmsnormResidualForward(
  rt: GpuRuntime,
  out: GpuTensor,
  rstd: GpuTensor,
  inp: GpuTensor,
  res: GpuTensor,
  weight: GpuTensor,
  eps: number,
  weightOffset = 0,
): void {
  const [N, C] = rows2d(inp);
  expectShape('rmsnormResidualForward weight', weight, [C]);
  expectShape('rmsnormResidualForward out', out, inp.shape);
  expectShape('rmsnormResidualForward res', res, inp.shape);
  if (rstd.size !== N) throw new Error(`rmsnormResidualForward: rstd must hold ${N} rows, has ${rstd.size}`);
  const { perRow, subgroups, groups } = rowGroups(rt, N);
  rt.run(forwardOp(true, perRow, subgroups), { out, rstd, inp, res, weight }, { N, C, eps, weightOffset }, groups);
}

/** dinp (N, C) written (added to with accumulate: a residual stream's gradient); dweight (C) accumulated, or null when the norm weight is frozen. */
export function rmsnormBackward(
  rt: GpuRuntime,
  dinp: GpuTensor,
  dweight: GpuTensor | null,
  dout: GpuTensor,
  inp: GpuTensor,
  weight: GpuTensor,
  rstd: GpuTensor,
  weightOffset = 0,
  accumulate = false,
): void {
  const [N, C] = rows2d(inp);
  expectShape('rmsnormBackward dinp', dinp, inp.shape);
  expectShape('rmsnormBackward dout', dout, inp.shape);
  const { perRow, subgroups, groups } = rowGroups(rt, N);
  rt.run(backwardOp(accumulate, perRow, subgroups), { dinp, dout, inp, weight, rstd }, { N, C, weightOffset }, groups);
  if (dweight) {
    expectShape('rmsnormBackward dweight', dweight, [C]);
    rt.run(DWEIGHT, { dweight, dout, inp, rstd }, { n: C, N }, groups1d(C));
  }
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { rmsnormForward, rmsnormResidualForward, rmsnormBackward };
export { twins } from '../ref/rmsnorm.ts';
