// GeGLU on the GPU (Gemma's MLP: out = gelu_tanh(gate) * up) and the final-logit soft cap
// (y = cap · tanh(x / cap)), each with its backward. Twin: ref/geglu.ts.
import type { GpuRuntime } from '../runtime.ts';
import type { GpuTensor, OpDescription } from '../op.ts';
import { elementwiseMain, groups1d, sameSize, WG_1D } from './common.ts';

// tanh through exp, with the argument clamped so exp stays finite (tanh(±15) is ±1 to f32 precision).
const TANH = 'fn tanhSafe(x: f32) -> f32 { let e = exp(2.0 * clamp(x, -15.0, 15.0)); return (e - 1.0) / (e + 1.0); }';
const GELU = `${TANH}
const K: f32 = 0.7978845608028654;
const A: f32 = 0.044715;
fn geluT(x: f32) -> f32 { return tanhSafe(K * (x + A * x * x * x)); }`;

const FORWARD: OpDescription = {
  name: 'geglu_forward',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'out', access: 'read_write' },
    { name: 'gate', access: 'read' },
    { name: 'up', access: 'read' },
  ],
  uniforms: [['n', 'u32']],
  wgsl: `${GELU}\n${elementwiseMain('  let g = gate[i];\n  out[i] = 0.5 * g * (1.0 + geluT(g)) * up[i];')}`,
};

const BACKWARD: OpDescription = {
  name: 'geglu_backward',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'dgate', access: 'read_write' },
    { name: 'dup', access: 'read_write' },
    { name: 'dout', access: 'read' },
    { name: 'gate', access: 'read' },
    { name: 'up', access: 'read' },
  ],
  uniforms: [['n', 'u32']],
  wgsl: `${GELU}\n${elementwiseMain(`  let g = gate[i];
  let t = geluT(g);
  let dgelu = 0.5 * (1.0 + t) + 0.5 * g * (1.0 - t * t) * K * (1.0 + 3.0 * A * g * g);
  dgate[i] = dout[i] * up[i] * dgelu;
  dup[i] = dout[i] * 0.5 * g * (1.0 + t);`)}`,
};

const CAP_FORWARD: OpDescription = {
  name: 'softcap_forward',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'out', access: 'read_write' },
    { name: 'inp', access: 'read' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['cap', 'f32'],
  ],
  wgsl: `${TANH}\n${elementwiseMain('  out[i] = u.cap * tanhSafe(inp[i] / u.cap);')}`,
};

const CAP_BACKWARD: OpDescription = {
  name: 'softcap_backward',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'dinp', access: 'read_write' },
    { name: 'dout', access: 'read' },
    { name: 'inp', access: 'read' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['cap', 'f32'],
  ],
  wgsl: `${TANH}\n${elementwiseMain('  let t = tanhSafe(inp[i] / u.cap);\n  dinp[i] = dout[i] * (1.0 - t * t);')}`,
};

// In place (dinp = dout, the CE gradient left in the logits): one read_write binding, since WebGPU does not
// let a dispatch bind one buffer both writable and read-only.
const CAP_BACKWARD_IN_PLACE: OpDescription = {
  ...CAP_BACKWARD,
  name: 'softcap_backward_in_place',
  bindings: [
    { name: 'dinp', access: 'read_write' },
    { name: 'inp', access: 'read' },
  ],
  wgsl: `${TANH}\n${elementwiseMain('  let t = tanhSafe(inp[i] / u.cap);\n  dinp[i] = dinp[i] * (1.0 - t * t);')}`,
};

/** out, gate, up: (N, H) */
export function gegluForward(rt: GpuRuntime, out: GpuTensor, gate: GpuTensor, up: GpuTensor): void {
  const n = sameSize('gegluForward', out, gate, up);
  rt.run(FORWARD, { out, gate, up }, { n }, groups1d(n));
}

/** dgate, dup written from dout; all (N, H) */
export function gegluBackward(rt: GpuRuntime, dgate: GpuTensor, dup: GpuTensor, dout: GpuTensor, gate: GpuTensor, up: GpuTensor): void {
  const n = sameSize('gegluBackward', dgate, dup, dout, gate, up);
  rt.run(BACKWARD, { dgate, dup, dout, gate, up }, { n }, groups1d(n));
}

/** out = cap · tanh(inp / cap); out and inp: (N, V), distinct. */
export function softcapForward(rt: GpuRuntime, out: GpuTensor, inp: GpuTensor, cap: number): void {
  const n = sameSize('softcapForward', out, inp);
  rt.run(CAP_FORWARD, { out, inp }, { n, cap }, groups1d(n));
}

/** dinp = dout · (1 − tanh²(inp / cap)); dinp may be dout itself (in place). */
export function softcapBackward(rt: GpuRuntime, dinp: GpuTensor, dout: GpuTensor, inp: GpuTensor, cap: number): void {
  const n = sameSize('softcapBackward', dinp, dout, inp);
  if (dinp === dout) {
    rt.run(CAP_BACKWARD_IN_PLACE, { dinp, inp }, { n, cap }, groups1d(n));
    return;
  }
  rt.run(CAP_BACKWARD, { dinp, dout, inp }, { n, cap }, groups1d(n));
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { gegluForward, gegluBackward, softcapForward, softcapBackward };
export { twins } from '../ref/geglu.ts';
