// The SFT phase: a fresh LoRA (seeded per attempt) trained on the topic's examples, completion tokens
// only. The one phase with mid-phase progress: every checkpointEvery steps it saves its LoRA and AdamW
// state (run/progress/sft.safetensors) and resumes from there with the same data order and LR schedule.
import type { Tensor } from '../../engine/backend.ts';
import { LoraParams } from '../../model/lora-params.ts';
import { initLora } from '../../model/lora-types.ts';
import { parseSafetensors, readTensorF32, writeSafetensors } from '../../model/safetensors.ts';
import { adapterKey, saveAdapter } from '../../storage/adapter-store.ts';
import { Rng } from '../../util/rng.ts';
import { judgeTrainer, paramsDiffer } from '../outcomes.ts';
import { trainSft } from '../sft.ts';
import { outcome, PASS, RUN, type PhaseModule, type RunContext, type TopicAttempt } from './phase.ts';

export const SFT_PROGRESS_KEY = 'run/progress/sft.safetensors';

/** Restores the saved mid-phase state into `lora` when it belongs to this attempt; returns the step to start at. */
async function resumeFrom<T extends Tensor>(ctx: RunContext<T>, at: TopicAttempt, lora: LoraParams<T>): Promise<number> {
  const prog = ctx.state.sftProgress;
  if (!prog || prog.topicId !== at.topicId || prog.attempt !== at.attempt) return 0;
  const bytes = await ctx.inp.store.get(SFT_PROGRESS_KEY);
  if (!bytes) throw new Error(`resume: ${SFT_PROGRESS_KEY} is missing although run/state.json points to it`);
  const t = parseSafetensors(bytes, SFT_PROGRESS_KEY);
  const get = (n: string) => readTensorF32(t.get(n)!, n);
  lora.writeState({ params: get('params'), m: get('m'), v: get('v') });
  return prog.step;
}

async function saveProgress<T extends Tensor>(ctx: RunContext<T>, at: TopicAttempt, lora: LoraParams<T>, step: number): Promise<void> {
  const state = await lora.readState();
  const f32 = (data: Float32Array) => ({ dtype: 'F32' as const, shape: [data.length], data });
  await ctx.inp.store.put(SFT_PROGRESS_KEY, writeSafetensors({ params: f32(state.params), m: f32(state.m), v: f32(state.v) }), { durable: true });
  ctx.state.sftProgress = { topicId: at.topicId, attempt: at.attempt, step };
  await ctx.checkpoint();
}

export const sftPhase: PhaseModule = {
  phase: 'sft',
  async gate(ctx, at) {
    return ctx.want('sft') && !at.done.includes('sft') ? RUN : PASS;
  },
  async run(ctx, at) {
    const { inp, state } = ctx;
    const { tc, topicId, attempt, seed } = at;
    const lora = LoraParams.create(inp.be, initLora(inp.model.config, ctx.loraCfg, new Rng(seed), inp.modelName));
    try {
      const startStep = await resumeFrom(ctx, at, lora);
      const initial = startStep ? null : (await lora.readState()).params;
      const every = inp.checkpointEvery ?? 50;
      const cfg = inp.config.sft;
      const res = await trainSft(inp.be, ctx.dec, lora, at.data.examples, {
        epochs: at.record.sftEpochs, batchSize: tc.batchSize, learningRate: tc.learningRate, seed, maxSteps: inp.maxSteps,
        warmupRatio: cfg.warmup_ratio, maxGradNorm: cfg.max_grad_norm, weightDecay: cfg.weight_decay, startStep,
        onStep: async (m) => {
          ctx.metric({ topicId, attempt, phase: 'sft', ...m });
          if (m.step % every === 0 && m.step < m.totalSteps) await saveProgress(ctx, at, lora, m.step);
        },
      });
      if (state.sftProgress) await inp.store.delete(SFT_PROGRESS_KEY);
      state.sftProgress = null;
      const changed = initial ? paramsDiffer(initial, (await lora.readState()).params) : true;
      const metrics = { phase: 'sft', steps: res.steps, finalLoss: res.losses.at(-1) ?? null, skippedSteps: res.skippedSteps, truncatedExamples: at.data.truncated };
      const out = outcome(adapterKey(topicId, 'sft'), metrics);
      out.warnings = judgeTrainer('SFT', { steps: res.steps, skippedSteps: res.skippedSteps, firstLoss: res.losses[0] ?? null, lastLoss: res.losses.at(-1) ?? null }, changed);
      await saveAdapter(inp.store, topicId, 'sft', await lora.toAdapter(), metrics);
      return out;
    } finally {
      lora.release();
    }
  },
  /** The SFT adapter of this attempt, or one already in the store (a run asked for phases after SFT only). */
  async policyAfter(ctx, at) {
    const key = adapterKey(at.topicId, 'sft');
    return at.record.adapters.sft ?? ((await ctx.inp.store.has(`${key}/adapter_config.json`)) ? key : null);
  },
};
