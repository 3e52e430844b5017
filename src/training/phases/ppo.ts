// The PPO phase: the policy starts from the topic's SFT adapter, the frozen reference is that adapter
// too, rollouts are scored by the topic's reward model (read at the end-of-turn token, as it was trained)
// and every PPO option comes from the config through ppoOptions, the one place that maps it.
import type { Tensor } from '../../engine/backend.ts';
import type { TopicConfig } from '../../analysis/adaptive.ts';
import type { PipelineConfig } from '../../config/pipeline-config.ts';
import { LoraParams } from '../../model/lora-params.ts';
import { adapterKey } from '../../storage/adapter-store.ts';
import { judgePpo, paramsDiffer } from '../outcomes.ts';
import { trainPpo, type PpoOptions, type PpoState, type PpoStepLog } from '../ppo.ts';
import { scoreSequences } from '../reward.ts';
import { ScalarHead } from '../seq.ts';
import type { TokenizedExample } from '../sft.ts';
import { capSteps, outcome, PASS, RUN, seedFor, type PhaseModule, type RunContext, type TopicAttempt } from './phase.ts';
import { dueForSave, headTensors, loraTensors, phaseRecords, restoreHead, restoreLora, resumePoint, saveProgress } from './progress.ts';
import { rewardDataProblem } from './reward.ts';

export const PPO_BLOCKED_NOTE =
  'PPO skipped: the reward model did not learn, so its scores are noise (reward.if_not_learned: skip_ppo; set it to warn to run PPO anyway)';

/** PPO's options for a topic, every one from the config (or the topic's adapted values). */
export function ppoOptions(config: PipelineConfig, tc: TopicConfig, o: { seed: number; maxSteps?: number }): Omit<PpoOptions, 'onStep' | 'resume'> {
  const p = config.ppo;
  return {
    steps: capSteps(tc.ppoSteps, o.maxSteps),
    batchSize: p.batch_size,
    ppoEpochs: p.ppo_epochs,
    learningRate: tc.ppoLearningRate,
    klCoef: p.kl_coef,
    klTarget: p.kl_target,
    adaptiveKl: p.adaptive_kl,
    klHorizon: p.kl_horizon,
    clipRange: p.clip_range,
    clipRangeValue: p.clip_range,
    vfCoef: p.vf_coef,
    gamma: p.gamma,
    lam: p.lam,
    maxNewTokens: p.max_new_tokens,
    temperature: p.temperature,
    topP: p.top_p,
    maxGradNorm: p.max_grad_norm,
    seed: o.seed,
    klStop: p.kl_stop,
    klStopPatience: p.kl_stop_patience,
  };
}

/**
 * A rollout as the reward model was trained to read it: prompt + response closed by the end-of-turn
 * token (appended when generation stopped at max_new_tokens instead), loss mask on the response.
 */
export function closedSequence(promptIds: number[], responseIds: number[], eosIds: number[], endId: number): TokenizedExample {
  const closed = responseIds.length && eosIds.includes(responseIds[responseIds.length - 1]) ? responseIds : [...responseIds, endId];
  return { ids: [...promptIds, ...closed], lossMask: [...promptIds.map(() => 0), ...closed.map(() => 1)] };
}

async function rewardModelExists<T extends Tensor>(ctx: RunContext<T>, at: TopicAttempt): Promise<boolean> {
  return !!at.record.adapters.reward || ctx.runs.hasAdapter(adapterKey(at.topicId, 'reward'));
}

export const ppoPhase: PhaseModule = {
  phase: 'ppo',
  async gate(ctx, at) {
    const { config } = ctx.inp;
    if (!at.policyKey || ctx.inp.alignment !== 'ppo' || !ctx.want('ppo') || at.done.includes('ppo')) return PASS;
    if (rewardDataProblem(at, ctx.maxLen, config.ppo.max_new_tokens)) return PASS; // the reward phase says why
    if (at.record.rewardLearned === false && config.reward.if_not_learned === 'skip_ppo') return { run: false, note: PPO_BLOCKED_NOTE };
    return (await rewardModelExists(ctx, at)) ? RUN : PASS;
  },
  async run(ctx, at) {
    const { inp } = ctx;
    const { be, config, model, tokenizer } = inp;
    const { topicId, attempt } = at;
    const sft = (await ctx.runs.loadAdapter(at.policyKey!, model.config)).adapter;
    const rmStored = await ctx.runs.loadAdapter(adapterKey(topicId, 'reward'), model.config);
    const reference = LoraParams.create(be, sft);
    const policy = LoraParams.create(be, sft);
    const rm = LoraParams.create(be, rmStored.adapter);
    const C = model.config.hiddenSize;
    const headInit = new Float32Array(C + 1);
    headInit.set(rmStored.head!['score.weight'].data);
    // PPO scores and values batchSize rollouts of (longest prompt + new tokens + a closing end token) rows.
    const rows = config.ppo.batch_size * (Math.max(...at.data.prompts.map((p) => p.length)) + config.ppo.max_new_tokens + 1);
    const rmHead = new ScalarHead(be, C, rows, headInit);
    const value = new ScalarHead(be, C, rows);
    try {
      const opts = ppoOptions(config, at.tc, { seed: seedFor(at.seed, 'ppo'), maxSteps: inp.maxSteps });
      const from = await resumePoint(ctx, at, 'ppo');
      if (from) {
        restoreLora('policy', policy, from.tensors);
        restoreHead(be, 'value', value, from.tensors);
      }
      const res = await trainPpo(
        be,
        ctx.dec,
        policy,
        reference,
        value,
        at.data.prompts,
        async (seqs) =>
          scoreSequences(
            be,
            ctx.dec,
            rm,
            rmHead,
            seqs.map((s) => closedSequence(s.promptIds, s.responseIds, tokenizer.eosIds, ctx.endId)),
            config.ppo.batch_size,
          ),
        tokenizer.eosIds,
        {
          ...opts,
          resume: from?.progress.position as PpoState | undefined,
          onStep: async (m, state) => {
            ctx.metric({ topicId, attempt, phase: 'ppo', totalSteps: opts.steps, ...m });
            if (dueForSave(ctx, m.step, opts.steps)) {
              await saveProgress(ctx, at, 'ppo', m.step, { ...(await loraTensors('policy', policy)), ...(await headTensors(be, 'value', value)) }, state);
            }
          },
        },
      );
      const history = phaseRecords(ctx, at, 'ppo') as unknown as PpoStepLog[]; // the whole phase, resumed or not
      const metrics = { phase: 'ppo', steps: history.length, skippedSteps: res.skippedSteps, stoppedReason: res.stoppedReason };
      const out = outcome(adapterKey(topicId, 'ppo'), metrics);
      if (res.stoppedReason) out.notes.push(`PPO stopped: ${res.stoppedReason}`);
      if (at.record.rewardLearned === false) out.warnings.push('PPO ran on a reward model that did not learn (reward.if_not_learned: warn)');
      const changed = paramsDiffer((await policy.readState()).params, (await reference.readState()).params);
      out.warnings.push(...judgePpo(history, changed));
      await ctx.runs.saveAdapter(topicId, 'ppo', await policy.toAdapter(), metrics);
      return out;
    } finally {
      for (const l of [reference, policy, rm]) l.release();
      rmHead.release();
      value.release();
    }
  },
  async policyAfter(_ctx, at) {
    return at.record.adapters.ppo ?? null;
  },
};
