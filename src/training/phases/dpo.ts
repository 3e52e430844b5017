// The DPO phase (alignment: dpo): the policy and its frozen reference both start from the topic's SFT
// adapter and learn from the topic's preference pairs directly, with no reward model.
import { LoraParams } from '../../model/lora-params.ts';
import { adapterKey } from '../../storage/adapter-store.ts';
import { trainDpo, type DpoStepMetrics } from '../dpo.ts';
import { judgeTrainer, paramsDiffer } from '../outcomes.ts';
import { outcome, PASS, RUN, seedFor, type PhaseModule } from './phase.ts';
import { dueForSave, loraTensors, phaseRecords, restoreLora, resumePoint, saveProgress } from './progress.ts';

export const dpoPhase: PhaseModule = {
  phase: 'dpo',
  async gate(ctx, at) {
    if (!at.policyKey || ctx.inp.alignment !== 'dpo' || !ctx.want('dpo')) return PASS;
    const { pairs, identicalPairs } = at.data;
    if (pairs.length < 1) {
      return {
        run: false,
        note: identicalPairs
          ? `DPO skipped: all ${identicalPairs} pair(s) are identical within ${ctx.maxLen} tokens (raise max_seq_length)`
          : 'DPO skipped: no preference pairs',
      };
    }
    return at.done.includes('dpo') ? PASS : RUN;
  },
  async run(ctx, at) {
    const { be, config, model } = ctx.inp;
    const { topicId, attempt } = at;
    const sft = (await ctx.runs.loadAdapter(at.policyKey!, model.config)).adapter;
    const reference = LoraParams.create(be, sft);
    const policy = LoraParams.create(be, sft);
    try {
      const from = await resumePoint(ctx, at, 'dpo');
      if (from) restoreLora('policy', policy, from.tensors);
      await trainDpo(be, ctx.dec, policy, reference, at.data.pairs, {
        beta: config.dpo.beta,
        labelSmoothing: config.dpo.label_smoothing,
        epochs: config.dpo.epochs,
        batchSize: config.dpo.batch_size,
        learningRate: config.dpo.learning_rate,
        warmupRatio: config.dpo.warmup_ratio,
        maxGradNorm: config.dpo.max_grad_norm,
        seed: seedFor(at.seed, 'dpo'),
        maxSteps: ctx.inp.maxSteps,
        startStep: from?.progress.step ?? 0,
        onStep: async (m) => {
          ctx.metric({ topicId, attempt, phase: 'dpo', ...m });
          if (dueForSave(ctx, m.step, m.totalSteps)) await saveProgress(ctx, at, 'dpo', m.step, await loraTensors('policy', policy));
        },
      });
      const history = phaseRecords(ctx, at, 'dpo') as unknown as DpoStepMetrics[]; // the whole phase, resumed or not
      const skippedSteps = history.filter((m) => m.skipped).length;
      const changed = paramsDiffer((await policy.readState()).params, (await reference.readState()).params);
      const metrics = { phase: 'dpo', steps: history.length, skippedSteps };
      const out = outcome(adapterKey(topicId, 'dpo'), metrics);
      out.warnings = judgeTrainer(
        'DPO',
        { steps: history.length, skippedSteps, firstLoss: history[0]?.loss ?? null, lastLoss: history.at(-1)?.loss ?? null },
        changed,
      );
      await ctx.runs.saveAdapter(topicId, 'dpo', await policy.toAdapter(), metrics);
      return out;
    } finally {
      reference.release();
      policy.release();
    }
  },
  async policyAfter(_ctx, at) {
    return at.record.adapters.dpo ?? null;
  },
};
