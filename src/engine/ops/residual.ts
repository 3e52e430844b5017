// Residual connection on the GPU: out = inp1 + inp2; backward adds dout into both branches. Twin: ref/residual.ts.
import type { GpuRuntime } from '../runtime.ts';
import type { GpuTensor, OpDescription } from '../op.ts';
import { elementwiseMain, groups1d, sameSize, WG_1D } from './common.ts';

const FORWARD: OpDescription = {
  name: 'residual_forward',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'out', access: 'read_write' },
    { name: 'inp1', access: 'read' },
    { name: 'inp2', access: 'read' },
  ],
  uniforms: [['n', 'u32']],
  wgsl: elementwiseMain('  out[i] = inp1[i] + inp2[i];'),
};

const BACKWARD: OpDescription = {
  name: 'residual_backward',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'dinp1', access: 'read_write' },
    { name: 'dinp2', access: 'read_write' },
    { name: 'dout', access: 'read' },
  ],
  uniforms: [['n', 'u32']],
  wgsl: elementwiseMain('  let g = dout[i];\n  dinp1[i] = dinp1[i] + g;\n  dinp2[i] = dinp2[i] + g;'),
};

/** out = inp1 + inp2 (same shapes) */
export function residualForward(rt: GpuRuntime, out: GpuTensor, inp1: GpuTensor, inp2: GpuTensor): void {
  const n = sameSize('residualForward', out, inp1, inp2);
  rt.run(FORWARD, { out, inp1, inp2 }, { n }, groups1d(n));
}

/** dinp1 += dout, dinp2 += dout */
export function residualBackward(rt: GpuRuntime, dinp1: GpuTensor, dinp2: GpuTensor, dout: GpuTensor): void {
  const n = sameSize('residualBackward', dinp1, dinp2, dout);
  rt.run(BACKWARD, { dinp1, dinp2, dout }, { n }, groups1d(n));
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { residualForward, residualBackward };
export { twins } from '../ref/residual.ts';
