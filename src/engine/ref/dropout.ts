// Reference twin of ops/dropout.ts: inverted dropout with a counter-based mask, keep = hash(seed, step, i) >= p·2^32.
//
// The mask is never stored: forward and backward recompute it from (seed, step, element index), so the GPU
// kernel and this twin agree bit for bit and a resumed run reproduces it. The hash is PCG's RXS-M-XS output
// permutation applied to an LCG step ("pcg_hash", Jarzynski & Olano, JCGT 2020), in u32 arithmetic:
// Math.imul and >>> 0 here, wrapping u32 in WGSL.
import type { FloatArray } from './array.ts';

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
  for (const [name, v] of [['seed', seed], ['step', step]] as const) {
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

/** dst[i] = src[i] * keep(i) * scale; forward and backward are this same map. */
function applyMask(where: string, dst: FloatArray, src: FloatArray, p: number, seed: number, step: number, n: number): void {
  checkDropoutArgs(where, p, seed, step);
  if (dst.length < n || src.length < n) throw new Error(`${where}: n = ${n} but the arrays hold ${dst.length} and ${src.length} elements`);
  const threshold = dropoutThreshold(p);
  const scale = dropoutScale(p);
  const key = pcgHash((seed ^ pcgHash(step >>> 0)) >>> 0);
  for (let i = 0; i < n; i++) dst[i] = pcgHash((key ^ pcgHash(i)) >>> 0) >= threshold ? src[i] * scale : 0;
}

/** out (n) = inp (n) * keep / (1 - p); p = 0 copies. */
export function dropoutForward(out: FloatArray, inp: FloatArray, p: number, seed: number, step: number, n: number): void {
  applyMask('dropoutForward', out, inp, p, seed, step, n);
}

/** dinp (n) = dout (n) * keep / (1 - p), the mask of the forward with the same (p, seed, step). */
export function dropoutBackward(dinp: FloatArray, dout: FloatArray, p: number, seed: number, step: number, n: number): void {
  applyMask('dropoutBackward', dinp, dout, p, seed, step, n);
}
