// Inverted dropout on the GPU (LoRA dropout): out = inp * keep / (1 - p) with a counter-based mask
// keep = pcg_hash-mix(seed, step, i) >= p·2^32, recomputed in backward. Twin (and the hash's TS copy): ref/dropout.ts.
import type { GpuRuntime } from '../runtime.ts';
import { shapeStr, type GpuTensor, type OpDescription } from '../op.ts';
import { elementwiseMain, groups1d, WG_1D } from './common.ts';
import { checkDropoutArgs, dropoutScale, dropoutThreshold } from '../ref/dropout.ts';

// Same arithmetic as pcgHash / dropoutHash in ref/dropout.ts (u32 ops wrap in WGSL).
const HASH = `fn pcgHash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}`;

const UNIFORMS = [
  ['n', 'u32'],
  ['seed', 'u32'],
  ['step', 'u32'],
  ['threshold', 'u32'],
  ['scale', 'f32'],
] as const;

/** One pass dst[i] = src[i] * keep(i) * scale; forward and backward differ only in names. */
function maskOp(name: string, dst: string, src: string): OpDescription {
  return {
    name,
    workgroupSize: [WG_1D],
    bindings: [
      { name: dst, access: 'read_write' },
      { name: src, access: 'read' },
    ],
    uniforms: UNIFORMS,
    wgsl: `${HASH}\n${elementwiseMain(`  let key = pcgHash(u.seed ^ pcgHash(u.step));
  let keep = pcgHash(key ^ pcgHash(i)) >= u.threshold;
  ${dst}[i] = select(0.0, ${src}[i] * u.scale, keep);`)}`,
  };
}

/** In place (out and inp are the same tensor): one read_write binding. */
const IN_PLACE: OpDescription = {
  name: 'dropout_in_place',
  workgroupSize: [WG_1D],
  bindings: [{ name: 'x', access: 'read_write' }],
  uniforms: UNIFORMS,
  wgsl: `${HASH}\n${elementwiseMain(`  let key = pcgHash(u.seed ^ pcgHash(u.step));
  let keep = pcgHash(key ^ pcgHash(i)) >= u.threshold;
  x[i] = select(0.0, x[i] * u.scale, keep);`)}`,
};

const FORWARD = maskOp('dropout_forward', 'out', 'inp');
const BACKWARD = maskOp('dropout_backward', 'dinp', 'dout');

function run(rt: GpuRuntime, op: OpDescription, where: string, dst: GpuTensor, src: GpuTensor, p: number, seed: number, step: number): void {
  checkDropoutArgs(where, p, seed, step);
  if (dst.size !== src.size)
    throw new Error(`${where}: the output ${shapeStr(dst.shape)} has ${dst.size} elements, the input ${shapeStr(src.shape)} ${src.size}`);
  const n = dst.size;
  const inPlace = dst.buffer === src.buffer && dst.offset === src.offset;
  if (p === 0) {
    if (!inPlace) rt.copy(dst, src); // p = 0: a plain copy (no dispatch at all in place)
    return;
  }
  if (!inPlace && dst.buffer === src.buffer && dst.offset < src.offset + n && src.offset < dst.offset + n) {
    throw new Error(
      `${where}: the output (elements ${dst.offset}..${dst.offset + n}) partly overlaps the input (${src.offset}..${src.offset + n}) in one buffer; pass the same tensor (in place) or separate ones`,
    );
  }
  const uniforms = { n, seed, step, threshold: dropoutThreshold(p), scale: dropoutScale(p) };
  if (inPlace) rt.run(IN_PLACE, { x: dst }, uniforms, groups1d(n));
  else rt.run(op, op === FORWARD ? { out: dst, inp: src } : { dinp: dst, dout: src }, uniforms, groups1d(n));
}

/**
 * out (N, C) = inp (N, C) * keep / (1 - p), keep a deterministic function of (seed, step, element index).
 * p in [0, 1); p = 0 copies. out may be inp itself (in place). Use a different seed per module and
 * the optimizer step as `step`, so every module and step draws its own mask.
 */
export function dropoutForward(rt: GpuRuntime, out: GpuTensor, inp: GpuTensor, p: number, seed: number, step: number): void {
  run(rt, FORWARD, 'dropoutForward', out, inp, p, seed, step);
}

/** dinp (N, C) = dout (N, C) * keep / (1 - p), with the forward's mask for the same (p, seed, step). */
export function dropoutBackward(rt: GpuRuntime, dinp: GpuTensor, dout: GpuTensor, p: number, seed: number, step: number): void {
  run(rt, BACKWARD, 'dropoutBackward', dinp, dout, p, seed, step);
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { dropoutForward, dropoutBackward };
export { twins } from '../ref/dropout.ts';
