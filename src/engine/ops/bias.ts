// Bias add on the GPU (Qwen2's q/k/v bias) and its backward, the column sums of dout. Twin: ref/bias.ts.
import type { GpuRuntime } from '../runtime.ts';
import { expectShape, type GpuTensor, type OpDescription } from '../op.ts';
import { elementwiseMain, groups1d, rows2d, WG_1D } from './common.ts';

const FORWARD: OpDescription = {
  name: 'bias_forward',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'out', access: 'read_write' },
    { name: 'bias', access: 'read' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['O', 'u32'],
  ],
  wgsl: elementwiseMain('  out[i] = out[i] + bias[i % u.O];'),
};

// One thread per column walks the rows: deterministic, and rows are short (tokens of one step).
const BACKWARD: OpDescription = {
  name: 'bias_backward',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'dbias', access: 'read_write' },
    { name: 'dout', access: 'read' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['N', 'u32'],
  ],
  wgsl: elementwiseMain(`  var s = 0.0;
  for (var r = 0u; r < u.N; r = r + 1u) { s = s + dout[r * u.n + i]; }
  dbias[i] = dbias[i] + s;`),
};

/** out (N, O) += bias (O) */
export function biasForward(rt: GpuRuntime, out: GpuTensor, bias: GpuTensor): void {
  const [N, O] = rows2d(out);
  expectShape('biasForward bias', bias, [O]);
  rt.run(FORWARD, { out, bias }, { n: N * O, O }, groups1d(N * O));
}

/** dbias (O) += column sums of dout (N, O) */
export function biasBackward(rt: GpuRuntime, dbias: GpuTensor, dout: GpuTensor): void {
  const [N, O] = rows2d(dout);
  expectShape('biasBackward dbias', dbias, [O]);
  rt.run(BACKWARD, { dbias, dout }, { n: O, N }, groups1d(O));
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { biasForward, biasBackward };
export { twins } from '../ref/bias.ts';
