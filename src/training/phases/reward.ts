// The reward-model phase: LoRA + scalar head trained with the Bradley–Terry loss on the topic's pairs,
// saved with its head as score.weight (a PEFT sequence classifier), and judged: did it learn?
import { LoraParams } from '../../model/lora-params.ts';
import { initLora } from '../../model/lora-types.ts';
import { adapterKey } from '../../storage/adapter-store.ts';
import { Rng } from '../../util/rng.ts';
import { judgeReward } from '../outcomes.ts';
import { rewardHeadRows, trainRewardModel, type RewardPosition } from '../reward.ts';
import { ScalarHead } from '../seq.ts';
import { outcome, PASS, RUN, seedFor, type PhaseModule, type TopicAttempt } from './phase.ts';
import { headTensors, loraTensors, restoreHead, restoreLora, resumePoint, saveProgress } from './progress.ts';

/** Why the topic's data cannot train a reward model and PPO (null when it can). */
export function rewardDataProblem(at: TopicAttempt, maxLen: number, ppoNewTokens: number): string | null {
  const { pairs, prompts, identicalPairs } = at.data;
  if (pairs.length < 2) {
    return `reward model and PPO skipped: ${pairs.length} usable preference pair(s), at least 2 needed${identicalPairs ? ` (${identicalPairs} identical within ${maxLen} tokens: raise max_seq_length)` : ''}`;
  }
  if (!prompts.length) return `PPO skipped: no prompt leaves room for ${ppoNewTokens} new tokens within ${maxLen}`;
  return null;
}

export const rewardPhase: PhaseModule = {
  phase: 'reward',
  async gate(ctx, at) {
    if (!at.policyKey || ctx.inp.alignment !== 'ppo' || !(ctx.want('reward') || ctx.want('ppo'))) return PASS;
    const problem = rewardDataProblem(at, ctx.maxLen, ctx.inp.config.ppo.max_new_tokens);
    if (problem) return { run: false, note: problem };
    return ctx.want('reward') && !at.done.includes('reward') ? RUN : PASS;
  },
  async run(ctx, at) {
    const { inp } = ctx;
    const { tc, topicId, attempt } = at;
    const cfg = inp.config.reward;
    const pairs = at.data.pairs;
    const C = inp.model.config.hiddenSize;
    const seed = seedFor(at.seed, 'reward');
    const rm = LoraParams.create(inp.be, initLora(inp.model.config, ctx.loraCfg, new Rng(seed), inp.modelName));
    const head = new ScalarHead(inp.be, C, rewardHeadRows(pairs, tc.rewardBatchSize));
    try {
      // Progress is saved at epoch ends, at the first one checkpointEvery steps after the last save.
      const from = await resumePoint(ctx, at, 'reward');
      if (from) {
        restoreLora('lora', rm, from.tensors);
        restoreHead(inp.be, 'head', head, from.tensors);
      }
      let savedAt = from?.progress.step ?? 0;
      const every = inp.checkpointEvery ?? 50;
      const res = await trainRewardModel(inp.be, ctx.dec, pairs, rm, head, {
        epochs: tc.rewardEpochs,
        batchSize: tc.rewardBatchSize,
        learningRate: tc.rewardLearningRate,
        headLearningRate: cfg.head_learning_rate,
        minSteps: cfg.min_steps,
        scheduler: cfg.scheduler,
        validationSplit: cfg.validation_split,
        patience: cfg.patience,
        minDelta: cfg.min_delta,
        warmupRatio: cfg.warmup_ratio,
        maxGradNorm: cfg.max_grad_norm,
        logEvery: cfg.log_every,
        seed,
        maxSteps: inp.maxSteps,
        onBatch: (m) => ctx.metric({ topicId, attempt, phase: 'reward', kind: 'batch', ...m }),
        resume: from?.progress.position as RewardPosition | undefined,
        onEpoch: async (m, pos) => {
          ctx.metric({ topicId, attempt, phase: 'reward', kind: 'epoch', ...m });
          if (pos && every > 0 && pos.step - savedAt >= every) {
            savedAt = pos.step;
            await saveProgress(ctx, at, 'reward', pos.step, { ...(await loraTensors('lora', rm)), ...(await headTensors(inp.be, 'head', head)) }, pos);
          }
        },
      });
      const w = await head.read();
      const metrics = { phase: 'reward', ...res, epochs: undefined, history: res.epochs };
      await ctx.runs.saveAdapter(topicId, 'reward', await rm.toAdapter(), metrics, { 'score.weight': { shape: [1, C], data: w.slice(0, C) } }); // the bias is frozen at 0 (see trainRewardModel)
      const verdict = judgeReward(res, {
        pairs: pairs.length,
        identicalPairs: at.data.identicalPairs,
        maxLen: ctx.maxLen,
        learningRate: tc.rewardLearningRate,
        headLearningRate: cfg.head_learning_rate,
      });
      const out = outcome(adapterKey(topicId, 'reward'), metrics);
      out.rewardLearned = verdict.learned;
      if (verdict.reason) out.warnings.push(verdict.reason);
      if (res.skippedSteps && res.skippedSteps < res.steps)
        out.warnings.push(`reward: ${res.skippedSteps} of ${res.steps} steps skipped for non-finite values`);
      return out;
    } finally {
      rm.release();
      head.release();
    }
  },
};
