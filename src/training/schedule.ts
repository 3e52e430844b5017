// Learning-rate schedules with linear warmup, following Hugging Face transformers' optimization.py:
// step is the 0-based optimizer step, warmup steps = ceil(warmupRatio · totalSteps). Every trainer takes
// its LR from here (trainerSchedule), so SFT, reward model and DPO warm up by the same rounding.

export type ScheduleKind = 'cosine' | 'linear' | 'constant';

function checkArgs(where: string, step: number, totalSteps: number, warmupRatio: number, baseLr: number, minLr: number): void {
  if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new Error(`${where}: totalSteps: expected a positive integer, got ${totalSteps}`);
  if (!Number.isInteger(step) || step < 0) throw new Error(`${where}: step: expected an integer >= 0, got ${step}`);
  if (!(warmupRatio >= 0 && warmupRatio <= 1)) throw new Error(`${where}: warmupRatio: expected a number in [0, 1], got ${warmupRatio}`);
  if (!(baseLr >= 0) || !Number.isFinite(baseLr)) throw new Error(`${where}: baseLr: expected a finite number >= 0, got ${baseLr}`);
  if (!(minLr >= 0 && minLr <= baseLr)) throw new Error(`${where}: minLr: expected a number in [0, baseLr = ${baseLr}], got ${minLr}`);
}

/** Warmup length in steps: ceil(ratio · total), as transformers' TrainingArguments.get_warmup_steps. */
export function warmupSteps(totalSteps: number, warmupRatio: number): number {
  // Round away float noise first: 0.1 · 30 = 3.0000000000000004 gives 3 here (Python's ceil would say 4).
  return Math.ceil(Number((warmupRatio * totalSteps).toFixed(9)));
}

/** During warmup: step / warmup · baseLr (0 at step 0, exactly baseLr at step = warmup, where the decay starts). */
function warmup(step: number, warm: number, baseLr: number): number | null {
  return step <= warm && warm > 0 ? (baseLr * step) / warm : null;
}

/** Cosine decay from baseLr after warmup to minLr at step = totalSteps (and after). */
export function cosineWithWarmup(step: number, totalSteps: number, warmupRatio: number, baseLr: number, minLr = 0): number {
  checkArgs('cosineWithWarmup', step, totalSteps, warmupRatio, baseLr, minLr);
  const warm = warmupSteps(totalSteps, warmupRatio);
  const w = warmup(step, warm, baseLr);
  if (w !== null) return w;
  const progress = Math.min(1, (step - warm) / Math.max(1, totalSteps - warm));
  return minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** Linear decay from baseLr after warmup to minLr at step = totalSteps (and after). */
export function linearWarmup(step: number, totalSteps: number, warmupRatio: number, baseLr: number, minLr = 0): number {
  checkArgs('linearWarmup', step, totalSteps, warmupRatio, baseLr, minLr);
  const warm = warmupSteps(totalSteps, warmupRatio);
  const w = warmup(step, warm, baseLr);
  if (w !== null) return w;
  const remaining = Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warm));
  return minLr + (baseLr - minLr) * remaining;
}

/** baseLr after warmup (transformers' constant_with_warmup; no warmup = constant). */
export function constantWithWarmup(step: number, totalSteps: number, warmupRatio: number, baseLr: number): number {
  checkArgs('constantWithWarmup', step, totalSteps, warmupRatio, baseLr, 0);
  return warmup(step, warmupSteps(totalSteps, warmupRatio), baseLr) ?? baseLr;
}

/** The learning rate at `step` for the config's `scheduler` name. */
export function lrAt(kind: ScheduleKind, step: number, totalSteps: number, warmupRatio: number, baseLr: number, minLr = 0): number {
  switch (kind) {
    case 'cosine':
      return cosineWithWarmup(step, totalSteps, warmupRatio, baseLr, minLr);
    case 'linear':
      return linearWarmup(step, totalSteps, warmupRatio, baseLr, minLr);
    case 'constant':
      return constantWithWarmup(step, totalSteps, warmupRatio, baseLr);
    default:
      throw new Error(`lrAt: unknown scheduler '${String(kind)}' (expected cosine, linear or constant)`);
  }
}

/** A trainer's schedule as its config names it. */
export interface ScheduleSpec {
  kind?: ScheduleKind; // after warmup, default cosine
  warmupRatio?: number; // default 0.1
  minLrRatio?: number; // floor as a share of the peak LR, default 0
  /**
   * Read the schedule one step ahead, with at least one warmup step (SFT's convention, default false):
   * optimizer step s (0-based) runs at the transformers LR of step s + 1, so the first step trains at
   * peak / warmup instead of spending a step at LR 0, and the last step runs at the floor.
   */
  ahead?: boolean;
}

/** The LR of every 0-based optimizer step s of a run of totalSteps with the given peak. Validates up front. */
export function trainerSchedule(spec: ScheduleSpec, totalSteps: number, peakLr: number): (s: number) => number {
  const kind = spec.kind ?? 'cosine';
  const ratio = spec.warmupRatio ?? 0.1;
  const minLr = peakLr * (spec.minLrRatio ?? 0);
  const lr = makeSchedule(kind, totalSteps, ratio, peakLr, minLr);
  if (!spec.ahead) return lr;
  // At least one warmup step: with none, step s + 1 would already be past the peak on the first step.
  const ratioAhead = warmupSteps(totalSteps, ratio) >= 1 ? ratio : 1 / totalSteps;
  const ahead = makeSchedule(kind, totalSteps, ratioAhead, peakLr, minLr);
  return (s) => ahead(s + 1);
}

/** A schedule with its settings bound: `lr(step)`. Stateless; a checkpoint stores only the step. */
export function makeSchedule(kind: ScheduleKind, totalSteps: number, warmupRatio: number, baseLr: number, minLr = 0): (step: number) => number {
  lrAt(kind, 0, totalSteps, warmupRatio, baseLr, minLr); // validate once, up front
  return (step) => lrAt(kind, step, totalSteps, warmupRatio, baseLr, minLr);
}
