// The reward-model trainer on the CPU twin: split rules, learning a separable preference, early stopping,
// the single-pair case, and scoreSequences agreeing with the scores training used.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../../src/engine/backend.ts';
import { Decoder } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora } from '../../../src/model/lora-types.ts';
import { loadModelFolder } from '../../../src/model/weights.ts';
import { tinyModelFiles } from '../../../src/model/tiny-model.ts';
import {
  packPairs,
  rewardHeadRows,
  scoreSequences,
  splitPairs,
  trainRewardModel,
  type RewardBatchLog,
  type RewardEpoch,
} from '../../../src/training/reward.ts';
import { ScalarHead } from '../../../src/training/seq.ts';
import { Rng } from '../../../src/util/rng.ts';
import { toyPairs } from '../../helpers/toy.ts';

const model = await loadModelFolder(tinyModelFiles(0));
const cfg = model.config;
const be = cpuBackend();
const dec = new Decoder(be, cfg, model.weights);

function freshLora(seed: number) {
  return LoraParams.create(be, initLora(cfg, { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj'], useRslora: false }, new Rng(seed)));
}

describe('reward model (CPU twin)', () => {
  it('splits 80/20 with a seeded shuffle, at least one validation pair', () => {
    const s = splitPairs(20, 0.2, 3);
    expect(s.val.length).toBe(4);
    expect(s.train.length).toBe(16);
    expect(new Set([...s.train, ...s.val]).size).toBe(20);
    expect(splitPairs(20, 0.2, 3)).toEqual(s);
    expect(splitPairs(20, 0.2, 4).val).not.toEqual(s.val);
    expect(splitPairs(2, 0.2, 1).val.length).toBe(1);
    expect(splitPairs(3, 0.2, 1).val.length).toBe(1);
    const one = splitPairs(1, 0.2, 1);
    expect(one).toEqual({ train: [0], val: [0], validatedOnTrain: true });
    expect(() => splitPairs(5, 1.5, 1)).toThrow(/validationSplit/);
  });

  it('packs chosen rows first, rejected after, padding with real rows', () => {
    const pairs = toyPairs(3, 1);
    const b = packPairs(pairs.slice(0, 2), 3, 8);
    expect(b.B).toBe(6);
    expect(Array.from(b.ids.subarray(0, 8))).toEqual(pairs[0].chosen.ids);
    expect(Array.from(b.ids.subarray(3 * 8, 4 * 8))).toEqual(pairs[0].rejected.ids);
    expect(b.last).toEqual([7, 7, 7, 7, 7, 7]);
    expect(() => packPairs(pairs, 2, 8)).toThrow(/3 pairs for a batch of 2/);
  });

  it('learns a separable preference: validation accuracy ≥ 0.8 and loss well below ln 2', async () => {
    const pairs = toyPairs(20, 7);
    const lora = freshLora(1);
    const head = new ScalarHead(be, cfg.hiddenSize, rewardHeadRows(pairs, 4));
    const logs: RewardBatchLog[] = [];
    const epochs: RewardEpoch[] = [];
    const res = await trainRewardModel(be, dec, pairs, lora, head, {
      epochs: 3,
      batchSize: 4,
      learningRate: 2e-2,
      seed: 3,
      onBatch: (l) => void logs.push(l),
      onEpoch: (e) => void epochs.push(e),
    });
    console.log(
      res.epochs
        .map((e) => `epoch ${e.epoch}: train ${e.trainLoss.toFixed(3)}/${e.trainAccuracy.toFixed(2)} val ${e.valLoss.toFixed(3)}/${e.valAccuracy.toFixed(2)}`)
        .join('\n'),
    );
    expect(res.trainSize).toBe(16);
    expect(res.valSize).toBe(4);
    expect(res.validatedOnTrain).toBe(false);
    expect(res.skippedSteps).toBe(0);
    expect(epochs).toEqual(res.epochs);
    expect(res.steps).toBe(4 * res.epochs.length);
    expect(logs.map((l) => l.step)).toEqual([5, 10, 15, 20].filter((s) => s <= res.steps));
    expect(res.valAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(res.epochs.at(-1)!.valLoss).toBeLessThan(0.3);
    expect(res.epochs[0].trainLoss).toBeGreaterThan(0.5); // it started near chance
    // scoreSequences reads the same last-token reward training optimised.
    const chosen = await scoreSequences(
      be,
      dec,
      lora,
      head,
      pairs.map((p) => p.chosen),
      3,
    );
    const rejected = await scoreSequences(
      be,
      dec,
      lora,
      head,
      pairs.map((p) => p.rejected),
      5,
    );
    expect(chosen.length).toBe(20);
    expect(chosen.filter((c, i) => c > rejected[i]).length).toBeGreaterThanOrEqual(18);
  });

  it('early stopping fires when validation loss stops improving, keeping the last model', async () => {
    const pairs = toyPairs(10, 2);
    const head = new ScalarHead(be, cfg.hiddenSize, rewardHeadRows(pairs, 4));
    // Learning rate 0: the validation loss never moves, so patience 2 stops after epoch 3 of 10.
    const res = await trainRewardModel(be, dec, pairs, freshLora(2), head, { epochs: 10, batchSize: 4, learningRate: 0, seed: 1, patience: 2 });
    expect(res.epochs.length).toBe(3);
    expect(res.stoppedEarly).toBe(true);
    expect(res.epochs.map((e) => e.improved)).toEqual([true, false, false]);
    expect(res.epochs.map((e) => e.stop)).toEqual([false, false, true]);
    expect(res.bestValLoss).toBeCloseTo(Math.LN2, 5); // zero head: every score equal
  });

  it('with a single pair it validates on the training pair and says so', async () => {
    const pairs = toyPairs(1, 4);
    const head = new ScalarHead(be, cfg.hiddenSize, rewardHeadRows(pairs, 4));
    const res = await trainRewardModel(be, dec, pairs, freshLora(3), head, { epochs: 2, batchSize: 4, learningRate: 1e-2, seed: 1 });
    expect(res.validatedOnTrain).toBe(true);
    expect(res.trainSize).toBe(1);
    expect(res.valSize).toBe(0);
    expect(res.epochs.length).toBe(2);
  });

  it('skips and counts non-finite steps without touching the parameters', async () => {
    const pairs = toyPairs(5, 6);
    const init = new Float32Array(cfg.hiddenSize + 1);
    init[3] = NaN;
    const head = new ScalarHead(be, cfg.hiddenSize, rewardHeadRows(pairs, 2), init);
    const lora = freshLora(4);
    const before = await be.read(lora.params);
    const res = await trainRewardModel(be, dec, pairs, lora, head, { epochs: 1, batchSize: 2, learningRate: 1e-2, seed: 1 });
    expect(res.steps).toBe(2);
    expect(res.skippedSteps).toBe(2);
    expect(Array.from(await be.read(lora.params))).toEqual(Array.from(before));
    expect(res.epochs[0].trainLoss).toBeNaN();
  });

  it('rejects bad input with a message naming it', async () => {
    const head = new ScalarHead(be, cfg.hiddenSize, 64);
    await expect(trainRewardModel(be, dec, [], freshLora(1), head, { epochs: 1, batchSize: 1, learningRate: 1e-3, seed: 1 })).rejects.toThrow(
      /no preference pairs/,
    );
    const bad = toyPairs(2, 1);
    bad[1].rejected = { ids: [1, 2], lossMask: [0] };
    await expect(trainRewardModel(be, dec, bad, freshLora(1), head, { epochs: 1, batchSize: 1, learningRate: 1e-3, seed: 1 })).rejects.toThrow(
      /pairs\[1\]\.rejected: lossMask has 1 entries for 2 ids/,
    );
    const small = new ScalarHead(be, cfg.hiddenSize, 16);
    await expect(trainRewardModel(be, dec, toyPairs(4, 1), freshLora(1), small, { epochs: 1, batchSize: 2, learningRate: 1e-3, seed: 1 })).rejects.toThrow(
      /head holds 16 rows, a batch needs 2·2·8 = 32/,
    );
  });
});
