// Reference twin of ops/bias.ts: out += bias per row; its backward sums dout over rows.
import { expectSizes, floats, rows, type RefTensor } from './tensor.ts';

/** out (N, O) += bias (O) */
export function biasForward(out: RefTensor, bias: RefTensor): void {
  const [N, O] = rows(out);
  expectSizes('biasForward', [['bias', bias, O]]);
  const y = floats('biasForward out', out),
    b = floats('biasForward bias', bias);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) y[n * O + o] += b[o];
}

/** dbias (O) += sum over rows of dout (N, O) */
export function biasBackward(dbias: RefTensor, dout: RefTensor): void {
  const [N, O] = rows(dout);
  expectSizes('biasBackward', [['dbias', dbias, O]]);
  const db = floats('biasBackward dbias', dbias),
    g = floats('biasBackward dout', dout);
  for (let o = 0; o < O; o++) {
    let s = 0;
    for (let n = 0; n < N; n++) s += g[n * O + o];
    db[o] += s;
  }
}

export const twins = { biasForward, biasBackward };
