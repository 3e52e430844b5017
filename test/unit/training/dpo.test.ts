// The DPO trainer on the CPU twin: its gradient equals central finite differences of the DPO loss (plain
// and conservative, with label smoothing), and a few steps raise the chosen-over-rejected margin.
import { describe, expect, it } from 'vitest';
import { cpuBackend, type CpuTensor } from '../../../src/engine/backend.ts';
import { Decoder, Workspace } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora, type LoraAdapter } from '../../../src/model/lora-types.ts';
import { loadModelFolder } from '../../../src/model/weights.ts';
import { tinyModelFiles } from '../../../src/model/tiny-model.ts';
import { dpoPairLoss, referenceLogprobs, trainDpo, type DpoStepMetrics } from '../../../src/training/dpo.ts';
import { softplusNeg, type PairTokens } from '../../../src/training/reward.ts';
import { Rng } from '../../../src/util/rng.ts';
import { randomAdapter } from '../../helpers/toy.ts';

const model = await loadModelFolder(tinyModelFiles(0));
const cfg = model.config;
const be = cpuBackend();
const dec = new Decoder(be, cfg, model.weights);
const BOS = 507;

/** Prompt of 4 random tokens; answers of 3 tokens that differ in every position (so no cancellation). */
function toyPairs(n: number, seed: number): PairTokens[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const prompt = [BOS, ...Array.from({ length: 3 + (i % 2) }, () => rng.int(500))];
    const ex = (answer: number[]) => ({ ids: [...prompt, ...answer], lossMask: [...prompt.map(() => 0), ...answer.map(() => 1)] });
    return { chosen: ex([rng.int(500), rng.int(500), 100]), rejected: ex([rng.int(500), rng.int(500), 200]) };
  });
}

function adapter(seed: number, bScale: number): LoraAdapter {
  return randomAdapter(cfg, seed, bScale, 2, ['q_proj', 'v_proj', 'down_proj']);
}

describe('conservative DPO loss (label smoothing ε)', () => {
  it('is −(1−ε)·log σ(z) − ε·log σ(−z), with g = −dLoss/dz by central differences', () => {
    for (const eps of [0, 0.1, 0.3, 0.5]) {
      for (const z of [-30, -2.5, -0.1, 0, 0.7, 4, 30]) {
        const { loss, g } = dpoPairLoss(z, eps);
        const want = -(1 - eps) * Math.log(1 / (1 + Math.exp(-z))) - eps * Math.log(1 / (1 + Math.exp(z)));
        expect(loss).toBeCloseTo(want, 9);
        const h = 1e-5;
        const numeric = -(dpoPairLoss(z + h, eps).loss - dpoPairLoss(z - h, eps).loss) / (2 * h);
        expect(Math.abs(g - numeric)).toBeLessThan(1e-7);
      }
    }
  });
  it('ε = 0 is plain DPO bit for bit; ε = 0.5 has its minimum at z = 0', () => {
    for (const z of [-3, 0.2, 5]) {
      expect(dpoPairLoss(z, 0).loss).toBe(softplusNeg(z));
      expect(dpoPairLoss(z, 0).g).toBeCloseTo(1 / (1 + Math.exp(z)), 15);
    }
    expect(dpoPairLoss(0, 0.5).g).toBe(0);
    expect(dpoPairLoss(2, 0.5).g).toBeLessThan(0); // past 0 it pulls the margin back
  });
});

describe('DPO (CPU twin)', () => {
  it.each([0, 0.2])('the gradient of one step equals central finite differences of the DPO loss (label smoothing %s)', async (ls) => {
    const pairs = toyPairs(3, 5);
    const policy = LoraParams.create(be, adapter(1, 0.1));
    const reference = LoraParams.create(be, adapter(7, 0.1));
    const beta = 0.5;
    const steps: DpoStepMetrics[] = [];
    // lr 0, no clipping: the gradient of step 1 stays in policy.grads, parameters unchanged.
    await trainDpo(be, dec, policy, reference, pairs, {
      beta,
      labelSmoothing: ls,
      epochs: 1,
      batchSize: 3,
      learningRate: 0,
      maxGradNorm: 1e9,
      seed: 1,
      onStep: (m) => void steps.push(m),
    });
    const grads = await be.read(policy.grads);
    const T = Math.max(...pairs.flatMap((p) => [p.chosen.ids.length, p.rejected.ids.length]));
    const ws = new Workspace(be, cfg, 6, T, Decoder.loraRanks(policy));
    const out = be.zeros([ws.N]);
    const ref = await referenceLogprobs(be, dec, reference, ws, out, pairs, 3);
    const lossAt = async (): Promise<number> => {
      const pol = await referenceLogprobs(be, dec, policy, ws, out, pairs, 3);
      let l = 0;
      for (let i = 0; i < pairs.length; i++) {
        const z = beta * (pol.chosen[i] - ref.chosen[i] - (pol.rejected[i] - ref.rejected[i]));
        l += ((1 - ls) * softplusNeg(z) + ls * softplusNeg(-z)) / pairs.length; // written out, not dpoPairLoss
      }
      return l;
    };
    expect(steps[0].loss).toBeCloseTo(await lossAt(), 5);
    const data = (policy.params as CpuTensor).data as Float32Array;
    const mods = [...policy.modules.values()];
    const picks: number[] = [];
    for (const mod of [mods[0], mods.at(-1)!]) {
      for (const [off, len] of [
        [mod.offsetA, mod.r * mod.inFeatures],
        [mod.offsetB, mod.outFeatures * mod.r],
      ]) {
        let best = off;
        for (let i = off; i < off + len; i++) if (Math.abs(grads[i]) > Math.abs(grads[best])) best = i;
        picks.push(best);
      }
    }
    for (const i of picks) {
      const x = data[i],
        eps = 1e-2;
      data[i] = x + eps;
      const lp = await lossAt();
      data[i] = x - eps;
      const lm = await lossAt();
      data[i] = x;
      const numeric = (lp - lm) / (2 * eps);
      console.log(`dpo (ε ${ls}) grad[${i}]: analytic ${grads[i].toExponential(4)} numeric ${numeric.toExponential(4)}`);
      expect(Math.abs(grads[i])).toBeGreaterThan(1e-5);
      expect(Math.abs(grads[i] - numeric)).toBeLessThan(2e-2 * Math.abs(numeric) + 1e-5);
    }
  });

  it('raises the margin from zero (policy = reference at the start)', async () => {
    const pairs = toyPairs(4, 9);
    const sft = adapter(3, 0.05);
    const policy = LoraParams.create(be, sft);
    const reference = LoraParams.create(be, sft);
    const steps: DpoStepMetrics[] = [];
    const res = await trainDpo(be, dec, policy, reference, pairs, {
      beta: 0.1,
      epochs: 4,
      batchSize: 2,
      learningRate: 2e-2,
      seed: 2,
      onStep: (m) => void steps.push(m),
    });
    console.log(steps.map((s) => `step ${s.step}: loss ${s.loss.toFixed(4)} margin ${s.margin.toFixed(3)} lr ${s.learningRate.toExponential(2)}`).join('\n'));
    expect(res.steps).toBe(8);
    expect(res.history).toEqual(steps);
    expect(res.skippedSteps).toBe(0);
    expect(Math.abs(steps[0].margin)).toBeLessThan(1e-4); // identical adapters: zero margin, loss ln 2
    expect(steps[0].loss).toBeCloseTo(Math.LN2, 4);
    expect(steps.at(-1)!.margin).toBeGreaterThan(1);
    expect(steps.at(-1)!.loss).toBeLessThan(steps[0].loss);
    expect(steps.at(-1)!.chosenReward).toBeGreaterThan(steps.at(-1)!.rejectedReward);
  });

  it('a run stopped at a step and resumed from its state ends with the same adapter', async () => {
    const pairs = toyPairs(4, 21);
    const sft = adapter(4, 0.05);
    const opts = { beta: 0.2, epochs: 2, batchSize: 2, learningRate: 1e-2, seed: 6 };
    const whole = LoraParams.create(be, sft);
    const full = await trainDpo(be, dec, whole, LoraParams.create(be, sft), pairs, opts);
    const first = LoraParams.create(be, sft);
    const a = await trainDpo(be, dec, first, LoraParams.create(be, sft), pairs, { ...opts, untilStep: 2 });
    const resumed = LoraParams.create(be, sft);
    resumed.writeState(await first.readState());
    const b = await trainDpo(be, dec, resumed, LoraParams.create(be, sft), pairs, { ...opts, startStep: 2 });
    expect(a.steps).toBe(2);
    expect(b.history.map((m) => m.step)).toEqual([3, 4]);
    expect([...a.history, ...b.history]).toEqual(full.history);
    expect(Array.from(await be.read(resumed.params))).toEqual(Array.from(await be.read(whole.params)));
  });

  it('skips and counts non-finite steps', async () => {
    const pairs = toyPairs(4, 3);
    const bad = adapter(2, 0.05);
    bad.layers.values().next().value!.B[0] = Infinity;
    const policy = LoraParams.create(be, bad);
    const before = await be.read(policy.params);
    const res = await trainDpo(be, dec, policy, LoraParams.create(be, adapter(2, 0.05)), pairs, { epochs: 1, batchSize: 2, learningRate: 1e-2, seed: 1 });
    expect(res.steps).toBe(2);
    expect(res.skippedSteps).toBe(2);
    expect(res.history.every((m) => m.skipped)).toBe(true);
    expect(Array.from(await be.read(policy.params))).toEqual(Array.from(before));
  });

  it('refuses a reference adapter with another layout', async () => {
    const pairs = toyPairs(2, 1);
    const other = LoraParams.create(be, initLora(cfg, { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj'], useRslora: false }, new Rng(1)));
    await expect(
      trainDpo(be, dec, LoraParams.create(be, adapter(1, 0)), other, pairs, { epochs: 1, batchSize: 1, learningRate: 1e-3, seed: 1 }),
    ).rejects.toThrow(/reference adapter's layout differs/);
  });
});
