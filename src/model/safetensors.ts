// Safetensors reader and writer, validating every file like the reference Rust implementation.
// Layout: 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the tensor data.
import { f16ToF32, f32ToBf16, f32ToF16 } from '../util/half.ts';

export { f16ToF32, f32ToBf16, f32ToF16 } from '../util/half.ts';

/** Bytes per element of every dtype this reader accepts. */
export const DTYPE_SIZES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

/** Largest header the reference implementation accepts (100 MB). */
export const MAX_HEADER_SIZE = 100_000_000;

export interface TensorEntry {
  dtype: string;
  shape: number[];
  /** The tensor's raw little-endian bytes (a view into the file when it is aligned, else a copy). */
  data: Uint8Array;
}

export type WritableDtype = 'F32' | 'F16' | 'BF16';

export interface WritableTensor {
  dtype: WritableDtype;
  shape: number[];
  /** Float32Array: converted to `dtype`; Uint8Array: raw bytes already in `dtype`. */
  data: Float32Array | Uint8Array;
}

function fail(file: string, what: string): never {
  throw new Error(`${file}: ${what}`);
}

/** Throws unless every key of every JSON object in `text` is unique (JSON.parse keeps the last silently). */
function checkDuplicateKeys(text: string, file: string): void {
  // One frame per open object/array: the keys seen so far (objects only) and the key that opened it.
  const stack: Array<{ keys: Set<string> | null; name: string; lastKey: string }> = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      let k = j + 1;
      while (k < text.length && (text[k] === ' ' || text[k] === '\n' || text[k] === '\r' || text[k] === '\t')) k++;
      if (top?.keys && text[k] === ':') {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) fail(file, `duplicate key '${key}' in the header${top.name ? ` (inside '${top.name}')` : ''}`);
        top.keys.add(key);
        top.lastKey = key;
      }
      i = j + 1;
      continue;
    }
    if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      const name = parent ? (parent.keys ? parent.lastKey : parent.name) : '';
      stack.push({ keys: c === '{' ? new Set() : null, name, lastKey: '' });
    } else if (c === '}' || c === ']') {
      stack.pop();
    }
    i++;
  }
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** A tensor's header entry, validated; `begin`/`end` are offsets into the data after the header. */
interface HeaderEntry {
  key: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** Reads the length-prefixed JSON header: the parsed object and where the tensor data starts. */
function readHeader(bytes: Uint8Array, name: string): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) fail(name, `file is ${bytes.length} bytes, too small for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_SIZE)) fail(name, `header length ${n64} exceeds the ${MAX_HEADER_SIZE}-byte limit`);
  const n = Number(n64);
  if (n < 2) fail(name, `header length ${n} is too small (at least 2 bytes, '{}')`);
  if (n > bytes.length - 8) {
    fail(name, `header length ${n} runs past the end of the file (${bytes.length - 8} bytes after the length)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail(name, 'header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(name, `header must start with '{', got ${JSON.stringify(text.slice(0, 1))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    fail(name, `header is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail(name, 'header must be a JSON object');
  checkDuplicateKeys(text, name);
  return { header: header as Record<string, unknown>, dataStart: 8 + n };
}

/** Throws unless `__metadata__` is null or an object of strings. */
function checkMetadata(raw: unknown, name: string): void {
  if (raw === null) return; // an absent map, as the reference reader's Option accepts
  if (typeof raw !== 'object' || Array.isArray(raw)) fail(name, '__metadata__ must be an object of strings');
  for (const [mk, mv] of Object.entries(raw)) {
    if (typeof mv !== 'string') fail(name, `__metadata__.${mk} must be a string, got ${JSON.stringify(mv)}`);
  }
}

/** Validates one tensor's header entry: known dtype, a shape, and data_offsets spanning exactly its bytes. */
function parseEntry(key: string, raw: unknown, name: string): HeaderEntry {
  const where = `tensor '${key}'`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(name, `${where}: entry must be an object`);
  const info = raw as Record<string, unknown>;
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string') fail(name, `${where}: missing or non-string dtype`);
  if (!(dtype in DTYPE_SIZES)) fail(name, `${where}: unknown dtype '${dtype}' (expected one of ${Object.keys(DTYPE_SIZES).join(', ')})`);
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(name, `${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(name, `${where}: data_offsets must be [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as number[];
  if (end < begin) fail(name, `${where}: data_offsets [${begin}, ${end}] end before begin`);
  let elements = 1;
  for (const d of shape as number[]) {
    elements *= d;
    if (!Number.isSafeInteger(elements)) fail(name, `${where}: shape ${JSON.stringify(shape)} overflows`);
  }
  const expected = elements * DTYPE_SIZES[dtype];
  if (expected !== end - begin) {
    fail(name, `${where}: shape ${JSON.stringify(shape)} of ${dtype} needs ${expected} bytes, data_offsets span ${end - begin}`);
  }
  return { key, dtype, shape: shape as number[], begin, end };
}

/** Sorts entries by offset and throws unless they tile the data exactly: no gap, no overlap, nothing left over. */
function checkCoverage(entries: HeaderEntry[], dataLength: number, name: string): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of entries) {
    if (e.begin !== cursor) {
      const kind = e.begin > cursor ? `a gap (bytes ${cursor}..${e.begin} unused)` : `an overlap (expected begin ${cursor})`;
      fail(name, `tensor '${e.key}': data_offsets [${e.begin}, ${e.end}] leave ${kind}`);
    }
    cursor = e.end;
  }
  if (cursor !== dataLength) {
    fail(
      name,
      `tensors cover ${cursor} data bytes but the file holds ${dataLength} after the header` + (cursor < dataLength ? ' (trailing bytes)' : ' (truncated)'),
    );
  }
}

/**
 * Parses and validates a safetensors file. Throws an Error naming `name`, the tensor and the rule
 * broken for anything the reference implementation rejects.
 */
export function parseSafetensors(bytes: Uint8Array, name = 'model.safetensors'): Map<string, TensorEntry> {
  const { header, dataStart } = readHeader(bytes, name);
  const entries: HeaderEntry[] = [];
  for (const [key, raw] of Object.entries(header)) {
    if (key === '__metadata__') checkMetadata(raw, name);
    else entries.push(parseEntry(key, raw, name));
  }
  checkCoverage(entries, bytes.length - dataStart, name);

  const out = new Map<string, TensorEntry>();
  for (const e of entries) {
    const start = dataStart + e.begin;
    const size = DTYPE_SIZES[e.dtype];
    const aligned = (bytes.byteOffset + start) % size === 0;
    const data = aligned ? bytes.subarray(start, dataStart + e.end) : bytes.slice(start, dataStart + e.end);
    out.set(e.key, { dtype: e.dtype, shape: e.shape, data });
  }
  return out;
}

/** Where a tensor's bytes sit in its file (absolute byte offsets), for reading tensor by tensor. */
export interface TensorSpan {
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** Bytes to read first to learn a file's header size: the 8-byte little-endian length. */
export function safetensorsHeaderLength(first8: Uint8Array, name: string, fileSize: number): number {
  if (first8.length < 8 || fileSize < 8) fail(name, `file is ${fileSize} bytes, too small for the 8-byte header length`);
  const n64 = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_SIZE)) fail(name, `header length ${n64} exceeds the ${MAX_HEADER_SIZE}-byte limit`);
  const n = Number(n64);
  if (n > fileSize - 8) fail(name, `header length ${n} runs past the end of the file (${fileSize - 8} bytes after the length)`);
  return n;
}

/**
 * Parses and validates a safetensors header given only its first bytes (the length and the JSON) and the
 * file's size, with the same checks as parseSafetensors; the tensors come back as byte spans to read.
 */
export function parseSafetensorsLayout(head: Uint8Array, fileSize: number, name = 'model.safetensors'): Map<string, TensorSpan> {
  const { header, dataStart } = readHeader(head, name);
  const entries: HeaderEntry[] = [];
  for (const [key, raw] of Object.entries(header)) {
    if (key === '__metadata__') checkMetadata(raw, name);
    else entries.push(parseEntry(key, raw, name));
  }
  checkCoverage(entries, fileSize - dataStart, name);
  return new Map(entries.map((e) => [e.key, { dtype: e.dtype, shape: e.shape, begin: dataStart + e.begin, end: dataStart + e.end }]));
}

/** Reads the metadata map of a (valid) safetensors file; empty when it has none. */
export function readSafetensorsMetadata(bytes: Uint8Array): Record<string, string> {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  return (header.__metadata__ as Record<string, string>) ?? {};
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The tensor's values as f32 (F32, F16, BF16, F64). F32 on little-endian hosts is a copy, never a view. */
export function readTensorF32(entry: TensorEntry, tensorName = 'tensor'): Float32Array {
  const { data, dtype } = entry;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (dtype) {
    case 'F32': {
      if (littleEndian && data.byteOffset % 4 === 0) {
        return new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4).slice();
      }
      const out = new Float32Array(data.byteLength / 4);
      for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(i * 4, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(data.byteLength / 2);
      for (let i = 0; i < out.length; i++) out[i] = f16ToF32(dv.getUint16(i * 2, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(data.byteLength / 2);
      const u = new Uint32Array(out.buffer);
      if (littleEndian && data.byteOffset % 2 === 0) {
        const h = new Uint16Array(data.buffer, data.byteOffset, out.length);
        for (let i = 0; i < out.length; i++) u[i] = h[i] << 16;
      } else {
        for (let i = 0; i < out.length; i++) u[i] = dv.getUint16(i * 2, true) << 16;
      }
      return out;
    }
    case 'F64': {
      const out = new Float32Array(data.byteLength / 8);
      for (let i = 0; i < out.length; i++) out[i] = dv.getFloat64(i * 8, true);
      return out;
    }
    default:
      throw new Error(`${tensorName}: dtype ${dtype} cannot be read as floats (expected F32, F16, BF16 or F64)`);
  }
}

function encodeTensor(name: string, t: WritableTensor): Uint8Array {
  const count = t.shape.reduce((a, b) => a * b, 1);
  const size = DTYPE_SIZES[t.dtype];
  if (!size) throw new Error(`writeSafetensors: tensor '${name}': unsupported dtype '${t.dtype}'`);
  if (!t.shape.every(isCount)) throw new Error(`writeSafetensors: tensor '${name}': bad shape ${JSON.stringify(t.shape)}`);
  if (t.data instanceof Uint8Array) {
    if (t.data.length !== count * size) {
      throw new Error(`writeSafetensors: tensor '${name}': ${t.data.length} bytes, shape ${JSON.stringify(t.shape)} ${t.dtype} needs ${count * size}`);
    }
    return t.data;
  }
  if (t.data.length !== count) {
    throw new Error(`writeSafetensors: tensor '${name}': ${t.data.length} values, shape ${JSON.stringify(t.shape)} needs ${count}`);
  }
  const out = new Uint8Array(count * size);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < count; i++) {
    const v = t.data[i];
    if (t.dtype === 'F32') dv.setFloat32(i * 4, v, true);
    else dv.setUint16(i * 2, t.dtype === 'F16' ? f32ToF16(v) : f32ToBf16(v), true);
  }
  return out;
}

/** Serialises tensors (sorted by name) with optional metadata; the same input gives the same bytes. */
export function writeSafetensors(tensors: Record<string, WritableTensor>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) {
    const meta: Record<string, string> = {};
    for (const k of Object.keys(metadata).sort()) meta[k] = metadata[k];
    header.__metadata__ = meta;
  }
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new Error("writeSafetensors: '__metadata__' is not a valid tensor name");
    const blob = encodeTensor(name, tensors[name]);
    header[name] = { dtype: tensors[name].dtype, shape: tensors[name].shape, data_offsets: [offset, offset + blob.length] };
    blobs.push(blob);
    offset += blob.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const headerBytes = new Uint8Array(padded).fill(0x20);
  headerBytes.set(json);
  json = headerBytes;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  let pos = 8 + padded;
  for (const blob of blobs) {
    out.set(blob, pos);
    pos += blob.length;
  }
  return out;
}
