// The reward-model trainer on the WebGPU engine: it ranks a separable synthetic set, early stopping fires
// when validation loss stops improving, and one step matches the CPU twin's loss and gradients.
import { describe, expect, it } from 'vitest';
import { runtime, compareRel } from './helpers.ts';
import { cpuBackend, gpuBackend, type Backend, type Tensor } from '../../src/engine/backend.ts';
import { Decoder } from '../../src/model/decoder.ts';
import { LoraParams } from '../../src/model/lora-params.ts';
import type { LoraAdapter } from '../../src/model/lora-types.ts';
import { loadModelFolder } from '../../src/model/weights.ts';
import { tinyModelFiles } from '../../src/model/tiny-model.ts';
import { rewardHeadRows, scoreSequences, trainRewardModel, type RewardBatchLog } from '../../src/training/reward.ts';
import { ScalarHead } from '../../src/training/seq.ts';
import { Rng } from '../../src/util/rng.ts';
import { toyPairs, randomAdapter } from '../helpers/toy.ts';

const model = await loadModelFolder(tinyModelFiles(0));
const cfg = model.config;

function adapter(seed: number, bScale: number): LoraAdapter {
  return randomAdapter(cfg, seed, bScale, 4, ['q_proj', 'v_proj', 'down_proj']);
}

describe('reward model on the GPU', () => {
  it('beats chance clearly on a separable synthetic set (validation accuracy ≥ 0.8)', async () => {
    const be = gpuBackend(await runtime());
    const dec = new Decoder(be, cfg, model.weights);
    const pairs = toyPairs(20, 7);
    const lora = LoraParams.create(be, adapter(1, 0));
    const head = new ScalarHead(be, cfg.hiddenSize, rewardHeadRows(pairs, 4));
    const logs: RewardBatchLog[] = [];
    const res = await trainRewardModel(be, dec, pairs, lora, head, { epochs: 2, batchSize: 4, learningRate: 2e-2, seed: 3, onBatch: (l) => void logs.push(l) });
    console.log(
      res.epochs
        .map((e) => `epoch ${e.epoch}: train ${e.trainLoss.toFixed(3)}/${e.trainAccuracy.toFixed(2)} val ${e.valLoss.toFixed(3)}/${e.valAccuracy.toFixed(2)}`)
        .join('\n'),
    );
    expect(res.valSize).toBe(4);
    expect(res.skippedSteps).toBe(0);
    expect(res.steps).toBe(8);
    expect(logs.map((l) => l.step)).toEqual([5]);
    expect(res.epochs[0].trainAccuracy).toBeLessThan(0.8); // started near chance
    expect(res.valAccuracy).toBeGreaterThanOrEqual(0.8);
    expect(res.epochs.at(-1)!.valLoss).toBeLessThan(0.3);
    const chosen = await scoreSequences(
      be,
      dec,
      lora,
      head,
      pairs.map((p) => p.chosen),
      20,
    );
    const rejected = await scoreSequences(
      be,
      dec,
      lora,
      head,
      pairs.map((p) => p.rejected),
      20,
    );
    expect(chosen.filter((c, i) => c > rejected[i]).length).toBeGreaterThanOrEqual(18);
    dec.release();
  });

  it('early stopping stops training when validation loss stops improving', async () => {
    const be = gpuBackend(await runtime());
    const dec = new Decoder(be, cfg, model.weights);
    // Contradicting pairs: every (A ≻ B) also appears as (B ≻ A), so fitting the training half cannot
    // lower the validation loss for long.
    const base = toyPairs(5, 11);
    const pairs = base.flatMap((p) => [p, { chosen: p.rejected, rejected: p.chosen }]);
    const head = new ScalarHead(be, cfg.hiddenSize, rewardHeadRows(pairs, 4));
    const res = await trainRewardModel(be, dec, pairs, LoraParams.create(be, adapter(2, 0)), head, {
      epochs: 8,
      batchSize: 4,
      learningRate: 2e-2,
      seed: 5,
      patience: 1,
    });
    console.log(res.epochs.map((e) => `epoch ${e.epoch}: train ${e.trainLoss.toFixed(3)} val ${e.valLoss.toFixed(3)} improved ${e.improved}`).join('\n'));
    expect(res.stoppedEarly).toBe(true);
    expect(res.epochs.length).toBeLessThan(8);
    const last = res.epochs.at(-1)!;
    expect(last.stop).toBe(true);
    expect(last.improved).toBe(false);
    expect(last.valLoss).toBeGreaterThan(res.bestValLoss - 0.01);
    dec.release();
  });

  it('one step gives the same loss and gradients (LoRA and head) as the CPU twin', async () => {
    const pairs = toyPairs(6, 21);
    const rng = new Rng(4);
    const init = Float32Array.from({ length: cfg.hiddenSize + 1 }, () => rng.normal() * 0.1);
    const got: { loss: number; lora: Float32Array; head: Float32Array }[] = [];
    for (const be of [gpuBackend(await runtime()), cpuBackend()] as Backend<Tensor>[]) {
      const dec = new Decoder(be, cfg, model.weights);
      const lora = LoraParams.create(be, adapter(5, 0.05));
      const head = new ScalarHead(be, cfg.hiddenSize, rewardHeadRows(pairs, 4), init);
      const logs: RewardBatchLog[] = [];
      await trainRewardModel(be, dec, pairs, lora, head, {
        epochs: 1,
        batchSize: 4,
        learningRate: 1e-2,
        seed: 9,
        maxSteps: 1,
        logEvery: 1,
        onBatch: (l) => void logs.push(l),
      });
      // The trainer leaves the step's clipped gradients in the grads buffers.
      got.push({ loss: logs[0].loss, lora: await be.read(lora.grads), head: await be.read(head.grads) });
    }
    const [gpu, cpu] = got;
    console.log(`reward step loss: gpu ${gpu.loss} cpu ${cpu.loss}`);
    expect(Math.abs(gpu.loss - cpu.loss)).toBeLessThan(1e-4);
    expect(compareRel('reward LoRA grads', gpu.lora, cpu.lora)).toBeLessThan(1e-3);
    expect(compareRel('reward head grads', gpu.head, cpu.head)).toBeLessThan(1e-3);
    expect(Math.max(...cpu.lora.map(Math.abs))).toBeGreaterThan(1e-4);
  });
});
