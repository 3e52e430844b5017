// PPO on the CPU twin of the engine with the tiny model: the joint policy + value backward against finite
// differences (with a sampling temperature), and a longer toy run than the GPU test can afford.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../../src/engine/backend.ts';
import { Decoder, Workspace } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import type { LoraAdapter } from '../../../src/model/lora-types.ts';
import { loadModelFolder } from '../../../src/model/weights.ts';
import { TINY_IDS, tinyModelFiles } from '../../../src/model/tiny-model.ts';
import { trainPpo, type PpoOptions, type PpoState, type RewardFn } from '../../../src/training/ppo.ts';
import { ScalarHead, backwardJoint, pack, writeBatch } from '../../../src/training/seq.ts';
import { Rng } from '../../../src/util/rng.ts';
import { randomAdapter } from '../../helpers/toy.ts';

const model = await loadModelFolder(tinyModelFiles(0));
const cfg = model.config;
const C = cfg.hiddenSize,
  V = cfg.vocabSize;
const be = cpuBackend();

function adapter(seed: number, scale: number): LoraAdapter {
  return randomAdapter(cfg, seed, scale, 4, ['q_proj', 'v_proj', 'o_proj', 'up_proj', 'down_proj']);
}

describe('ppo on the CPU twin', () => {
  it('the joint backward of −Σ w·logp(·/temperature) + Σ dv·value matches finite differences', async () => {
    const dec = new Decoder(be, cfg, model.weights);
    const policy = LoraParams.create(be, adapter(1, 0.05));
    const rng = new Rng(7);
    const value = new ScalarHead(
      be,
      C,
      64,
      Float32Array.from({ length: C + 1 }, () => rng.normal() * 0.2),
    );
    const B = 2,
      T = 6,
      N = B * T,
      temperature = 0.7;
    const ws = new Workspace(be, cfg, B, T, Decoder.loraRanks(policy));
    writeBatch(
      ws,
      pack(
        [
          { ids: [507, 509, 40, 41, 42, 43], lossMask: [0, 0, 0, 1, 1, 1] },
          { ids: [507, 509, 50, 51, 52], lossMask: [0, 0, 0, 1, 1] },
        ],
        B,
        T,
      ),
    );
    const w = new Float32Array(N),
      dv = new Float32Array(N);
    for (const p of [2, 3, 4, 8, 9]) {
      w[p] = rng.normal();
      dv[p] = rng.normal();
    }
    const lp = be.zeros([N]);
    const loss = async () => {
      be.beginStep();
      dec.forward(ws, policy);
      be.scale(ws.logits!, 1 / temperature);
      be.crossEntropyLogprobs(lp, ws.logits!, ws.targets, N, V);
      be.submit();
      const l = await be.read(lp);
      const v = await value.forward(ws);
      let s = 0;
      for (let n = 0; n < N; n++) s += -w[n] * l[n] + dv[n] * v[n];
      return s;
    };
    await loss();
    policy.zeroGrads();
    value.zeroGrads();
    backwardJoint(be, dec, policy, ws, { logprobWeights: w, invTemp: 1 / temperature, head: value, dscore: dv });
    const gL = await be.read(policy.grads),
      gH = await be.read(value.grads);
    // Directional derivative along a random direction over LoRA + head parameters.
    const pL = await be.read(policy.params),
      pH = await be.read(value.params);
    const dL = Float32Array.from(pL, () => rng.normal()),
      dH = Float32Array.from(pH, () => rng.normal());
    let analytic = 0;
    gL.forEach((g, i) => (analytic += g * dL[i]));
    gH.forEach((g, i) => (analytic += g * dH[i]));
    const h = 1e-3;
    const at = async (s: number) => {
      be.write(
        policy.params,
        pL.map((x, i) => x + s * h * dL[i]),
      );
      be.write(
        value.params,
        pH.map((x, i) => x + s * h * dH[i]),
      );
      return loss();
    };
    const numeric = ((await at(1)) - (await at(-1))) / (2 * h);
    console.log(`ppo backward: analytic ${analytic.toFixed(5)}, finite differences ${numeric.toFixed(5)}`);
    expect(Math.abs(analytic - numeric)).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
    ws.release();
  });

  it('raises the expected reward of a toy reward over 12 steps with the KL to the reference below 1 nat', async () => {
    const dec = new Decoder(be, cfg, model.weights);
    const sft = adapter(1, 0.02);
    const reference = LoraParams.create(be, sft);
    const policy = LoraParams.create(be, sft);
    const value = new ScalarHead(be, C, 8 * 6);
    // Target set: ids whose lm_head row points along a random direction (about half the vocabulary).
    const W = model.weights.get('lm_head.weight')!;
    const r = new Rng(5);
    const u = Array.from({ length: C }, () => r.normal());
    const target = new Set<number>();
    for (let id = 0; id < V; id++) {
      let d = 0;
      for (let c = 0; c < C; c++) d += W[id * C + c] * u[c];
      if (d > 0) target.add(id);
    }
    const reward: RewardFn = async (seqs) => seqs.map((s) => (target.has(s.responseIds[0]) ? 1 : 0));
    const prompts = Array.from({ length: 6 }, (_, i) => [TINY_IDS.bos, TINY_IDS.imStart, 40 + 7 * i, 100 + 11 * i]);
    const probe = async () => {
      const ws = new Workspace(be, cfg, prompts.length, 4, Decoder.loraRanks(policy));
      ws.setBatch(Uint32Array.from(prompts.flat()), new Uint32Array(prompts.length).fill(4));
      const rows = async (lora: LoraParams<typeof ws.ids>) => {
        dec.forward(ws, lora);
        const lg = await be.read(ws.logits!);
        return prompts.map((_, b) => {
          const row = Array.from(lg.subarray((b * 4 + 3) * V, (b * 4 + 4) * V));
          const m = Math.max(...row);
          const z = row.reduce((a, x) => a + Math.exp(x - m), 0);
          return row.map((x) => Math.exp(x - m) / z);
        });
      };
      const p = await rows(policy),
        q = await rows(reference);
      ws.release();
      let pS = 0,
        kl = 0;
      p.forEach((row, b) =>
        row.forEach((pi, i) => {
          if (target.has(i)) pS += pi;
          kl += pi * Math.log(pi / q[b][i]);
        }),
      );
      return { expectedReward: pS / p.length, kl: kl / p.length };
    };
    const before = await probe();
    const res = await trainPpo(be, dec, policy, reference, value, prompts, reward, [TINY_IDS.endOfText], {
      steps: 12,
      batchSize: 8,
      ppoEpochs: 2,
      maxNewTokens: 2,
      learningRate: 1e-3,
      seed: 3,
      klStop: 0,
    });
    const after = await probe();
    console.log(
      `ppo (CPU twin): expected reward ${before.expectedReward.toFixed(3)} → ${after.expectedReward.toFixed(3)}, KL ${after.kl.toFixed(4)} nats; ` +
        `sampled rewards ${res.history.map((m) => m.meanReward.toFixed(2)).join(' ')}`,
    );
    expect(res.skippedSteps).toBe(0);
    expect(after.expectedReward).toBeGreaterThan(before.expectedReward + 0.2);
    expect(after.kl).toBeLessThan(1.0);
    expect(res.history.every((m) => m.responseLength >= 1 && m.responseLength <= 2)).toBe(true);
  });

  it("a phase resumed from a step's state ends with the same parameters and metrics as an uninterrupted run", async () => {
    const dec = new Decoder(be, cfg, model.weights);
    const sft = adapter(2, 0.02);
    const prompts = [
      [TINY_IDS.bos, 40, 41],
      [TINY_IDS.bos, 50, 51, 52],
      [TINY_IDS.bos, 60],
      [TINY_IDS.bos, 70, 71],
    ];
    const reward: RewardFn = async (seqs) => seqs.map((s) => s.responseIds.reduce((a, id) => a + (id % 5), 0) / (4 * s.responseIds.length));
    const opts: PpoOptions = { steps: 4, batchSize: 3, ppoEpochs: 2, maxNewTokens: 2, learningRate: 2e-3, seed: 9 };
    const run = async (resume?: { state: PpoState; policy: Float32Array[]; value: Float32Array[] }, until = 4) => {
      const reference = LoraParams.create(be, sft);
      const policy = LoraParams.create(be, sft);
      const value = new ScalarHead(be, C, 3 * 6);
      if (resume) {
        policy.writeState({ params: resume.policy[0], m: resume.policy[1], v: resume.policy[2] });
        [value.params, value.m, value.v].forEach((t, i) => be.write(t, resume.value[i]));
      }
      let saved: { state: PpoState; policy: Float32Array[]; value: Float32Array[] } | undefined;
      const res = await trainPpo(be, dec, policy, reference, value, prompts, reward, [TINY_IDS.endOfText], {
        ...opts,
        steps: until,
        resume: resume?.state,
        onStep: async (_m, state) => {
          const p = await policy.readState();
          saved = { state, policy: [p.params, p.m, p.v], value: [await be.read(value.params), await be.read(value.m), await be.read(value.v)] };
        },
      });
      return { res, saved: saved! };
    };
    const whole = await run();
    const half = await run(undefined, 2);
    const rest = await run(half.saved);
    expect(whole.res.history.map((m) => m.step)).toEqual([1, 2, 3, 4]);
    expect(rest.res.history.map((m) => m.step)).toEqual([3, 4]);
    expect(rest.res.history).toEqual(whole.res.history.slice(2));
    expect(rest.saved.state).toEqual(whole.saved.state);
    rest.saved.policy.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(whole.saved.policy[i])));
    rest.saved.value.forEach((a, i) => expect(Array.from(a)).toEqual(Array.from(whole.saved.value[i])));
    expect(whole.res.history.some((m) => m.meanReward !== whole.res.history[0].meanReward)).toBe(true);
  });
});
