// Reference twin of ops/rmsnorm.ts: y = x / sqrt(mean(x^2) + eps) * (weightOffset + w).
// weightOffset is 0 for Llama/Qwen/Mistral and 1 for Gemma's (1 + weight) norm.
import { expectSizes, floats, rows, type RefTensor } from './tensor.ts';

/** out (N, C), rstd (N) saved for backward, inp (N, C), weight (C) */
export function rmsnormForward(out: RefTensor, rstd: RefTensor, inp: RefTensor, weight: RefTensor, eps: number, weightOffset = 0): void {
  const [N, C] = rows(inp);
  expectSizes(
    'rmsnormForward',
    [
      ['out', out, N * C],
      ['rstd', rstd, N],
      ['weight', weight, C],
    ],
    `N=${N} C=${C}`,
  );
  const y = floats('rmsnormForward out', out),
    r = floats('rmsnormForward rstd', rstd);
  const x = floats('rmsnormForward inp', inp),
    w = floats('rmsnormForward weight', weight);
  for (let n = 0; n < N; n++) {
    let ss = 0;
    for (let c = 0; c < C; c++) ss += x[n * C + c] * x[n * C + c];
    const rn = 1 / Math.sqrt(ss / C + eps);
    r[n] = rn;
    for (let c = 0; c < C; c++) y[n * C + c] = x[n * C + c] * rn * (weightOffset + w[c]);
  }
}

/** inp (N, C) += res (N, C), then rmsnormForward of the sum (the residual add fused into the next norm). */
export function rmsnormResidualForward(
  out: RefTensor,
  rstd: RefTensor,
  inp: RefTensor,
  res: RefTensor,
  weight: RefTensor,
  eps: number,
  weightOffset = 0,
): void {
  expectSizes('rmsnormResidualForward', [['res', res, inp.size]]);
  const x = floats('rmsnormResidualForward inp', inp),
    r = floats('rmsnormResidualForward res', res);
  for (let i = 0; i < x.length; i++) x[i] += r[i];
  rmsnormForward(out, rstd, inp, weight, eps, weightOffset);
}

/**
 * dinp (N, C) written (added to with accumulate: a residual stream's gradient); dweight (C) accumulated, or null when the norm weight is frozen.
 * dx_i = r*w_i*g_i - r^3 * x_i * sum_j(w_j g_j x_j) / C,  dw_i += sum_n g_i x_i r
 */
export function rmsnormBackward(
  dinp: RefTensor,
  dweight: RefTensor | null,
  dout: RefTensor,
  inp: RefTensor,
  weight: RefTensor,
  rstd: RefTensor,
  weightOffset = 0,
  accumulate = false,
): void {
  const [N, C] = rows(inp);
  expectSizes(
    'rmsnormBackward',
    [
      ['dinp', dinp, N * C],
      ['dweight', dweight, C],
      ['dout', dout, N * C],
      ['weight', weight, C],
      ['rstd', rstd, N],
    ],
    `N=${N} C=${C}`,
  );
  const dx = floats('rmsnormBackward dinp', dinp),
    dw = dweight && floats('rmsnormBackward dweight', dweight);
  const g = floats('rmsnormBackward dout', dout),
    x = floats('rmsnormBackward inp', inp);
  const w = floats('rmsnormBackward weight', weight),
    r = floats('rmsnormBackward rstd', rstd);
  for (let n = 0; n < N; n++) {
    const rn = r[n];
    let dot = 0;
    for (let c = 0; c < C; c++) dot += (weightOffset + w[c]) * g[n * C + c] * x[n * C + c];
    const k = (rn * rn * rn * dot) / C;
    for (let c = 0; c < C; c++) {
      const i = n * C + c;
      dx[i] = (accumulate ? dx[i] : 0) + rn * (weightOffset + w[c]) * g[i] - k * x[i];
      if (dw) dw[c] += g[i] * x[i] * rn;
    }
  }
}

export const twins = { rmsnormForward, rmsnormResidualForward, rmsnormBackward };
