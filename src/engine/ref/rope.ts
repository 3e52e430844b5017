// CPU reference twin of the RoPE kernels (Hugging Face rotate-half convention), in place.
//
// Layout: x is (B, T, NH, HS) row-major, i.e. the (B, T, NH*HS) output of the q or k projection;
// NH is the number of heads of that tensor (query heads for q, kv heads for k). Element pairs are
// (i, i + HS/2) for i < HS/2, rotated by angle pos[b, t] * invFreq[i]:
//   y[i]        = x[i] cos - x[i + HS/2] sin
//   y[i + HS/2] = x[i + HS/2] cos + x[i] sin
// Positions are given per token, so packed sequences and KV-cache offsets work. The angle is
// formed in f32 (as HF does: inv_freq and position_ids * inv_freq are float32), then cos/sin in f64.
// Backward is the inverse rotation (the transpose): apply the same formulas with -sin.

import type { FloatArray } from './array.ts';
import { expectSizes, floats, type RefTensor } from './tensor.ts';

/** Inverse frequencies theta^(-2i/HS), i < HS/2, rounded to f32 like HF's `inv_freq`. */
export function ropeInvFreq(HS: number, theta: number): Float32Array {
  if (!Number.isInteger(HS) || HS <= 0 || HS % 2 !== 0) {
    throw new Error(`ropeInvFreq: head size HS must be a positive even integer, got ${HS}`);
  }
  if (!(theta > 0)) throw new Error(`ropeInvFreq: rope_theta must be > 0, got ${theta}`);
  const out = new Float32Array(HS / 2);
  // HF: 1 / base ** (arange(0, dim, 2).float() / dim); the exponent is an f32 value.
  for (let i = 0; i < HS / 2; i++) out[i] = 1 / Math.pow(theta, Math.fround((2 * i) / HS));
  return out;
}

function check(name: string, x: RefTensor, pos: RefTensor, invFreq: RefTensor, B: number, T: number, NH: number, HS: number): void {
  if (HS % 2 !== 0) throw new Error(`${name}: head size HS must be even, got ${HS}`);
  expectSizes(
    name,
    [
      ['x', x, B * T * NH * HS],
      ['pos', pos, B * T],
      ['invFreq', invFreq, HS / 2],
    ],
    `B=${B} T=${T} NH=${NH} HS=${HS}`,
  );
}

function rotate(x: FloatArray, pos: ArrayLike<number>, invFreq: ArrayLike<number>, B: number, T: number, NH: number, HS: number, sign: number): void {
  const half = HS / 2;
  for (let bt = 0; bt < B * T; bt++) {
    const p = pos[bt];
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * invFreq[i]);
      const c = Math.cos(angle);
      const s = sign * Math.sin(angle);
      for (let h = 0; h < NH; h++) {
        const o = (bt * NH + h) * HS;
        const a = x[o + i];
        const b = x[o + i + half];
        x[o + i] = a * c - b * s;
        x[o + i + half] = b * c + a * s;
      }
    }
  }
}

/** Rotates x in place. x: (B, T, NH, HS); pos: (B, T) integer positions; invFreq: (HS/2). */
export function ropeForward(x: RefTensor, pos: RefTensor, invFreq: RefTensor, B: number, T: number, NH: number, HS: number): void {
  check('ropeForward', x, pos, invFreq, B, T, NH, HS);
  rotate(floats('ropeForward x', x), pos.data, invFreq.data, B, T, NH, HS, 1);
}

/** Turns dout into dinp in place (inverse rotation). dx: (B, T, NH, HS); pos: (B, T); invFreq: (HS/2). */
export function ropeBackward(dx: RefTensor, pos: RefTensor, invFreq: RefTensor, B: number, T: number, NH: number, HS: number): void {
  check('ropeBackward', dx, pos, invFreq, B, T, NH, HS);
  rotate(floats('ropeBackward dx', dx), pos.data, invFreq.data, B, T, NH, HS, -1);
}

/** ropeForward of q (B, T, NH, HS) and of k (B, T, NKV, HS) (one dispatch on the GPU). */
export function ropeQkForward(q: RefTensor, k: RefTensor, pos: RefTensor, invFreq: RefTensor, B: number, T: number, NH: number, NKV: number, HS: number): void {
  ropeForward(q, pos, invFreq, B, T, NH, HS);
  ropeForward(k, pos, invFreq, B, T, NKV, HS);
}

/** ropeBackward of dq and of dk. */
export function ropeQkBackward(
  dq: RefTensor,
  dk: RefTensor,
  pos: RefTensor,
  invFreq: RefTensor,
  B: number,
  T: number,
  NH: number,
  NKV: number,
  HS: number,
): void {
  ropeBackward(dq, pos, invFreq, B, T, NH, HS);
  ropeBackward(dk, pos, invFreq, B, T, NKV, HS);
}

export const twins = { ropeForward, ropeBackward, ropeQkForward, ropeQkBackward };
