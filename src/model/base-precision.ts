// The precision the frozen base weights are kept in on the GPU, decided per tensor as it is read: the
// projections, the embedding and the LM head may be packed (bf16, f16, q4); norms and biases stay f32.
// 'stored' (the default) keeps 16-bit files 16-bit and f32 files f32; q4 quantises on load.
import { packFloats, packFloats16, pack16Bytes, Q4_GROUPS, type PackedFormat } from '../engine/packed.ts';
import { readTensorF32, type TensorEntry } from './safetensors.ts';

export const BASE_PRECISIONS = ['stored', 'f32', 'bf16', 'f16', 'q4'] as const;
export type BasePrecision = (typeof BASE_PRECISIONS)[number];

export interface PrecisionOptions {
  /** How the frozen weights sit on the GPU (default 'stored'). */
  precision?: BasePrecision;
  /** q4's group along the input dimension: 64 (default) or 32; a tensor whose rows do not split into it uses 32, else stays 16-bit. */
  q4Group?: number;
}

/** A frozen weight kept packed on the host until it is uploaded. */
export interface PackedHost {
  format: PackedFormat;
  words: Uint32Array;
}

/** One tensor as the loader keeps it: f32 values, or packed words. */
export type HostTensor = { f32: Float32Array } | { packed: PackedHost };

const PACKABLE = /^(model\.layers\.\d+\.(self_attn|mlp)\.(q|k|v|o|gate|up|down)_proj\.weight|model\.embed_tokens\.weight|lm_head\.weight)$/;

/** Whether a decoder tensor may be packed (the large frozen matrices the matmuls and the gather read). */
export function isPackable(name: string): boolean {
  return PACKABLE.test(name);
}

export function checkPrecision(value: unknown, where: string): BasePrecision {
  if (typeof value === 'string' && (BASE_PRECISIONS as readonly string[]).includes(value)) return value as BasePrecision;
  throw new Error(`${where}: precision must be one of ${BASE_PRECISIONS.join(', ')}, got ${JSON.stringify(value)}`);
}

/** The q4 group for rows of `cols` values, or null when neither group size divides them. */
function q4GroupFor(cols: number, preferred: number): number | null {
  for (const g of [preferred, ...Q4_GROUPS]) if (cols % g === 0) return g;
  return null;
}

/** The 16-bit format a file's dtype maps to under 'stored', or null for 32/64-bit data. */
function stored16(dtype: string): 'bf16' | 'f16' | null {
  return dtype === 'BF16' ? 'bf16' : dtype === 'F16' ? 'f16' : null;
}

/**
 * Converts one tensor read from a file to the form it will be uploaded in. `note` is called once per tensor
 * that could not take the requested form (q4 on rows no group divides: kept at 16 bits).
 */
export function toHostTensor(name: string, entry: TensorEntry, opts: PrecisionOptions, note: (msg: string) => void): HostTensor {
  const precision = opts.precision ?? 'stored';
  const where = `tensor '${name}'`;
  if (!isPackable(name) || precision === 'f32') return { f32: readTensorF32(entry, where) };
  if (precision === 'stored') {
    const kind = stored16(entry.dtype);
    return kind ? { packed: { format: { kind }, words: pack16Bytes(entry.data) } } : { f32: readTensorF32(entry, where) };
  }
  if (precision === 'bf16' || precision === 'f16') {
    const words = stored16(entry.dtype) === precision ? pack16Bytes(entry.data) : packFloats16(precision, readTensorF32(entry, where));
    return { packed: { format: { kind: precision }, words } };
  }
  const values = readTensorF32(entry, where);
  const cols = entry.shape[entry.shape.length - 1] ?? 0;
  const group = q4GroupFor(cols, opts.q4Group ?? 64);
  if (group === null || entry.shape.length !== 2) {
    const kind = stored16(entry.dtype) ?? 'bf16';
    note(`${name} (${entry.shape.join(' × ')}) kept in ${kind}: its rows of ${cols} do not split into q4 groups of ${Q4_GROUPS.join(' or ')}`);
    return { packed: { format: { kind }, words: packFloats16(kind, values) } };
  }
  const format: PackedFormat = { kind: 'q4', group };
  return { packed: { format, words: packFloats(format, values, entry.shape) } };
}

/** Bytes a host tensor holds (f32: 4 per value; packed: its words). */
export function hostTensorBytes(t: HostTensor): number {
  return 'f32' in t ? t.f32.byteLength : t.packed.words.byteLength;
}
