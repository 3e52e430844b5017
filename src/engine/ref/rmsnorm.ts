// Reference twin of ops/rmsnorm.ts: y = x / sqrt(mean(x^2) + eps) * (weightOffset + w).
// weightOffset is 0 for Llama/Qwen/Mistral and 1 for Gemma's (1 + weight) norm.
import type { FloatArray } from './array.ts';

/** out (N, C), rstd (N) saved for backward, inp (N, C), weight (C) */
export function rmsnormForward(
  out: FloatArray, rstd: FloatArray, inp: FloatArray, weight: FloatArray, N: number, C: number, eps: number, weightOffset = 0,
): void {
  for (let n = 0; n < N; n++) {
    let ss = 0;
    for (let c = 0; c < C; c++) ss += inp[n * C + c] * inp[n * C + c];
    const r = 1 / Math.sqrt(ss / C + eps);
    rstd[n] = r;
    for (let c = 0; c < C; c++) out[n * C + c] = inp[n * C + c] * r * (weightOffset + weight[c]);
  }
}

/**
 * dinp (N, C) written; dweight (C) accumulated, or null when the norm weight is frozen.
 * dx_i = r*w_i*g_i - r^3 * x_i * sum_j(w_j g_j x_j) / C,  dw_i += sum_n g_i x_i r
 */
export function rmsnormBackward(
  dinp: FloatArray, dweight: FloatArray | null, dout: FloatArray, inp: FloatArray, weight: FloatArray, rstd: FloatArray,
  N: number, C: number, weightOffset = 0,
): void {
  for (let n = 0; n < N; n++) {
    const r = rstd[n];
    let dot = 0;
    for (let c = 0; c < C; c++) dot += (weightOffset + weight[c]) * dout[n * C + c] * inp[n * C + c];
    const k = (r * r * r * dot) / C;
    for (let c = 0; c < C; c++) {
      const i = n * C + c;
      dinp[i] = r * (weightOffset + weight[c]) * dout[i] - k * inp[i];
      if (dweight) dweight[c] += dout[i] * inp[i] * r;
    }
  }
}
