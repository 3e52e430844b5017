// Frozen base weights in less than 32 bits: the formats, how they are packed into u32 words on the host,
// the WGSL that reads one element back as f32 inside a kernel, and the host-side inverse for the twins.
//
// Layouts (element i of the row-major (O, I) matrix; words are little-endian u32):
//   bf16, f16  word i >> 1 holds elements 2k (low half) and 2k + 1 (high half), as in the file.
//   q4         words [0, n/8): eight 4-bit codes each, element i in bits 4·(i & 7); then one word per group
//              of `group` consecutive elements along I (a row holds I / group groups): f16 scale (low half)
//              and f16 offset (high half). value = code · scale + offset (affine, as MLX's 4-bit).
// Packed tensors are bound as array<u32>; only the frozen operand of a product (gemm's b, the embedding
// table) may be packed. Everything that learns or flows (LoRA, gradients, activations) stays f32.
import { bf16ToF32, f16ToF32, f32ToBf16, f32ToF16 } from '../util/half.ts';

export type PackedFormat = { kind: 'bf16' } | { kind: 'f16' } | { kind: 'q4'; group: number };

/** Group sizes q4 accepts along the input dimension. */
export const Q4_GROUPS = [32, 64] as const;

export function formatName(f: PackedFormat): string {
  return f.kind === 'q4' ? `q4 (group ${f.group})` : f.kind;
}

/** u32 words a packed matrix of `n` elements takes. */
export function packedWords(f: PackedFormat, n: number): number {
  if (f.kind === 'q4') return n / 8 + n / f.group;
  return Math.ceil(n / 2);
}

/** Why `f` cannot hold a (rows, cols) matrix, or null when it can (q4 needs whole groups along each row). */
export function packProblem(f: PackedFormat, shape: readonly number[]): string | null {
  if (f.kind !== 'q4') return null;
  if (!(Q4_GROUPS as readonly number[]).includes(f.group)) return `q4 group ${f.group} is not one of ${Q4_GROUPS.join(', ')}`;
  const cols = shape[shape.length - 1] ?? 0;
  if (shape.length !== 2 || cols % f.group !== 0) return `q4 needs a matrix whose rows split into groups of ${f.group}; got (${shape.join(', ')})`;
  return null;
}

/**
 * WGSL `fn <fn>(i: u32) -> f32` reading element i of the packed array `arr`; q4 reads its scales from
 * word `base` on (a uniform the op passes: packedWords' code part, n / 8).
 */
export function wgslElementReader(f: PackedFormat, fn: string, arr: string, base: string): string {
  switch (f.kind) {
    case 'bf16':
      return `fn ${fn}(i: u32) -> f32 {
  let w = ${arr}[i >> 1u];
  return bitcast<f32>(select(w << 16u, w & 0xffff0000u, (i & 1u) == 1u));
}`;
    case 'f16':
      return `fn ${fn}(i: u32) -> f32 { return unpack2x16float(${arr}[i >> 1u])[i & 1u]; }`;
    case 'q4':
      return `fn ${fn}(i: u32) -> f32 {
  let code = f32((${arr}[i >> 3u] >> ((i & 7u) * 4u)) & 15u);
  let so = unpack2x16float(${arr}[${base} + i / ${f.group}u]);
  return code * so.x + so.y;
}`;
  }
}

/** A compile-time fact naming the format, for pipeline cache keys ('f32' when not packed). */
export function formatFact(f: PackedFormat | undefined): string {
  return f ? (f.kind === 'q4' ? `q4g${f.group}` : f.kind) : 'f32';
}

/** The format a formatFact() names (not 'f32'): kernels key their variants by the fact and rebuild the format from it. */
export function formatOfFact(fact: string): PackedFormat {
  return fact.startsWith('q4g') ? { kind: 'q4', group: Number(fact.slice(3)) } : { kind: fact as 'bf16' | 'f16' };
}

/** Word offset of q4's scale/offset words (the end of the codes); 0 for other formats. */
export function scaleBase(f: PackedFormat | undefined, n: number): number {
  return f?.kind === 'q4' ? n / 8 : 0;
}

// ------------------------------------------------------------------ host side

/** 16-bit values (bf16 or f16 bits, one per u16) → packed words, two per word. */
export function pack16(halves: Uint16Array): Uint32Array {
  const out = new Uint32Array(Math.ceil(halves.length / 2));
  for (let i = 0; i < halves.length; i++) out[i >> 1] |= halves[i] << ((i & 1) * 16);
  return out;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Little-endian 16-bit data as stored in a safetensors file → packed words, with no f32 in between: a view of
 * the same bytes when they are 4-byte aligned and whole words (a tensor read on its own), else a copy.
 */
export function pack16Bytes(bytes: Uint8Array): Uint32Array {
  if (littleEndian && bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0) return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const n = bytes.length >> 1;
  const out = new Uint32Array(Math.ceil(n / 2));
  new Uint8Array(out.buffer).set(bytes.subarray(0, n * 2));
  return out;
}

/** f32 values → a 16-bit format, rounded to nearest even. */
export function packFloats16(kind: 'bf16' | 'f16', x: Float32Array): Uint32Array {
  const h = new Uint16Array(x.length);
  for (let i = 0; i < x.length; i++) h[i] = kind === 'bf16' ? f32ToBf16(x[i]) : f32ToF16(x[i]);
  return pack16(h);
}

/**
 * q4 quantisation of a row-major (rows, cols) matrix, groups of `group` along each row: offset = the
 * group's minimum and scale = range / 15, both rounded to f16 first, then each code = round((x - offset) /
 * scale) clamped to [0, 15], so that the codes are chosen against the values the kernels will use.
 */
export function quantizeQ4(x: Float32Array, shape: readonly number[], group: number): Uint32Array {
  const problem = packProblem({ kind: 'q4', group }, shape);
  if (problem) throw new Error(`quantizeQ4: ${problem}`);
  const n = x.length;
  const out = new Uint32Array(packedWords({ kind: 'q4', group }, n));
  const base = n / 8;
  for (let g = 0; g < n / group; g++) {
    const start = g * group,
      end = start + group;
    let lo = x[start],
      hi = x[start],
      nonFinite = 0; // v - v is 0 for every finite v, NaN for NaN and ±Infinity
    for (let i = start; i < end; i++) {
      const v = x[i];
      nonFinite += v - v;
      if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
    if (nonFinite !== 0) {
      const bad = x.subarray(start, end).findIndex((v) => !Number.isFinite(v));
      throw new Error(`quantizeQ4: element ${start + bad} is ${x[start + bad]}; weights must be finite`);
    }
    const offBits = f32ToF16(lo);
    const off = f16ToF32(offBits);
    const scaleBits = f32ToF16(Math.max(0, hi - off) / 15);
    const scale = f16ToF32(scaleBits);
    out[base + g] = scaleBits | (offBits << 16);
    if (!(scale > 0)) continue; // every code 0: the group is its offset
    const inv = 1 / scale;
    for (let i = start; i < end; i++) {
      const q = Math.round((x[i] - off) * inv);
      out[i >> 3] |= Math.min(15, Math.max(0, q)) << ((i & 7) * 4);
    }
  }
  return out;
}

/** The f32 values a packed matrix of `n` elements holds: what the kernels read, element by element. */
export function unpack(f: PackedFormat, words: Uint32Array, n: number): Float32Array {
  const out = new Float32Array(n);
  if (f.kind === 'q4') {
    const base = n / 8;
    for (let i = 0; i < n; i++) {
      const so = words[base + Math.floor(i / f.group)];
      const code = (words[i >> 3] >>> ((i & 7) * 4)) & 15;
      out[i] = Math.fround(code * f16ToF32(so & 0xffff) + f16ToF32(so >>> 16));
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const h = (words[i >> 1] >>> ((i & 1) * 16)) & 0xffff;
    out[i] = f.kind === 'bf16' ? bf16ToF32(h) : f16ToF32(h);
  }
  return out;
}

/** Packs f32 values into `f` (q4 needs the matrix shape for its groups). */
export function packFloats(f: PackedFormat, x: Float32Array, shape: readonly number[]): Uint32Array {
  return f.kind === 'q4' ? quantizeQ4(x, shape, f.group) : packFloats16(f.kind, x);
}
