// The op registry: every op module's kernels (ops/*.ts) and their twins (ref/*.ts), turned into the op half of
// both backends. The Backend type's op methods are derived from the twins, so nothing here names a single op.
//
// How to add an op (e.g. GeGLU for Gemma):
//   1. Kernel, ops/geglu.ts: its OpDescriptions (name `geglu_forward` / `geglu_backward`, WGSL built from
//      ops/common.ts: ENTRY or elementwiseMain, reductions(), variants() for compile-time facts) and the entry
//      points `gegluForward(rt, out, gate, up)` / `gegluBackward(rt, dgate, dup, dout, gate, up)`; at the end
//      `export const kernels = { gegluForward, gegluBackward };` and `export { twins } from '../ref/geglu.ts';`.
//   2. Twin, ref/geglu.ts: the same names and arguments without `rt`, on RefTensor (ref/tensor.ts), sizes read
//      from the shapes as the kernel reads them; `export const twins = { gegluForward, gegluBackward };`.
//   3. Here: `import * as geglu from './ops/geglu.ts';` and `geglu` in MODULES. (An op added to an existing
//      module, as weighted cross-entropy was, needs no line here.)
//   Then backend.gegluForward(...) exists on the GPU and the CPU backend; the compiler checks that the kernels
//   take exactly the twins' arguments. Tests: test/gpu/<op>.test.ts holds the kernel against the twin,
//   test/unit/engine/ the twin against finite differences, and a call in test/unit/engine/wgsl-cases.ts
//   snapshots the WGSL.
import type { GpuRuntime } from './runtime.ts';
import type { GpuTensor } from './op.ts';
import type { RefTensor } from './ref/tensor.ts';
import * as util from './ops/util.ts';
import * as embedding from './ops/embedding.ts';
import * as rmsnorm from './ops/rmsnorm.ts';
import * as matmul from './ops/matmul.ts';
import * as bias from './ops/bias.ts';
import * as lora from './ops/lora.ts';
import * as rope from './ops/rope.ts';
import * as attention from './ops/attention.ts';
import * as swiglu from './ops/swiglu.ts';
import * as geglu from './ops/geglu.ts';
import * as residual from './ops/residual.ts';
import * as dropout from './ops/dropout.ts';
import * as crossEntropy from './ops/cross-entropy.ts';
import * as adamw from './ops/adamw.ts';
import * as gradClip from './ops/grad-clip.ts';

const MODULES = [util, embedding, rmsnorm, matmul, bias, lora, rope, attention, swiglu, geglu, residual, dropout, crossEntropy, adamw, gradClip];

type Merge<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Kernels = Merge<(typeof MODULES)[number]['kernels']>;
type Twins = Merge<(typeof MODULES)[number]['twins']>;

/** X with every RefTensor in it (arguments, `T | null`, option fields) replaced by T. */
type WithTensor<X, T> = X extends RefTensor ? T : X extends object ? { [K in keyof X]: WithTensor<X[K], T> } : X;

/** A method type: its parameters are checked bivariantly, as in an interface's method declarations. */
type Method<A, R> = { method(...args: Extract<A, readonly unknown[]>): R }['method'];

/** The op methods of a backend over tensors T: the twins' signatures with T for RefTensor. */
export type Ops<T> = { [K in keyof Twins]: Twins[K] extends (...args: infer A) => infer R ? Method<WithTensor<A, T>, R> : never };

// Compile-time proof that kernels and twins pair up: the same op names, and every kernel takes exactly its twin's
// arguments (after `rt`; GpuTensor for RefTensor, the same count, the same optional ones). A mismatch fails `tsc`
// on one of the two lines below, naming the op.
type Assert<A extends B, B> = A;
type Paired = keyof Kernels & keyof Twins;
type KernelArgs<K extends Paired> = Kernels[K] extends (rt: GpuRuntime, ...args: infer A) => unknown ? A : never;
type TwinArgs<K extends Paired> = Twins[K] extends (...args: infer A) => unknown ? WithTensor<A, GpuTensor> : never;
type Mismatched = { [K in Paired]: [KernelArgs<K>] extends [TwinArgs<K>] ? ([TwinArgs<K>] extends [KernelArgs<K>] ? never : K) : K }[Paired];
export type KernelsTakeTwinArguments = Assert<Mismatched, never>;
export type OpsWithoutPair = Assert<Exclude<keyof Kernels, keyof Twins> | Exclude<keyof Twins, keyof Kernels>, never>;

function merge<S extends 'kernels' | 'twins'>(set: S): Record<string, (...args: never[]) => unknown> {
  const all: Record<string, (...args: never[]) => unknown> = {};
  for (const m of MODULES) {
    for (const [name, f] of Object.entries(m[set])) {
      if (name in all) throw new Error(`op registry: two modules export the op ${name}`);
      all[name] = f as (...args: never[]) => unknown;
    }
  }
  return all;
}

const KERNELS = merge('kernels');
const TWINS = merge('twins') as Twins;

/** The ops on the GPU: each kernel with `rt` bound. */
export function gpuOps(rt: GpuRuntime): Ops<GpuTensor> {
  const ops: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [name, kernel] of Object.entries(KERNELS)) {
    ops[name] = (...args) => (kernel as (rt: GpuRuntime, ...a: unknown[]) => unknown)(rt, ...args);
  }
  return ops as unknown as Ops<GpuTensor>;
}

/** The ops on the CPU: the twins themselves (any tensor with an array and a shape will do). */
export function cpuOps<T extends RefTensor>(): Ops<T> {
  return TWINS;
}
