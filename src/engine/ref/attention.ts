// CPU reference twin of causal grouped-query attention: forward (+ logsumexp), backward, decode.
//
// Layouts (row-major, as the q/k/v projections produce them):
//   q, out, dq, dout: (B, T, NH, HS)      k, v, dk, dv: (B, T, NKV, HS)
//   lse, delta:       (B, NH, T)          lens: (B) valid length per sequence (keys >= lens[b] ignored)
// Query head h reads kv head floor(h / (NH / NKV)). Query i sees key j under the mask of attention-mask.ts
// (causal, lens[b], sliding window), the kernels' mask too. Scores are scaled by `scale`
// (default 1/sqrt(HS); Gemma uses query_pre_attn_scalar^-0.5). Accumulation is f64 here.

import type { FloatArray } from './array.ts';
import { expectSizes, floats, type RefTensor } from './tensor.ts';
import { attentionVisible } from '../attention-mask.ts';

export interface AttentionOptions<L = RefTensor> {
  scale?: number; // score scale; default 1 / sqrt(HS)
  lens?: L | null; // (B) u32 valid length per sequence; default: all T
  window?: number; // sliding window size; 0 or absent: full causal attention
}

export { attentionVisible };

type ArrayOptions = AttentionOptions<ArrayLike<number>>;

/** Checks the head counts and the sizes, and returns the tensors' float arrays in order. */
function arrays(name: string, B: number, T: number, NH: number, NKV: number, HS: number, tensors: [string, RefTensor, number][]): FloatArray[] {
  if (NKV <= 0 || NH % NKV !== 0) {
    throw new Error(`${name}: NH (${NH}) must be a positive multiple of NKV (${NKV})`);
  }
  expectSizes(name, tensors, `B=${B} T=${T} NH=${NH} NKV=${NKV} HS=${HS}`);
  return tensors.map(([n, t]) => floats(`${name} ${n}`, t));
}

function arrayOptions(opts: AttentionOptions): ArrayOptions {
  return { scale: opts.scale, window: opts.window, lens: opts.lens?.data ?? null };
}

function scores(
  q: FloatArray,
  k: FloatArray,
  b: number,
  h: number,
  i: number,
  T: number,
  NH: number,
  NKV: number,
  HS: number,
  scale: number,
  len: number,
  window: number,
  s: Float64Array,
): void {
  const kh = Math.floor(h / (NH / NKV));
  const qo = ((b * T + i) * NH + h) * HS;
  for (let j = 0; j < T; j++) {
    if (!attentionVisible(i, j, len, window)) {
      s[j] = -Infinity;
      continue;
    }
    const ko = ((b * T + j) * NKV + kh) * HS;
    let acc = 0;
    for (let d = 0; d < HS; d++) acc += q[qo + d] * k[ko + d];
    s[j] = acc * scale;
  }
}

/** out: (B, T, NH, HS); lse: (B, NH, T); q: (B, T, NH, HS); k, v: (B, T, NKV, HS). */
export function attentionForward(
  out: RefTensor,
  lse: RefTensor,
  q: RefTensor,
  k: RefTensor,
  v: RefTensor,
  B: number,
  T: number,
  NH: number,
  NKV: number,
  HS: number,
  opts: AttentionOptions = {},
): void {
  const a = arrays('attentionForward', B, T, NH, NKV, HS, [
    ['out', out, B * T * NH * HS],
    ['lse', lse, B * NH * T],
    ['q', q, B * T * NH * HS],
    ['k', k, B * T * NKV * HS],
    ['v', v, B * T * NKV * HS],
  ]);
  forward(a[0], a[1], a[2], a[3], a[4], B, T, NH, NKV, HS, arrayOptions(opts));
}

function forward(
  out: FloatArray,
  lse: FloatArray,
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  B: number,
  T: number,
  NH: number,
  NKV: number,
  HS: number,
  opts: ArrayOptions,
): void {
  const scale = opts.scale ?? 1 / Math.sqrt(HS);
  const window = opts.window ?? 0;
  const s = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    const len = opts.lens ? opts.lens[b] : T;
    for (let h = 0; h < NH; h++) {
      const kh = Math.floor(h / (NH / NKV));
      for (let i = 0; i < T; i++) {
        scores(q, k, b, h, i, T, NH, NKV, HS, scale, len, window, s);
        let m = -Infinity;
        for (let j = 0; j < T; j++) m = Math.max(m, s[j]);
        const oo = ((b * T + i) * NH + h) * HS;
        if (m === -Infinity) {
          for (let d = 0; d < HS; d++) out[oo + d] = 0;
          lse[(b * NH + h) * T + i] = 0;
          continue;
        }
        let sum = 0;
        for (let j = 0; j < T; j++) sum += Math.exp(s[j] - m);
        const acc = new Float64Array(HS);
        for (let j = 0; j < T; j++) {
          if (s[j] === -Infinity) continue;
          const p = Math.exp(s[j] - m) / sum;
          const vo = ((b * T + j) * NKV + kh) * HS;
          for (let d = 0; d < HS; d++) acc[d] += p * v[vo + d];
        }
        for (let d = 0; d < HS; d++) out[oo + d] = acc[d];
        lse[(b * NH + h) * T + i] = m + Math.log(sum);
      }
    }
  }
}

/**
 * Overwrites dq (B, T, NH, HS), dk and dv (B, T, NKV, HS; summed over the query heads of a group)
 * and delta (B, NH, T) = rowsum(dout * out), from dout, out, lse of the forward pass and q, k, v.
 */
export function attentionBackward(
  dq: RefTensor,
  dk: RefTensor,
  dv: RefTensor,
  delta: RefTensor,
  dout: RefTensor,
  out: RefTensor,
  lse: RefTensor,
  q: RefTensor,
  k: RefTensor,
  v: RefTensor,
  B: number,
  T: number,
  NH: number,
  NKV: number,
  HS: number,
  opts: AttentionOptions = {},
): void {
  const nq = B * T * NH * HS,
    nk = B * T * NKV * HS;
  const a = arrays('attentionBackward', B, T, NH, NKV, HS, [
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
  backward(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], B, T, NH, NKV, HS, arrayOptions(opts));
}

function backward(
  dq: FloatArray,
  dk: FloatArray,
  dv: FloatArray,
  delta: FloatArray,
  dout: FloatArray,
  out: FloatArray,
  lse: FloatArray,
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  B: number,
  T: number,
  NH: number,
  NKV: number,
  HS: number,
  opts: ArrayOptions,
): void {
  const nq = B * T * NH * HS,
    nk = B * T * NKV * HS;
  const scale = opts.scale ?? 1 / Math.sqrt(HS);
  const window = opts.window ?? 0;
  const dqAcc = new Float64Array(nq),
    dkAcc = new Float64Array(nk),
    dvAcc = new Float64Array(nk);
  const s = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    const len = opts.lens ? opts.lens[b] : T;
    for (let h = 0; h < NH; h++) {
      const kh = Math.floor(h / (NH / NKV));
      for (let i = 0; i < T; i++) {
        const qo = ((b * T + i) * NH + h) * HS;
        let D = 0;
        for (let d = 0; d < HS; d++) D += dout[qo + d] * out[qo + d];
        delta[(b * NH + h) * T + i] = D;
        const L = lse[(b * NH + h) * T + i];
        scores(q, k, b, h, i, T, NH, NKV, HS, scale, len, window, s);
        for (let j = 0; j < T; j++) {
          if (s[j] === -Infinity) continue;
          const p = Math.exp(s[j] - L);
          const ko = ((b * T + j) * NKV + kh) * HS;
          let dp = 0;
          for (let d = 0; d < HS; d++) dp += dout[qo + d] * v[ko + d];
          const ds = p * (dp - D) * scale;
          for (let d = 0; d < HS; d++) {
            dvAcc[ko + d] += p * dout[qo + d];
            dqAcc[qo + d] += ds * k[ko + d];
            dkAcc[ko + d] += ds * q[qo + d];
          }
        }
      }
    }
  }
  dq.set(dqAcc);
  dk.set(dkAcc);
  dv.set(dvAcc);
}

/** Decode options: the score scale, the window, and optional per-query positions (ragged batches). */
export interface DecodeOptions<L = RefTensor> extends Omit<AttentionOptions<L>, 'lens'> {
  /** (B·Tq) u32: query t of row b sits at pos[b·Tq + t] (each row its own length); default start + t for every row. */
  pos?: L | null;
}

/**
 * Decode-time attention against a KV cache (forward only).
 * out, q: (B, Tq, NH, HS); kCache, vCache: (B, cap, NKV, HS) already holding keys 0 .. start+Tq-1.
 * Query t sits at absolute position start + t (or opts.pos[b·Tq + t]) and sees cached keys j up to
 * its position (and the window); keys of row b are read from row b of the cache.
 */
export function attentionDecode(
  out: RefTensor,
  q: RefTensor,
  kCache: RefTensor,
  vCache: RefTensor,
  B: number,
  Tq: number,
  NH: number,
  NKV: number,
  HS: number,
  start: number,
  cap: number,
  opts: DecodeOptions = {},
): void {
  const a = arrays('attentionDecode', B, Tq, NH, NKV, HS, [
    ['out', out, B * Tq * NH * HS],
    ['q', q, B * Tq * NH * HS],
    ['kCache', kCache, B * cap * NKV * HS],
    ['vCache', vCache, B * cap * NKV * HS],
  ]);
  const pos = opts.pos ? decodePositions(opts.pos.data, B, Tq, cap) : null;
  if (!pos && start + Tq > cap) throw new Error(`attentionDecode: start (${start}) + Tq (${Tq}) exceeds cache capacity ${cap}`);
  decode(a[0], a[1], a[2], a[3], B, Tq, NH, NKV, HS, start, cap, { scale: opts.scale, window: opts.window }, pos);
}

/** Checks per-query positions of a ragged decode: B·Tq integers, each below the cache capacity. */
function decodePositions(pos: ArrayLike<number>, B: number, Tq: number, cap: number): ArrayLike<number> {
  if (pos.length !== B * Tq) throw new Error(`attentionDecode: pos has ${pos.length} elements, expected B·Tq = ${B * Tq}`);
  for (let n = 0; n < pos.length; n++) {
    if (!(Number.isInteger(pos[n]) && pos[n] >= 0 && pos[n] < cap))
      throw new Error(`attentionDecode: pos[${n}] = ${pos[n]}, expected an integer in [0, ${cap})`);
  }
  return pos;
}

function decode(
  out: FloatArray,
  q: FloatArray,
  kCache: FloatArray,
  vCache: FloatArray,
  B: number,
  Tq: number,
  NH: number,
  NKV: number,
  HS: number,
  start: number,
  cap: number,
  opts: Omit<ArrayOptions, 'lens'>,
  pos: ArrayLike<number> | null,
): void {
  const scale = opts.scale ?? 1 / Math.sqrt(HS);
  const window = opts.window ?? 0;
  const s = new Float64Array(cap);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const kh = Math.floor(h / (NH / NKV));
      for (let t = 0; t < Tq; t++) {
        const i = pos ? pos[b * Tq + t] : start + t;
        const qo = ((b * Tq + t) * NH + h) * HS;
        let m = -Infinity;
        for (let j = 0; j <= i; j++) {
          if (!attentionVisible(i, j, cap, window)) {
            s[j] = -Infinity;
            continue;
          }
          const ko = ((b * cap + j) * NKV + kh) * HS;
          let acc = 0;
          for (let d = 0; d < HS; d++) acc += q[qo + d] * kCache[ko + d];
          s[j] = acc * scale;
          m = Math.max(m, s[j]);
        }
        let sum = 0;
        const acc = new Float64Array(HS);
        for (let j = 0; j <= i; j++) {
          if (s[j] === -Infinity) continue;
          const p = Math.exp(s[j] - m);
          sum += p;
          const vo = ((b * cap + j) * NKV + kh) * HS;
          for (let d = 0; d < HS; d++) acc[d] += p * vCache[vo + d];
        }
        for (let d = 0; d < HS; d++) out[qo + d] = acc[d] / sum;
      }
    }
  }
}

/**
 * Writes a forward's keys and values into a KV cache at each token's position: token t of row b goes to
 * slot pos[b·T + t] of cache row b. kCache, vCache: (B', cap, W) with B' >= B; k, v: (B, T, W); pos: (B·T) u32.
 */
export function kvCacheWrite(kCache: RefTensor, vCache: RefTensor, k: RefTensor, v: RefTensor, pos: RefTensor, B: number, T: number, cap: number): void {
  const W = k.size / (B * T);
  if (!Number.isInteger(W) || v.size !== k.size || pos.size !== B * T || kCache.size !== vCache.size || kCache.size < B * cap * W) {
    throw new Error(
      `kvCacheWrite: k (${k.size}), v (${v.size}), pos (${pos.size}) and caches (${kCache.size}, ${vCache.size}) do not fit B=${B} T=${T} cap=${cap}`,
    );
  }
  const [kc, vc, ks, vs] = [kCache, vCache, k, v].map((t, i) => floats(`kvCacheWrite ${['kCache', 'vCache', 'k', 'v'][i]}`, t));
  const p = decodePositions(pos.data, B, T, cap);
  for (let n = 0; n < B * T; n++) {
    const dst = (Math.floor(n / T) * cap + p[n]) * W;
    for (let d = 0; d < W; d++) {
      kc[dst + d] = ks[n * W + d];
      vc[dst + d] = vs[n * W + d];
    }
  }
}

export const twins = { attentionForward, attentionBackward, attentionDecode, kvCacheWrite };
