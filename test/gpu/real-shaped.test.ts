// Learning on users' data on WebGPU: the reward model, PPO and DPO on real-shaped pairs (long shared
// answers, voice phrases removed late), the same checks as the CPU twin's test at a size SwiftShader affords
// (450-character answers in a 128-token window instead of 2,000 in 256; PPO runs 3 steps and is checked
// for moving the policy, while the CPU test also checks that the reward rises).
import { describe, it } from 'vitest';
import { runtime } from './helpers.ts';
import { gpuBackend } from '../../src/engine/backend.ts';
import { Tokenizer } from '../../src/model/tokenizer.ts';
import { loadModelFolder } from '../../src/model/weights.ts';
import { tinyModelFiles } from '../../src/model/tiny-model.ts';
import { realShapedRun } from '../helpers/real-shaped.ts';

const files = tinyModelFiles(0);
const model = await loadModelFolder(files);
const tok = await Tokenizer.fromFiles(files);

describe('learning on real-shaped pairs (WebGPU)', () => {
  it('reward model, PPO and DPO all learn', { timeout: 1_200_000 }, async () => {
    await realShapedRun(gpuBackend(await runtime()), model, tok, {
      pairs: 24,
      sentences: 6,
      maxLen: 128,
      rewardEpochs: 3,
      ppoSteps: 3,
      ppoBatch: 8,
      maxNewTokens: 6,
      dpoEpochs: 1,
      dpoPairs: 16,
      rewardRise: false,
    });
  });
});
