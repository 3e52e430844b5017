// Elementwise utilities on GPU tensors: fill, scale, add (dst += alpha * src), copy. Twins: ref/util.ts.
import type { GpuRuntime } from '../runtime.ts';
import type { GpuTensor, OpDescription } from '../op.ts';
import { elementwiseMain, groups1d, WG_1D } from './common.ts';

const FILL: OpDescription = {
  name: 'util_fill',
  workgroupSize: [WG_1D],
  bindings: [{ name: 'x', access: 'read_write' }],
  uniforms: [
    ['n', 'u32'],
    ['value', 'f32'],
  ],
  wgsl: elementwiseMain('  x[i] = u.value;'),
};

const SCALE: OpDescription = {
  name: 'util_scale',
  workgroupSize: [WG_1D],
  bindings: [{ name: 'x', access: 'read_write' }],
  uniforms: [
    ['n', 'u32'],
    ['alpha', 'f32'],
  ],
  wgsl: elementwiseMain('  x[i] = x[i] * u.alpha;'),
};

const ADD: OpDescription = {
  name: 'util_add',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'dst', access: 'read_write' },
    { name: 'src', access: 'read' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['alpha', 'f32'],
  ],
  wgsl: elementwiseMain('  dst[i] = dst[i] + u.alpha * src[i];'),
};

/** x[i] = value */
export function fill(rt: GpuRuntime, x: GpuTensor, value: number): void {
  rt.run(FILL, { x }, { n: x.size, value }, groups1d(x.size));
}

/** x[i] *= alpha */
export function scale(rt: GpuRuntime, x: GpuTensor, alpha: number): void {
  rt.run(SCALE, { x }, { n: x.size, alpha }, groups1d(x.size));
}

/** dst[i] += alpha * src[i] (dst and src in different buffers) */
export function add(rt: GpuRuntime, dst: GpuTensor, src: GpuTensor, alpha = 1): void {
  if (dst.size !== src.size) throw new Error(`add: dst has ${dst.size} elements, src ${src.size}`);
  rt.run(ADD, { dst, src }, { n: dst.size, alpha }, groups1d(dst.size));
}

/** dst = src (same element count) */
export function copy(rt: GpuRuntime, dst: GpuTensor, src: GpuTensor): void {
  rt.copy(dst, src);
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { fill, scale, add, copy };
export { twins } from '../ref/util.ts';
