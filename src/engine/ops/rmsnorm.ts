// RMSNorm on the GPU: one workgroup per row reduces the sum of squares. Twin: ref/rmsnorm.ts.
import type { GpuRuntime } from '../runtime.ts';
import { expectShape, type GpuTensor, type OpDescription } from '../op.ts';
import { ENTRY, elementwiseMain, groups1d, reductions, rows2d, WG_1D } from './common.ts';

const WG = 256;

const ROW_MAIN = `${ENTRY} {
  let row = linearWorkgroup(wid, nwg);
  if (row >= u.N) { return; }  // uniform per workgroup, so the barriers below stay uniform
  let base = row * u.C;`;

const FORWARD: OpDescription = {
  name: 'rmsnorm_forward',
  workgroupSize: [WG],
  bindings: [
    { name: 'out', access: 'read_write' },
    { name: 'rstd', access: 'read_write' },
    { name: 'inp', access: 'read' },
    { name: 'weight', access: 'read' },
  ],
  uniforms: [
    ['N', 'u32'],
    ['C', 'u32'],
    ['eps', 'f32'],
    ['weightOffset', 'f32'],
  ],
  wgsl: `${reductions('sum')}
${ROW_MAIN}
  var ss = 0.0;
  for (var c = lid; c < u.C; c = c + WG_X) { let x = inp[base + c]; ss = ss + x * x; }
  let r = inverseSqrt(reduceSum(lid, ss) / f32(u.C) + u.eps);
  if (lid == 0u) { rstd[row] = r; }
  for (var c = lid; c < u.C; c = c + WG_X) { out[base + c] = inp[base + c] * r * (u.weightOffset + weight[c]); }
}`,
};

const BACKWARD: OpDescription = {
  name: 'rmsnorm_backward',
  workgroupSize: [WG],
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
  wgsl: `${reductions('sum')}
${ROW_MAIN}
  let r = rstd[row];
  var dot = 0.0;
  for (var c = lid; c < u.C; c = c + WG_X) { dot = dot + (u.weightOffset + weight[c]) * dout[base + c] * inp[base + c]; }
  let k = r * r * r * reduceSum(lid, dot) / f32(u.C);
  for (var c = lid; c < u.C; c = c + WG_X) {
    dinp[base + c] = r * (u.weightOffset + weight[c]) * dout[base + c] - k * inp[base + c];
  }
}`,
};

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
  rt.run(FORWARD, { out, rstd, inp, weight }, { N, C, eps, weightOffset }, N);
}

/** dinp (N, C) written; dweight (C) accumulated, or null when the norm weight is frozen. */
export function rmsnormBackward(
  rt: GpuRuntime,
  dinp: GpuTensor,
  dweight: GpuTensor | null,
  dout: GpuTensor,
  inp: GpuTensor,
  weight: GpuTensor,
  rstd: GpuTensor,
  weightOffset = 0,
): void {
  const [N, C] = rows2d(inp);
  expectShape('rmsnormBackward dinp', dinp, inp.shape);
  expectShape('rmsnormBackward dout', dout, inp.shape);
  rt.run(BACKWARD, { dinp, dout, inp, weight, rstd }, { N, C, weightOffset }, N);
  if (dweight) {
    expectShape('rmsnormBackward dweight', dweight, [C]);
    rt.run(DWEIGHT, { dweight, dout, inp, rstd }, { n: C, N }, groups1d(C));
  }
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { rmsnormForward, rmsnormBackward };
export { twins } from '../ref/rmsnorm.ts';
