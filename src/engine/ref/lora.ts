// Reference twin of ops/lora.ts: out += scale * (inp @ A^T) @ B^T with A (R, I), B (O, R) (PEFT layout).
import type { FloatArray } from './array.ts';
import { gemm } from './matmul.ts';

/** out (N, O) accumulates; h (N, R) = inp @ A^T is written and kept for backward. */
export function loraForward(
  out: FloatArray, h: FloatArray, inp: FloatArray, A: FloatArray, B: FloatArray, N: number, I: number, O: number, R: number, scale: number,
): void {
  gemm(h, inp, A, N, R, I, { transB: true });
  gemm(out, h, B, N, O, R, { transB: true, accumulate: true, alpha: scale });
}

/**
 * dinp (N, I) += the LoRA path's input gradient (skipped when null); dA (R, I) and dB (O, R) accumulate;
 * dh (N, R) is scratch (written: scale * dout @ B).
 */
export function loraBackward(
  dinp: FloatArray | null, dA: FloatArray, dB: FloatArray, dh: FloatArray, dout: FloatArray, inp: FloatArray, A: FloatArray,
  B: FloatArray, h: FloatArray, N: number, I: number, O: number, R: number, scale: number,
): void {
  gemm(dh, dout, B, N, R, O, { alpha: scale });
  gemm(dB, dout, h, O, R, N, { transA: true, accumulate: true, alpha: scale });
  gemm(dA, dh, inp, R, I, N, { transA: true, accumulate: true });
  if (dinp) gemm(dinp, dh, A, N, I, R, { accumulate: true });
}
