// Elementwise utilities on GPU tensors: fill, scale, add (dst += alpha * src), copy, and a copy of a block of
// columns between matrices of different widths. Twins: ref/util.ts.
import type { GpuRuntime } from '../runtime.ts';
import { shapeStr, type GpuTensor, type OpDescription } from '../op.ts';
import { elementwiseMain, groups1d, rows2d, WG_1D } from './common.ts';

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

const COPY_COLUMNS: OpDescription = {
  name: 'util_copy_columns',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'dst', access: 'read_write' },
    { name: 'src', access: 'read' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['cols', 'u32'],
    ['dstWidth', 'u32'],
    ['srcWidth', 'u32'],
    ['dstCol', 'u32'],
    ['srcCol', 'u32'],
  ],
  wgsl: elementwiseMain(`  let r = i / u.cols;
  let j = i - r * u.cols;
  dst[r * u.dstWidth + u.dstCol + j] = src[r * u.srcWidth + u.srcCol + j];`),
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

/**
 * dst[r, dstCol + j] = src[r, srcCol + j] for j < cols and every row r: dst (R, Wd) and src (R, Ws) row-major
 * (a vocabulary slice of the logits, when the LM head is split across buffers).
 */
export function copyColumns(rt: GpuRuntime, dst: GpuTensor, src: GpuTensor, dstCol: number, srcCol: number, cols: number): void {
  const [R, Wd] = rows2d(dst);
  const [Rs, Ws] = rows2d(src);
  if (R !== Rs || dstCol + cols > Wd || srcCol + cols > Ws) {
    throw new Error(`copyColumns: ${cols} columns from column ${srcCol} of ${shapeStr(src.shape)} to column ${dstCol} of ${shapeStr(dst.shape)} do not fit`);
  }
  rt.run(COPY_COLUMNS, { dst, src }, { n: R * cols, cols, dstWidth: Wd, srcWidth: Ws, dstCol, srcCol }, groups1d(R * cols));
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { fill, scale, add, copy, copyColumns };
export { twins } from '../ref/util.ts';
