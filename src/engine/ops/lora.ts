// LoRA on a frozen linear layer: out += scale * (inp @ A^T) @ B^T, A (R, I), B (O, R) as PEFT stores them.
// Forward and backward are GEMMs on the kernels of matmul.ts. loraLinearForward / loraLinearBackward also take
// the frozen W: the LoRA path's last product then runs in the frozen GEMM's epilogue (one dispatch and one
// pass over the output fewer each way). Twin: ref/lora.ts.
import type { GpuRuntime } from '../runtime.ts';
import { expectShape, type GpuTensor } from '../op.ts';
import { gemm, gemmLowRank } from './matmul.ts';
import { rows2d } from './common.ts';

function dims(where: string, inp: GpuTensor, A: GpuTensor, B: GpuTensor) {
  const [N, I] = rows2d(inp);
  const [R, O] = [A.shape[0], B.shape[0]];
  expectShape(`${where} A`, A, [R, I]);
  expectShape(`${where} B`, B, [O, R]);
  return { N, I, O, R };
}

/** out (N, O) accumulates the LoRA path; h (N, R) = inp @ A^T is written and kept for backward. */
export function loraForward(rt: GpuRuntime, out: GpuTensor, h: GpuTensor, inp: GpuTensor, A: GpuTensor, B: GpuTensor, scale: number): void {
  const { N, O, R } = dims('loraForward', inp, A, B);
  expectShape('loraForward out', out, [N, O]);
  expectShape('loraForward h', h, [N, R]);
  gemm(rt, h, inp, A, { transB: true });
  gemm(rt, out, h, B, { transB: true, accumulate: true, alpha: scale });
}

/**
 * dinp (N, I) += the LoRA path's input gradient (skipped when null); dA (R, I) and dB (O, R) accumulate;
 * dh (N, R) is caller-owned scratch (written: scale * dout @ B).
 */
export function loraBackward(
  rt: GpuRuntime,
  dinp: GpuTensor | null,
  dA: GpuTensor,
  dB: GpuTensor,
  dh: GpuTensor,
  dout: GpuTensor,
  inp: GpuTensor,
  A: GpuTensor,
  B: GpuTensor,
  h: GpuTensor,
  scale: number,
): void {
  const { N, I, O, R } = dims('loraBackward', inp, A, B);
  expectShape('loraBackward dout', dout, [N, O]);
  expectShape('loraBackward h', h, [N, R]);
  expectShape('loraBackward dh', dh, [N, R]);
  expectShape('loraBackward dA', dA, [R, I]);
  expectShape('loraBackward dB', dB, [O, R]);
  gemm(rt, dh, dout, B, { alpha: scale });
  gemm(rt, dB, dout, h, { transA: true, accumulate: true, alpha: scale });
  gemm(rt, dA, dh, inp, { transA: true, accumulate: true });
  if (dinp) {
    expectShape('loraBackward dinp', dinp, [N, I]);
    gemm(rt, dinp, dh, A, { accumulate: true });
  }
}

/** out (N, O) = inp @ W^T + scale * h @ B^T, W (O, I) frozen (maybe packed); h (N, R) = inp @ A^T is written. */
export function loraLinearForward(rt: GpuRuntime, out: GpuTensor, h: GpuTensor, inp: GpuTensor, W: GpuTensor, A: GpuTensor, B: GpuTensor, scale: number): void {
  const { N, I, O, R } = dims('loraLinearForward', inp, A, B);
  expectShape('loraLinearForward W', W, [O, I]);
  expectShape('loraLinearForward out', out, [N, O]);
  expectShape('loraLinearForward h', h, [N, R]);
  gemm(rt, h, inp, A, { transB: true });
  gemmLowRank(rt, out, inp, W, { transB: true }, { x: h, y: B, layout: 'nr', beta: scale });
}

/**
 * dinp (N, I) = dout @ W + the LoRA path's input gradient (added to dinp with accumulate), the latter in the
 * frozen GEMM's epilogue; dA (R, I) and dB (O, R) accumulate; dh (N, R) is caller-owned scratch.
 */
export function loraLinearBackward(
  rt: GpuRuntime,
  dinp: GpuTensor,
  dA: GpuTensor,
  dB: GpuTensor,
  dh: GpuTensor,
  dout: GpuTensor,
  inp: GpuTensor,
  W: GpuTensor,
  A: GpuTensor,
  B: GpuTensor,
  h: GpuTensor,
  scale: number,
  accumulate = false,
): void {
  const { N, I, O, R } = dims('loraLinearBackward', inp, A, B);
  expectShape('loraLinearBackward W', W, [O, I]);
  expectShape('loraLinearBackward dinp', dinp, [N, I]);
  expectShape('loraLinearBackward dout', dout, [N, O]);
  expectShape('loraLinearBackward h', h, [N, R]);
  expectShape('loraLinearBackward dh', dh, [N, R]);
  expectShape('loraLinearBackward dA', dA, [R, I]);
  expectShape('loraLinearBackward dB', dB, [O, R]);
  gemm(rt, dh, dout, B, { alpha: scale });
  gemmLowRank(rt, dinp, dout, W, { accumulate }, { x: dh, y: A, layout: 'rn', beta: 1 });
  gemm(rt, dB, dout, h, { transA: true, accumulate: true, alpha: scale });
  gemm(rt, dA, dh, inp, { transA: true, accumulate: true });
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { loraForward, loraBackward, loraLinearForward, loraLinearBackward };
export { twins } from '../ref/lora.ts';
