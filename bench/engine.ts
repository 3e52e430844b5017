// Matmul throughput (GFLOP/s) for the linear layers of a 0.5B model (Qwen2.5-0.5B: C 896, H 4864,
// NKV*HS 128, V 151936) at T = 128 tokens: frozen forward, input-gradient backward, and LoRA r=16.
// Run alone with `npx tsx bench/engine.ts`, or through `npm run bench`.
//
// Time per shape: GPU timestamps around the step when the adapter has timestamp-query, else wall clock
// from submit to onSubmittedWorkDone; each step repeats the op `reps` times after a warm-up step.
import { selectNodeDriver } from '../src/engine/node-driver.ts';
import { GpuRuntime } from '../src/engine/runtime.ts';
import type { GpuTensor } from '../src/engine/op.ts';
import { matmulBackward, matmulForward } from '../src/engine/ops/matmul.ts';
import { loraBackward, loraForward } from '../src/engine/ops/lora.ts';
import { Rng } from '../src/util/rng.ts';

await selectNodeDriver(); // the system's GPU when there is one, else SwiftShader (src/engine/adapter-choice.ts)

const T = 128; // tokens per step (B * T rows)
const LAYERS = [
  // smallest first: its speed decides which larger shapes fit the time budget
  { name: 'k_proj / v_proj', I: 896, O: 128 },
  { name: 'q_proj / o_proj', I: 896, O: 896 },
  { name: 'gate_proj / up_proj', I: 896, O: 4864 },
  { name: 'down_proj', I: 4864, O: 896 },
];
const LM_HEAD = { name: 'lm_head', I: 896, O: 151936 };
const LORA_RANK = 16;

interface Timing {
  ms: number;
  reps: number;
  clock: 'gpu-timestamp' | 'wall';
}

async function timeStep(rt: GpuRuntime, run: () => void, budgetMs: number): Promise<Timing> {
  const once = async (reps: number): Promise<{ wall: number; gpu: number | null }> => {
    const t0 = performance.now();
    rt.beginStep({ timed: true });
    for (let r = 0; r < reps; r++) run();
    rt.submit();
    await rt.sync();
    const wall = performance.now() - t0;
    const ns = rt.features.timestamps ? await rt.lastStepNs() : null;
    return { wall, gpu: ns && ns > 0 ? ns / 1e6 : null };
  };
  const warm = await once(1); // compiles pipelines, first touch of buffers
  const reps = Math.max(1, Math.min(20, Math.floor(budgetMs / Math.max(warm.wall, 1e-3))));
  const m = await once(reps);
  return m.gpu !== null ? { ms: m.gpu / reps, reps, clock: 'gpu-timestamp' } : { ms: m.wall / reps, reps, clock: 'wall' };
}

function gflops(flops: number, ms: number): number {
  return Number((flops / (ms * 1e6)).toFixed(3));
}

/** budgetMs: time aimed at per measurement; maxRunMs: shapes whose single run would exceed it are skipped. */
export async function benchEngine(budgetMs = 1500, maxRunMs = 5000): Promise<object> {
  const rt = await GpuRuntime.create();
  const rng = new Rng(1);
  const rand = (n: number, s = 1): Float32Array => Float32Array.from({ length: n }, () => rng.normal() * s);
  const held: GpuTensor[] = [];
  const up = (n: number, shape: number[], s = 1): GpuTensor => {
    const t = rt.upload(rand(n, s), shape);
    held.push(t);
    return t;
  };
  const empty = (shape: number[]): GpuTensor => {
    const t = rt.empty(shape);
    held.push(t);
    return t;
  };
  try {
    const info = (rt.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    const results: object[] = [];
    const measure = async (layer: { name: string; I: number; O: number }) => {
      const { I, O } = layer;
      const inp = up(T * I, [T, I]);
      const W = up(O * I, [O, I], 0.02);
      const out = empty([T, O]);
      const dout = up(T * O, [T, O]);
      const dinp = empty([T, I]);
      const flops = 2 * T * I * O;
      const fwd = await timeStep(rt, () => matmulForward(rt, out, inp, W), budgetMs);
      const bwd = await timeStep(rt, () => matmulBackward(rt, dinp, dout, W), budgetMs);
      const A = up(LORA_RANK * I, [LORA_RANK, I], 0.02);
      const B = up(O * LORA_RANK, [O, LORA_RANK], 0.02);
      const h = empty([T, LORA_RANK]);
      const dh = empty([T, LORA_RANK]);
      const dA = empty([LORA_RANK, I]);
      const dB = empty([O, LORA_RANK]);
      const loraFlops = 2 * T * LORA_RANK * (I + O) * 3; // forward 2 GEMMs, backward 4
      const lora = await timeStep(
        rt,
        () => {
          loraForward(rt, out, h, inp, A, B, 2);
          loraBackward(rt, dinp, dA, dB, dh, dout, inp, A, B, h, 2);
        },
        budgetMs,
      );
      results.push({
        layer: layer.name,
        shape: `(${T}, ${I}) @ (${O}, ${I})^T`,
        forward: { ms: Number(fwd.ms.toFixed(3)), gflops: gflops(flops, fwd.ms), reps: fwd.reps, clock: fwd.clock },
        backwardDinp: { ms: Number(bwd.ms.toFixed(3)), gflops: gflops(flops, bwd.ms), reps: bwd.reps, clock: bwd.clock },
        loraR16ForwardBackward: { ms: Number(lora.ms.toFixed(3)), gflops: gflops(loraFlops, lora.ms), reps: lora.reps },
      });
      for (const t of held.splice(0)) rt.release(t);
      return gflops(flops, fwd.ms);
    };
    // Software adapters (SwiftShader) run at ~0.1 GFLOP/s: shapes that would take minutes are estimated, not run.
    let best = 0;
    const skipped: object[] = [];
    for (const layer of [...LAYERS, LM_HEAD]) {
      const estMs = best > 0 ? (2 * T * layer.I * layer.O) / (best * 1e6) : 0;
      if (estMs > maxRunMs) skipped.push({ layer: layer.name, reason: `one run estimated at ${(estMs / 1000).toFixed(0)} s at ${best} GFLOP/s` });
      else best = Math.max(best, await measure(layer));
    }
    return {
      adapter: info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : 'unknown',
      features: rt.features,
      tokens: T,
      loraRank: LORA_RANK,
      matmul: results,
      skipped,
      peakGpuBytes: rt.stats.peakBytes,
    };
  } finally {
    rt.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchEngine(), null, 2));
  process.exit(0);
}
