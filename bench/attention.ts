// Attention kernel throughput for a 0.5B-model shape (Qwen2.5-0.5B: NH 14, NKV 2, HS 64), T 256.
// Run alone with `npx tsx bench/attention.ts`, or through `npm run bench`.
//
// FLOPs follow the FlashAttention papers' convention: forward = 2 matmuls of T x T x HS per head,
// halved for the causal mask (4 * B * NH * T^2 * HS / 2); backward = 2.5 x forward (5 matmuls).
// Times are wall clock around a submitted step and `rt.sync()`, the mean of several runs after a warm-up.
import { selectNodeDriver } from '../src/engine/node-driver.ts';
import { GpuRuntime } from '../src/engine/runtime.ts';
import { attentionBackward, attentionDecode, attentionForward } from '../src/engine/ops/attention.ts';
import { Rng } from '../src/util/rng.ts';

await selectNodeDriver(); // the system's GPU when there is one, else SwiftShader (src/engine/adapter-choice.ts)

interface Shape {
  B: number;
  T: number;
  NH: number;
  NKV: number;
  HS: number;
}

async function timeIt(rt: GpuRuntime, run: () => void, budgetMs: number): Promise<{ ms: number; runs: number }> {
  rt.beginStep();
  run();
  rt.submit();
  await rt.sync(); // warm-up: compiles pipelines, touches buffers
  let runs = 0;
  const t0 = performance.now();
  do {
    rt.beginStep();
    run();
    rt.submit();
    await rt.sync();
    runs++;
  } while (performance.now() - t0 < budgetMs && runs < 50);
  return { ms: (performance.now() - t0) / runs, runs };
}

export async function benchAttention(shape: Shape = { B: 1, T: 256, NH: 14, NKV: 2, HS: 64 }, budgetMs = 2000): Promise<object> {
  const { B, T, NH, NKV, HS } = shape;
  const rt = await GpuRuntime.create();
  try {
    const info = (rt.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    const rng = new Rng(1);
    const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
    const nq = B * T * NH * HS,
      nk = B * T * NKV * HS;
    const q = rt.upload(rand(nq), [B, T, NH * HS]),
      k = rt.upload(rand(nk), [B, T, NKV * HS]),
      v = rt.upload(rand(nk), [B, T, NKV * HS]);
    const dout = rt.upload(rand(nq), [B, T, NH * HS]);
    const out = rt.empty([B, T, NH * HS]),
      lse = rt.empty([B, NH, T]),
      delta = rt.empty([B, NH, T]);
    const dq = rt.empty([B, T, NH * HS]),
      dk = rt.empty([B, T, NKV * HS]),
      dv = rt.empty([B, T, NKV * HS]);

    const fwdFlops = (4 * B * NH * T * T * HS) / 2;
    const bwdFlops = 2.5 * fwdFlops;
    const fwd = await timeIt(rt, () => attentionForward(rt, out, lse, q, k, v, B, T, NH, NKV, HS), budgetMs);
    const both = await timeIt(
      rt,
      () => {
        attentionForward(rt, out, lse, q, k, v, B, T, NH, NKV, HS);
        attentionBackward(rt, dq, dk, dv, delta, dout, out, lse, q, k, v, B, T, NH, NKV, HS);
      },
      budgetMs,
    );
    // One decode step against a full cache of T keys (the cache is just k / v here).
    const qd = rt.upload(rand(B * NH * HS), [B, 1, NH * HS]),
      od = rt.empty([B, 1, NH * HS]);
    const dec = await timeIt(rt, () => attentionDecode(rt, od, qd, k, v, B, 1, NH, NKV, HS, T - 1, T), budgetMs / 2);
    const gf = (flops: number, ms: number): number => Number((flops / (ms * 1e6)).toFixed(3));
    return {
      adapter: info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : 'unknown',
      shape,
      forward: { ms: Number(fwd.ms.toFixed(2)), runs: fwd.runs, gflops: gf(fwdFlops, fwd.ms) },
      forwardBackward: { ms: Number(both.ms.toFixed(2)), runs: both.runs, gflops: gf(fwdFlops + bwdFlops, both.ms) },
      decodeStep: { ms: Number(dec.ms.toFixed(3)), runs: dec.runs, cacheLength: T },
    };
  } finally {
    rt.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchAttention(), null, 2));
  process.exit(0);
}
