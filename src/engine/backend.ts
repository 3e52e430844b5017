// One op set, two implementations: the WebGPU kernels (ops/*) and their TypeScript twins (ref/*).
// The decoder and the trainers are written once against `Backend<T>`, so the whole training step has a
// reference twin: the same code on `cpuBackend()` gives the loss curve the GPU path is held against.
import type { GpuRuntime } from './runtime.ts';
import type { GpuTensor } from './op.ts';
import type { AdamWParams } from './ref/adamw.ts';
import * as G from './gpu-ops.ts';
import * as R from './ref-ops.ts';

/** Anything with a shape. Sizes of every op come from the shapes, as on the GPU. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly size: number;
}

export interface CpuTensor extends Tensor {
  data: Float32Array | Uint32Array;
}

export interface AttnOpts<T> {
  scale?: number;
  lens?: T | null; // (B) u32 valid lengths
  window?: number;
}

export interface Backend<T extends Tensor> {
  readonly kind: 'gpu' | 'cpu';
  /** A zero-filled tensor. */
  zeros(shape: readonly number[]): T;
  upload(data: Float32Array | Uint32Array, shape: readonly number[]): T;
  write(t: T, data: Float32Array | Uint32Array): void;
  /** Elements [offset, offset + size(shape)) of `base`; bound views need offset % 64 == 0 on the GPU. */
  view(base: T, offset: number, shape: readonly number[]): T;
  read(t: T): Promise<Float32Array>;
  release(t: T): void;
  beginStep(): void;
  submit(): void;

  fill(x: T, value: number): void;
  scale(x: T, alpha: number): void;
  add(dst: T, src: T, alpha?: number): void;
  copy(dst: T, src: T): void;
  embeddingForward(out: T, ids: T, wte: T): void;
  rmsnormForward(out: T, rstd: T, inp: T, weight: T, eps: number, weightOffset: number): void;
  rmsnormBackward(dinp: T, dweight: T | null, dout: T, inp: T, weight: T, rstd: T, weightOffset: number): void;
  /** c (M, N) = alpha * op(a) (M, K) @ op(b) (K, N) [+ c]: the general GEMM behind the linear ops. */
  gemm(c: T, a: T, b: T, opts?: { transA?: boolean; transB?: boolean; accumulate?: boolean; alpha?: number }): void;
  matmulForward(out: T, inp: T, W: T): void;
  matmulBackward(dinp: T, dout: T, W: T, accumulate: boolean): void;
  biasForward(out: T, bias: T): void;
  loraForward(out: T, h: T, inp: T, A: T, B: T, scale: number): void;
  loraBackward(dinp: T | null, dA: T, dB: T, dh: T, dout: T, inp: T, A: T, B: T, h: T, scale: number): void;
  ropeForward(x: T, pos: T, invFreq: T, B: number, Tn: number, NH: number, HS: number): void;
  ropeBackward(dx: T, pos: T, invFreq: T, B: number, Tn: number, NH: number, HS: number): void;
  attentionForward(out: T, lse: T, q: T, k: T, v: T, B: number, Tn: number, NH: number, NKV: number, HS: number, opts: AttnOpts<T>): void;
  attentionBackward(dq: T, dk: T, dv: T, delta: T, dout: T, out: T, lse: T, q: T, k: T, v: T,
    B: number, Tn: number, NH: number, NKV: number, HS: number, opts: AttnOpts<T>): void;
  attentionDecode(out: T, q: T, kCache: T, vCache: T, B: number, Tq: number, NH: number, NKV: number, HS: number,
    start: number, cap: number, opts: Omit<AttnOpts<T>, 'lens'>): void;
  swigluForward(out: T, gate: T, up: T): void;
  swigluBackward(dgate: T, dup: T, dout: T, gate: T, up: T): void;
  /** out = inp * keep / (1 - p), keep hashed from (seed, step, element index); out may be inp. p = 0 copies. */
  dropoutForward(out: T, inp: T, p: number, seed: number, step: number): void;
  /** dinp = dout * keep / (1 - p) with the forward's mask for the same (p, seed, step). */
  dropoutBackward(dinp: T, dout: T, p: number, seed: number, step: number): void;
  crossEntropyForward(losses: T, loss: T, lse: T, logits: T, targets: T, mask: T, N: number, V: number): void;
  crossEntropyBackward(dlogits: T, logits: T, lse: T, targets: T, mask: T, loss: T, N: number, V: number, gradScale?: number): void;
  crossEntropyLogprobs(logprobs: T, logits: T, targets: T, N: number, V: number): void;
  adamwUpdate(params: T, grads: T, m: T, v: T, hp: AdamWParams): void;
  gradClip(grads: T, norm: T, maxNorm: number): void;
}

export function gpuBackend(rt: GpuRuntime): Backend<GpuTensor> {
  return G.makeGpuBackend(rt);
}

export function cpuBackend(): Backend<CpuTensor> {
  return R.makeCpuBackend();
}
