// The ETA estimator: the phase from its own measured steps, the run from the phases timed so far, and
// the timing record the page keeps from the store's training view.
import { describe, expect, it } from 'vitest';
import { estimateEta, formatDuration, msPerStep } from '../../../src/app/eta.ts';
import { etaOf, newTiming, observe } from '../../../src/app/run-timing.ts';
import type { PhaseMetric } from '../../../src/training/metric-types.ts';

describe('estimateEta', () => {
  it('says nothing before two steps are measured', () => {
    const eta = estimateEta({
      now: 1000,
      current: { topicId: 't', phase: 'sft', start: 0, steps: [{ t: 500, step: 1 }], totalSteps: 10 },
      phasesLeft: [],
      topicsLeft: 0,
      done: [],
    });
    expect(eta).toEqual({ phaseMs: null, runMs: null, basis: null });
  });

  it('times the phase from its steps: steps left × ms per step, less the time since the last step', () => {
    const steps = [
      { t: 1000, step: 1 },
      { t: 3000, step: 3 },
    ]; // 1000 ms per step
    expect(msPerStep(steps)).toBe(1000);
    const eta = estimateEta({ now: 3400, current: { topicId: 't', phase: 'sft', start: 0, steps, totalSteps: 10 }, phasesLeft: [], topicsLeft: 0, done: [] });
    expect(eta.phaseMs).toBe(7 * 1000 - 400);
    expect(eta.runMs).toBe(6600); // the last topic, the last phase
    expect(eta.basis).toBe('steps');
  });

  it('adds the measured phases left in this topic and whole topics left at the measured per-topic time', () => {
    const done = [
      { topicId: 'a', phase: 'sft', ms: 10_000 },
      { topicId: 'a', phase: 'eval', ms: 4_000 },
      { topicId: 'b', phase: 'sft', ms: 20_000 },
      { topicId: 'b', phase: 'eval', ms: 6_000 },
    ];
    const steps = [
      { t: 0, step: 1 },
      { t: 1000, step: 2 },
    ];
    const eta = estimateEta({ now: 1000, current: { topicId: 'c', phase: 'sft', start: 0, steps, totalSteps: 4 }, phasesLeft: ['eval'], topicsLeft: 2, done });
    // phase 2 s; eval left 5 s (mean); 2 topics × (15 s sft + 5 s eval).
    expect(eta.phaseMs).toBe(2000);
    expect(eta.runMs).toBe(2000 + 5000 + 2 * 20_000);
  });

  it('falls back to earlier phases of the same kind for a phase without steps (evaluation)', () => {
    const eta = estimateEta({
      now: 10_000,
      current: { topicId: 'b', phase: 'eval', start: 4_000, steps: [], totalSteps: null },
      phasesLeft: [],
      topicsLeft: 0,
      done: [{ topicId: 'a', phase: 'eval', ms: 9_000 }],
    });
    expect(eta).toEqual({ phaseMs: 3_000, runMs: 3_000, basis: 'earlier phases' });
  });

  it('leaves the run unknown while a phase kind still to come was never timed', () => {
    const steps = [
      { t: 0, step: 1 },
      { t: 1000, step: 2 },
    ];
    const eta = estimateEta({
      now: 1000,
      current: { topicId: 'a', phase: 'sft', start: 0, steps, totalSteps: 4 },
      phasesLeft: ['eval'],
      topicsLeft: 3,
      done: [],
    });
    expect(eta.phaseMs).toBe(2000);
    expect(eta.runMs).toBeNull();
  });
});

describe('formatDuration', () => {
  it('rounds to what a person reads', () => {
    expect(formatDuration(3000)).toBe('under 5 s');
    expect(formatDuration(42_000)).toBe('about 40 s');
    expect(formatDuration(10 * 60_000)).toBe('about 10 min');
    expect(formatDuration(125 * 60_000)).toBe('about 2 h 5 min');
  });
});

describe('run timing from the store', () => {
  const sft = (step: number): PhaseMetric => ({ topicId: 't1', attempt: 0, phase: 'sft', step, totalSteps: 5, loss: 1 }) as unknown as PhaseMetric;
  const current = (phase: 'sft' | 'eval') => ({ topicId: 't1', index: 0, total: 2, attempt: 0, retries: 0, phase });
  const runOptions = { phases: ['sft', 'eval'], alignment: 'ppo' } as never;

  it('measures steps as their metrics arrive, closes a phase when the next starts, and restarts on a new run', () => {
    let t = newTiming();
    t = observe(t, { status: 'running', current: current('sft'), metrics: [] }, 0);
    t = observe(t, { status: 'running', current: current('sft'), metrics: [sft(1)] }, 1000);
    t = observe(t, { status: 'running', current: current('sft'), metrics: [sft(1), sft(2)] }, 3000);
    const eta = etaOf(t, { current: current('sft'), runOptions }, 3000);
    expect(eta.phaseMs).toBe(3 * 2000);
    t = observe(t, { status: 'running', current: current('eval'), metrics: [sft(1), sft(2)] }, 9000);
    expect(t.done).toEqual([{ topicId: 't1', phase: 'sft', ms: 9000 }]);
    t = observe(t, { status: 'running', current: null, metrics: [] }, 10_000);
    expect(t.metricsSeen).toBe(0);
    expect(t.done).toEqual([]);
  });
});
