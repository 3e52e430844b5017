// What an op is: a description (name, WGSL, workgroup size, bindings, uniforms) that the runtime compiles.
// Also the tensor type every op binds, and the WGSL header the runtime writes in front of every op.
//
// Dimension letters, used in every shape comment of the engine:
//   B batch, T sequence length, N = B*T rows (tokens), C channels (hidden), H intermediate (MLP),
//   V vocabulary, L layers, NH query heads, NKV key/value heads, HS head size, R LoRA rank,
//   I / O input / output features of a linear layer (HF layout W: (O, I)), P flat parameter count.

import type { PackedFormat } from './packed.ts';

export type Dtype = 'f32' | 'u32';

/** A tensor on the GPU: a (view into a) buffer plus its shape. Offsets are in elements. */
export interface GpuTensor {
  buffer: GPUBuffer;
  shape: readonly number[];
  size: number; // product of shape
  dtype: Dtype;
  offset: number; // elements from the start of `buffer`; bindings need offset*4 % 256 == 0
  /** Present on tensors the runtime owns (pooled); views share the owner's buffer and have none. */
  readonly owned?: boolean;
  /** A frozen weight stored packed (dtype 'u32', `words` of them; `size` counts the logical elements). */
  readonly format?: PackedFormat;
  readonly words?: number;
}

/** One storage buffer the op binds, in binding order. */
export interface BindingDecl {
  name: string; // WGSL identifier of the array
  access: 'read' | 'read_write';
  type?: 'f32' | 'u32' | 'vec4<f32>'; // element type, 'f32' when absent; vec4<f32> binds an f32 tensor of a multiple of 4 elements
}

export type UniformType = 'u32' | 'i32' | 'f32';

export interface OpDescription {
  /** Unique op name; first part of the pipeline cache key. */
  name: string;
  /** WGSL: helper functions plus `@compute @workgroup_size(WG_X, WG_Y, WG_Z) fn main(...)`. */
  wgsl: string;
  /** Compile-time workgroup size, exposed to the WGSL as the constants WG_X, WG_Y, WG_Z. */
  workgroupSize: readonly [number, number?, number?];
  bindings: readonly BindingDecl[];
  /** Run-time sizes and scalars, packed into one uniform struct `u` in this order. */
  uniforms?: readonly (readonly [string, UniformType])[];
  /** Other compile-time facts the WGSL was generated from (tile sizes, flags); part of the cache key. */
  facts?: Readonly<Record<string, number | string | boolean>>;
  /** WGSL extensions the source needs (`enable subgroups;`), written first; put the choice in `facts` too. */
  enables?: readonly string[];
}

export const MAX_UNIFORMS = 64; // one 256-byte uniform slot

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`bad shape [${shape.join(', ')}]: dimensions must be integers >= 0`);
    n *= d;
  }
  return n;
}

export function shapeStr(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

/** The pipeline cache key: op name plus every compile-time fact. */
export function pipelineKey(op: OpDescription): string {
  const [x, y = 1, z = 1] = op.workgroupSize;
  return `${op.name}|wg=${x}x${y}x${z}|${op.facts ? JSON.stringify(op.facts) : ''}`;
}

/**
 * Workgroup counts for a dispatch: a 1-D count above the per-axis limit is split over x and y (kernels
 * use linearWorkgroup() and bounds-check, since x*y may exceed the count); a tuple is checked as given.
 */
export function splitWorkgroups(name: string, wg: number | readonly [number, number?, number?], max: number): [number, number, number] {
  if (typeof wg === 'number') {
    if (!Number.isInteger(wg) || wg < 0) throw new Error(`op ${name}: workgroup count must be an integer >= 0, got ${wg}`);
    if (wg <= max) return [wg, 1, 1];
    const y = Math.ceil(wg / max);
    if (y > max) throw new Error(`op ${name}: ${wg} workgroups exceed ${max}×${max}`);
    return [Math.ceil(wg / y), y, 1];
  }
  const [x, y = 1, z = 1] = wg;
  if (x > max || y > max || z > max) throw new Error(`op ${name}: dispatch [${x}, ${y}, ${z}] exceeds ${max} workgroups on an axis`);
  return [x, y, z];
}

/** The full WGSL module for an op: enable directives, binding declarations, the uniform struct, helpers, then the op's code. */
export function assembleWgsl(op: OpDescription): string {
  if ((op.uniforms?.length ?? 0) > MAX_UNIFORMS) throw new Error(`op ${op.name}: ${op.uniforms?.length} uniforms, at most ${MAX_UNIFORMS}`);
  const [x, y = 1, z = 1] = op.workgroupSize;
  const lines: string[] = [...(op.enables ?? []).map((e) => `enable ${e};`), `// op ${pipelineKey(op)}`];
  op.bindings.forEach((b, i) => {
    const access = b.access === 'read' ? 'read' : 'read_write';
    lines.push(`@group(0) @binding(${i}) var<storage, ${access}> ${b.name}: array<${b.type ?? 'f32'}>;`);
  });
  const uniforms = op.uniforms ?? [];
  if (uniforms.length > 0) {
    lines.push(`struct Uniforms { ${uniforms.map(([n, t]) => `${n}: ${t},`).join(' ')} };`);
    lines.push(`@group(0) @binding(${op.bindings.length}) var<uniform> u: Uniforms;`);
  }
  lines.push(
    `const WG_X: u32 = ${x}u;`,
    `const WG_Y: u32 = ${y}u;`,
    `const WG_Z: u32 = ${z}u;`,
    `// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.`,
    `fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }`,
    op.wgsl,
  );
  return lines.join('\n');
}

/** Checks that a tensor has the expected shape; the error names the op argument and both shapes. */
export function expectShape(where: string, t: GpuTensor | { shape: readonly number[] }, shape: readonly number[]): void {
  const ok = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (!ok) throw new Error(`${where}: expected shape ${shapeStr(shape)}, got ${shapeStr(t.shape)}`);
}

/** Element alignment of views that ops bind (256-byte storage offset alignment / 4 bytes). */
export const VIEW_ALIGN = 64;

export interface FlatLayout {
  offsets: Record<string, number>; // element offset of each named view, a multiple of VIEW_ALIGN
  shapes: Record<string, readonly number[]>;
  total: number; // elements of the flat buffer
}

/**
 * Packs named tensors into one flat buffer (parameters, their gradients, AdamW m and v share one layout),
 * each view starting on a bindable offset. Use with GpuRuntime.views().
 */
export function packLayout(shapes: Record<string, readonly number[]>): FlatLayout {
  const offsets: Record<string, number> = {};
  let total = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    offsets[name] = total;
    total += Math.ceil(numel(shape) / VIEW_ALIGN) * VIEW_ALIGN;
  }
  return { offsets, shapes: { ...shapes }, total };
}
