// Reference twin of ops/residual.ts: out = inp1 + inp2; backward adds dout into both input gradients.
import { expectSizes, floats, type RefTensor } from './tensor.ts';

/** out = inp1 + inp2 (same shapes) */
export function residualForward(out: RefTensor, inp1: RefTensor, inp2: RefTensor): void {
  expectSizes('residualForward', [
    ['inp1', inp1, out.size],
    ['inp2', inp2, out.size],
  ]);
  const y = floats('residualForward out', out),
    a = floats('residualForward inp1', inp1),
    b = floats('residualForward inp2', inp2);
  for (let i = 0; i < y.length; i++) y[i] = a[i] + b[i];
}

/** dinp1 += dout, dinp2 += dout (both accumulate, as every residual branch's gradient does) */
export function residualBackward(dinp1: RefTensor, dinp2: RefTensor, dout: RefTensor): void {
  expectSizes('residualBackward', [
    ['dinp1', dinp1, dout.size],
    ['dinp2', dinp2, dout.size],
  ]);
  const a = floats('residualBackward dinp1', dinp1),
    b = floats('residualBackward dinp2', dinp2),
    g = floats('residualBackward dout', dout);
  for (let i = 0; i < g.length; i++) {
    a[i] += g[i];
    b[i] += g[i];
  }
}

export const twins = { residualForward, residualBackward };
