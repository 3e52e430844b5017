// The SFT phase: a fresh LoRA (seeded per attempt) trained on the topic's examples, completion tokens
// only; every checkpointEvery steps it saves its LoRA and AdamW state (progress.ts) and resumes from there
// with the same data order and LR schedule.
import { LoraParams } from '../../model/lora-params.ts';
import { initLora } from '../../model/lora-types.ts';
import { adapterKey } from '../../storage/adapter-store.ts';
import { Rng } from '../../util/rng.ts';
import { judgeTrainer, paramsDiffer } from '../outcomes.ts';
import { trainSft } from '../sft.ts';
import { outcome, PASS, RUN, type PhaseModule } from './phase.ts';
import { dueForSave, loraTensors, phaseRecords, restoreLora, resumePoint, saveProgress } from './progress.ts';

export const sftPhase: PhaseModule = {
  phase: 'sft',
  async gate(ctx, at) {
    return ctx.want('sft') && !at.done.includes('sft') ? RUN : PASS;
  },
  async run(ctx, at) {
    const { inp } = ctx;
    const { tc, topicId, attempt, seed } = at;
    const lora = LoraParams.create(inp.be, initLora(inp.model.config, ctx.loraCfg, new Rng(seed), inp.modelName));
    try {
      const initial = (await lora.readState()).params;
      const from = await resumePoint(ctx, at, 'sft');
      if (from) restoreLora('lora', lora, from.tensors);
      const cfg = inp.config.sft;
      await trainSft(inp.be, ctx.dec, lora, at.data.examples, {
        epochs: at.record.sftEpochs,
        batchSize: tc.batchSize,
        learningRate: tc.learningRate,
        seed,
        maxSteps: inp.maxSteps,
        warmupRatio: cfg.warmup_ratio,
        maxGradNorm: cfg.max_grad_norm,
        weightDecay: cfg.weight_decay,
        startStep: from?.progress.step ?? 0,
        onStep: async (m) => {
          ctx.metric({ topicId, attempt, phase: 'sft', ...m });
          if (dueForSave(ctx, m.step, m.totalSteps)) await saveProgress(ctx, at, 'sft', m.step, await loraTensors('lora', lora));
        },
      });
      // Judged on every step of the phase, those before a resume included.
      const steps = phaseRecords(ctx, at, 'sft') as unknown as { loss: number; skipped: boolean }[];
      const skippedSteps = steps.filter((m) => m.skipped).length;
      const firstLoss = steps[0]?.loss ?? null;
      const lastLoss = steps.at(-1)?.loss ?? null;
      const changed = paramsDiffer(initial, (await lora.readState()).params);
      const metrics = { phase: 'sft', steps: steps.length, finalLoss: lastLoss, skippedSteps, truncatedExamples: at.data.truncated };
      const out = outcome(adapterKey(topicId, 'sft'), metrics);
      out.warnings = judgeTrainer('SFT', { steps: steps.length, skippedSteps, firstLoss, lastLoss }, changed);
      await ctx.runs.saveAdapter(topicId, 'sft', await lora.toAdapter(), metrics);
      return out;
    } finally {
      lora.release();
    }
  },
  /** The SFT adapter of this attempt, or one already in the store (a run asked for phases after SFT only). */
  async policyAfter(ctx, at) {
    const key = adapterKey(at.topicId, 'sft');
    return at.record.adapters.sft ?? ((await ctx.runs.hasAdapter(key)) ? key : null);
  },
};
