// SwiGLU on the GPU: out = silu(gate) * up and its backward. Twin: ref/swiglu.ts.
import type { GpuRuntime } from '../runtime.ts';
import type { GpuTensor, OpDescription } from '../op.ts';
import { elementwiseMain, groups1d, sameSize, WG_1D } from './common.ts';

// Clamping keeps exp() finite; sigmoid(±80) is 0 / 1 to f32 precision anyway.
const SIGMOID = 'fn sigmoid(x: f32) -> f32 { return 1.0 / (1.0 + exp(-clamp(x, -80.0, 80.0))); }';

const FORWARD: OpDescription = {
  name: 'swiglu_forward',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'out', access: 'read_write' },
    { name: 'gate', access: 'read' },
    { name: 'up', access: 'read' },
  ],
  uniforms: [['n', 'u32']],
  wgsl: `${SIGMOID}\n${elementwiseMain('  let g = gate[i];\n  out[i] = g * sigmoid(g) * up[i];')}`,
};

const BACKWARD: OpDescription = {
  name: 'swiglu_backward',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'dgate', access: 'read_write' },
    { name: 'dup', access: 'read_write' },
    { name: 'dout', access: 'read' },
    { name: 'gate', access: 'read' },
    { name: 'up', access: 'read' },
  ],
  uniforms: [['n', 'u32']],
  wgsl: `${SIGMOID}\n${elementwiseMain(`  let g = gate[i];
  let s = sigmoid(g);
  dgate[i] = dout[i] * up[i] * s * (1.0 + g * (1.0 - s));
  dup[i] = dout[i] * g * s;`)}`,
};

/** out, gate, up: (N, H) */
export function swigluForward(rt: GpuRuntime, out: GpuTensor, gate: GpuTensor, up: GpuTensor): void {
  const n = sameSize('swigluForward', out, gate, up);
  rt.run(FORWARD, { out, gate, up }, { n }, groups1d(n));
}

/** dgate, dup written from dout; all (N, H) */
export function swigluBackward(rt: GpuRuntime, dgate: GpuTensor, dup: GpuTensor, dout: GpuTensor, gate: GpuTensor, up: GpuTensor): void {
  const n = sameSize('swigluBackward', dgate, dup, dout, gate, up);
  rt.run(BACKWARD, { dgate, dup, dout, gate, up }, { n }, groups1d(n));
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { swigluForward, swigluBackward };
export { twins } from '../ref/swiglu.ts';
