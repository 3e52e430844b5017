// Reference twin of ops/bias.ts: out += bias per row; its backward sums dout over rows.
import type { FloatArray } from './array.ts';

/** out (N, O) += bias (O) */
export function biasForward(out: FloatArray, bias: FloatArray, N: number, O: number): void {
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) out[n * O + o] += bias[o];
}

/** dbias (O) += sum over rows of dout (N, O) */
export function biasBackward(dbias: FloatArray, dout: FloatArray, N: number, O: number): void {
  for (let o = 0; o < O; o++) {
    let s = 0;
    for (let n = 0; n < N; n++) s += dout[n * O + o];
    dbias[o] += s;
  }
}
