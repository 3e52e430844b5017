// Reference twin of ops/matmul.ts: a general GEMM and the frozen linear layer out = inp @ W^T (HF layout W: (O, I)).
import type { FloatArray } from './array.ts';

export interface GemmOptions {
  transA?: boolean; // A stored (K, M) instead of (M, K)
  transB?: boolean; // B stored (N, K) instead of (K, N)
  accumulate?: boolean; // c += ... instead of c = ...
  alpha?: number; // scales the product
}

/** c (M, N) = alpha * op(a) (M, K) @ op(b) (K, N)  [+ c] */
export function gemm(c: FloatArray, a: FloatArray, b: FloatArray, M: number, N: number, K: number, opts: GemmOptions = {}): void {
  const alpha = opts.alpha ?? 1;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const av = opts.transA ? a[k * M + m] : a[m * K + k];
        const bv = opts.transB ? b[n * K + k] : b[k * N + n];
        s += av * bv;
      }
      c[m * N + n] = alpha * s + (opts.accumulate ? c[m * N + n] : 0);
    }
  }
}

/** out (N, O) = inp (N, I) @ W^T, W (O, I) */
export function matmulForward(out: FloatArray, inp: FloatArray, W: FloatArray, N: number, I: number, O: number): void {
  gemm(out, inp, W, N, O, I, { transB: true });
}

/** dinp (N, I) = dout (N, O) @ W (written, or added with accumulate); W is frozen so there is no dW. */
export function matmulBackward(dinp: FloatArray, dout: FloatArray, W: FloatArray, N: number, I: number, O: number, accumulate = false): void {
  gemm(dinp, dout, W, N, I, O, { accumulate });
}
