// LoRA on a frozen linear layer: out += scale * (inp @ A^T) @ B^T, A (R, I), B (O, R) as PEFT stores them.
// Forward and backward are four GEMMs each on the tiled kernel of matmul.ts. Twin: ref/lora.ts.
import type { GpuRuntime } from '../runtime.ts';
import { expectShape, type GpuTensor } from '../op.ts';
import { gemm } from './matmul.ts';
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

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { loraForward, loraBackward };
export { twins } from '../ref/lora.ts';
