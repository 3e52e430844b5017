// Shared helpers for the GPU kernel tests: one runtime per file, seeded inputs, max-difference reporting.
import { GpuRuntime, type KernelProfile } from '../../src/engine/runtime.ts';
import { Rng } from '../../src/util/rng.ts';

let rtPromise: Promise<GpuRuntime> | undefined;

/** One runtime per test file (vitest isolates files). */
export function runtime(): Promise<GpuRuntime> {
  rtPromise ??= GpuRuntime.create();
  return rtPromise;
}

/** Both kernel variant sets (tiled for GPUs, barrier-free for software adapters): tests hold each against the twins. */
export const PROFILES: readonly KernelProfile[] = ['gpu', 'software'];

/** Gaussian values times `scale`, from a seeded generator. */
export function randn(seed: number, n: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * scale;
  return out;
}

export function randIds(seed: number, n: number, vocab: number): Uint32Array {
  const rng = new Rng(seed);
  return Uint32Array.from({ length: n }, () => rng.int(vocab));
}

/** Max |a - b| (printed with a label) and max |b|, for relative tolerances. */
export function compare(label: string, gpu: Float32Array, ref: ArrayLike<number>): number {
  if (gpu.length !== ref.length) throw new Error(`${label}: GPU gave ${gpu.length} values, reference ${ref.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < gpu.length; i++) {
    const d = Math.abs(gpu[i] - ref[i]);
    if (!(d <= diff)) diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  console.log(`${label}: max abs diff ${diff.toExponential(3)} (max |ref| ${scale.toExponential(3)})`);
  return diff;
}

/** Like compare, divided by max(1, max |ref|): a relative tolerance for large outputs. */
export function compareRel(label: string, gpu: Float32Array, ref: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]));
  return compare(label, gpu, ref) / scale;
}
