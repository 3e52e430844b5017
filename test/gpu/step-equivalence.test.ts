// Issue 19's training step, before and after the fused kernels: a short SFT run on the generated tiny model
// (B 2 × T 64, LoRA r 8 on q, v, o) must give, step by step, the CPU twin's losses and the losses recorded
// before the kernels were fused, in both kernel profiles; a run resumed from saved state must be bit-exact.
// Also reports the dispatches per step (and which ops they are) and holds a step to one submit and one read-back.
import { describe, expect, it } from 'vitest';
import { PROFILES, runtime } from './helpers.ts';
import { cpuBackend, gpuBackend, type Backend, type Tensor } from '../../src/engine/backend.ts';
import { Decoder } from '../../src/model/decoder.ts';
import { LoraParams } from '../../src/model/lora-params.ts';
import { initLora, type LoraConfig } from '../../src/model/lora-types.ts';
import { loadModelFolder } from '../../src/model/weights.ts';
import { tinyModelFiles } from '../../src/model/tiny-model.ts';
import { trainSft, type SftOptions, type TokenizedExample } from '../../src/training/sft.ts';
import { Rng } from '../../src/util/rng.ts';

const model = await loadModelFolder(tinyModelFiles(0));
const cfg = model.config;
const LORA: LoraConfig = { r: 8, alpha: 16, dropout: 0, targetModules: ['q_proj', 'v_proj', 'o_proj'], useRslora: false };
const B = 2,
  T = 64,
  STEPS = 6;
const rng = new Rng(7);
const EXAMPLES: TokenizedExample[] = Array.from({ length: B }, () => {
  const ids = Array.from({ length: T }, () => rng.int(cfg.vocabSize));
  return { ids, lossMask: ids.map((_, t) => (t >= 16 ? 1 : 0)) };
});
const OPTS: SftOptions = { epochs: STEPS, batchSize: B, learningRate: 1e-3, seed: 3, maxSteps: STEPS, warmupRatio: 0 };

/**
 * The same run's losses on SwiftShader before the fused kernels (tiled GEMM, workgroup-per-row norms, separate
 * residual adds, clip scale and AdamW dispatches, two read-backs a step), printed with 6 decimals.
 */
const RECORDED = [14.08418, 13.890325, 13.705177, 13.565118, 13.489161, 13.467857];
/** Relative tolerance against the twin and the recording: f32 kernels summing in another order, over 6 steps. */
const TOL = 1e-5;

async function run<T extends Tensor>(
  be: Backend<T>,
  opts: Partial<SftOptions> = {},
  lora = LoraParams.create(be, initLora(cfg, LORA, new Rng(1))),
  onStep?: (step: number) => void,
) {
  const decoder = new Decoder(be, cfg, model.weights);
  const res = await trainSft(be, decoder, lora, EXAMPLES, { ...OPTS, ...opts, onStep: (m) => onStep?.(m.step) });
  decoder.release();
  return { losses: res.losses, lora };
}

describe('SFT step equivalence (tiny model, B 2 × T 64, r 8 on q, v, o)', async () => {
  const cpu = (await run(cpuBackend())).losses;

  for (const profile of PROFILES) {
    it(`${profile} kernels: the losses of ${STEPS} steps equal the twin's and the recorded ones within ${TOL} relative`, async () => {
      const rt = await runtime();
      rt.profile = profile;
      // Steady state: the dispatches of steps 2..STEPS (step 1 follows the workspace's allocation).
      let d0 = 0,
        s0 = 0,
        r0 = 0;
      let ops0: Record<string, number> = {};
      const { losses, lora } = await run(gpuBackend(rt), {}, undefined, (step) => {
        if (step !== 1) return;
        [d0, s0, r0] = [rt.stats.dispatches, rt.stats.submits, rt.stats.readBacks];
        ops0 = { ...rt.stats.dispatchesByOp };
      });
      // One command buffer and one read-back per step ([norm, loss]); the trailing sync adds neither.
      expect((rt.stats.submits - s0) / (STEPS - 1)).toBe(1);
      expect((rt.stats.readBacks - r0) / (STEPS - 1)).toBe(1);
      const perStep = (rt.stats.dispatches - d0) / (STEPS - 1);
      const byOp = Object.entries(rt.stats.dispatchesByOp)
        .map(([k, n]) => [k, (n - (ops0[k] ?? 0)) / (STEPS - 1)] as const)
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1]);
      console.log(`${profile} kernels: ${perStep} dispatches per step: ${byOp.map(([k, n]) => `${k} ${n}`).join(', ')}`);
      console.log(`gpu:      ${losses.map((l) => l.toFixed(6)).join(' ')}\ncpu twin: ${cpu.map((l) => l.toFixed(6)).join(' ')}`);
      for (let i = 0; i < STEPS; i++) {
        expect(Math.abs(losses[i] - cpu[i])).toBeLessThan(TOL * cpu[i]);
        expect(Math.abs(losses[i] - RECORDED[i])).toBeLessThan(TOL * RECORDED[i]);
      }
      // The fusions hold: no separate residual add, clip-scale pass or per-tensor RoPE, one AdamW dispatch per step.
      const ops = new Map(byOp);
      expect(ops.get('util_add')).toBeUndefined();
      expect(ops.get('rope_rotate')).toBeUndefined();
      expect(ops.get('grad_clip_scale')).toBeUndefined();
      expect(ops.get('adamw_clip_update')).toBe(1);
      lora.release();
    });
  }

  it('a run stopped after 3 steps and resumed from its saved parameters and AdamW state is bit-exact', async () => {
    const rt = await runtime();
    const be = gpuBackend(rt);
    const straight = await run(be);
    const first = await run(be, { untilStep: 3 });
    const state = await first.lora.readState();
    const resumed = LoraParams.create(be, initLora(cfg, LORA, new Rng(99)));
    resumed.writeState(state);
    const second = await run(be, { startStep: 3 }, resumed);
    expect([...first.losses, ...second.losses]).toEqual(straight.losses);
    expect(await second.lora.readState()).toEqual(await straight.lora.readState());
    for (const l of [straight.lora, first.lora, second.lora]) l.release();
  });
});
