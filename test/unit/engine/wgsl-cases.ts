// One call per kernel variant, on tensors that have shapes and no GPU memory, run on a recording runtime
// (recordedOps): wgsl-snapshot.test.ts snapshots every variant's WGSL and test/e2e/wgsl-chromium.test.ts compiles
// each in Chromium. A new kernel (or a new compile-time variant) adds its call here.
import { numel, pipelineKey, type GpuTensor, type OpDescription } from '../../../src/engine/op.ts';
import type { GpuRuntime } from '../../../src/engine/runtime.ts';
import { add, copyColumns, fill, scale } from '../../../src/engine/ops/util.ts';
import { embeddingBackward, embeddingForward, embeddingForwardRows } from '../../../src/engine/ops/embedding.ts';
import { rmsnormBackward, rmsnormForward, rmsnormResidualForward } from '../../../src/engine/ops/rmsnorm.ts';
import { gemm } from '../../../src/engine/ops/matmul.ts';
import { biasBackward, biasForward } from '../../../src/engine/ops/bias.ts';
import { ropeForward, ropeQkForward } from '../../../src/engine/ops/rope.ts';
import { attentionBackward, attentionDecode, attentionForward, kvCacheWrite } from '../../../src/engine/ops/attention.ts';
import { swigluBackward, swigluForward } from '../../../src/engine/ops/swiglu.ts';
import { gegluBackward, gegluForward, softcapBackward, softcapForward } from '../../../src/engine/ops/geglu.ts';
import { residualBackward, residualForward } from '../../../src/engine/ops/residual.ts';
import { dropoutBackward, dropoutForward } from '../../../src/engine/ops/dropout.ts';
import * as ce from '../../../src/engine/ops/cross-entropy.ts';
import { adamwClipUpdate, adamwUpdate, gradNormCombine } from '../../../src/engine/ops/adamw.ts';
import { gradClip } from '../../../src/engine/ops/grad-clip.ts';
import { packedWords, type PackedFormat } from '../../../src/engine/packed.ts';

function t(...shape: number[]): GpuTensor {
  return { buffer: {} as GPUBuffer, shape, size: numel(shape), dtype: 'f32', offset: 0 };
}
function ids(...shape: number[]): GpuTensor {
  return { ...t(...shape), dtype: 'u32' };
}
/** A frozen weight packed in `format` (its words: packed.ts). */
function packed(format: PackedFormat, ...shape: number[]): GpuTensor {
  return { ...t(...shape), dtype: 'u32', format, words: packedWords(format, numel(shape)) };
}
/** The same recording runtime asking for the software adapter's variants (rt.profile). */
function software(rt: GpuRuntime): GpuRuntime {
  return Object.create(rt, { profile: { value: 'software' } }) as GpuRuntime;
}
/** The same recording runtime on a 'gpu'-profile device with subgroups: the kernels' subgroup reductions. */
function subgroups(rt: GpuRuntime): GpuRuntime {
  return Object.create(rt, { profile: { value: 'gpu' }, features: { value: { f16: false, subgroups: true, timestamps: false } } }) as GpuRuntime;
}
const PACKED: PackedFormat[] = [{ kind: 'bf16' }, { kind: 'f16' }, { kind: 'q4', group: 32 }, { kind: 'q4', group: 64 }];

const N = 4,
  C = 8,
  V = 16,
  B = 1,
  T = 4,
  NH = 2,
  HS = 64;

export const WGSL_CASES: ((rt: GpuRuntime) => void)[] = [
  (rt) => {
    fill(rt, t(N), 0);
    scale(rt, t(N), 2);
    add(rt, t(N), t(N));
    copyColumns(rt, t(N, C), t(N, 4), 2, 0, 4);
  },
  (rt) => {
    embeddingForward(rt, t(N, C), ids(N), t(V, C));
    embeddingBackward(rt, t(V, C), t(N, C), ids(N));
    for (const f of PACKED) embeddingForward(rt, t(N, 64), ids(N), packed(f, V, 64));
    embeddingForwardRows(rt, t(N, C), ids(N), t(V, C), 64);
    for (const f of PACKED) embeddingForwardRows(rt, t(N, 64), ids(N), packed(f, V, 64), 64);
  },
  (rt) => {
    rmsnormForward(rt, t(N, C), t(N), t(N, C), t(C), 1e-6);
    rmsnormBackward(rt, t(N, C), t(C), t(N, C), t(N, C), t(C), t(N));
    rmsnormResidualForward(rt, t(N, C), t(N), t(N, C), t(N, C), t(C), 1e-6);
    rmsnormBackward(rt, t(N, C), null, t(N, C), t(N, C), t(C), t(N), 0, true);
    const sw = software(rt);
    rmsnormForward(sw, t(N, C), t(N), t(N, C), t(C), 1e-6);
    rmsnormResidualForward(sw, t(N, C), t(N), t(N, C), t(N, C), t(C), 1e-6);
    for (const accumulate of [false, true]) rmsnormBackward(sw, t(N, C), null, t(N, C), t(N, C), t(C), t(N), 0, accumulate);
    const sg = subgroups(rt);
    rmsnormForward(sg, t(N, C), t(N), t(N, C), t(C), 1e-6);
    rmsnormResidualForward(sg, t(N, C), t(N), t(N, C), t(N, C), t(C), 1e-6);
    for (const accumulate of [false, true]) rmsnormBackward(sg, t(N, C), null, t(N, C), t(N, C), t(C), t(N), 0, accumulate);
  },
  (rt) => {
    for (const side of [3, 63, 4, 64]) {
      // thin (8x8 threads) and wide (16x16) tiles; scalar tile loads (3, 63) and vec4 ones (4, 64)
      for (let f = 0; f < 8; f++) {
        const transA = !!(f & 1),
          transB = !!(f & 2),
          accumulate = !!(f & 4);
        gemm(rt, t(side, side), t(side, side), t(side, side), { transA, transB, accumulate });
      }
    }
    // a packed frozen W in the decoder's two products: x @ W^T (forward) and dy @ W (backward)
    for (const f of PACKED) {
      gemm(rt, t(N, 64), t(N, 64), packed(f, 64, 64), { transB: true });
      gemm(rt, t(N, 64), t(N, 64), packed(f, 64, 64), { accumulate: true });
    }
    // software adapters: the barrier-free kernel, scalar (3) and vec4 (4: along k, m or n as the layout allows)
    const sw = software(rt);
    for (const side of [3, 4]) {
      for (let f = 0; f < 8; f++) {
        const transA = !!(f & 1),
          transB = !!(f & 2),
          accumulate = !!(f & 4);
        gemm(sw, t(side, side), t(side, side), t(side, side), { transA, transB, accumulate });
      }
    }
    for (const f of PACKED) {
      gemm(sw, t(N, 64), t(N, 64), packed(f, 64, 64), { transB: true });
      gemm(sw, t(N, 64), t(N, 64), packed(f, 64, 64), { accumulate: true });
    }
  },
  (rt) => {
    biasForward(rt, t(N, C), t(C));
    biasBackward(rt, t(C), t(N, C));
  },
  (rt) => {
    ropeForward(rt, t(B, T, NH, HS), ids(B, T), t(HS / 2), B, T, NH, HS);
    ropeQkForward(rt, t(B, T, NH, HS), t(B, T, 1, HS), ids(B, T), t(HS / 2), B, T, NH, 1, HS);
  },
  (rt) => {
    for (const tileRows of [32, 64] as const) {
      const q = t(B, T, NH, HS);
      attentionForward(rt, q, t(B, NH, T), q, t(B, T, 1, HS), t(B, T, 1, HS), B, T, NH, 1, HS, { tileRows });
      attentionBackward(rt, q, t(B, T, 1, HS), t(B, T, 1, HS), t(B, NH, T), q, q, t(B, NH, T), q, t(B, T, 1, HS), t(B, T, 1, HS), B, T, NH, 1, HS, {
        tileRows,
      });
    }
    for (const r of [rt, subgroups(rt)]) attentionDecode(r, t(B, 1, NH, HS), t(B, 1, NH, HS), t(B, T, 1, HS), t(B, T, 1, HS), B, 1, NH, 1, HS, 2, T, {});
    kvCacheWrite(rt, t(B, T, 1, HS), t(B, T, 1, HS), t(B, 1, 1, HS), t(B, 1, 1, HS), ids(B, 1), B, 1, T);
  },
  (rt) => {
    swigluForward(rt, t(N, C), t(N, C), t(N, C));
    swigluBackward(rt, t(N, C), t(N, C), t(N, C), t(N, C), t(N, C));
  },
  (rt) => {
    gegluForward(rt, t(N, C), t(N, C), t(N, C));
    gegluBackward(rt, t(N, C), t(N, C), t(N, C), t(N, C), t(N, C));
  },
  (rt) => {
    const d = t(N, V);
    softcapForward(rt, t(N, V), t(N, V), 30);
    softcapBackward(rt, t(N, V), t(N, V), t(N, V), 30);
    softcapBackward(rt, d, d, t(N, V), 30);
  },
  (rt) => {
    residualForward(rt, t(N, C), t(N, C), t(N, C));
    residualBackward(rt, t(N, C), t(N, C), t(N, C));
  },
  (rt) => {
    const x = t(N, C);
    dropoutForward(rt, t(N, C), t(N, C), 0.1, 1, 1);
    dropoutBackward(rt, t(N, C), t(N, C), 0.1, 1, 1);
    dropoutForward(rt, x, x, 0.1, 1, 1);
  },
  (rt) => {
    const logits = t(N, V);
    ce.crossEntropyForward(rt, t(N), t(2), t(N), logits, ids(N), t(N), N, V);
    ce.crossEntropyBackward(rt, t(N, V), logits, t(N), ids(N), t(N), t(2), N, V);
    ce.crossEntropyBackward(rt, logits, logits, t(N), ids(N), t(N), t(2), N, V);
    ce.crossEntropyLogprobs(rt, t(N), logits, ids(N), N, V);
    ce.weightedCrossEntropyBackward(rt, t(N, V), logits, t(N), ids(N), t(N), N, V);
    ce.weightedCrossEntropyBackward(rt, logits, logits, t(N), ids(N), t(N), N, V);
    ce.crossEntropyForward(software(rt), t(N), t(2), t(N), logits, ids(N), t(N), N, V);
    ce.crossEntropyLogprobs(software(rt), t(N), logits, ids(N), N, V);
    ce.crossEntropyForward(subgroups(rt), t(N), t(2), t(N), logits, ids(N), t(N), N, V);
    ce.crossEntropyLogprobs(subgroups(rt), t(N), logits, ids(N), N, V);
  },
  (rt) => adamwUpdate(rt, t(C), t(C), t(C), t(C), { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 }),
  (rt) => adamwClipUpdate(rt, t(C), t(C), t(C), t(C), t(2), 1, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 }),
  (rt) => gradNormCombine(rt, t(2), t(3, 64)),
  (rt) => {
    gradClip(rt, t(C), t(1), 1);
    gradClip(software(rt), t(C), t(1), 1);
    gradClip(subgroups(rt), t(C), t(1), 1);
  },
];

/** Every op variant the cases reach, by pipeline key, from a runtime that records the ops instead of running them. */
export function recordedOps(): Map<string, OpDescription> {
  const ops = new Map<string, OpDescription>();
  const tensor = (shape: readonly number[], dtype: 'f32' | 'u32' = 'f32'): GpuTensor => ({
    buffer: {} as GPUBuffer,
    shape: [...shape],
    size: numel(shape),
    dtype,
    offset: 0,
  });
  const rt = {
    limits: { maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupStorageSize: 16384 },
    run: (op: OpDescription) => void ops.set(pipelineKey(op), op),
    copy: () => undefined,
    empty: tensor,
    scratch: (_name: string, shape: readonly number[], dtype: 'f32' | 'u32' = 'f32') => tensor(shape, dtype),
    scratchAtLeast: (_name: string, elements: number) => tensor([elements]),
    view: (_base: GpuTensor, _offset: number, shape: readonly number[]) => tensor(shape),
    upload: (data: Float32Array | Uint32Array, shape: readonly number[]) => tensor(shape, data instanceof Uint32Array ? 'u32' : 'f32'),
  };
  for (const run of WGSL_CASES) run(rt as unknown as GpuRuntime);
  return ops;
}
