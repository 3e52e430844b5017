// Reference twin of ops/residual.ts: out = inp1 + inp2; backward adds dout into both input gradients.
import type { FloatArray } from './array.ts';

/** out (n) = inp1 (n) + inp2 (n) */
export function residualForward(out: FloatArray, inp1: FloatArray, inp2: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) out[i] = inp1[i] + inp2[i];
}

/** dinp1 += dout, dinp2 += dout (both accumulate, as every residual branch's gradient does) */
export function residualBackward(dinp1: FloatArray, dinp2: FloatArray, dout: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) {
    dinp1[i] += dout[i];
    dinp2[i] += dout[i];
  }
}
