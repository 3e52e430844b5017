// Reference twin of ops/geglu.ts: out = gelu_tanh(gate) * up (Gemma's MLP), and the final-logit soft cap
// y = cap · tanh(x / cap) with its backward.
import { expectSizes, floats, type RefTensor } from './tensor.ts';

const K = Math.sqrt(2 / Math.PI);
const A = 0.044715;

/** GELU with the tanh approximation (transformers' gelu_pytorch_tanh) and its derivative. */
export function geluTanh(x: number): { y: number; dy: number } {
  const u = K * (x + A * x * x * x);
  const t = Math.tanh(u);
  return { y: 0.5 * x * (1 + t), dy: 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * K * (1 + 3 * A * x * x) };
}

/** out, gate, up: (N, H) */
export function gegluForward(out: RefTensor, gate: RefTensor, up: RefTensor): void {
  expectSizes('gegluForward', [
    ['gate', gate, out.size],
    ['up', up, out.size],
  ]);
  const y = floats('gegluForward out', out),
    g = floats('gegluForward gate', gate),
    u = floats('gegluForward up', up);
  for (let i = 0; i < y.length; i++) y[i] = geluTanh(g[i]).y * u[i];
}

/** dgate, dup written: dgate = dout · up · gelu'(g), dup = dout · gelu(g); all (N, H) */
export function gegluBackward(dgate: RefTensor, dup: RefTensor, dout: RefTensor, gate: RefTensor, up: RefTensor): void {
  const n = dout.size;
  expectSizes('gegluBackward', [
    ['dgate', dgate, n],
    ['dup', dup, n],
    ['gate', gate, n],
    ['up', up, n],
  ]);
  const dg = floats('gegluBackward dgate', dgate),
    du = floats('gegluBackward dup', dup),
    d = floats('gegluBackward dout', dout);
  const gv = floats('gegluBackward gate', gate),
    u = floats('gegluBackward up', up);
  for (let i = 0; i < n; i++) {
    const { y, dy } = geluTanh(gv[i]);
    dg[i] = d[i] * u[i] * dy;
    du[i] = d[i] * y;
  }
}

/** out = cap · tanh(inp / cap), elementwise; out and inp: (N, V), distinct. */
export function softcapForward(out: RefTensor, inp: RefTensor, cap: number): void {
  expectSizes('softcapForward', [['inp', inp, out.size]]);
  const y = floats('softcapForward out', out),
    x = floats('softcapForward inp', inp);
  for (let i = 0; i < y.length; i++) y[i] = cap * Math.tanh(x[i] / cap);
}

/** dinp = dout · (1 − tanh²(inp / cap)); dinp may be dout itself (in place). */
export function softcapBackward(dinp: RefTensor, dout: RefTensor, inp: RefTensor, cap: number): void {
  expectSizes('softcapBackward', [
    ['dout', dout, dinp.size],
    ['inp', inp, dinp.size],
  ]);
  const dx = floats('softcapBackward dinp', dinp),
    d = floats('softcapBackward dout', dout),
    x = floats('softcapBackward inp', inp);
  for (let i = 0; i < dx.length; i++) {
    const t = Math.tanh(x[i] / cap);
    dx[i] = d[i] * (1 - t * t);
  }
}

export const twins = { gegluForward, gegluBackward, softcapForward, softcapBackward };
