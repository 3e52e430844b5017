// Time left, from measured step times: the phase in progress from its own steps (seconds per step ×
// steps left), the rest of the run from the phases and topics already timed in this session. Pure:
// the page records when steps and phases happened (run-timing.ts) and asks here.

export interface StepSample {
  /** ms since the epoch when the step's metric arrived. */
  t: number;
  step: number;
}

/** A finished phase of some topic, timed. */
export interface PhaseSpan {
  topicId: string;
  phase: string;
  ms: number;
}

export interface EtaInput {
  now: number;
  /** The phase in progress: when it started, its steps so far and its step count (null: not known, e.g. evaluation). */
  current: { topicId: string; phase: string; start: number; steps: StepSample[]; totalSteps: number | null } | null;
  /** Phases the current topic still has after the one in progress (in order). */
  phasesLeft: string[];
  /** Topics still to train after the current one. */
  topicsLeft: number;
  /** Every phase finished in this session. */
  done: PhaseSpan[];
}

export interface Eta {
  /** ms left in the phase in progress, or null when it cannot be told yet. */
  phaseMs: number | null;
  /** ms left in the run, or null when it cannot be told yet. */
  runMs: number | null;
  /** How the phase estimate was made. */
  basis: 'steps' | 'earlier phases' | null;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** ms per step from the samples of one phase (needs two with different steps). */
export function msPerStep(steps: readonly StepSample[]): number | null {
  if (steps.length < 2) return null;
  const a = steps[0];
  const b = steps[steps.length - 1];
  return b.step > a.step && b.t >= a.t ? (b.t - a.t) / (b.step - a.step) : null;
}

/** Mean measured duration of a phase kind, or null when none was timed. */
function meanPhase(done: readonly PhaseSpan[], phase: string): number | null {
  return mean(done.filter((d) => d.phase === phase).map((d) => d.ms));
}

/** Time left in the phase in progress and in the run (see Eta). */
export function estimateEta(inp: EtaInput): Eta {
  const { now, current, phasesLeft, topicsLeft, done } = inp;
  let phaseMs: number | null = null;
  let basis: Eta['basis'] = null;
  if (current) {
    const per = msPerStep(current.steps);
    const last = current.steps[current.steps.length - 1];
    if (per !== null && current.totalSteps !== null && last) {
      phaseMs = Math.max(0, (current.totalSteps - last.step) * per - (now - last.t));
      basis = 'steps';
    } else {
      const typical = meanPhase(done, current.phase);
      if (typical !== null) {
        phaseMs = Math.max(0, typical - (now - current.start));
        basis = 'earlier phases';
      }
    }
  }
  // The rest of this topic: each phase left at its measured mean; unknown if any was never timed.
  let restOfTopic: number | null = 0;
  for (const p of phasesLeft) {
    const m = meanPhase(done, p);
    restOfTopic = m === null || restOfTopic === null ? null : restOfTopic + m;
  }
  // A whole topic: the sum of its phases' means (every phase kind timed at least once).
  const kinds = current ? [current.phase, ...phasesLeft] : phasesLeft;
  let perTopic: number | null = 0;
  for (const p of new Set([...kinds, ...done.map((d) => d.phase)])) {
    const m = meanPhase(done, p);
    perTopic = m === null || perTopic === null ? null : perTopic + m;
  }
  const runMs =
    phaseMs === null || restOfTopic === null
      ? null
      : topicsLeft === 0
        ? phaseMs + restOfTopic
        : perTopic === null
          ? null
          : phaseMs + restOfTopic + topicsLeft * perTopic;
  return { phaseMs, runMs, basis };
}

/** "about 3 min", "about 40 s", "under 5 s". */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 5) return 'under 5 s';
  if (s < 90) return `about ${Math.round(s / 5) * 5} s`;
  const m = s / 60;
  if (m < 90) return `about ${Math.round(m)} min`;
  const h = Math.floor(m / 60);
  return `about ${h} h ${Math.round(m - h * 60)} min`;
}
