// The DPO trainer on the WebGPU engine: it raises the chosen-over-rejected margin and the policy's
// log-probability of the chosen answers, and one step matches the CPU twin's loss and gradients.
import { describe, expect, it } from 'vitest';
import { runtime, compareRel } from './helpers.ts';
import { cpuBackend, gpuBackend, type Backend, type Tensor } from '../../src/engine/backend.ts';
import { Decoder, Workspace } from '../../src/model/decoder.ts';
import { LoraParams } from '../../src/model/lora-params.ts';
import type { LoraAdapter } from '../../src/model/lora-types.ts';
import { loadModelFolder } from '../../src/model/weights.ts';
import { tinyModelFiles } from '../../src/model/tiny-model.ts';
import { referenceLogprobs, trainDpo, type DpoStepMetrics } from '../../src/training/dpo.ts';
import { toyPairs, randomAdapter } from '../helpers/toy.ts';

const model = await loadModelFolder(tinyModelFiles(0));
const cfg = model.config;

function adapter(seed: number, bScale: number): LoraAdapter {
  return randomAdapter(cfg, seed, bScale, 4, ['q_proj', 'v_proj', 'down_proj']);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('DPO on the GPU', () => {
  it('raises the chosen-over-rejected margin and the log-probability of the chosen answers', async () => {
    const be = gpuBackend(await runtime());
    const dec = new Decoder(be, cfg, model.weights);
    const pairs = toyPairs(8, 13);
    const sft = adapter(3, 0.05);
    const policy = LoraParams.create(be, sft);
    const reference = LoraParams.create(be, sft);
    const ws = new Workspace(be, cfg, 16, 8, Decoder.loraRanks(policy));
    const out = be.zeros([ws.N]);
    const before = await referenceLogprobs(be, dec, policy, ws, out, pairs, 8);
    const steps: DpoStepMetrics[] = [];
    const res = await trainDpo(be, dec, policy, reference, pairs, {
      beta: 0.1,
      epochs: 2,
      batchSize: 4,
      learningRate: 1e-2,
      warmupRatio: 0,
      seed: 4,
      onStep: (m) => void steps.push(m),
    });
    console.log(
      steps
        .map(
          (s) => `step ${s.step}: loss ${s.loss.toFixed(4)} margin ${s.margin.toFixed(3)} acc ${s.accuracy.toFixed(2)} lr ${s.learningRate.toExponential(2)}`,
        )
        .join('\n'),
    );
    const after = await referenceLogprobs(be, dec, policy, ws, out, pairs, 8);
    const marginBefore = mean(pairs.map((_, i) => before.chosen[i] - before.rejected[i]));
    const marginAfter = mean(pairs.map((_, i) => after.chosen[i] - after.rejected[i]));
    console.log(
      `margin (πc − πr) before ${marginBefore.toFixed(3)} after ${marginAfter.toFixed(3)}; chosen log-prob before ${mean(before.chosen).toFixed(3)} after ${mean(after.chosen).toFixed(3)}`,
    );
    expect(res.skippedSteps).toBe(0);
    expect(res.steps).toBe(4);
    expect(Math.abs(steps[0].margin)).toBeLessThan(1e-3); // policy = reference at the start
    expect(marginAfter).toBeGreaterThan(marginBefore + 1);
    expect(mean(after.chosen)).toBeGreaterThan(mean(before.chosen) + 0.5);
    expect(steps.at(-1)!.loss).toBeLessThan(0.6);
    ws.release();
    dec.release();
  });

  it('one step gives the same loss and gradients as the CPU twin', async () => {
    const pairs = toyPairs(4, 17);
    const got: { step: DpoStepMetrics; grads: Float32Array }[] = [];
    for (const be of [gpuBackend(await runtime()), cpuBackend()] as Backend<Tensor>[]) {
      const dec = new Decoder(be, cfg, model.weights);
      const policy = LoraParams.create(be, adapter(5, 0.05));
      const reference = LoraParams.create(be, adapter(8, 0.05));
      const steps: DpoStepMetrics[] = [];
      await trainDpo(be, dec, policy, reference, pairs, {
        beta: 0.5,
        epochs: 1,
        batchSize: 4,
        learningRate: 1e-2,
        seed: 2,
        maxSteps: 1,
        onStep: (m) => void steps.push(m),
      });
      // The trainer leaves the step's clipped gradients in policy.grads.
      got.push({ step: steps[0], grads: await be.read(policy.grads) });
    }
    const [gpu, cpu] = got;
    console.log(`dpo step: gpu loss ${gpu.step.loss} margin ${gpu.step.margin}; cpu loss ${cpu.step.loss} margin ${cpu.step.margin}`);
    expect(Math.abs(cpu.step.margin)).toBeGreaterThan(1e-2); // the adapters differ: a real margin
    expect(Math.abs(gpu.step.loss - cpu.step.loss)).toBeLessThan(1e-4);
    expect(Math.abs(gpu.step.margin - cpu.step.margin)).toBeLessThan(1e-3);
    expect(Math.abs(gpu.step.gradNorm - cpu.step.gradNorm)).toBeLessThan(1e-3 * cpu.step.gradNorm);
    expect(compareRel('dpo LoRA grads', gpu.grads, cpu.grads)).toBeLessThan(1e-3);
    expect(Math.max(...cpu.grads.map(Math.abs))).toBeGreaterThan(1e-4);
  });
});
