// Reference twin of ops/dropout.ts: inverted dropout with a counter-based mask, keep = hash(seed, step, i) >= p·2^32.
//
// The mask is never stored: forward and backward recompute it from (seed, step, element index), so the GPU
// kernel and this twin agree bit for bit and a resumed run reproduces it. The hash is PCG's RXS-M-XS output
// permutation applied to an LCG step ("pcg_hash", Jarzynski & Olano, JCGT 2020), in u32 arithmetic:
// Math.imul and >>> 0 here, wrapping u32 in WGSL.
import { floats, type RefTensor } from './tensor.ts';

/** One round of pcg_hash on a u32 (a bijection of u32). */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** The mask bits of element i: uniform u32, a fresh stream for each (seed, step). */
export function dropoutHash(seed: number, step: number, i: number): number {
  const key = pcgHash((seed ^ pcgHash(step >>> 0)) >>> 0);
  return pcgHash((key ^ pcgHash(i >>> 0)) >>> 0);
}

/** Checks p, seed and step; `where` names the caller in the error. */
export function checkDropoutArgs(where: string, p: number, seed: number, step: number): void {
  if (!(p >= 0 && p < 1)) throw new Error(`${where}: dropout probability p must be in [0, 1), got ${p}`);
  for (const [name, v] of [
    ['seed', seed],
    ['step', step],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`${where}: ${name} must be an integer in [0, 2^32), got ${v}`);
  }
}

/** Elements whose hash is below this are dropped: round(p · 2^32), so P(keep) = 1 - p up to 2^-32. */
export function dropoutThreshold(p: number): number {
  return Math.min(0xffffffff, Math.round(p * 4294967296));
}

/** The f32 scale applied to kept elements, 1 / (1 - p), rounded to f32 as the GPU uniform is. */
export function dropoutScale(p: number): number {
  return Math.fround(1 / (1 - p));
}

/** True when element i is kept (not dropped) at this (p, seed, step). */
export function dropoutKeep(p: number, seed: number, step: number, i: number): boolean {
  return dropoutHash(seed, step, i) >= dropoutThreshold(p);
}

/** dst[i] = src[i] * keep(i) * scale; forward and backward are this same map (dst may be src). */
function applyMask(where: string, dst: RefTensor, src: RefTensor, p: number, seed: number, step: number): void {
  checkDropoutArgs(where, p, seed, step);
  if (dst.size !== src.size) {
    throw new Error(`${where}: the output (${dst.shape.join(', ')}) has ${dst.size} elements, the input (${src.shape.join(', ')}) ${src.size}`);
  }
  const d = floats(`${where} output`, dst),
    x = floats(`${where} input`, src);
  const threshold = dropoutThreshold(p);
  const scale = dropoutScale(p);
  const key = pcgHash((seed ^ pcgHash(step >>> 0)) >>> 0);
  for (let i = 0; i < d.length; i++) d[i] = pcgHash((key ^ pcgHash(i)) >>> 0) >= threshold ? x[i] * scale : 0;
}

/** out (N, C) = inp (N, C) * keep / (1 - p); p = 0 copies; out may be inp (in place). */
export function dropoutForward(out: RefTensor, inp: RefTensor, p: number, seed: number, step: number): void {
  applyMask('dropoutForward', out, inp, p, seed, step);
}

/** dinp (N, C) = dout (N, C) * keep / (1 - p), the mask of the forward with the same (p, seed, step). */
export function dropoutBackward(dinp: RefTensor, dout: RefTensor, p: number, seed: number, step: number): void {
  applyMask('dropoutBackward', dinp, dout, p, seed, step);
}

export const twins = { dropoutForward, dropoutBackward };
