// The tensor the reference twins take: an array plus its shape, so that every twin has its kernel's signature
// (the same tensor arguments in the same order, sizes read from shapes as the GPU ops read them).
// Float64Array data is for the finite-difference tests; Uint32Array holds ids, targets, positions, lens.
import type { FloatArray } from './array.ts';
import { formatName, unpack, type PackedFormat } from '../packed.ts';

export interface RefTensor {
  data: Float32Array | Float64Array | Uint32Array;
  readonly shape: readonly number[];
  readonly size: number; // product of shape
  /** A frozen weight stored packed (data: its u32 words); only weightFloats() reads it. */
  readonly format?: PackedFormat;
}

/** A tensor over `data` (not copied); shape defaults to 1-D. */
export function refTensor(data: Float32Array | Float64Array | Uint32Array, shape: readonly number[] = [data.length]): RefTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) throw new Error(`refTensor: ${data.length} elements for shape (${shape.join(', ')})`);
  return { data, shape: [...shape], size };
}

/** The float data of a tensor; `where` names the op argument in the error when it holds u32 ids. */
export function floats(where: string, t: RefTensor): FloatArray {
  if (t.format) throw new Error(`${where}: a packed ${formatName(t.format)} weight cannot be used here (only as a frozen matmul or embedding weight)`);
  if (t.data instanceof Uint32Array) throw new Error(`${where}: expected a float tensor, got u32 data of shape (${t.shape.join(', ')})`);
  return t.data;
}

const unpacked = new WeakMap<Uint32Array, Float32Array>();

/** The values of a frozen weight: its float data, or a packed weight unpacked as the kernels read it (cached per array). */
export function weightFloats(where: string, t: RefTensor): FloatArray {
  if (!t.format) return floats(where, t);
  const words = t.data as Uint32Array;
  let f = unpacked.get(words);
  if (!f) {
    f = unpack(t.format, words, t.size);
    unpacked.set(words, f);
  }
  return f;
}

/** A tensor seen as a matrix: (all leading dims flattened, last dim), as rows2d() on the GPU. */
export function rows(t: RefTensor): [number, number] {
  const last = t.shape.length === 0 ? 1 : t.shape[t.shape.length - 1];
  return [last === 0 ? 0 : t.size / last, last];
}

/** Checks element counts; the error names the op, the argument and the sizes it was given. */
export function expectSizes(where: string, tensors: [string, RefTensor | null, number][], sizes = ''): void {
  for (const [name, t, expected] of tensors) {
    if (t && t.size !== expected) {
      throw new Error(`${where}: ${name} (${t.shape.join(', ')}) has ${t.size} elements, expected ${expected}${sizes ? ` (${sizes})` : ''}`);
    }
  }
}
