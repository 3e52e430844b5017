// Reference twin of ops/matmul.ts: a general GEMM and the frozen linear layer out = inp @ W^T (HF layout W: (O, I)).
import type { FloatArray } from './array.ts';

export interface GemmOptions {
  transA?: boolean; // A stored (K, M) instead of (M, K)
  transB?: boolean; // B stored (N, K) instead of (K, N)
  accumulate?: boolean; // c += ... instead of c = ...
  alpha?: number; // scales the product
}

/**
 * c (M, N) = alpha * op(a) (M, K) @ op(b) (K, N)  [+ c]
 * Each output is one sum over k in order (in a JS double), so results do not depend on the layout; a
 * strided operand is copied row-contiguous first so the inner loop reads both operands in order.
 */
export function gemm(c: FloatArray, a: FloatArray, b: FloatArray, M: number, N: number, K: number, opts: GemmOptions = {}): void {
  const alpha = opts.alpha ?? 1;
  const acc = !!opts.accumulate;
  const ar = opts.transA ? transposed(a, K, M) : a; // (M, K)
  const br = opts.transB ? b : transposed(b, K, N); // (N, K)
  for (let m = 0; m < M; m++) {
    const ao = m * K;
    for (let n = 0; n < N; n++) {
      const bo = n * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += ar[ao + k] * br[bo + k];
      const o = m * N + n;
      c[o] = alpha * s + (acc ? c[o] : 0);
    }
  }
}

/** x (R, C) row-major → (C, R) row-major, in a new array of x's type (f64 oracles stay f64). */
function transposed(x: FloatArray, R: number, C: number): FloatArray {
  const out = x instanceof Float64Array ? new Float64Array(R * C) : new Float32Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c * R + r] = x[r * C + c];
  return out;
}

/** out (N, O) = inp (N, I) @ W^T, W (O, I) */
export function matmulForward(out: FloatArray, inp: FloatArray, W: FloatArray, N: number, I: number, O: number): void {
  gemm(out, inp, W, N, O, I, { transB: true });
}

/** dinp (N, I) = dout (N, O) @ W (written, or added with accumulate); W is frozen so there is no dW. */
export function matmulBackward(dinp: FloatArray, dout: FloatArray, W: FloatArray, N: number, I: number, O: number, accumulate = false): void {
  gemm(dinp, dout, W, N, I, O, { accumulate });
}
