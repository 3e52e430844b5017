// Reference twin of ops/matmul.ts: a general GEMM and the frozen linear layer out = inp @ W^T (HF layout W: (O, I)).
import type { FloatArray } from './array.ts';
import { floats, rows, weightFloats, type RefTensor } from './tensor.ts';

export interface GemmOptions {
  transA?: boolean; // A stored (K, M) instead of (M, K)
  transB?: boolean; // B stored (N, K) instead of (K, N)
  accumulate?: boolean; // c += ... instead of c = ...
  alpha?: number; // scales the product
}

/**
 * c (M, N) = alpha * op(a) (M, K) @ op(b) (K, N) [+ c]; sizes come from c and a (leading dims flattened).
 * Each output is one sum over k in order (in a JS double), so results do not depend on the layout; a
 * strided operand is copied row-contiguous first so the inner loop reads both operands in order.
 */
export function gemm(c: RefTensor, a: RefTensor, b: RefTensor, opts: GemmOptions = {}): void {
  const [M, N] = rows(c);
  const [ar, ac] = rows(a);
  const K = opts.transA ? ar : ac;
  if ((opts.transA ? ac : ar) !== M || b.size !== K * N) {
    throw new Error(`gemm: a (${a.shape.join(', ')}) and b (${b.shape.join(', ')}) do not fit c (${c.shape.join(', ')}) with K = ${K}`);
  }
  const alpha = opts.alpha ?? 1;
  const acc = !!opts.accumulate;
  const cd = floats('gemm c', c);
  const A = opts.transA ? transposed(floats('gemm a', a), K, M) : floats('gemm a', a); // (M, K)
  const bv = weightFloats('gemm b', b); // b may be a packed frozen weight
  const B = opts.transB ? bv : transposed(bv, K, N); // (N, K)
  for (let m = 0; m < M; m++) {
    const ao = m * K;
    for (let n = 0; n < N; n++) {
      const bo = n * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[ao + k] * B[bo + k];
      const o = m * N + n;
      cd[o] = alpha * s + (acc ? cd[o] : 0);
    }
  }
}

/** x (R, C) row-major → (C, R) row-major, in a new array of x's type (f64 oracles stay f64). */
function transposed(x: FloatArray, R: number, C: number): FloatArray {
  const out = x instanceof Float64Array ? new Float64Array(R * C) : new Float32Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c * R + r] = x[r * C + c];
  return out;
}

function checkLinear(where: string, x: RefTensor, W: RefTensor, y: RefTensor): void {
  const [N, I] = rows(x);
  const [Ny, O] = rows(y);
  if (W.shape.length !== 2 || W.shape[0] !== O || W.shape[1] !== I || N !== Ny) {
    throw new Error(
      `${where}: W must be (O, I) = (${O}, ${I}) for input (${x.shape.join(', ')}) and output (${y.shape.join(', ')}), got W (${W.shape.join(', ')})`,
    );
  }
}

/** out (N, O) = inp (N, I) @ W^T, W (O, I) */
export function matmulForward(out: RefTensor, inp: RefTensor, W: RefTensor): void {
  checkLinear('matmulForward', inp, W, out);
  gemm(out, inp, W, { transB: true });
}

/** dinp (N, I) = dout (N, O) @ W (written, or added with accumulate); W is frozen so there is no dW. */
export function matmulBackward(dinp: RefTensor, dout: RefTensor, W: RefTensor, accumulate = false): void {
  checkLinear('matmulBackward', dinp, W, dout);
  gemm(dinp, dout, W, { accumulate });
}

export const twins = { gemm, matmulForward, matmulBackward };
