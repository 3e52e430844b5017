// Mid-phase progress, one mechanism for every phase: every `checkpointEvery` optimizer steps a phase saves
// its trainable tensors (LoRA and scalar heads with their AdamW moments) and its trainer's position (RNG
// states, schedule counters) with the run state in one durable group; a resumed run restores them and
// continues with the same data order and schedule, ending with the bytes of an uninterrupted run.
import type { Backend, Tensor } from '../../engine/backend.ts';
import type { LoraParams } from '../../model/lora-params.ts';
import type { PhaseProgress, ProgressTensors } from '../../storage/run-store.ts';
import type { MetricRecord, Phase } from '../run-types.ts';
import type { ScalarHead } from '../seq.ts';
import type { RunContext, TopicAttempt } from './phase.ts';

/** The saved progress of this phase of this attempt, with its tensors, or null when it starts afresh. */
export async function resumePoint<T extends Tensor>(
  ctx: RunContext<T>,
  at: TopicAttempt,
  phase: Phase,
): Promise<{ progress: PhaseProgress; tensors: ProgressTensors } | null> {
  const p = ctx.state.progress;
  if (!p || p.phase !== phase || p.topicId !== at.topicId || p.attempt !== at.attempt) return null;
  return { progress: p, tensors: await ctx.runs.readProgress(p) };
}

/** True when a phase saves after `step` of `total` (not after the last: the phase's end saves the adapter). */
export function dueForSave<T extends Tensor>(ctx: RunContext<T>, step: number, total: number): boolean {
  const every = ctx.inp.checkpointEvery ?? 50;
  return every > 0 && step % every === 0 && step < total;
}

/** Saves the phase's position and tensors with the run state (durable, one group). */
export async function saveProgress<T extends Tensor>(
  ctx: RunContext<T>,
  at: TopicAttempt,
  phase: Phase,
  step: number,
  tensors: ProgressTensors,
  position?: unknown,
): Promise<void> {
  ctx.state.progress = { phase, topicId: at.topicId, attempt: at.attempt, step, ...(position === undefined ? {} : { position }) };
  await ctx.checkpoint(tensors);
}

/** A LoRA's parameters and AdamW moments as progress tensors `{prefix}.params|m|v`. */
export async function loraTensors<T extends Tensor>(prefix: string, lora: LoraParams<T>): Promise<ProgressTensors> {
  const s = await lora.readState();
  return { [`${prefix}.params`]: s.params, [`${prefix}.m`]: s.m, [`${prefix}.v`]: s.v };
}

export function restoreLora<T extends Tensor>(prefix: string, lora: LoraParams<T>, t: ProgressTensors): void {
  lora.writeState({ params: need(t, `${prefix}.params`), m: need(t, `${prefix}.m`), v: need(t, `${prefix}.v`) });
}

/** A scalar head's parameters and AdamW moments as progress tensors. */
export async function headTensors<T extends Tensor>(be: Backend<T>, prefix: string, head: ScalarHead<T>): Promise<ProgressTensors> {
  return { [`${prefix}.params`]: await be.read(head.params), [`${prefix}.m`]: await be.read(head.m), [`${prefix}.v`]: await be.read(head.v) };
}

export function restoreHead<T extends Tensor>(be: Backend<T>, prefix: string, head: ScalarHead<T>, t: ProgressTensors): void {
  for (const k of ['params', 'm', 'v'] as const) {
    const data = need(t, `${prefix}.${k}`);
    if (data.length !== head[k].size) throw new Error(`resume: ${prefix}.${k} holds ${data.length} values, the head has ${head[k].size}`);
    be.write(head[k], data);
  }
}

function need(t: ProgressTensors, name: string): Float32Array {
  const d = t[name];
  if (!d) throw new Error(`resume: the saved progress has no tensor '${name}' (has ${Object.keys(t).join(', ') || 'none'})`);
  return d;
}

/**
 * The metric records this phase of this attempt has logged, before and after a resume (they are saved
 * with the state): outcomes are judged on the whole phase, not on the steps since the last resume.
 */
export function phaseRecords<T extends Tensor>(ctx: RunContext<T>, at: TopicAttempt, phase: Phase): MetricRecord[] {
  return ctx.state.metrics.filter((m) => m.topicId === at.topicId && m.attempt === at.attempt && m.phase === phase);
}
