// Causal grouped-query attention on the GPU: tiled online-softmax forward (+ logsumexp), backward, decode.
// Twin: ref/attention.ts (same names, same argument order after `rt`); the mask is attention-mask.ts, shared by both.
//
//   q, out, dq, dout: (B, T, NH, HS)     k, v, dk, dv: (B, T, NKV, HS)     lse, delta: (B, NH, T)
//   lens: (B) u32 valid lengths (keys >= lens[b] ignored)          kCache, vCache: (B, cap, NKV, HS)
// Memory is linear in T: nothing of size T x T exists. Forward: one workgroup per (b, h, tile of BR
// query rows; BR = tileRows), one invocation per row holding q and its output accumulator; K/V tiles
// of BC keys pass through workgroup memory and each row keeps a running max m and sum l
// (FlashAttention's online softmax). Backward (FlashAttention-2 with two kernels, because WGSL has no float atomics):
//   0. per query row, delta = rowsum(dout * out), and [lse, delta] pairs into scratch, so that each pass binds
//      one buffer for both and at most 8 storage buffers in all (WebGPU's guaranteed minimum);
//   1. dq pass, per query row like the forward: recomputes P = exp(s - lse) and writes dq;
//   2. dk/dv pass, one invocation per key row, looping over the query heads of its group and the
//      query tiles that can see it, so dk and dv are summed over the group without atomics.
// HS is a compile-time fact (private arrays are sized by it); tile sizes follow from HS so that
// workgroup memory stays under 16 KiB, the WebGPU default limit.
// The kernels' WGSL (OpDescriptions) is attention-wgsl.ts; this module validates shapes and dispatches.
import type { GpuRuntime } from '../runtime.ts';
import type { GpuTensor } from '../op.ts';
import type { AttentionOptions as RefOptions, DecodeOptions } from '../ref/attention.ts';
import { backwardDkvOp, backwardDqOp, backwardStatsOp, decodeOp, forwardOp, KV_WRITE_OP } from './attention-wgsl.ts';
import { groups1d, reducesBySubgroups } from './common.ts';

export interface AttentionOptions extends RefOptions<GpuTensor> {
  /** Query (forward, dq) and key (dk/dv) rows per workgroup; default 64, or 32 when 64 leaves fewer
   *  than 256 workgroups (small batches), so that big GPUs get enough workgroups. */
  tileRows?: 32 | 64;
}

// ---------------------------------------------------------------------------------------- entry points

function tileRows(opts: AttentionOptions, heads: number, T: number): number {
  if (opts.tileRows !== undefined && opts.tileRows !== 32 && opts.tileRows !== 64) {
    throw new Error(`attention: tileRows must be 32 or 64, got ${opts.tileRows}`);
  }
  return opts.tileRows ?? (heads * Math.ceil(T / 64) >= 256 ? 64 : 32);
}

function maskArgs(
  rt: GpuRuntime,
  name: string,
  B: number,
  T: number,
  NH: number,
  NKV: number,
  HS: number,
  opts: AttentionOptions,
  tensors: [string, GpuTensor, number][],
): { lens: GpuTensor; uniforms: Record<string, number> } {
  if (!Number.isInteger(T) || T <= 0 || B <= 0) throw new Error(`${name}: B (${B}) and T (${T}) must be positive integers`);
  if (NKV <= 0 || NH % NKV !== 0) throw new Error(`${name}: NH (${NH}) must be a positive multiple of NKV (${NKV})`);
  if (!Number.isInteger(HS) || HS <= 0 || HS > 512) throw new Error(`${name}: head size HS must be an integer in [1, 512], got ${HS}`);
  for (const [n, t, expected] of tensors) {
    if (t.size !== expected) {
      throw new Error(`${name}: ${n} (${t.shape.join(', ')}) has ${t.size} elements, expected ${expected} (B=${B} T=${T} NH=${NH} NKV=${NKV} HS=${HS})`);
    }
  }
  if (opts.lens && opts.lens.size !== B) throw new Error(`${name}: lens has ${opts.lens.size} elements, expected B = ${B}`);
  const lens = opts.lens ?? rt.scratch('attention_no_lens', [1], 'u32'); // bound but unread (useLens 0)
  const window = opts.window ?? 0;
  if (!Number.isInteger(window) || window < 0) throw new Error(`${name}: window must be an integer >= 0, got ${window}`);
  return { lens, uniforms: { B, T, NH, NKV, window, useLens: opts.lens ? 1 : 0, scale: opts.scale ?? 1 / Math.sqrt(HS) } };
}

/** out: (B, T, NH, HS); lse: (B, NH, T); q: (B, T, NH, HS); k, v: (B, T, NKV, HS). */
export function attentionForward(
  rt: GpuRuntime,
  out: GpuTensor,
  lse: GpuTensor,
  q: GpuTensor,
  k: GpuTensor,
  v: GpuTensor,
  B: number,
  T: number,
  NH: number,
  NKV: number,
  HS: number,
  opts: AttentionOptions = {},
): void {
  const nq = B * T * NH * HS,
    nk = B * T * NKV * HS;
  const { lens, uniforms } = maskArgs(rt, 'attentionForward', B, T, NH, NKV, HS, opts, [
    ['out', out, nq],
    ['lse', lse, B * NH * T],
    ['q', q, nq],
    ['k', k, nk],
    ['v', v, nk],
  ]);
  const BR = tileRows(opts, B * NH, T);
  rt.run(forwardOp(HS, BR), { out, lse, q, k, v, lens }, uniforms, B * NH * Math.ceil(T / BR));
}

/**
 * Overwrites dq (B, T, NH, HS), dk and dv (B, T, NKV, HS; summed over each group's query heads) and
 * the scratch delta (B, NH, T) = rowsum(dout * out), from dout, the forward's out and lse, and q, k, v.
 */
export function attentionBackward(
  rt: GpuRuntime,
  dq: GpuTensor,
  dk: GpuTensor,
  dv: GpuTensor,
  delta: GpuTensor,
  dout: GpuTensor,
  out: GpuTensor,
  lse: GpuTensor,
  q: GpuTensor,
  k: GpuTensor,
  v: GpuTensor,
  B: number,
  T: number,
  NH: number,
  NKV: number,
  HS: number,
  opts: AttentionOptions = {},
): void {
  const nq = B * T * NH * HS,
    nk = B * T * NKV * HS;
  const { lens, uniforms } = maskArgs(rt, 'attentionBackward', B, T, NH, NKV, HS, opts, [
    ['dq', dq, nq],
    ['dk', dk, nk],
    ['dv', dv, nk],
    ['delta', delta, B * NH * T],
    ['dout', dout, nq],
    ['out', out, nq],
    ['lse', lse, B * NH * T],
    ['q', q, nq],
    ['k', k, nk],
    ['v', v, nk],
  ]);
  const BR = tileRows(opts, B * NH, T),
    BK = tileRows(opts, B * NKV, T);
  // [lse, delta] pairs per query row, in scratch that only grows: one binding for both in dq and dk/dv.
  const rows = B * NH * T;
  const stats = rt.scratchAtLeast('attention_backward_stats', 2 * rows);
  rt.run(backwardStatsOp(HS), { stats, delta, dout, out, lse }, { n: rows, T, NH }, groups1d(rows));
  rt.run(backwardDqOp(HS, BR), { dq, dout, stats, q, k, v, lens }, uniforms, B * NH * Math.ceil(T / BR));
  rt.run(backwardDkvOp(HS, BK), { dk, dv, dout, stats, q, k, v, lens }, uniforms, B * NKV * Math.ceil(T / BK));
}

/**
 * Decode-time attention against a KV cache (forward only). out, q: (B, Tq, NH, HS); kCache, vCache:
 * (B, cap, NKV, HS) already holding keys 0 .. start+Tq-1; query t sits at position start + t, or at
 * opts.pos[b·Tq + t] (u32, each < cap) in a ragged batch whose rows have different lengths.
 */
export function attentionDecode(
  rt: GpuRuntime,
  out: GpuTensor,
  q: GpuTensor,
  kCache: GpuTensor,
  vCache: GpuTensor,
  B: number,
  Tq: number,
  NH: number,
  NKV: number,
  HS: number,
  start: number,
  cap: number,
  opts: DecodeOptions<GpuTensor> = {},
): void {
  const nq = B * Tq * NH * HS,
    nc = B * cap * NKV * HS;
  maskArgs(rt, 'attentionDecode', B, Tq, NH, NKV, HS, {}, [
    ['out', out, nq],
    ['q', q, nq],
    ['kCache', kCache, nc],
    ['vCache', vCache, nc],
  ]);
  if (opts.pos && opts.pos.size !== B * Tq) throw new Error(`attentionDecode: pos has ${opts.pos.size} elements, expected B·Tq = ${B * Tq}`);
  // With pos the caller vouches for each position < cap (the positions live on the GPU); without, start + Tq must fit.
  if (!opts.pos && (!Number.isInteger(start) || start < 0 || start + Tq > cap)) {
    throw new Error(`attentionDecode: start (${start}) + Tq (${Tq}) exceeds cache capacity ${cap}`);
  }
  const pos = opts.pos ?? rt.scratch('attention_no_pos', [1], 'u32'); // bound but unread (usePos 0)
  const window = opts.window ?? 0;
  const uniforms = { B, Tq, NH, NKV, start, cap, window, scale: opts.scale ?? 1 / Math.sqrt(HS), usePos: opts.pos ? 1 : 0 };
  rt.run(decodeOp(HS, reducesBySubgroups(rt)), { out, q, kCache, vCache, pos }, uniforms, B * NH * Tq);
}

/**
 * Writes keys and values into a KV cache at each token's position: token t of row b goes to slot pos[b·T + t]
 * of cache row b. kCache, vCache: (B', cap, W) with B' >= B; k, v: (B, T, W); pos: (B·T) u32 (each < cap).
 */
export function kvCacheWrite(
  rt: GpuRuntime,
  kCache: GpuTensor,
  vCache: GpuTensor,
  k: GpuTensor,
  v: GpuTensor,
  pos: GpuTensor,
  B: number,
  T: number,
  cap: number,
): void {
  const W = k.size / (B * T);
  if (!Number.isInteger(W) || v.size !== k.size || pos.size !== B * T || kCache.size !== vCache.size || kCache.size < B * cap * W) {
    throw new Error(
      `kvCacheWrite: k (${k.size}), v (${v.size}), pos (${pos.size}) and caches (${kCache.size}, ${vCache.size}) do not fit B=${B} T=${T} cap=${cap}`,
    );
  }
  rt.run(KV_WRITE_OP, { kCache, vCache, k, v, pos }, { n: k.size, T, W, cap }, groups1d(k.size));
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { attentionForward, attentionBackward, attentionDecode, kvCacheWrite };
export { twins } from '../ref/attention.ts';
