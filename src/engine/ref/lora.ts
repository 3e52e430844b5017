// Reference twin of ops/lora.ts: out += scale * (inp @ A^T) @ B^T with A (R, I), B (O, R) (PEFT layout).
import { gemm, matmulBackward, matmulForward } from './matmul.ts';
import { expectSizes, rows, type RefTensor } from './tensor.ts';

function dims(where: string, inp: RefTensor, A: RefTensor, B: RefTensor) {
  const [N, I] = rows(inp);
  const [R, O] = [A.shape[0], B.shape[0]];
  expectSizes(
    where,
    [
      ['A', A, R * I],
      ['B', B, O * R],
    ],
    `N=${N} I=${I} O=${O} R=${R}`,
  );
  return { N, I, O, R };
}

/** out (N, O) accumulates; h (N, R) = inp @ A^T is written and kept for backward. */
export function loraForward(out: RefTensor, h: RefTensor, inp: RefTensor, A: RefTensor, B: RefTensor, scale: number): void {
  const { N, O, R } = dims('loraForward', inp, A, B);
  expectSizes('loraForward', [
    ['out', out, N * O],
    ['h', h, N * R],
  ]);
  gemm(h, inp, A, { transB: true });
  gemm(out, h, B, { transB: true, accumulate: true, alpha: scale });
}

/**
 * dinp (N, I) += the LoRA path's input gradient (skipped when null); dA (R, I) and dB (O, R) accumulate;
 * dh (N, R) is scratch (written: scale * dout @ B).
 */
export function loraBackward(
  dinp: RefTensor | null,
  dA: RefTensor,
  dB: RefTensor,
  dh: RefTensor,
  dout: RefTensor,
  inp: RefTensor,
  A: RefTensor,
  B: RefTensor,
  h: RefTensor,
  scale: number,
): void {
  const { N, I, O, R } = dims('loraBackward', inp, A, B);
  expectSizes('loraBackward', [
    ['dinp', dinp, N * I],
    ['dA', dA, R * I],
    ['dB', dB, O * R],
    ['dh', dh, N * R],
    ['dout', dout, N * O],
    ['h', h, N * R],
  ]);
  gemm(dh, dout, B, { alpha: scale });
  gemm(dB, dout, h, { transA: true, accumulate: true, alpha: scale });
  gemm(dA, dh, inp, { transA: true, accumulate: true });
  if (dinp) gemm(dinp, dh, A, { accumulate: true });
}

/** The frozen linear and its LoRA path in one: out (N, O) = inp @ W^T + scale * h @ B^T, h (N, R) = inp @ A^T written. */
export function loraLinearForward(out: RefTensor, h: RefTensor, inp: RefTensor, W: RefTensor, A: RefTensor, B: RefTensor, scale: number): void {
  matmulForward(out, inp, W);
  loraForward(out, h, inp, A, B, scale);
}

/**
 * The backward of loraLinearForward: dinp (N, I) = dout @ W + the LoRA path's input gradient (added to dinp with
 * accumulate); dA, dB accumulate; dh (N, R) is caller-owned scratch.
 */
export function loraLinearBackward(
  dinp: RefTensor,
  dA: RefTensor,
  dB: RefTensor,
  dh: RefTensor,
  dout: RefTensor,
  inp: RefTensor,
  W: RefTensor,
  A: RefTensor,
  B: RefTensor,
  h: RefTensor,
  scale: number,
  accumulate = false,
): void {
  matmulBackward(dinp, dout, W, accumulate);
  loraBackward(dinp, dA, dB, dh, dout, inp, A, B, h, scale);
}

export const twins = { loraForward, loraBackward, loraLinearForward, loraLinearBackward };
