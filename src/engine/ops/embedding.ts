// Token embedding on the GPU: gather rows of wte by id, and the scatter-add backward. Twin: ref/embedding.ts.
import type { GpuRuntime } from '../runtime.ts';
import { expectShape, type GpuTensor, type OpDescription } from '../op.ts';
import { elementwiseMain, groups1d, variants, WG_1D } from './common.ts';
import { formatFact, formatOfFact, formatName, scaleBase, wgslElementReader } from '../packed.ts';

// Ids outside [0, V) produce zero rows here (the twin throws); the tokenizer guarantees the range.
const FORWARD: OpDescription = {
  name: 'embedding_forward',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'out', access: 'read_write' },
    { name: 'ids', access: 'read', type: 'u32' },
    { name: 'wte', access: 'read' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['C', 'u32'],
    ['V', 'u32'],
  ],
  wgsl: elementwiseMain(`  let row = i / u.C;
  let id = ids[row];
  out[i] = select(0.0, wte[id * u.C + (i - row * u.C)], id < u.V);`),
};

// One thread per channel walks the rows in order: no float atomics, deterministic sums.
const BACKWARD: OpDescription = {
  name: 'embedding_backward',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'dwte', access: 'read_write' },
    { name: 'dout', access: 'read' },
    { name: 'ids', access: 'read', type: 'u32' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['N', 'u32'],
    ['V', 'u32'],
  ],
  wgsl: elementwiseMain(`  let C = u.n;
  for (var r = 0u; r < u.N; r = r + 1u) {
    let id = ids[r];
    if (id < u.V) { dwte[id * C + i] = dwte[id * C + i] + dout[r * C + i]; }
  }`),
};

// The gather from a packed table (a frozen bf16, f16 or q4 embedding, packed.ts): each element unpacked to f32.
const forwardPacked = variants((fact: string): OpDescription => {
  const format = formatOfFact(fact);
  return {
    name: 'embedding_forward',
    workgroupSize: [WG_1D],
    facts: { wte: fact },
    bindings: [
      { name: 'out', access: 'read_write' },
      { name: 'ids', access: 'read', type: 'u32' },
      { name: 'wte', access: 'read', type: 'u32' },
    ],
    uniforms: [
      ['n', 'u32'],
      ['C', 'u32'],
      ['V', 'u32'],
      ['wBase', 'u32'],
    ],
    wgsl: `${wgslElementReader(format, 'wteAt', 'wte', 'u.wBase')}
${elementwiseMain(`  let row = i / u.C;
  let id = ids[row];
  out[i] = select(0.0, wteAt(min(id, u.V - 1u) * u.C + (i - row * u.C)), id < u.V);`)}`,
  };
});

// The gather from rows [r0, r0 + V) of a table split across buffers: only ids in the range are written.
const forwardRows = variants((fact: string): OpDescription => {
  const packed = fact !== 'f32';
  const format = formatOfFact(fact);
  return {
    name: 'embedding_forward_rows',
    workgroupSize: [WG_1D],
    facts: { wte: fact },
    bindings: [
      { name: 'out', access: 'read_write' },
      { name: 'ids', access: 'read', type: 'u32' },
      { name: 'wte', access: 'read', type: packed ? 'u32' : 'f32' },
    ],
    uniforms: [
      ['n', 'u32'],
      ['C', 'u32'],
      ['V', 'u32'],
      ['r0', 'u32'],
      ['wBase', 'u32'],
    ],
    wgsl: `${packed ? wgslElementReader(format, 'wteAt', 'wte', 'u.wBase') : 'fn wteAt(i: u32) -> f32 { return wte[i]; }'}
${elementwiseMain(`  let row = i / u.C;
  let id = ids[row];
  if (id >= u.r0 && id - u.r0 < u.V) { out[i] = wteAt((id - u.r0) * u.C + (i - row * u.C)); }`)}`,
  };
});

/**
 * out[n] = part[ids[n] - r0] for the ids in [r0, r0 + rows of part); other rows of out are left as they are.
 * A table larger than one binding is uploaded in row parts and gathered part by part.
 */
export function embeddingForwardRows(rt: GpuRuntime, out: GpuTensor, ids: GpuTensor, part: GpuTensor, r0: number): void {
  const [V, C] = [part.shape[0], part.shape[1]];
  const N = ids.size;
  expectShape('embeddingForwardRows out', out, [N, C]);
  rt.run(forwardRows(formatFact(part.format)), { out, ids, wte: part }, { n: N * C, C, V, r0, wBase: scaleBase(part.format, V * C) }, groups1d(N * C));
}

/** out (N, C) = wte[ids]; ids (N) u32, wte (V, C), f32 or packed */
export function embeddingForward(rt: GpuRuntime, out: GpuTensor, ids: GpuTensor, wte: GpuTensor): void {
  const [V, C] = [wte.shape[0], wte.shape[1]];
  const N = ids.size;
  expectShape('embeddingForward out', out, [N, C]);
  if (out.format) throw new Error(`embeddingForward: out cannot be a packed ${formatName(out.format)} tensor`);
  const op = wte.format ? forwardPacked(formatFact(wte.format)) : FORWARD;
  rt.run(op, { out, ids, wte }, { n: N * C, C, V, wBase: scaleBase(wte.format, V * C) }, groups1d(N * C));
}

/** dwte (V, C) += scatter of dout (N, C) by ids (N) */
export function embeddingBackward(rt: GpuRuntime, dwte: GpuTensor, dout: GpuTensor, ids: GpuTensor): void {
  const [V, C] = [dwte.shape[0], dwte.shape[1]];
  const N = ids.size;
  expectShape('embeddingBackward dout', dout, [N, C]);
  rt.run(BACKWARD, { dwte, dout, ids }, { n: C, N, V }, groups1d(C));
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { embeddingForward, embeddingForwardRows, embeddingBackward };
export { twins } from '../ref/embedding.ts';
