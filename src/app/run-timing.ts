// When the steps and phases of the run shown happened, as this page saw them (metric batches arrive
// within ~100 ms of their step): the measurements the ETA is computed from (eta.ts). Watches the store;
// starts over when a run starts, and keeps nothing across reloads (an ETA is re-measured in two steps).
import { isStepMetric, type PhaseMetric } from '../training/metric-types.ts';
import type { CurrentStep, TrainingView } from './store/training-slice.ts';
import { estimateEta, type Eta, type PhaseSpan, type StepSample } from './eta.ts';

interface Timing {
  metricsSeen: number;
  phase: { topicId: string; attempt: number; phase: string; start: number; steps: StepSample[]; totalSteps: number | null } | null;
  done: PhaseSpan[];
}

export function newTiming(): Timing {
  return { metricsSeen: 0, phase: null, done: [] };
}

const sameTopicPhase = (a: Timing['phase'], c: CurrentStep | null) => !!a && !!c && a.topicId === c.topicId && a.attempt === c.attempt && a.phase === c.phase;

/** Folds a new training view into the timing (called on every store change; cheap when nothing moved). */
export function observe(
  timing: Timing,
  view: Pick<TrainingView, 'metrics' | 'current' | 'status'> & Partial<Pick<TrainingView, 'questions'>>,
  now: number,
): Timing {
  let t = timing;
  if (view.metrics.length < t.metricsSeen) t = newTiming(); // a new run cleared the metrics
  const c = view.current;
  const running = view.status === 'running' || view.status === 'pausing';
  if (!sameTopicPhase(t.phase, c)) {
    const done = t.phase ? [...t.done, { topicId: t.phase.topicId, phase: t.phase.phase, ms: now - t.phase.start }] : t.done;
    const phase = running && c?.phase ? { topicId: c.topicId, attempt: c.attempt, phase: c.phase, start: now, steps: [], totalSteps: null } : null;
    t = { ...t, done, phase };
  }
  if (view.metrics.length > t.metricsSeen) {
    const fresh = view.metrics.slice(t.metricsSeen);
    let phase = t.phase;
    for (const m of fresh) phase = addStep(phase, m, now);
    t = { ...t, metricsSeen: view.metrics.length, phase };
  }
  // An evaluation's questions are its steps.
  const q = view.questions;
  const p = t.phase;
  if (q && p && p.phase === 'eval' && q.what === `evaluation of ${p.topicId}` && p.steps.at(-1)?.step !== q.done) {
    t = { ...t, phase: { ...p, totalSteps: q.total, steps: [...p.steps, { t: now, step: q.done }] } };
  }
  return t;
}

function addStep(phase: Timing['phase'], m: PhaseMetric, now: number): Timing['phase'] {
  if (!phase || !isStepMetric(m) || m.topicId !== phase.topicId || m.phase !== phase.phase) return phase;
  const totalSteps = 'totalSteps' in m && typeof m.totalSteps === 'number' ? m.totalSteps : phase.totalSteps;
  return { ...phase, totalSteps, steps: [...phase.steps.slice(-49), { t: now, step: m.step }] };
}

/** The ETA of the run shown: phases left in this topic from the run's phases, topics left from the current step. */
export function etaOf(timing: Timing, view: Pick<TrainingView, 'current' | 'runOptions'>, now: number): Eta {
  const c = view.current;
  const phases = (view.runOptions?.phases ?? []).filter((p) => p !== (view.runOptions?.alignment === 'dpo' ? 'ppo' : 'dpo'));
  const at = c?.phase ? phases.indexOf(c.phase) : -1;
  return estimateEta({
    now,
    current: timing.phase,
    phasesLeft: at >= 0 ? phases.slice(at + 1) : [],
    topicsLeft: c ? Math.max(0, c.total - c.index - 1) : 0,
    done: timing.done,
  });
}
