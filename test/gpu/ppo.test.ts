// PPO on the WebGPU engine with the tiny model: a toy reward rises while KL stays bounded, a NaN reward
// skips its step without touching the parameters, and the KL runaway rule stops a phase pushed too hard.
import { describe, expect, it } from 'vitest';
import { runtime } from './helpers.ts';
import { cpuBackend, gpuBackend, type Backend, type Tensor } from '../../src/engine/backend.ts';
import { Decoder, Workspace } from '../../src/model/decoder.ts';
import { LoraParams } from '../../src/model/lora-params.ts';
import { initLora, type LoraAdapter } from '../../src/model/lora-types.ts';
import { loadModelFolder } from '../../src/model/weights.ts';
import { TINY_IDS, tinyModelFiles } from '../../src/model/tiny-model.ts';
import { adaptiveKlCoef, trainPpo, type PpoOptions, type PpoStepLog, type RewardFn } from '../../src/training/ppo.ts';
import { ScalarHead } from '../../src/training/seq.ts';
import { Rng } from '../../src/util/rng.ts';

const model = await loadModelFolder(tinyModelFiles(0));
const cfg = model.config;
const C = cfg.hiddenSize,
  V = cfg.vocabSize;

/** The "SFT adapter": small non-zero B so the reference already differs from the base. */
function sftAdapter(seed: number): LoraAdapter {
  const a = initLora(
    cfg,
    { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj', 'o_proj', 'up_proj', 'down_proj'], useRslora: false },
    new Rng(seed),
  );
  const rng = new Rng(seed + 1);
  for (const layer of a.layers.values()) for (let i = 0; i < layer.B.length; i++) layer.B[i] = rng.normal() * 0.02;
  return a;
}

/** Toy prompts: BOS, <|im_start|>, two ordinary tokens. */
const prompts = Array.from({ length: 6 }, (_, i) => [TINY_IDS.bos, TINY_IDS.imStart, 40 + 7 * i, 100 + 11 * i]);

/**
 * The target set: token ids whose lm_head row points along a fixed random direction u (about half the
 * vocabulary), so a policy can raise the reward by moving its final hidden state along u.
 */
function targetSet(seed: number): Set<number> {
  const W = model.weights.get('lm_head.weight')!; // (V, C)
  const rng = new Rng(seed);
  const u = Array.from({ length: C }, () => rng.normal());
  const out = new Set<number>();
  for (let id = 0; id < V; id++) {
    let d = 0;
    for (let c = 0; c < C; c++) d += W[id * C + c] * u[c];
    if (d > 0) out.add(id);
  }
  return out;
}

const target = targetSet(5);
/** Reward = 1 when the first response token is in the target set. */
const firstTokenReward: RewardFn = async (seqs) => seqs.map((s) => (target.has(s.responseIds[0]) ? 1 : 0));

/**
 * Exact, noise-free view of the policy at the first response position, averaged over the prompts:
 * the expected reward P(first token in the target set) and KL(policy ‖ reference) in nats.
 */
async function probe<T extends Tensor>(be: Backend<T>, dec: Decoder<T>, policy: LoraParams<T>, reference: LoraParams<T>) {
  const P = prompts[0].length;
  const ws = new Workspace(be, cfg, prompts.length, P, Decoder.loraRanks(policy));
  ws.setBatch(Uint32Array.from(prompts.flat()), new Uint32Array(prompts.length).fill(P));
  const lastRows = async (lora: LoraParams<T>) => {
    be.beginStep();
    dec.forward(ws, lora);
    be.submit();
    const logits = await be.read(ws.logits!);
    return prompts.map((_, b) => {
      const row = logits.subarray((b * P + P - 1) * V, (b * P + P) * V);
      const m = Math.max(...row);
      const e = Array.from(row, (x) => Math.exp(x - m));
      const z = e.reduce((a, x) => a + x, 0);
      return e.map((x) => x / z);
    });
  };
  const p = await lastRows(policy),
    q = await lastRows(reference);
  ws.release();
  let reward = 0,
    kl = 0;
  p.forEach((row, b) =>
    row.forEach((pi, i) => {
      if (target.has(i)) reward += pi;
      kl += pi * Math.log(pi / q[b][i]);
    }),
  );
  return { expectedReward: reward / p.length, kl: kl / p.length };
}

async function setup<T extends Tensor>(be: Backend<T>, seed: number) {
  const dec = new Decoder(be, cfg, model.weights);
  const sft = sftAdapter(seed);
  const reference = LoraParams.create(be, sft);
  const policy = LoraParams.create(be, sft);
  const value = new ScalarHead(be, C, 8 * 16);
  const release = () => {
    reference.release();
    policy.release();
    value.release();
    dec.release();
  };
  return { be, dec, reference, policy, value, release };
}
const gpu = async (seed: number) => setup(gpuBackend(await runtime()), seed);

const base: Omit<PpoOptions, 'steps' | 'learningRate'> = { batchSize: 4, ppoEpochs: 2, maxNewTokens: 1, seed: 3, temperature: 1 };
const show = (tag: string) => (m: PpoStepLog) =>
  console.log(
    `${tag} step ${m.step}: reward ${m.meanReward.toFixed(3)} score ${m.meanScore.toFixed(3)} ` +
      `kl ${m.kl.toFixed(4)} β ${m.klCoef.toFixed(5)} H ${m.entropy.toFixed(3)} clip ${m.clipFraction.toFixed(2)} akl ${m.approxKl.toExponential(2)} ` +
      `vf ${m.valueLoss.toFixed(4)} pg ${m.policyLoss.toFixed(4)} |g| ${m.gradNorm.toFixed(3)} skipped ${m.skipped}`,
  );

describe('ppo', () => {
  it('raises the expected reward on a toy reward while KL(policy ‖ reference) stays below 1 nat, matching the CPU twin', async () => {
    const g = await gpu(1);
    const before = await probe(g.be, g.dec, g.policy, g.reference);
    const t0 = Date.now();
    const opts: PpoOptions = { ...base, steps: 8, learningRate: 1e-3, klStop: 0 }; // the runaway rule has its own test
    const res = await trainPpo(g.be, g.dec, g.policy, g.reference, g.value, prompts, firstTokenReward, [TINY_IDS.endOfText], { ...opts, onStep: show('gpu') });
    console.log(`ppo: ${opts.steps} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const after = await probe(g.be, g.dec, g.policy, g.reference);
    console.log(
      `ppo: expected reward ${before.expectedReward.toFixed(3)} → ${after.expectedReward.toFixed(3)}, exact KL ${before.kl.toFixed(4)} → ${after.kl.toFixed(4)} nats`,
    );
    expect(res.skippedSteps).toBe(0);
    expect(res.stoppedReason).toBeNull();
    expect(res.history).toHaveLength(8);
    expect(before.kl).toBeLessThan(1e-6); // the policy starts as a copy of the SFT adapter
    expect(after.expectedReward).toBeGreaterThan(before.expectedReward + 0.15);
    expect(after.kl).toBeLessThan(1.0);
    const h = res.history;
    expect((h[5].meanReward + h[6].meanReward + h[7].meanReward) / 3).toBeGreaterThan((h[0].meanReward + h[1].meanReward + h[2].meanReward) / 3);
    for (const m of h) {
      expect(Math.abs(m.kl)).toBeLessThan(1.5);
      for (const k of ['entropy', 'clipFraction', 'approxKl', 'valueLoss', 'policyLoss', 'meanScore', 'gradNorm'] as const)
        expect(Number.isFinite(m[k])).toBe(true);
    }
    // β follows the adaptive controller from 0.2 (target 0.05, 4 rollouts per step, horizon 10000).
    expect(h[0].klCoef).toBe(0.2);
    for (let i = 1; i < h.length; i++) expect(h[i].klCoef).toBeCloseTo(adaptiveKlCoef(h[i - 1].klCoef, h[i - 1].kl, 0.05, 4, 10000), 12);
    g.release();

    // The same run on the CPU twin: identical rollouts, the same logged metrics for the first steps.
    const c = await setup(cpuBackend(), 1);
    const twin = await trainPpo(c.be, c.dec, c.policy, c.reference, c.value, prompts, firstTokenReward, [TINY_IDS.endOfText], { ...opts, steps: 3 });
    c.release();
    for (let i = 0; i < 3; i++) {
      expect(twin.history[i].meanReward).toBe(h[i].meanReward);
      for (const k of ['kl', 'policyLoss', 'valueLoss', 'approxKl', 'entropy'] as const) expect(Math.abs(twin.history[i][k] - h[i][k])).toBeLessThan(2e-3);
    }
  });

  it('skips and counts a step whose reward is NaN, leaving the parameters untouched', async () => {
    const { be, dec, reference, policy, value, release } = await gpu(2);
    let calls = 0;
    const nanOnSecond: RewardFn = async (seqs) => {
      calls++;
      const r = seqs.map((s) => (s.responseIds[0] % 7) / 7); // varies between rollouts, so every update moves the parameters
      return calls === 2 ? r.map((x, i) => (i === 1 ? NaN : x)) : r;
    };
    const params: Float32Array[] = [await be.read(policy.params)];
    const heads: Float32Array[] = [await be.read(value.params)];
    const res = await trainPpo(be, dec, policy, reference, value, prompts, nanOnSecond, [TINY_IDS.endOfText], {
      ...base,
      ppoEpochs: 1,
      steps: 3,
      learningRate: 1e-3,
      onStep: async (m) => {
        show('nan')(m);
        params.push(await be.read(policy.params));
        heads.push(await be.read(value.params));
      },
    });
    expect(res.skippedSteps).toBe(1);
    expect(res.history.map((m) => m.skipped)).toEqual([false, true, false]);
    expect(Number.isNaN(res.history[1].meanReward)).toBe(true);
    const same = (a: Float32Array, b: Float32Array) => a.every((x, i) => x === b[i]);
    expect(same(params[0], params[1])).toBe(false); // step 1 updated
    expect(same(params[1], params[2])).toBe(true); // step 2 skipped
    expect(same(heads[1], heads[2])).toBe(true);
    expect(same(params[2], params[3])).toBe(false); // step 3 updated again
    release();
  });

  it('stops the phase on a KL runaway (a huge learning rate, no KL penalty)', async () => {
    const { be, dec, reference, policy, value, release } = await gpu(3);
    const res = await trainPpo(be, dec, policy, reference, value, prompts, firstTokenReward, [TINY_IDS.endOfText], {
      ...base,
      steps: 10,
      learningRate: 0.02,
      klCoef: 0,
      adaptiveKl: false,
      klTarget: 0.02,
      klStop: 10,
      klStopPatience: 3,
      onStep: show('runaway'),
    });
    console.log(`runaway: ${res.stoppedReason}`);
    expect(res.stoppedReason).toMatch(/KL runaway at step \d+: mean KL .* exceeded 10 × klTarget \(0\.02\)/);
    expect(res.history.length).toBeLessThan(10);
    expect(res.history.slice(-3).every((m) => !m.skipped && m.kl > 0.2)).toBe(true);
    release();
  });
});
