// The decoder's frozen base weights on a Backend, by layer, with the checks that name a missing or
// mis-shaped tensor: Llama's two norms per layer, or Gemma 3's four (sandwich), q/k norms, biases.
import type { Backend, Tensor } from '../engine/backend.ts';
import type { ModelConfig } from './hf-config.ts';
import type { PackedHost } from './base-precision.ts';

export interface LayerWeights<T> {
  inNorm: T; // (C) input_layernorm
  mlpNorm: T; // (C) the norm before the MLP: post_attention_layernorm (Llama), pre_feedforward_layernorm (Gemma 3)
  attnOutNorm: T | null; // (C) Gemma 3's post_attention_layernorm, on the attention output before the residual
  mlpOutNorm: T | null; // (C) Gemma 3's post_feedforward_layernorm, on the MLP output before the residual
  q: T;
  k: T;
  v: T;
  o: T; // (NH*HS, C), (NKV*HS, C), (NKV*HS, C), (C, NH*HS)
  gate: T;
  up: T;
  down: T; // (H, C), (H, C), (C, H)
  qBias: T | null;
  kBias: T | null;
  vBias: T | null;
  oBias: T | null;
  qNorm: T | null;
  kNorm: T | null; // (HS) each: per-head RMSNorm of q and k before RoPE (Qwen3, Gemma 3)
}

/**
 * Uploads tensors after checking their sizes (the error names the tensor), keeping a list of what it
 * uploaded so that a load that fails half way can release it: nothing half-loaded stays on the GPU.
 */
/** The host copies of the base weights a decoder uploads: f32 ones, packed ones, and whether each is dropped once uploaded. */
export interface HostWeights {
  f32: Map<string, Float32Array>;
  packed?: Map<string, PackedHost>;
  /** Delete each tensor from its map once it is on the backend, so that the host does not keep a second copy of the model. */
  release?: boolean;
}

/** HostWeights plus tensors already on the backend (loadOntoBackend), which the decoder takes over as they are. */
export interface DecoderWeights<T> extends HostWeights {
  device?: Map<string, T>;
}

function missing(name: string, host: HostWeights): Error {
  return new Error(
    host.release
      ? `decoder: weight ${name} missing (these host weights were released when a decoder uploaded them; load the model again)`
      : `decoder: weight ${name} missing`,
  );
}

/** Drops a tensor's host copy after upload when the weights say so. */
function dropHost(name: string, host: HostWeights): void {
  if (!host.release) return;
  host.f32.delete(name);
  host.packed?.delete(name);
}

export function uploader<T extends Tensor>(be: Backend<T>, host: DecoderWeights<T>, uploaded: T[] = []) {
  const { f32: weights, packed, device } = host;
  const up = (name: string, shape: number[]): T => {
    const d = device?.get(name);
    if (d) {
      if (d.shape.length !== shape.length || d.shape.some((n, i) => n !== shape[i])) {
        throw new Error(`decoder: weight ${name} on the device is (${d.shape.join(', ')}), expected (${shape.join(', ')})`);
      }
      device!.delete(name);
      uploaded.push(d);
      return d;
    }
    const p = packed?.get(name);
    if (p) {
      const t = be.uploadPacked(p.words, shape, p.format);
      uploaded.push(t);
      dropHost(name, host);
      return t;
    }
    const w = weights.get(name);
    if (!w) throw missing(name, host);
    if (w.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`decoder: weight ${name} has ${w.length} elements, expected (${shape.join(', ')})`);
    const t = be.upload(w, shape);
    uploaded.push(t);
    dropHost(name, host);
    return t;
  };
  const opt = (name: string, shape: number[]): T | null => (weights.has(name) || packed?.has(name) || device?.has(name) ? up(name, shape) : null);
  return { up, opt, uploaded };
}

/** Layer l's weights, in the Hugging Face names. */
export function layerWeights<T extends Tensor>(be: Backend<T>, cfg: ModelConfig, host: DecoderWeights<T>, l: number, uploaded: T[] = []): LayerWeights<T> {
  const { up, opt } = uploader(be, host, uploaded);
  const C = cfg.hiddenSize,
    H = cfg.intermediateSize,
    QD = cfg.numHeads * cfg.headDim,
    KD = cfg.numKvHeads * cfg.headDim;
  const p = `model.layers.${l}`;
  const sandwich = cfg.sandwichNorm;
  return {
    inNorm: up(`${p}.input_layernorm.weight`, [C]),
    mlpNorm: up(sandwich ? `${p}.pre_feedforward_layernorm.weight` : `${p}.post_attention_layernorm.weight`, [C]),
    attnOutNorm: sandwich ? up(`${p}.post_attention_layernorm.weight`, [C]) : null,
    mlpOutNorm: sandwich ? up(`${p}.post_feedforward_layernorm.weight`, [C]) : null,
    q: up(`${p}.self_attn.q_proj.weight`, [QD, C]),
    k: up(`${p}.self_attn.k_proj.weight`, [KD, C]),
    v: up(`${p}.self_attn.v_proj.weight`, [KD, C]),
    o: up(`${p}.self_attn.o_proj.weight`, [C, QD]),
    gate: up(`${p}.mlp.gate_proj.weight`, [H, C]),
    up: up(`${p}.mlp.up_proj.weight`, [H, C]),
    down: up(`${p}.mlp.down_proj.weight`, [C, H]),
    qBias: opt(`${p}.self_attn.q_proj.bias`, [QD]),
    kBias: opt(`${p}.self_attn.k_proj.bias`, [KD]),
    vBias: opt(`${p}.self_attn.v_proj.bias`, [KD]),
    oBias: opt(`${p}.self_attn.o_proj.bias`, [C]),
    qNorm: cfg.qkNorm ? up(`${p}.self_attn.q_norm.weight`, [cfg.headDim]) : null,
    kNorm: cfg.qkNorm ? up(`${p}.self_attn.k_norm.weight`, [cfg.headDim]) : null,
  };
}

/** Every tensor of a layer, for release. */
export function layerTensors<T>(w: LayerWeights<T>): (T | null)[] {
  return [w.inNorm, w.mlpNorm, w.attnOutNorm, w.mlpOutNorm, w.q, w.k, w.v, w.o, w.gate, w.up, w.down, w.qBias, w.kBias, w.vBias, w.oBias, w.qNorm, w.kNorm];
}

/** One row part of a matrix split across bindings: rows [r0, r0 + rows) of the whole. */
export interface RowPart<T> {
  t: T;
  r0: number;
  rows: number;
}

/** Bytes one row of `cols` values takes in the given storage. */
function rowBytes(cols: number, p: PackedHost | undefined): number {
  if (!p) return cols * 4;
  return p.format.kind === 'q4' ? (cols / 8 + cols / p.format.group) * 4 : cols * 2;
}

/** Rows [r0, r1) of a packed (rows, cols) matrix, as a packed matrix of its own (q4: its codes, then its groups' scales). */
function packedRows(p: PackedHost, totalRows: number, cols: number, r0: number, r1: number): Uint32Array {
  if (p.format.kind !== 'q4') return p.words.slice((r0 * cols) / 2, (r1 * cols) / 2);
  const g = p.format.group;
  const base = (totalRows * cols) / 8;
  const codes = p.words.subarray((r0 * cols) / 8, (r1 * cols) / 8);
  const scales = p.words.subarray(base + (r0 * cols) / g, base + (r1 * cols) / g);
  const out = new Uint32Array(codes.length + scales.length);
  out.set(codes);
  out.set(scales, codes.length);
  return out;
}

/**
 * Uploads a (rows, cols) matrix as row parts no larger than `maxBytes` each (parts of whole 64-row blocks), or
 * as one part when it fits: a 262k-token embedding is larger than one binding on most devices.
 */
export function uploadRowParts<T extends Tensor>(
  be: Backend<T>,
  name: string,
  shape: [number, number],
  host: DecoderWeights<T>,
  maxBytes: number,
  uploaded: T[],
): RowPart<T>[] {
  const [R, C] = shape;
  if (host.device?.has(name)) return [{ t: uploader(be, host, uploaded).up(name, [R, C]), r0: 0, rows: R }];
  const p = host.packed?.get(name);
  const per = rowBytes(C, p);
  if (R * per <= maxBytes) return [{ t: uploader(be, host, uploaded).up(name, [R, C]), r0: 0, rows: R }];
  const step = Math.floor(maxBytes / per / 64) * 64;
  if (step < 64) throw new Error(`decoder: ${name} rows of ${per} bytes do not fit 64 to a binding of ${maxBytes} bytes`);
  const w = p ? null : host.f32.get(name);
  if (!p && !w) throw missing(name, host);
  const parts: RowPart<T>[] = [];
  for (let r0 = 0; r0 < R; r0 += step) {
    const r1 = Math.min(R, r0 + step);
    const t = p ? be.uploadPacked(packedRows(p, R, C, r0, r1), [r1 - r0, C], p.format) : be.upload(w!.subarray(r0 * C, r1 * C), [r1 - r0, C]);
    uploaded.push(t);
    parts.push({ t, r0, rows: r1 - r0 });
  }
  dropHost(name, host);
  return parts;
}
