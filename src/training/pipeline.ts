// The curriculum pipeline: per topic, in curriculum order, SFT → reward model → PPO (or DPO) → evaluation
// against the topic's pass threshold, with retries (topic-run.ts, over the phase modules in phases/);
// chapter tests, unit exams and the final assessment after their part; unit merges; every adapter and the
// run state in an ArtifactStore after each phase, so a killed run resumes at the last completed phase and
// ends with the same bytes as an uninterrupted one.
import type { Tensor } from '../engine/backend.ts';
import { buildSftExample } from '../model/tokenizer.ts';
import { Decoder } from '../model/decoder.ts';
import type { LoraParams } from '../model/lora-params.ts';
import type { LoraAdapter, LoraConfig, LoraTarget } from '../model/lora-types.ts';
import type { PipelineConfig } from '../config/pipeline-config.ts';
import { RUN_FILES, RUN_STATE_VERSION, RunStore } from '../storage/run-store.ts';
import type { EvalSet } from '../data/types.ts';
import { runExam, releaseEvalWorkspaces } from './evaluate.ts';
import { mergeAdapters, compressAdapter } from './merge.ts';
import { planCurriculum } from './plan.ts';
import type { RunContext } from './phases/phase.ts';
import { runTopic } from './topic-run.ts';
import type { ExamRecord, MetricRecord, PipelineEvent, PipelineInputs, RunState } from './run-types.ts';

export type { AttemptRecord, ExamRecord, MetricRecord, Phase, PipelineEvent, PipelineInputs, RunState, TopicRecord } from './run-types.ts';
export { retryDecision } from './topic-loop.ts';
export { closedSequence } from './phases/ppo.ts';

export const STATE_KEY = RUN_FILES.state;

function loraConfigOf(cfg: PipelineConfig): LoraConfig {
  return {
    r: cfg.lora.r,
    alpha: cfg.lora.alpha,
    dropout: cfg.lora.dropout,
    targetModules: cfg.lora.target_modules as LoraTarget[],
    useRslora: cfg.lora.use_rslora,
  };
}

/** The saved state of a run to resume (checked against this call), or a new one. */
async function openState<T extends Tensor>(inp: PipelineInputs<T>, runs: RunStore): Promise<RunState> {
  if (inp.resume) {
    const state = await runs.readState();
    if (state && (state.seed !== inp.seed || state.modelName !== inp.modelName || state.alignment !== inp.alignment)) {
      throw new Error(
        `resume: the saved run used seed ${state.seed}, model ${state.modelName}, alignment ${state.alignment}; this call asks for seed ${inp.seed}, model ${inp.modelName}, alignment ${inp.alignment}`,
      );
    }
    if (state) return state;
  }
  return {
    version: RUN_STATE_VERSION,
    seed: inp.seed,
    modelName: inp.modelName,
    alignment: inp.alignment,
    phases: inp.phases,
    cursor: 0,
    attemptPhase: null,
    topics: [],
    exams: [],
    folded: [],
    unitParts: {},
    merged: [],
    metrics: [],
    progress: null,
    finished: false,
  };
}

/** The context every phase shares; the decoder replays a resumed run's folds in order, so the base is bit-identical. */
async function runContext<T extends Tensor>(inp: PipelineInputs<T>, runs: RunStore, st: RunState): Promise<RunContext<T>> {
  const { be, config, tokenizer, model } = inp;
  const dec = new Decoder(be, model.config, model.weights, model.packed, { releaseHost: inp.releaseHostWeights, device: inp.deviceWeights });
  for (const key of st.folded) dec.foldAdapter((await runs.loadAdapter(key, model.config)).adapter);
  const emit = (e: PipelineEvent) => inp.onEvent?.(e);
  return {
    inp,
    dec,
    state: st,
    runs,
    emit,
    loraCfg: loraConfigOf(config),
    maxLen: Math.min(config.max_seq_length, model.config.maxPositionEmbeddings),
    endId: buildSftExample(tokenizer, 'q', 'a', 64).ids.at(-1)!,
    metric(record: MetricRecord) {
      st.metrics.push(record);
      emit({ type: 'metric', record });
    },
    async checkpoint(progress) {
      await runs.writeState(st, progress);
      await inp.afterCheckpoint?.(st);
    },
    evalContext: (lora: LoraParams<T> | null) => ({
      be,
      dec,
      lora,
      tokenizer,
      markers: inp.markers,
      distinctions: inp.dataset.distinctions,
      similarity: inp.similarity.similarity,
      maxNewTokens: config.evaluation.max_new_tokens,
      seed: inp.seed,
      weights: config.evaluation.weights,
    }),
    want: (p) => inp.phases.includes(p),
  };
}

/** Runs (or resumes) the curriculum; returns the final run state. */
export async function runCurriculum<T extends Tensor>(inp: PipelineInputs<T>): Promise<RunState> {
  const plan = planCurriculum(inp.dataset, inp.topicConfigs, inp.topicFilter);
  const runs = new RunStore(inp.store);
  const st = await openState(inp, runs);
  const ctx = await runContext(inp, runs, st);
  try {
    for (; st.cursor < plan.length; st.cursor++) {
      const step = plan[st.cursor];
      if (step.kind === 'topic') await runTopic(ctx, step.topicId, step.index, step.total);
      else if (step.kind === 'exam') await takeExam(ctx, step.set);
      else await mergeUnit(ctx, step.unit);
      st.attemptPhase = null;
      await ctx.checkpoint();
    }
    st.finished = true;
    await ctx.checkpoint();
  } finally {
    ctx.dec.release();
  }
  return st;
}

/** A chapter test, unit exam or the final assessment, taken by the base with the folded adapters. */
async function takeExam<T extends Tensor>(ctx: RunContext<T>, set: EvalSet): Promise<void> {
  if (!ctx.want('eval')) {
    ctx.emit({ type: 'log', message: `${set.title}: not taken (evaluation is not among the phases)` });
    return;
  }
  const onQuestion = (done: number, total: number) => ctx.emit({ type: 'questions', what: set.title, topicId: null, done, total });
  const res = await runExam({ ...ctx.evalContext(null), onQuestion }, set);
  const rec: ExamRecord = {
    level: set.level as ExamRecord['level'],
    scopeId: set.scopeId,
    title: set.title,
    accuracy: res.summary.accuracy,
    meanVoice: res.summary.meanVoice,
    passed: res.summary.passed,
    bars: res.summary.bars,
    questions: res.summary.questions.length,
  };
  ctx.state.exams.push(rec);
  ctx.emit({ type: 'exam', result: rec });
  releaseEvalWorkspaces(ctx.inp.be, ctx.dec);
}

/** At a unit's end: the previous merge plus the unit's folded topic adapters, merged exactly (or compressed). */
async function mergeUnit<T extends Tensor>(ctx: RunContext<T>, unit: string): Promise<void> {
  const { config, model } = ctx.inp;
  const st = ctx.state;
  const keys = st.unitParts[unit] ?? [];
  if (!config.merge.after_unit || !keys.length) {
    ctx.emit({ type: 'log', message: `unit ${unit}: nothing to merge` });
    return;
  }
  const parts: LoraAdapter[] = [];
  const prev = st.merged.at(-1);
  if (prev) parts.push((await ctx.runs.loadAdapter(prev.key, model.config)).adapter);
  for (const k of keys) parts.push((await ctx.runs.loadAdapter(k, model.config)).adapter);
  let merged = mergeAdapters(parts);
  let relativeError: number | null = null;
  if (config.merge.compress_rank && config.merge.compress_rank < merged.config.r) {
    const c = compressAdapter(merged, config.merge.compress_rank);
    merged = c.adapter;
    relativeError = c.relativeError;
  }
  const key = await ctx.runs.saveMerged(unit, merged, { unit, parts: [...(prev ? [prev.key] : []), ...keys], rank: merged.config.r, relativeError });
  st.merged.push({ unit, key, rank: merged.config.r, relativeError });
  ctx.emit({ type: 'merge', unit, key, rank: merged.config.r, relativeError });
}
