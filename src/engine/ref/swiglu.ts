// Reference twin of ops/swiglu.ts: out = silu(gate) * up, silu(g) = g * sigmoid(g).
import type { FloatArray } from './array.ts';

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** out, gate, up: (N, H) flattened to n elements */
export function swigluForward(out: FloatArray, gate: FloatArray, up: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) out[i] = gate[i] * sigmoid(gate[i]) * up[i];
}

/** dgate, dup written: dgate = dout * up * s * (1 + g * (1 - s)), dup = dout * silu(g) */
export function swigluBackward(dgate: FloatArray, dup: FloatArray, dout: FloatArray, gate: FloatArray, up: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) {
    const g = gate[i];
    const s = sigmoid(g);
    dgate[i] = dout[i] * up[i] * s * (1 + g * (1 - s));
    dup[i] = dout[i] * g * s;
  }
}
