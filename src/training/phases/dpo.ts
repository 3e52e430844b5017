// The DPO phase (alignment: dpo): the policy and its frozen reference both start from the topic's SFT
// adapter and learn from the topic's preference pairs directly, with no reward model.
import { LoraParams } from '../../model/lora-params.ts';
import { adapterKey, loadAdapter, saveAdapter } from '../../storage/adapter-store.ts';
import { trainDpo } from '../dpo.ts';
import { judgeTrainer, paramsDiffer } from '../outcomes.ts';
import { outcome, PASS, RUN, seedFor, type PhaseModule } from './phase.ts';

export const dpoPhase: PhaseModule = {
  phase: 'dpo',
  async gate(ctx, at) {
    if (!at.policyKey || ctx.inp.alignment !== 'dpo' || !ctx.want('dpo')) return PASS;
    const { pairs, identicalPairs } = at.data;
    if (pairs.length < 1) {
      return { run: false, note: identicalPairs ? `DPO skipped: all ${identicalPairs} pair(s) are identical within ${ctx.maxLen} tokens (raise max_seq_length)` : 'DPO skipped: no preference pairs' };
    }
    return at.done.includes('dpo') ? PASS : RUN;
  },
  async run(ctx, at) {
    const { be, config, model, store } = ctx.inp;
    const { topicId, attempt } = at;
    const sft = (await loadAdapter(store, at.policyKey!, model.config)).adapter;
    const reference = LoraParams.create(be, sft);
    const policy = LoraParams.create(be, sft);
    try {
      const res = await trainDpo(be, ctx.dec, policy, reference, at.data.pairs, {
        beta: config.dpo.beta, labelSmoothing: config.dpo.label_smoothing, epochs: config.dpo.epochs, batchSize: config.dpo.batch_size,
        learningRate: config.dpo.learning_rate, warmupRatio: config.dpo.warmup_ratio, maxGradNorm: config.dpo.max_grad_norm,
        seed: seedFor(at.seed, 'dpo'), maxSteps: ctx.inp.maxSteps,
        onStep: (m) => ctx.metric({ topicId, attempt, phase: 'dpo', ...m }),
      });
      const changed = paramsDiffer((await policy.readState()).params, (await reference.readState()).params);
      const metrics = { phase: 'dpo', steps: res.history.length, skippedSteps: res.skippedSteps };
      const out = outcome(adapterKey(topicId, 'dpo'), metrics);
      out.warnings = judgeTrainer('DPO', { steps: res.history.length, skippedSteps: res.skippedSteps, firstLoss: res.history[0]?.loss ?? null, lastLoss: res.history.at(-1)?.loss ?? null }, changed);
      await saveAdapter(store, topicId, 'dpo', await policy.toAdapter(), metrics);
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
