// Each phase judges its own outcome: did it learn, or did it only run? A phase that ends without
// learning says so (a warning on the topic, in run.json and report.md, and in the studio's topic row)
// instead of reporting "finished". The rules are pure functions of what the trainers return.
import type { RewardResult } from './reward.ts';
import type { PpoStepLog } from './ppo.ts';

/** Distance from ln 2 under which a Bradley–Terry loss counts as "still at chance". */
export const CHANCE_LOSS_TOLERANCE = 1e-3;

export interface RewardVerdict {
  learned: boolean;
  /** Why not, with the likely cause; null when it learned. */
  reason: string | null;
}

/**
 * A reward model learned when it ranks held-out pairs better than chance: validation accuracy > 0.5
 * and a best validation loss more than CHANCE_LOSS_TOLERANCE below ln 2 (a loss within it of ln 2 means
 * every score is still about equal, whatever the accuracy).
 */
export function judgeReward(
  res: RewardResult,
  ctx: { pairs: number; identicalPairs: number; maxLen: number; learningRate: number; headLearningRate: number },
): RewardVerdict {
  const loss = res.bestValLoss;
  const atChance = !Number.isFinite(loss) || Math.abs(loss - Math.LN2) < CHANCE_LOSS_TOLERANCE;
  const acc = res.valAccuracy;
  if (!atChance && acc > 0.5) return { learned: true, reason: null };
  const what = `validation accuracy ${Number.isFinite(acc) ? acc.toFixed(2) : 'n/a'}, best validation loss ${Number.isFinite(loss) ? loss.toFixed(4) : 'n/a'} (chance: ${Math.LN2.toFixed(4)})`;
  const causes: string[] = [];
  if (res.skippedSteps && res.skippedSteps >= res.steps) causes.push(`every step was skipped for non-finite values (${res.skippedSteps} of ${res.steps})`);
  if (ctx.identicalPairs)
    causes.push(`${ctx.identicalPairs} of ${ctx.pairs + ctx.identicalPairs} pairs were identical within ${ctx.maxLen} tokens (raise max_seq_length)`);
  if (res.trainSize + res.valSize < 8) causes.push(`only ${res.trainSize} training and ${res.valSize} validation pairs`);
  if (atChance)
    causes.push(
      `the loss barely moved in ${res.steps} step${res.steps === 1 ? '' : 's'}: raise reward.learning_rate (${ctx.learningRate}), reward.head_learning_rate (${ctx.headLearningRate}) or reward.min_steps`,
    );
  else
    causes.push(
      'the model fits the training pairs but does not generalise to the held-out ones: more pairs, or pairs whose chosen and rejected answers differ in voice throughout',
    );
  return { learned: false, reason: `reward model did not learn: ${what}; likely cause: ${causes.join('; ')}` };
}

/** Warnings about a PPO phase that ran without changing the policy. */
export function judgePpo(history: PpoStepLog[], adapterChanged: boolean): string[] {
  const out: string[] = [];
  const run = history.filter((h) => !h.skipped);
  if (history.length && !run.length) out.push(`PPO: all ${history.length} steps were skipped for non-finite values`);
  else if (history.length - run.length) out.push(`PPO: ${history.length - run.length} of ${history.length} steps skipped for non-finite values`);
  if (run.length && run.every((h) => !(h.gradNorm > 0))) out.push(`PPO: the gradient norm was 0 on every step (rewards gave no advantage to follow)`);
  if (run.length > 1 && run.every((h) => h.kl === 0)) out.push('PPO: the policy never moved from the SFT reference (KL 0 on every step)');
  if (run.length && run.every((h) => h.meanReward === run[0].meanReward))
    out.push(`PPO: the reward was ${run[0].meanReward} on every step (the reward model does not discriminate)`);
  if (!adapterChanged) out.push('PPO: the PPO adapter is identical to the SFT adapter');
  return out;
}

/** Warnings about an SFT or DPO phase: skipped steps, no movement, a loss that did not fall. */
export function judgeTrainer(
  phase: 'SFT' | 'DPO',
  r: { steps: number; skippedSteps: number; firstLoss: number | null; lastLoss: number | null },
  adapterChanged: boolean,
): string[] {
  const out: string[] = [];
  if (r.steps && r.skippedSteps >= r.steps) out.push(`${phase}: all ${r.steps} steps were skipped for non-finite values`);
  else if (r.skippedSteps) out.push(`${phase}: ${r.skippedSteps} of ${r.steps} steps skipped for non-finite values`);
  if (!adapterChanged) out.push(`${phase}: the adapter did not change (zero gradients or a learning rate of 0)`);
  else if (phase === 'SFT' && r.steps >= 4 && r.firstLoss !== null && r.lastLoss !== null && !(r.lastLoss < r.firstLoss)) {
    out.push(`SFT: the loss did not fall (${r.firstLoss.toFixed(4)} → ${r.lastLoss.toFixed(4)} over ${r.steps} steps)`);
  }
  return out;
}

/** True when two flat parameter buffers differ anywhere (a phase that changed nothing leaves them equal). */
export function paramsDiffer(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return true;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return true;
  return false;
}
