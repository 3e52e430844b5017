// The peer measured in the same run: TensorFlow.js (@tensorflow/tfjs + its WebGPU backend, and its CPU backend
// for reference) on the same WebGPU adapter in the same process, running (a) the same LoRA SFT step as
// bench/step.ts on the very same weights, adapter and batch, written with tf ops + tf.variableGrads + Adam,
// and (b) the same matmul shapes as ours. Speedup = peer ms / our ms (> 1: we are faster).
//
// The step: embedding → L × [RMSNorm → q,k,v (+LoRA) → RoPE (rotate-half) → GQA causal attention →
// o (+LoRA) → residual → RMSNorm → SwiGLU MLP (+LoRA on its targets) → residual] → RMSNorm → LM head →
// cross-entropy over completion tokens; global grad-norm clip 1.0; Adam (β 0.9/0.999, ε 1e-8) on LoRA only;
// the loss read back every step, as ours does.
import type * as TF from '@tensorflow/tfjs';
import { getGpu } from '../src/engine/device.ts';
import type { GpuTensor } from '../src/engine/op.ts';
import { matmulForward } from '../src/engine/ops/matmul.ts';
import { GpuRuntime } from '../src/engine/runtime.ts';
import { loraModulePath, type LoraTarget } from '../src/model/lora-types.ts';
import { Rng } from '../src/util/rng.ts';
import { LEARNING_RATE, median, type StepInputs } from './step.ts';

type Tf = typeof TF;
type Tensor = TF.Tensor;

let tfPromise: Promise<Tf> | undefined;

/**
 * tfjs-core with the WebGPU and CPU backends. The WebGPU backend registers only when navigator.gpu exists
 * at import time, so Dawn's GPU object (the one our runtime uses, src/engine/device.ts) is put there first.
 */
export function loadTfjs(): Promise<Tf> {
  tfPromise ??= (async () => {
    const gpu = await getGpu();
    const g = globalThis as { navigator?: { gpu?: GPU } };
    if (!g.navigator) g.navigator = { gpu };
    else if (!g.navigator.gpu) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    const mod = (await import('@tensorflow/tfjs')) as Tf & { default?: Tf }; // core, its gradients, the CPU backend
    const tf = mod.default ?? mod; // a CommonJS module: its exports may sit on default
    await import('@tensorflow/tfjs-backend-webgpu');
    // Keep every op on the GPU: small ops otherwise run on the CPU and read GPU data back synchronously,
    // which in Node needs an OffscreenCanvas.
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    return tf;
  })();
  return tfPromise;
}

async function switchBackend(tf: Tf, name: 'webgpu' | 'cpu'): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs: backend '${name}' did not initialise`);
  await tf.ready();
}

/** Waits for the WebGPU backend's queued work (submit + onSubmittedWorkDone, as our runtime's sync). */
async function tfSync(tf: Tf): Promise<void> {
  const be = tf.backend() as unknown as { submitQueue?: () => void; endComputePassEncoder?: () => void; device?: GPUDevice; commandEncoder?: unknown };
  if (be.device && be.submitQueue) {
    if (be.commandEncoder) {
      be.endComputePassEncoder?.(); // an open pass would make the submitted command buffer invalid (nothing would run)
      be.submitQueue();
    }
    await be.device.queue.onSubmittedWorkDone();
  }
}

export interface PeerStepResult {
  backend: string;
  msPerStep: number;
  msPerStepMin: number;
  tokensPerSecond: number;
  stepMs: number[];
  losses: number[];
}

/** The peer's LoRA SFT step on the given inputs (bench/step.ts stepInputs), on one tfjs backend. */
export async function benchPeerStep(
  inp: StepInputs,
  backend: 'webgpu' | 'cpu' = 'webgpu',
  log = (m: string) => console.error(`peer step: ${m}`),
): Promise<PeerStepResult> {
  const tf = await loadTfjs();
  await switchBackend(tf, backend);
  const { shape, cfg } = inp;
  const { batch: B, seq: T } = shape;
  const C = cfg.hiddenSize;
  const NH = cfg.numHeads;
  const NKV = cfg.numKvHeads;
  const HS = cfg.headDim;
  const N = B * T;
  const w = (name: string, s: number[]): Tensor => {
    const d = inp.weights.get(name);
    if (!d) throw new Error(`peer step: weight ${name} missing`);
    return tf.tensor(d, s);
  };
  const consts: Tensor[] = [];
  const keep = <X extends Tensor>(t: X): X => {
    consts.push(t);
    return t;
  };
  const embed = keep(w('model.embed_tokens.weight', [cfg.vocabSize, C]));
  const lmHead = cfg.tieWordEmbeddings ? embed : keep(w('lm_head.weight', [cfg.vocabSize, C]));
  const finalNorm = keep(w('model.norm.weight', [C]));
  const scale = inp.adapter.config.alpha / inp.adapter.config.r;
  const vars: TF.Variable[] = [];
  const layers = Array.from({ length: cfg.numLayers }, (_, i) => {
    const p = `model.layers.${i}`;
    const lin = (parent: string, t: LoraTarget, out: number, inF: number) => {
      const W = keep(w(`${p}.${parent}.${t}.weight`, [out, inF]));
      const ad = inp.adapter.layers.get(loraModulePath(i, t));
      if (!ad) return { W };
      const A = tf.variable(tf.tensor(ad.A, [ad.A.length / inF, inF]), true, `l${i}_${t}_A`);
      const Bm = tf.variable(tf.tensor(ad.B, [out, ad.B.length / out]), true, `l${i}_${t}_B`);
      vars.push(A, Bm);
      return { W, A, B: Bm };
    };
    return {
      inNorm: keep(w(`${p}.input_layernorm.weight`, [C])),
      postNorm: keep(w(`${p}.post_attention_layernorm.weight`, [C])),
      q: lin('self_attn', 'q_proj', NH * HS, C),
      k: lin('self_attn', 'k_proj', NKV * HS, C),
      v: lin('self_attn', 'v_proj', NKV * HS, C),
      o: lin('self_attn', 'o_proj', C, NH * HS),
      gate: lin('mlp', 'gate_proj', cfg.intermediateSize, C),
      up: lin('mlp', 'up_proj', cfg.intermediateSize, C),
      down: lin('mlp', 'down_proj', C, cfg.intermediateSize),
    };
  });
  // RoPE tables (T, HS), halves repeated (HF rotate_half); the causal mask (T, T).
  const cos = new Float32Array(T * HS);
  const sin = new Float32Array(T * HS);
  for (let t = 0; t < T; t++)
    for (let j = 0; j < HS / 2; j++) {
      const a = t * cfg.ropeTheta ** (-(2 * j) / HS);
      cos[t * HS + j] = cos[t * HS + j + HS / 2] = Math.cos(a);
      sin[t * HS + j] = sin[t * HS + j + HS / 2] = Math.sin(a);
    }
  const cosT = keep(tf.tensor(cos, [T, HS]));
  const sinT = keep(tf.tensor(sin, [T, HS]));
  const maskData = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) maskData[i * T + j] = -1e9;
  const causal = keep(tf.tensor(maskData, [T, T]));
  // The batch: ids (N), next-token targets one-hot (N, V), completion mask (N).
  const ids = new Int32Array(N);
  const targets = new Int32Array(N);
  const lossMask = new Float32Array(N);
  inp.examples.forEach((ex, b) => {
    for (let t = 0; t < T; t++) ids[b * T + t] = ex.ids[t];
    for (let t = 0; t + 1 < T; t++) {
      targets[b * T + t] = ex.ids[t + 1];
      lossMask[b * T + t] = ex.lossMask[t + 1] ? 1 : 0;
    }
  });
  const count = lossMask.reduce((a, b) => a + b, 0);
  const idsT = keep(tf.tensor1d(ids, 'int32'));
  const onehot = keep(tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), cfg.vocabSize), 'float32')));
  const maskT = keep(tf.tensor1d(lossMask));
  const eps = cfg.rmsNormEps;

  const rmsnorm = (x: Tensor, g: Tensor) => tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))), g);
  const linear = (x: Tensor, l: { W: Tensor; A?: Tensor; B?: Tensor }) => {
    const y = tf.matMul(x, l.W, false, true);
    if (!l.A || !l.B) return y;
    return tf.add(y, tf.mul(tf.matMul(tf.matMul(x, l.A, false, true), l.B, false, true), scale));
  };
  // (N, heads·HS) → (B, heads, T, HS) with RoPE when asked.
  const heads = (x: Tensor, n: number, rope: boolean) => {
    const h = tf.transpose(tf.reshape(x, [B, T, n, HS]), [0, 2, 1, 3]);
    if (!rope) return h;
    const [x1, x2] = tf.split(h, 2, -1);
    return tf.add(tf.mul(h, cosT), tf.mul(tf.concat([tf.neg(x2), x1], -1), sinT));
  };
  // KV head j serves query heads j·g … j·g + g − 1 (tfjs's tile has a gradient up to rank 4, so rank 3 here).
  const repeatKv = (x: Tensor) => (NH === NKV ? x : tf.reshape(tf.tile(tf.reshape(x, [B * NKV, 1, T * HS]), [1, NH / NKV, 1]), [B, NH, T, HS]));
  const lossFn = (): TF.Scalar => {
    let x = tf.gather(embed, idsT); // (N, C)
    for (const l of layers) {
      const h = rmsnorm(x, l.inNorm);
      const q = heads(linear(h, l.q), NH, true);
      const k = repeatKv(heads(linear(h, l.k), NKV, true));
      const v = repeatKv(heads(linear(h, l.v), NKV, false));
      const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(HS)), causal));
      const a = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [N, NH * HS]);
      x = tf.add(x, linear(a, l.o));
      const h2 = rmsnorm(x, l.postNorm);
      const g = linear(h2, l.gate);
      x = tf.add(x, linear(tf.mul(tf.mul(g, tf.sigmoid(g)), linear(h2, l.up)), l.down));
    }
    const logits = tf.matMul(rmsnorm(x, finalNorm), lmHead, false, true); // (N, V)
    const picked = tf.sum(tf.mul(tf.logSoftmax(logits), onehot), -1); // (N)
    return tf.div(tf.neg(tf.sum(tf.mul(picked, maskT))), count) as TF.Scalar;
  };
  const opt = tf.train.adam(LEARNING_RATE, 0.9, 0.999, 1e-8);
  const stepMs: number[] = [];
  const losses: number[] = [];
  try {
    const total = shape.warmup + shape.steps;
    for (let s = 0; s < total; s++) {
      const t0 = performance.now();
      const lossT = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(lossFn, vars);
        const names = Object.keys(grads);
        // Summed pairwise, not addN: one addN over every LoRA tensor exceeds the adapter's storage buffers per stage.
        const norm = tf.sqrt(names.map((n) => tf.sum(tf.square(grads[n]))).reduce((a, b) => tf.add(a, b)));
        const factor = tf.minimum(1, tf.div(1, tf.add(norm, 1e-6))); // clip the global norm to 1.0
        opt.applyGradients(Object.fromEntries(names.map((n) => [n, tf.mul(grads[n], factor)])));
        return value;
      });
      const loss = (await lossT.data())[0];
      lossT.dispose();
      const ms = performance.now() - t0;
      stepMs.push(ms);
      losses.push(loss);
      log(`[${backend}] step ${s + 1}/${total}${s < shape.warmup ? ' (warm-up)' : ''} ${ms.toFixed(0)} ms, loss ${loss.toFixed(4)}`);
    }
  } finally {
    opt.dispose();
    for (const v of vars) v.dispose();
    for (const c of consts) c.dispose();
  }
  const measured = stepMs.slice(shape.warmup);
  const ms = median(measured);
  return {
    backend: `tfjs-${backend}`,
    msPerStep: Number(ms.toFixed(1)),
    msPerStepMin: Number(Math.min(...measured).toFixed(1)),
    tokensPerSecond: Number(((B * T * 1000) / ms).toFixed(1)),
    stepMs: stepMs.map((x) => Number(x.toFixed(1))),
    losses: losses.map((x) => Number(x.toFixed(4))),
  };
}

/** A matmul (M, K) @ (N, K)^T → (M, N), the layout of our linear layers (x @ W^T). */
export interface MatmulShape {
  M: number;
  K: number;
  N: number;
}

/** Square 256-2048 and the LoRA-thin ones (x @ A^T with K 4096 → r 8, and (x A^T) @ B^T with K = r 8). */
export const DEFAULT_MATMULS = '256,512,1024,2048,4096x4096x8,4096x8x4096';

/** "256" (square) or "MxKxN", comma-separated; names the bad entry. */
export function parseMatmuls(list: string): MatmulShape[] {
  return list.split(',').map((raw) => {
    const parts = raw.trim().split('x').map(Number);
    if (!(parts.length === 1 || parts.length === 3) || !parts.every((n) => Number.isInteger(n) && n > 0))
      throw new Error(`--matmul: '${raw}' is not N or MxKxN with positive integers`);
    const [M, K, N] = parts.length === 1 ? [parts[0], parts[0], parts[0]] : parts;
    return { M, K, N };
  });
}

interface Timed {
  ms: number;
  reps: number;
}

/** One warm-up run, then `reps` runs sized to budgetMs (1-20), timed wall-clock from the first op to the queue's end. */
async function timeReps(run: (reps: number) => Promise<void>, budgetMs: number): Promise<Timed> {
  let t0 = performance.now();
  await run(1);
  const warm = performance.now() - t0;
  const reps = Math.max(1, Math.min(20, Math.floor(budgetMs / Math.max(warm, 1e-3))));
  t0 = performance.now();
  await run(reps);
  return { ms: (performance.now() - t0) / reps, reps };
}

const gflops = (s: MatmulShape, ms: number) => Number(((2 * s.M * s.K * s.N) / (ms * 1e6)).toFixed(3));

/**
 * Ours (matmulForward) and tfjs-webgpu's tf.matMul(a, b, false, true) on each shape, smallest first; a shape
 * whose one run would pass maxRunMs at the best GFLOP/s seen so far is skipped and listed with its estimate.
 */
export async function benchPeerMatmul(
  shapes: MatmulShape[],
  budgetMs = 1500,
  maxRunMs = 20_000,
  log = (m: string) => console.error(`peer matmul: ${m}`),
): Promise<object> {
  const tf = await loadTfjs();
  await switchBackend(tf, 'webgpu');
  const rt = await GpuRuntime.create();
  const rng = new Rng(1);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.normal() * 0.1);
  const rows: object[] = [];
  const skipped: object[] = [];
  let best = 0;
  try {
    for (const s of [...shapes].sort((a, b) => a.M * a.K * a.N - b.M * b.K * b.N)) {
      const label = `${s.M}×${s.K}×${s.N}`;
      const flops = 2 * s.M * s.K * s.N;
      const estMs = best > 0 ? flops / (best * 1e6) : 0;
      if (estMs > maxRunMs) {
        skipped.push({ shape: label, reason: `one run estimated at ${(estMs / 1000).toFixed(0)} s at ${best} GFLOP/s (limit ${maxRunMs / 1000} s)` });
        continue;
      }
      const a = rand(s.M * s.K);
      const b = rand(s.N * s.K);
      const held: GpuTensor[] = [rt.upload(a, [s.M, s.K]), rt.upload(b, [s.N, s.K]), rt.empty([s.M, s.N])];
      const [inp, W, out] = held;
      const ours = await timeReps(async (reps) => {
        rt.beginStep();
        for (let r = 0; r < reps; r++) matmulForward(rt, out, inp, W);
        rt.submit();
        await rt.sync();
      }, budgetMs);
      for (const t of held) rt.release(t);
      const ta = tf.tensor(a, [s.M, s.K]);
      const tb = tf.tensor(b, [s.N, s.K]);
      const peer = await timeReps(async (reps) => {
        for (let r = 0; r < reps; r++) tf.matMul(ta, tb, false, true).dispose();
        await tfSync(tf);
      }, budgetMs);
      ta.dispose();
      tb.dispose();
      const row = {
        shape: label,
        oursMs: Number(ours.ms.toFixed(2)),
        oursGflops: gflops(s, ours.ms),
        oursReps: ours.reps,
        peerMs: Number(peer.ms.toFixed(2)),
        peerGflops: gflops(s, peer.ms),
        peerReps: peer.reps,
        speedup: Number((peer.ms / ours.ms).toFixed(2)),
      };
      log(`${label}: ours ${row.oursMs} ms (${row.oursGflops} GFLOP/s), tfjs ${row.peerMs} ms (${row.peerGflops} GFLOP/s), speedup ${row.speedup}×`);
      rows.push(row);
      best = Math.max(best, row.oursGflops, row.peerGflops);
    }
  } finally {
    rt.destroy();
  }
  return { clock: 'wall (submit to onSubmittedWorkDone)', layout: '(M, K) @ (N, K)^T', rows, skipped };
}
