// Direct preference optimisation (Rafailov et al. 2023): the policy LoRA learns from preference pairs
// against a frozen reference adapter (the SFT policy), loss −log σ(β((πc − refc) − (πr − refr))); with label
// smoothing ε, conservative DPO (Mitchell 2023; TRL's "sigmoid" loss): −(1−ε)·log σ(βz) − ε·log σ(−βz).
import type { Backend, Tensor } from '../engine/backend.ts';
import { Decoder as DecoderClass, Workspace, type Decoder } from '../model/decoder.ts';
import type { LoraParams } from '../model/lora-params.ts';
import { batchSeqLen, packPairs, pairSeqLen, sigmoid, softplusNeg, type PairTokens } from './pairs.ts';
import { trainerSchedule, type ScheduleKind } from './schedule.ts';
import { sftSchedule } from './sft.ts';
import { backwardWeightedLogprobs, perSequence, tokenLogprobs, type PackedBatch } from './seq.ts';
import { Optimizer } from './step.ts';

export interface DpoOptions {
  beta?: number; // default 0.1
  /** Conservative DPO: the assumed share of flipped preference labels, in [0, 0.5] (default 0 = plain DPO). */
  labelSmoothing?: number;
  epochs: number;
  batchSize: number; // pairs per step
  learningRate: number;
  warmupRatio?: number; // default 0.1
  scheduler?: ScheduleKind; // LR after warmup, default cosine
  maxGradNorm?: number; // default 1.0
  seed: number;
  maxSteps?: number;
  /** First step to run (resume, after policy.writeState): data order and LR schedule are the whole run's. */
  startStep?: number;
  /** Stop before this step (a checkpoint boundary); the schedule is unchanged. */
  untilStep?: number;
  weightDecay?: number; // default 0
  betas?: [number, number]; // default [0.9, 0.999]
  eps?: number; // default 1e-8
  onStep?: (m: DpoStepMetrics) => void | Promise<void>;
}

export interface DpoStepMetrics {
  step: number; // 1-based
  totalSteps: number;
  epoch: number; // 0-based
  loss: number; // mean DPO loss of the batch (before the update)
  margin: number; // mean (πc − refc) − (πr − refr), log-prob units (no β)
  accuracy: number; // share of pairs with a positive margin
  chosenReward: number; // mean β(πc − refc)
  rejectedReward: number; // mean β(πr − refr)
  gradNorm: number; // before clipping
  learningRate: number;
  skipped: boolean; // non-finite loss or gradient: no update applied
}

export interface DpoResult {
  history: DpoStepMetrics[];
  skippedSteps: number;
  steps: number;
}

/** Sums of answer-token log-probs for the chosen rows [0, k) and rejected rows [b, b + k) of a pair batch. */
async function pairLogprobs<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  lora: LoraParams<T> | null,
  ws: Workspace<T>,
  out: T,
  batch: PackedBatch,
  b: number,
  k: number,
): Promise<{ chosen: number[]; rejected: number[]; lp: Float32Array }> {
  ws.setBatch(batch.ids, batch.lens, batch.targets, batch.mask);
  const lp = await tokenLogprobs(be, dec, lora, ws, out);
  const { sum } = perSequence(lp, batch.mask, batch.B, batch.T);
  return { chosen: sum.slice(0, k), rejected: sum.slice(b, b + k), lp };
}

/**
 * Reference log-prob sums of every pair (answer tokens only), computed once with the frozen reference
 * adapter (null = the base model). Exported for tests and for reporting the starting margin.
 */
export async function referenceLogprobs<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  reference: LoraParams<T> | null,
  ws: Workspace<T>,
  out: T,
  pairs: PairTokens[],
  b: number,
): Promise<{ chosen: number[]; rejected: number[] }> {
  const chosen: number[] = [],
    rejected: number[] = [];
  for (let i = 0; i < pairs.length; i += b) {
    const chunk = pairs.slice(i, i + b);
    const w = ws.within(Math.min(ws.T, batchSeqLen(chunk))); // padded to this batch's longest
    const r = await pairLogprobs(be, dec, reference, w, be.view(out, 0, [w.N]), packPairs(chunk, b, w.T), b, chunk.length);
    chosen.push(...r.chosen);
    rejected.push(...r.rejected);
  }
  return { chosen, rejected };
}

function sameLayout<T extends Tensor>(a: LoraParams<T>, b: LoraParams<T>): string | null {
  const ra = DecoderClass.loraRanks(a),
    rb = DecoderClass.loraRanks(b);
  if (ra.size !== rb.size) return `${ra.size} modules vs ${rb.size}`;
  for (const [p, r] of ra) if (rb.get(p) !== r) return `module ${p}: rank ${r} vs ${rb.get(p) ?? 'missing'}`;
  return null;
}

/**
 * One pair's DPO loss at z = β·margin with label smoothing ε, and g = −dLoss/dz:
 * loss = (1−ε)·softplus(−z) + ε·softplus(z), g = (1−ε)·σ(−z) − ε·σ(z). ε = 0 is computed as plain DPO
 * (loss softplus(−z), g = σ(−z)), so it is bit for bit what it was before smoothing existed.
 */
export function dpoPairLoss(z: number, eps: number): { loss: number; g: number } {
  if (eps === 0) return { loss: softplusNeg(z), g: sigmoid(-z) };
  return { loss: (1 - eps) * softplusNeg(z) + eps * softplusNeg(-z), g: (1 - eps) * sigmoid(-z) - eps * sigmoid(z) };
}

/**
 * A batch's mean DPO loss and metrics from the policy's and the reference's log-prob sums of its k pairs
 * (batch rows p and b + p; reference indexed by the pairs' positions idx), and the per-token weights for
 * backwardWeightedLogprobs: +β·g/k on chosen answer tokens, −β·g/k on rejected ones.
 */
function batchLoss(
  pol: { chosen: number[]; rejected: number[] },
  ref: { chosen: number[]; rejected: number[] },
  idx: number[],
  mask: ArrayLike<number>,
  o: { beta: number; smoothing: number; b: number; T: number; N: number },
) {
  const { beta, b, T } = o;
  const k = idx.length;
  let loss = 0,
    margin = 0,
    correct = 0,
    cr = 0,
    rr = 0;
  const weights = new Float32Array(o.N);
  for (let p = 0; p < k; p++) {
    const dc = pol.chosen[p] - ref.chosen[idx[p]];
    const dr = pol.rejected[p] - ref.rejected[idx[p]];
    const z = beta * (dc - dr);
    const pl = dpoPairLoss(z, o.smoothing);
    loss += pl.loss / k;
    margin += (dc - dr) / k;
    cr += (beta * dc) / k;
    rr += (beta * dr) / k;
    if (dc - dr > 0) correct++;
    const g = (beta * pl.g) / k;
    for (let t = 0; t < T; t++) {
      weights[p * T + t] = g * mask[p * T + t];
      weights[(b + p) * T + t] = -g * mask[(b + p) * T + t];
    }
  }
  return { loss, margin, accuracy: correct / k, chosenReward: cr, rejectedReward: rr, weights };
}

/**
 * Trains `policy` with DPO against `reference` (frozen; same LoRA layout). Per pair z = β·((πc − refc) −
 * (πr − refr)) over answer-token log-prob sums; loss dpoPairLoss(z, ε). backwardWeightedLogprobs takes
 * d/dθ of −Σ w_t log p_t, so the weights are w = +β g/k on chosen answer tokens and −β g/k on rejected
 * ones (k pairs in the batch, g = −dLoss/dz): −w_t is exactly dLoss/d log p_t.
 */
export async function trainDpo<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  policy: LoraParams<T>,
  reference: LoraParams<T> | null,
  pairs: PairTokens[],
  opts: DpoOptions,
): Promise<DpoResult> {
  const T = pairSeqLen(pairs, 'dpo');
  if (!(opts.epochs >= 1) || !Number.isInteger(opts.epochs)) throw new Error(`dpo: epochs: expected an integer >= 1, got ${opts.epochs}`);
  if (!(opts.batchSize >= 1) || !Number.isInteger(opts.batchSize)) throw new Error(`dpo: batchSize: expected an integer >= 1, got ${opts.batchSize}`);
  if (reference) {
    const diff = sameLayout(policy, reference);
    if (diff) throw new Error(`dpo: the reference adapter's layout differs from the policy's (${diff})`);
  }
  const beta = opts.beta ?? 0.1;
  if (!(beta > 0) || !Number.isFinite(beta)) throw new Error(`dpo: beta: expected a finite number > 0, got ${beta}`);
  const smoothing = opts.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 0.5)) throw new Error(`dpo: labelSmoothing: expected a number in [0, 0.5], got ${smoothing}`);
  const b = Math.min(opts.batchSize, pairs.length);
  const stepsPerEpoch = Math.ceil(pairs.length / b);
  const schedule = sftSchedule(pairs.length, b, opts.epochs, opts.seed); // seeded shuffle per epoch
  const total = Math.max(1, Math.min(schedule.length, opts.maxSteps ?? Infinity));
  const end = Math.min(total, opts.untilStep ?? total);
  const lrAt = trainerSchedule({ kind: opts.scheduler, warmupRatio: opts.warmupRatio }, total, opts.learningRate);
  const ws = new Workspace(be, dec.cfg, 2 * b, T, DecoderClass.loraRanks(policy));
  const out = be.zeros([ws.N]);
  const opt = new Optimizer(be, [policy], opts);
  const result: DpoResult = { history: [], skippedSteps: 0, steps: 0 };
  try {
    const ref = await referenceLogprobs(be, dec, reference, ws, out, pairs, b);
    for (let s = opts.startStep ?? 0; s < end; s++) {
      const idx = schedule[s];
      const chunk = idx.map((j) => pairs[j]);
      const w = ws.within(Math.min(T, batchSeqLen(chunk))); // padded to this batch's longest, not the topic's
      const batch = packPairs(chunk, b, w.T);
      const wOut = be.view(out, 0, [w.N]);
      let stats!: ReturnType<typeof batchLoss>;
      const lr = lrAt(s),
        step = s + 1;
      const { gradNorm, skipped } = await opt.step(
        async () => {
          const pol = await pairLogprobs(be, dec, policy, w, wOut, batch, b, idx.length);
          stats = batchLoss(pol, ref, idx, batch.mask, { beta, smoothing, b, T: w.T, N: w.N });
          return { loss: stats.loss, backward: () => backwardWeightedLogprobs(be, dec, policy, w, stats.weights) };
        },
        { t: step, lr },
      ); // bias correction counts every step, as SFT
      const { loss, margin, accuracy, chosenReward, rejectedReward } = stats;
      result.skippedSteps = opt.skippedSteps;
      result.steps = step;
      const m: DpoStepMetrics = {
        step,
        totalSteps: total,
        epoch: Math.floor(s / stepsPerEpoch),
        loss,
        margin,
        accuracy,
        chosenReward,
        rejectedReward,
        gradNorm,
        learningRate: lr,
        skipped,
      };
      result.history.push(m);
      await opts.onStep?.(m);
    }
  } finally {
    ws.release();
    be.release(out);
    opt.release();
  }
  return result;
}
