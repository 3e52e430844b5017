// Reference twin of ops/swiglu.ts: out = silu(gate) * up, silu(g) = g * sigmoid(g).
import { expectSizes, floats, type RefTensor } from './tensor.ts';

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** out, gate, up: (N, H) */
export function swigluForward(out: RefTensor, gate: RefTensor, up: RefTensor): void {
  expectSizes('swigluForward', [
    ['gate', gate, out.size],
    ['up', up, out.size],
  ]);
  const y = floats('swigluForward out', out),
    g = floats('swigluForward gate', gate),
    u = floats('swigluForward up', up);
  for (let i = 0; i < y.length; i++) y[i] = g[i] * sigmoid(g[i]) * u[i];
}

/** dgate, dup written: dgate = dout * up * s * (1 + g * (1 - s)), dup = dout * silu(g); all (N, H) */
export function swigluBackward(dgate: RefTensor, dup: RefTensor, dout: RefTensor, gate: RefTensor, up: RefTensor): void {
  const n = dout.size;
  expectSizes('swigluBackward', [
    ['dgate', dgate, n],
    ['dup', dup, n],
    ['gate', gate, n],
    ['up', up, n],
  ]);
  const dg = floats('swigluBackward dgate', dgate),
    du = floats('swigluBackward dup', dup),
    d = floats('swigluBackward dout', dout);
  const gv = floats('swigluBackward gate', gate),
    u = floats('swigluBackward up', up);
  for (let i = 0; i < n; i++) {
    const g = gv[i];
    const s = sigmoid(g);
    dg[i] = d[i] * u[i] * s * (1 + g * (1 - s));
    du[i] = d[i] * g * s;
  }
}

export const twins = { swigluForward, swigluBackward };
