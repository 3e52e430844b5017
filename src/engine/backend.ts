// One op set, two implementations: the WebGPU kernels (ops/*) and their TypeScript twins (ref/*).
// The decoder and the trainers are written once against `Backend<T>`, so the whole training step has a
// reference twin: the same code on `cpuBackend()` gives the loss curve the GPU path is held against.
// The op methods come from the registry (registry.ts: the twins' signatures, with T for the tensors);
// this file adds tensors' life cycle and the step around them.
import type { GpuRuntime } from './runtime.ts';
import type { GpuTensor } from './op.ts';
import { fill } from './ops/util.ts';
import { packedWords, packProblem, formatName, unpack, type PackedFormat } from './packed.ts';
import { cpuOps, gpuOps, type Ops } from './registry.ts';

/** Anything with a shape. Sizes of every op come from the shapes, as on the GPU. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly size: number;
  /** A frozen weight stored packed (bf16, f16 or q4 words); absent for f32 and u32 tensors. */
  readonly format?: PackedFormat;
}

export interface CpuTensor extends Tensor {
  data: Float32Array | Uint32Array;
}

export interface AttnOpts<T> {
  scale?: number;
  lens?: T | null; // (B) u32 valid lengths
  window?: number;
}

/** What a backend does besides ops: tensors and steps. */
export interface BackendCore<T extends Tensor> {
  readonly kind: 'gpu' | 'cpu';
  /** The largest tensor one binding can hold, in bytes (the device's storage-binding and buffer limits; unlimited on the CPU). */
  readonly maxTensorBytes: number;
  /** A zero-filled tensor. */
  zeros(shape: readonly number[]): T;
  upload(data: Float32Array | Uint32Array, shape: readonly number[]): T;
  /** A frozen weight kept packed (packed.ts): the matmuls and the embedding gather read it as f32. */
  uploadPacked(words: Uint32Array, shape: readonly number[], format: PackedFormat): T;
  write(t: T, data: Float32Array | Uint32Array): void;
  /** Elements [offset, offset + size(shape)) of `base`; bound views need offset % 64 == 0 on the GPU. */
  view(base: T, offset: number, shape: readonly number[]): T;
  /** The values (a packed weight reads back unpacked, as the kernels see it). */
  read(t: T): Promise<Float32Array>;
  release(t: T): void;
  beginStep(): void;
  submit(): void;
  /** Drops an open step without submitting it (after an exception while recording). */
  abandonStep(): void;
}

/** Every op of ops/* (fill, gemm, rmsnormForward, attentionBackward, crossEntropyBackward, adamwUpdate, ...). */
export interface Backend<T extends Tensor> extends BackendCore<T>, Ops<T> {}

export function gpuBackend(rt: GpuRuntime): Backend<GpuTensor> {
  return {
    kind: 'gpu',
    get maxTensorBytes() {
      return Math.min(rt.limits.maxStorageBufferBindingSize, rt.limits.maxBufferSize);
    },
    zeros(shape) {
      const t = rt.empty(shape);
      fill(rt, t, 0);
      return t;
    },
    upload: (data, shape) => rt.upload(data, shape),
    uploadPacked: (words, shape, format) => rt.uploadPacked(words, shape, format),
    write: (t, data) => rt.write(t, data),
    view: (base, offset, shape) => rt.view(base, offset, shape),
    read: async (t) => (t.format ? unpack(t.format, await rt.readU32(t), t.size) : rt.read(t)),
    release: (t) => rt.release(t),
    beginStep: () => rt.beginStep(),
    submit: () => rt.submit(),
    abandonStep: () => rt.abandonStep(),
    ...gpuOps(rt),
  };
}

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function tensor(data: Float32Array | Uint32Array, shape: readonly number[]): CpuTensor {
  return { data, shape: [...shape], size: numel(shape) };
}

export function cpuBackend(): Backend<CpuTensor> {
  return {
    kind: 'cpu',
    maxTensorBytes: Number.POSITIVE_INFINITY,
    zeros: (shape) => tensor(new Float32Array(numel(shape)), shape),
    upload(data, shape) {
      if (data.length !== numel(shape)) throw new Error(`upload: ${data.length} elements for shape (${shape.join(', ')})`);
      return tensor(data.slice(), shape);
    },
    uploadPacked(words, shape, format) {
      const size = numel(shape);
      const problem = packProblem(format, shape);
      if (problem) throw new Error(`uploadPacked: ${problem}`);
      if (words.length !== packedWords(format, size)) {
        throw new Error(`uploadPacked: ${words.length} words for a ${formatName(format)} tensor (${shape.join(', ')}), expected ${packedWords(format, size)}`);
      }
      return { data: words.slice(), shape: [...shape], size, format };
    },
    write(t, data) {
      if (t.format) throw new Error('write: a packed weight cannot be overwritten; upload a new one');
      if (data.length !== t.size) throw new Error(`write: ${data.length} elements for a tensor of ${t.size}`);
      t.data.set(data);
    },
    view(base, offset, shape) {
      const size = numel(shape);
      if (base.format) throw new Error('view: views of packed weights are not supported');
      if (offset < 0 || offset + size > base.size) throw new Error(`view: [${offset}, ${offset + size}) outside a tensor of ${base.size}`);
      return tensor(base.data.subarray(offset, offset + size), shape);
    },
    read: async (t) => (t.format ? unpack(t.format, t.data as Uint32Array, t.size) : Float32Array.from(t.data)),
    release: () => undefined,
    beginStep: () => undefined,
    submit: () => undefined,
    abandonStep: () => undefined,
    ...cpuOps<CpuTensor>(),
  };
}
