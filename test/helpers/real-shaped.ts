// The real-shaped learning checks, run on the CPU twin (unit suite) and on WebGPU (gpu suite): a reward
// model, PPO and DPO on pairs like users' (2,000-character answers, the rejected side = the chosen one
// with a few voice phrases removed, first difference late in the answer), truncated as the pipeline does.
import { expect } from 'vitest';
import type { Backend, Tensor } from '../../src/engine/backend.ts';
import { Decoder } from '../../src/model/decoder.ts';
import { generate } from '../../src/model/generate.ts';
import { LoraParams } from '../../src/model/lora-params.ts';
import { initLora } from '../../src/model/lora-types.ts';
import { buildSftExample, type Tokenizer } from '../../src/model/tokenizer.ts';
import type { LoadedModel } from '../../src/model/weights.ts';
import { judgePpo, judgeReward, paramsDiffer } from '../../src/training/outcomes.ts';
import { closedSequence } from '../../src/training/pipeline.ts';
import { trainPpo } from '../../src/training/ppo.ts';
import { rewardHeadRows, scoreSequences, trainRewardModel, type PairTokens } from '../../src/training/reward.ts';
import { trainDpo } from '../../src/training/dpo.ts';
import { ScalarHead } from '../../src/training/seq.ts';
import { Rng } from '../../src/util/rng.ts';
import { voicePairs } from './voice-pairs.ts';

export interface RealShapedSizes {
  pairs: number; // pairs generated (some end up identical within maxLen and are left out)
  sentences?: number; // answer length in sentences of about 75 characters (default 28: 2,000+ characters)
  maxLen: number;
  rewardEpochs: number;
  ppoSteps: number;
  ppoBatch: number; // rollouts per PPO step
  maxNewTokens: number;
  dpoEpochs: number;
  dpoPairs?: number; // train DPO on the first this many pairs (default all)
  /** Check that PPO raised the mean reward of fresh samples (needs enough steps and rollouts to beat sampling noise). */
  rewardRise: boolean;
}

const LORA = { r: 8, alpha: 16, dropout: 0, targetModules: ['q_proj', 'v_proj', 'o_proj'] as ('q_proj' | 'v_proj' | 'o_proj')[], useRslora: false };

/** Tokenized as the pipeline does for the reward model: cut answers keep their end-of-turn token. */
export function tokenizePairs(
  tok: Tokenizer,
  n: number,
  maxLen: number,
  seed = 1,
  sentences?: number,
): { pairs: PairTokens[]; identical: number; firstDiffs: number[] } {
  const pairs: PairTokens[] = [];
  const firstDiffs: number[] = [];
  let identical = 0;
  for (const p of voicePairs(n, seed, { sentences })) {
    const chosen = buildSftExample(tok, p.prompt, p.chosen, maxLen, { keepEnd: true });
    const rejected = buildSftExample(tok, p.prompt, p.rejected, maxLen, { keepEnd: true });
    let i = 0;
    while (i < chosen.ids.length && chosen.ids[i] === rejected.ids[i]) i++;
    if (i === chosen.ids.length && chosen.ids.length === rejected.ids.length) identical++;
    else {
      pairs.push({ chosen, rejected });
      firstDiffs.push(i - chosen.lossMask.indexOf(1)); // answer tokens before the first difference
    }
  }
  return { pairs, identical, firstDiffs };
}

export async function realShapedRun<T extends Tensor>(be: Backend<T>, model: LoadedModel, tok: Tokenizer, z: RealShapedSizes): Promise<void> {
  const cfg = model.config;
  const dec = new Decoder(be, cfg, model.weights);
  const { pairs, identical, firstDiffs } = tokenizePairs(tok, z.pairs, z.maxLen, 1, z.sentences);
  firstDiffs.sort((a, b) => a - b);
  console.log(
    `${pairs.length} pairs (${identical} identical within ${z.maxLen} tokens), answer tokens before the first difference: median ${firstDiffs[firstDiffs.length >> 1]}`,
  );
  expect(firstDiffs[firstDiffs.length >> 1]).toBeGreaterThan(30); // they differ late, as users' pairs do
  expect(pairs.every((p) => p.chosen.ids.at(-1) === p.rejected.ids.at(-1))).toBe(true); // the head reads the same token

  // 1. Reward model: validation accuracy well above chance.
  const rmLora = LoraParams.create(be, initLora(cfg, LORA, new Rng(11)));
  const head = new ScalarHead(be, cfg.hiddenSize, Math.max(rewardHeadRows(pairs, 4), 4 * (64 + z.maxNewTokens + 1)));
  const rm = await trainRewardModel(be, dec, pairs, rmLora, head, {
    epochs: z.rewardEpochs,
    batchSize: 4,
    learningRate: 1e-3,
    headLearningRate: 1e-2,
    seed: 5,
    patience: 100,
  });
  console.log(
    rm.epochs
      .map(
        (e) => `reward epoch ${e.epoch}: train ${e.trainLoss.toFixed(4)}/${e.trainAccuracy.toFixed(2)} val ${e.valLoss.toFixed(4)}/${e.valAccuracy.toFixed(2)}`,
      )
      .join('\n'),
  );
  expect(rm.valSize).toBeGreaterThanOrEqual(4);
  expect(rm.valAccuracy).toBeGreaterThanOrEqual(0.75);
  expect(rm.bestValLoss).toBeLessThan(Math.LN2 - 0.05);
  expect(judgeReward(rm, { pairs: pairs.length, identicalPairs: identical, maxLen: z.maxLen, learningRate: 1e-3, headLearningRate: 1e-2 }).learned).toBe(true);

  // 2. PPO against that reward model: the policy moves (KL > 0, adapter changed) and earns more reward
  //    (with 16 rollouts a step; with 4, the reward's spread across samples hides the trend for many steps).
  const eos = tok.eosIds;
  const endId = pairs[0].chosen.ids.at(-1)!;
  const prompts = voicePairs(8, 3).map((p) => tok.encodeChat([{ role: 'user', content: p.prompt }], { addGenerationPrompt: true }));
  const reward = (seqs: { promptIds: number[]; responseIds: number[] }[]) =>
    scoreSequences(
      be,
      dec,
      rmLora,
      head,
      seqs.map((s) => closedSequence(s.promptIds, s.responseIds, eos, endId)),
      4,
    );
  const meanReward = async (lora: LoraParams<T>) => {
    const rng = new Rng(99);
    const seqs: { promptIds: number[]; responseIds: number[] }[] = [];
    for (const p of prompts)
      for (let k = 0; k < 4; k++)
        seqs.push({ promptIds: p, responseIds: (await generate(be, dec, lora, p, { maxNewTokens: z.maxNewTokens, temperature: 1, rng, stopIds: eos })).ids });
    const s = await reward(seqs);
    return s.reduce((a, b) => a + b, 0) / s.length;
  };
  const start = initLora(cfg, LORA, new Rng(21));
  const reference = LoraParams.create(be, start);
  const policy = LoraParams.create(be, start);
  const value = new ScalarHead(be, cfg.hiddenSize, z.ppoBatch * (Math.max(...prompts.map((p) => p.length)) + z.maxNewTokens));
  const before = z.rewardRise ? await meanReward(policy) : NaN;
  const ppo = await trainPpo(be, dec, policy, reference, value, prompts, reward, eos, {
    steps: z.ppoSteps,
    batchSize: z.ppoBatch,
    ppoEpochs: 4,
    learningRate: 3e-3,
    maxNewTokens: z.maxNewTokens,
    seed: 8,
    klCoef: 0.05,
    klStop: 0,
  });
  const after = z.rewardRise ? await meanReward(policy) : NaN;
  const changed = paramsDiffer((await policy.readState()).params, (await reference.readState()).params);
  console.log(`ppo: mean reward ${before.toFixed(4)} → ${after.toFixed(4)}; KL per step ${ppo.history.map((h) => h.kl.toExponential(1)).join(' ')}`);
  expect(ppo.skippedSteps).toBe(0);
  expect(changed).toBe(true);
  expect(ppo.history.slice(1).some((h) => h.kl > 0)).toBe(true);
  expect(ppo.history.every((h) => h.gradNorm > 0)).toBe(true);
  if (z.rewardRise) expect(after).toBeGreaterThan(before);
  expect(judgePpo(ppo.history, changed)).toEqual([]);

  // 3. DPO on the same pairs: the policy comes to prefer the chosen answers.
  const dpoPolicy = LoraParams.create(be, start);
  const dpo = await trainDpo(be, dec, dpoPolicy, reference, pairs.slice(0, z.dpoPairs ?? pairs.length), {
    epochs: z.dpoEpochs,
    batchSize: 4,
    learningRate: 3e-3,
    beta: 0.1,
    seed: 4,
  });
  const firstHalf = dpo.history.slice(0, dpo.history.length >> 1),
    secondHalf = dpo.history.slice(dpo.history.length >> 1);
  const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`dpo: margin ${dpo.history.map((h) => h.margin.toFixed(3)).join(' ')}`);
  expect(dpo.skippedSteps).toBe(0);
  expect(meanOf(secondHalf.map((h) => h.margin))).toBeGreaterThan(meanOf(firstHalf.map((h) => h.margin)));
  expect(meanOf(secondHalf.map((h) => h.accuracy))).toBeGreaterThan(0.5);
  expect(paramsDiffer((await dpoPolicy.readState()).params, (await reference.readState()).params)).toBe(true);

  for (const l of [rmLora, reference, policy, dpoPolicy]) l.release();
  head.release();
  value.release();
  dec.release();
}
