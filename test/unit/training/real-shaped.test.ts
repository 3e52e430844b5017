// Learning on users' data, on the CPU twin: the reward model, PPO and DPO on real-shaped pairs (long
// shared answers, a few voice phrases removed late), and the reward model's verdict when it cannot learn.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../../src/engine/backend.ts';
import { Decoder } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora } from '../../../src/model/lora-types.ts';
import { Tokenizer } from '../../../src/model/tokenizer.ts';
import { loadModelFolder } from '../../../src/model/weights.ts';
import { tinyModelFiles } from '../../../src/model/tiny-model.ts';
import { judgeReward } from '../../../src/training/outcomes.ts';
import { rewardHeadRows, trainRewardModel } from '../../../src/training/reward.ts';
import { ScalarHead } from '../../../src/training/seq.ts';
import { Rng } from '../../../src/util/rng.ts';
import { realShapedRun, tokenizePairs } from '../../helpers/real-shaped.ts';
import { voicePairs } from '../../helpers/voice-pairs.ts';

const files = tinyModelFiles(0);
const model = await loadModelFolder(files);
const tok = await Tokenizer.fromFiles(files);
const be = cpuBackend();

describe('learning on real-shaped pairs (CPU twin)', () => {
  it("the pairs are like users': 2,000+ character answers, identical within a short window", () => {
    const raw = voicePairs(12, 1);
    expect(Math.min(...raw.map((p) => p.chosen.length))).toBeGreaterThan(2000);
    // At 96 tokens most pairs are identical (the phrases sit later); they are counted, not trained on.
    const short = tokenizePairs(tok, 12, 96);
    expect(short.identical).toBeGreaterThan(6);
    expect(short.pairs.length + short.identical).toBe(12);
  });

  it('reward model, PPO and DPO all learn', async () => {
    await realShapedRun(be, model, tok, {
      pairs: 40,
      maxLen: 256,
      rewardEpochs: 5,
      ppoSteps: 12,
      ppoBatch: 16,
      maxNewTokens: 12,
      dpoEpochs: 2,
      rewardRise: true,
    });
  }, 300_000);

  it('a reward model at the curriculum\'s 1e-5 for a few steps is judged "did not learn", with the cause', async () => {
    const dec = new Decoder(be, model.config, model.weights);
    const { pairs, identical } = tokenizePairs(tok, 10, 128);
    const lora = LoraParams.create(
      be,
      initLora(model.config, { r: 8, alpha: 16, dropout: 0, targetModules: ['q_proj', 'v_proj'], useRslora: false }, new Rng(2)),
    );
    const head = new ScalarHead(be, model.config.hiddenSize, rewardHeadRows(pairs, 8));
    const res = await trainRewardModel(be, dec, pairs, lora, head, { epochs: 3, batchSize: 8, learningRate: 1e-5, seed: 1 });
    const v = judgeReward(res, { pairs: pairs.length, identicalPairs: identical, maxLen: 128, learningRate: 1e-5, headLearningRate: 1e-5 });
    expect(v.learned).toBe(false);
    expect(v.reason).toMatch(/^reward model did not learn: validation accuracy/);
    expect(v.reason).toMatch(/the loss barely moved in 3 steps: raise reward\.learning_rate \(0\.00001\)/);
    if (identical) expect(v.reason).toContain(`identical within 128 tokens (raise max_seq_length)`);
  });
});
