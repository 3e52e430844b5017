// One topic of the curriculum: its record, its attempts (retries with one more SFT epoch and a new seed),
// each attempt a loop over the phase modules that records their outcomes in the run state and saves it
// after every phase, and the fold of the finished topic's adapter into the base.
import type { Tensor } from '../engine/backend.ts';
import type { TopicConfig } from '../analysis/adaptive.ts';
import type { PhaseModule, PhaseOutcome, RunContext, TopicAttempt } from './phases/phase.ts';
import { seedFor } from './phases/phase.ts';
import { topicData } from './phases/topic-data.ts';
import { sftPhase } from './phases/sft.ts';
import { rewardPhase } from './phases/reward.ts';
import { ppoPhase } from './phases/ppo.ts';
import { dpoPhase } from './phases/dpo.ts';
import { evalPhase } from './phases/eval.ts';
import type { AttemptRecord, Phase, TopicRecord } from './run-types.ts';
import { attemptAction, attemptPhases, firstAttempt, foldsIntoBase, isAdapterPhase, newAttempt, retryDecision, retryNote } from './topic-loop.ts';

export const PHASE_MODULES: Record<Phase, PhaseModule> = { sft: sftPhase, reward: rewardPhase, ppo: ppoPhase, dpo: dpoPhase, eval: evalPhase };

function topicRecord<T extends Tensor>(ctx: RunContext<T>, tc: TopicConfig): TopicRecord {
  let rec = ctx.state.topics.find((t) => t.id === tc.id);
  if (!rec) {
    rec = {
      id: tc.id,
      unit: tc.id.split('/')[0],
      trainable: tc.trainable,
      untrainableReason: tc.untrainableReason,
      threshold: tc.passThreshold,
      attempts: [],
      phasesRun: [],
      score: null,
      passed: false,
      finalAdapter: null,
      truncatedExamples: 0,
      merged: false,
    };
    ctx.state.topics.push(rec);
  }
  return rec;
}

/** Runs (or resumes) a topic's attempts until it passes, its retries are used up, or a retry would change nothing. */
export async function runTopic<T extends Tensor>(ctx: RunContext<T>, topicId: string, index: number, total: number): Promise<void> {
  const { inp, state: st } = ctx;
  const tc = inp.topicConfigs.find((t) => t.id === topicId)!;
  const rec = topicRecord(ctx, tc);
  if (!tc.trainable) {
    ctx.emit({ type: 'phase', topicId, phase: 'sft', status: 'skipped', message: tc.untrainableReason });
    return;
  }
  const data = topicData(inp.dataset, topicId, inp.tokenizer, ctx.maxLen, inp.config.ppo.max_new_tokens);
  rec.truncatedExamples = data.truncated;
  rec.identicalPairs = data.identicalPairs;
  if (!data.examples.length) {
    rec.untrainableReason = 'no supervised examples';
    ctx.emit({ type: 'phase', topicId, phase: 'sft', status: 'skipped', message: rec.untrainableReason });
    return;
  }
  const retries = inp.config.retries;
  const evaluated = ctx.want('eval');
  for (let attempt = firstAttempt(rec); attempt <= retries; attempt++) {
    let ar = rec.attempts.find((a) => a.attempt === attempt);
    const action = attemptAction(ar, { evaluated, inProgress: st.attemptPhase?.topicId === topicId });
    if (action === 'stop') break;
    if (action === 'next') continue;
    const seed = seedFor(inp.seed, topicId, attempt);
    if (!ar) {
      ar = newAttempt({ attempt, seed, sftEpochs: tc.sftEpochs, promptsCut: data.promptsCut, identicalPairs: data.identicalPairs, maxLen: ctx.maxLen });
      rec.attempts.push(ar);
    }
    ctx.emit({ type: 'topic', topicId, index, total, attempt, retries });
    const finalKey = await runAttempt(ctx, rec, ar, { topicId, tc, attempt, seed, record: ar, done: [], data, policyKey: null });
    const passed = evaluated ? ar.passed : true;
    rec.score = ar.score;
    rec.passed = passed && evaluated;
    rec.finalAdapter = finalKey;
    st.attemptPhase = null;
    const next = retryDecision({
      passed,
      evaluated,
      attempt,
      retries,
      score: ar.score,
      previousScore: rec.attempts.find((a) => a.attempt === attempt - 1)?.score ?? null,
    });
    if (next.note) ar.notes.push(next.note);
    if (next.finish) {
      await foldTopic(ctx, rec, finalKey);
      break;
    }
    ar.notes.push(retryNote(attempt, ar.score, tc.passThreshold, retries));
    await ctx.checkpoint();
  }
}

/** One attempt: every phase module in order, skipping what the saved state says is done; returns the policy's adapter key. */
async function runAttempt<T extends Tensor>(
  ctx: RunContext<T>,
  rec: TopicRecord,
  ar: AttemptRecord,
  at: TopicAttempt & { done: Phase[] },
): Promise<string | null> {
  rec.warnings = ar.warnings ?? [];
  ctx.state.attemptPhase ??= { topicId: at.topicId, attempt: at.attempt, done: [] };
  at.done = ctx.state.attemptPhase.done;
  for (const phase of attemptPhases(ctx.inp.alignment)) {
    const mod = PHASE_MODULES[phase];
    const gate = await mod.gate(ctx, at);
    if (gate.run) {
      ctx.emit({ type: 'phase', topicId: at.topicId, phase, status: 'start' });
      const out = await mod.run(ctx, at);
      ctx.state.progress = null; // the phase is done: the next checkpoint drops its mid-phase tensors
      record(ctx, rec, ar, phase, out);
      at.done.push(phase);
      if (!ar.phases.includes(phase)) ar.phases.push(phase);
      if (!rec.phasesRun.includes(phase)) rec.phasesRun.push(phase);
      ctx.emit({ type: 'phase', topicId: at.topicId, phase, status: 'done' });
      await ctx.checkpoint();
    } else if (gate.note) {
      if (!ar.notes.includes(gate.note)) ar.notes.push(gate.note);
      ctx.emit({ type: 'phase', topicId: at.topicId, phase, status: 'skipped', message: gate.note });
    }
    if (mod.policyAfter) at.policyKey = (await mod.policyAfter(ctx, at)) ?? at.policyKey;
  }
  return at.policyKey;
}

/** Writes a phase's outcome into the attempt's record (and its warnings onto the topic, as they come). */
function record<T extends Tensor>(ctx: RunContext<T>, rec: TopicRecord, ar: AttemptRecord, phase: Phase, out: PhaseOutcome): void {
  if (out.adapterKey && isAdapterPhase(phase)) ar.adapters[phase] = out.adapterKey;
  if (out.rewardLearned !== undefined) ar.rewardLearned = out.rewardLearned;
  ar.notes.push(...out.notes);
  for (const message of out.warnings) {
    (ar.warnings ??= []).push(message);
    rec.warnings = ar.warnings;
    ctx.emit({ type: 'warning', topicId: rec.id, phase, message });
  }
  if (out.evaluation) {
    ar.score = out.evaluation.score;
    ar.passed = out.evaluation.passed;
    ar.evaluation = out.evaluation.summary;
  }
}

/** The finished topic's adapter joins the base for the topics after it (and the unit's merge). */
async function foldTopic<T extends Tensor>(ctx: RunContext<T>, rec: TopicRecord, finalKey: string | null): Promise<void> {
  const { config, model } = ctx.inp;
  if (!foldsIntoBase(finalKey, { passed: rec.passed, mergeFailed: config.merge.merge_failed, evaluated: ctx.want('eval') })) return;
  ctx.dec.foldAdapter((await ctx.runs.loadAdapter(finalKey, model.config)).adapter);
  ctx.state.folded.push(finalKey);
  (ctx.state.unitParts[rec.unit] ??= []).push(finalKey);
  rec.merged = true;
}
