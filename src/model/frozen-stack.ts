// Adapters folded beside a packed base weight. A bf16 weight keeps 8 significant bits and a q4 one 4, so adding
// a LoRA delta into it would round most of the delta away (q4 would need re-quantising); instead each module
// keeps the folded adapters as one low-rank pair, their A rows stacked (R, in) and sign·scale·B columns side by
// side (out, R), applied next to W in the forward pass and in the input gradient. Folding k adapters of rank r
// costs 2·N·(in + out)·k·r flops per module, a few percent of W's N·in·out at real widths.
import type { Backend, Tensor } from '../engine/backend.ts';
import type { LoraLayer } from './lora-types.ts';

interface Stack<T> {
  A: T; // (R, in)
  B: T; // (out, R), the scale folded in
  r: number;
  inFeatures: number;
  outFeatures: number;
  hostA: Float32Array;
  hostB: Float32Array;
}

export class FrozenStacks<T extends Tensor> {
  private readonly stacks = new Map<string, Stack<T>>();
  /** Scratch (rows · R) for the low-rank products; grown on demand, shared by every module (ops run in order). */
  private scratch: T | null = null;

  constructor(private readonly be: Backend<T>) {}

  /** Appends one adapter's module to the stack of `path` (its rank grows by r); `scale` is sign · the adapter's scale. */
  fold(path: string, layer: LoraLayer, scale: number, r: number): void {
    const prev = this.stacks.get(path);
    const { inFeatures: I, outFeatures: O } = layer;
    if (prev && (prev.inFeatures !== I || prev.outFeatures !== O)) {
      throw new Error(`decoder: a folded adapter's ${path} is (${O}, ${I}) where the earlier ones are (${prev.outFeatures}, ${prev.inFeatures})`);
    }
    const r0 = prev?.r ?? 0;
    const R = r0 + r;
    const hostA = new Float32Array(R * I);
    if (prev) hostA.set(prev.hostA);
    hostA.set(layer.A, r0 * I);
    const hostB = new Float32Array(O * R);
    for (let o = 0; o < O; o++) {
      if (prev) hostB.set(prev.hostB.subarray(o * r0, (o + 1) * r0), o * R);
      for (let k = 0; k < r; k++) hostB[o * R + r0 + k] = scale * layer.B[o * r + k];
    }
    if (prev) {
      this.be.release(prev.A);
      this.be.release(prev.B);
    }
    this.stacks.set(path, { A: this.be.upload(hostA, [R, I]), B: this.be.upload(hostB, [O, R]), r: R, inFeatures: I, outFeatures: O, hostA, hostB });
  }

  /** The stacked rank beside `path` (0 when nothing was folded there). */
  rank(path: string): number {
    return this.stacks.get(path)?.r ?? 0;
  }

  /** out += x @ (B·A)^T for the stack of `path`, if any (x (N, in), out (N, out)). */
  forward(path: string, out: T, inp: T): void {
    const st = this.stacks.get(path);
    if (!st) return;
    const h = this.rows(inp.size / st.inFeatures, st.r);
    this.be.gemm(h, inp, st.A, { transB: true }); // (N, R) = x @ A^T
    this.be.gemm(out, h, st.B, { transB: true, accumulate: true }); // += h @ B^T
  }

  /** dinp += dout @ B·A for the stack of `path`, if any: its input gradient (the stack has no parameters). */
  backward(path: string, dinp: T, dout: T): void {
    const st = this.stacks.get(path);
    if (!st) return;
    const dh = this.rows(dout.size / st.outFeatures, st.r);
    this.be.gemm(dh, dout, st.B); // (N, R) = dout @ B
    this.be.gemm(dinp, dh, st.A, { accumulate: true }); // += dh @ A
  }

  release(): void {
    for (const st of this.stacks.values()) {
      this.be.release(st.A);
      this.be.release(st.B);
    }
    this.stacks.clear();
    if (this.scratch) this.be.release(this.scratch);
    this.scratch = null;
  }

  private rows(n: number, r: number): T {
    if (!this.scratch || this.scratch.size < n * r) {
      if (this.scratch) this.be.release(this.scratch);
      this.scratch = this.be.zeros([n * r]);
    }
    return this.be.view(this.scratch, 0, [n, r]);
  }
}
