// Reward model training: LoRA + scalar head on the shared frozen base, Bradley-Terry loss on preference
// pairs, seeded 80/20 split, warmup + cosine LR, global clipping over LoRA and head, early stopping.
// The pair type and its split / packing helpers are pairs.ts (shared with DPO), re-exported here.
import type { Backend, Tensor } from '../engine/backend.ts';
import { Decoder as DecoderClass, Workspace, type Decoder } from '../model/decoder.ts';
import type { LoraParams } from '../model/lora-params.ts';
import { Rng } from '../util/rng.ts';
import { EarlyStopping, type EarlyStoppingState } from './early-stopping.ts';
import { trainerSchedule, type ScheduleKind } from './schedule.ts';
import { batchSeqLen, packPairs, pairSeqLen, sigmoid, softplusNeg, splitPairs, type PairTokens } from './pairs.ts';
import { backwardJoint, pack, writeBatch, type PackedBatch, type ScalarHead } from './seq.ts';
import { Optimizer } from './step.ts';
import type { TokenizedExample } from './sft.ts';

export { packPairs, pairSeqLen, sigmoid, softplusNeg, splitPairs, type PairTokens } from './pairs.ts';

export interface RewardBatchLog {
  epoch: number; // 0-based
  batch: number; // 1-based within the epoch
  step: number; // 1-based optimizer step over the run
  loss: number; // mean Bradley-Terry loss of the batch (before the update)
  accuracy: number; // share of the batch's pairs ranked right (before the update)
  learningRate: number;
}

export interface RewardEpoch {
  epoch: number; // 0-based
  trainLoss: number; // mean over the epoch's pairs, scored before each batch's update
  trainAccuracy: number;
  valLoss: number; // after the epoch
  valAccuracy: number;
  improved: boolean; // early stopping: beat the best validation loss by more than minDelta
  stop: boolean; // early stopping fired after this epoch
}

export interface RewardOptions {
  epochs: number;
  batchSize: number; // pairs per step (2·batchSize sequences per forward)
  learningRate: number; // AdamW LR of the LoRA weights
  /**
   * AdamW LR of the scalar head (default: learningRate). The head's input differences between a chosen
   * and a rejected answer that share a long prefix are small, so at LoRA-sized LRs its score moves in
   * the fourth digit; a larger head LR is what lets a reward model learn from a few dozen steps.
   */
  headLearningRate?: number;
  validationSplit?: number; // default 0.2
  patience?: number; // default 3
  minDelta?: number; // default 0.01
  warmupRatio?: number; // default 0.1
  scheduler?: ScheduleKind; // LR after warmup, default cosine
  maxGradNorm?: number; // default 1.0, over LoRA and head together
  logEvery?: number; // default 5: onBatch every logEvery optimizer steps
  seed: number;
  maxSteps?: number;
  /** Fewest optimizer steps: epochs are raised until epochs · steps per epoch reaches it (default 0). */
  minSteps?: number;
  weightDecay?: number; // default 0
  betas?: [number, number]; // default [0.9, 0.999]
  eps?: number; // default 1e-8
  onBatch?: (log: RewardBatchLog) => void | Promise<void>;
  /** After each epoch; `at` is where training stands, to save with the LoRA and head (null after the last epoch). */
  onEpoch?: (e: RewardEpoch, at: RewardPosition | null) => void | Promise<void>;
  /** Continue from an epoch boundary passed to onEpoch, with the LoRA, head and their AdamW state restored to it. */
  resume?: RewardPosition;
}

/** Where a reward model's training stands at an epoch boundary: everything besides the tensors a resume needs. */
export interface RewardPosition {
  epoch: number; // the next epoch to run
  step: number; // optimizer steps run
  rng: number; // the shuffle RNG's state
  earlyStopping: EarlyStoppingState;
  skippedSteps: number;
  epochs: RewardEpoch[]; // the epochs run so far
}

export interface RewardResult {
  epochs: RewardEpoch[];
  stoppedEarly: boolean;
  bestValLoss: number; // best validation loss seen (NaN when none was finite)
  valAccuracy: number; // validation accuracy of the kept (last) model
  trainSize: number;
  valSize: number; // 0 when validatedOnTrain
  /** With a single pair there is nothing to hold out: validation ran on the training pair. */
  validatedOnTrain: boolean;
  steps: number; // optimizer steps run (skipped ones included)
  epochsPlanned: number; // opts.epochs, or more to reach opts.minSteps
  skippedSteps: number; // non-finite loss or gradient: no update applied
}

/** Rows a ScalarHead needs for trainRewardModel: 2·b·T (b pairs per batch, T the longest sequence). */
export function rewardHeadRows(pairs: PairTokens[], batchSize: number): number {
  return 2 * Math.min(batchSize, pairs.length) * pairSeqLen(pairs, 'rewardHeadRows');
}

/** Decoder forward, then the head's score at each row's last token. */
async function lastScores<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  lora: LoraParams<T> | null,
  head: ScalarHead<T>,
  ws: Workspace<T>,
  batch: PackedBatch,
): Promise<number[]> {
  writeBatch(ws, batch);
  be.beginStep();
  dec.forward(ws, lora);
  be.submit();
  const all = await head.forward(ws);
  return batch.last.map((t, r) => all[r * batch.T + t]);
}

/** Bradley-Terry loss and ranking accuracy of k pairs from their chosen / rejected scores. */
function btStats(scores: number[], b: number, k: number): { loss: number; correct: number; z: number[] } {
  let loss = 0,
    correct = 0;
  const z: number[] = [];
  for (let i = 0; i < k; i++) {
    const d = scores[i] - scores[b + i];
    z.push(d);
    loss += softplusNeg(d);
    if (d > 0) correct++;
  }
  return { loss: loss / k, correct, z };
}

/** Mean Bradley-Terry loss and accuracy over a set of pairs (no gradients). */
async function evaluatePairs<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  lora: LoraParams<T>,
  head: ScalarHead<T>,
  ws: Workspace<T>,
  pairs: PairTokens[],
  b: number,
): Promise<{ loss: number; accuracy: number }> {
  let loss = 0,
    correct = 0;
  for (let i = 0; i < pairs.length; i += b) {
    const chunk = pairs.slice(i, i + b);
    const Tb = Math.min(ws.T, batchSeqLen(chunk));
    const s = btStats(await lastScores(be, dec, lora, head, ws.within(Tb), packPairs(chunk, b, Tb)), b, chunk.length);
    loss += s.loss * chunk.length;
    correct += s.correct;
  }
  return { loss: loss / pairs.length, accuracy: correct / pairs.length };
}

/** The run's shape from the options, checked up front: the split, pairs per batch, epochs and steps. */
function rewardPlan<T extends Tensor>(dec: Decoder<T>, pairs: PairTokens[], head: ScalarHead<T>, opts: RewardOptions) {
  const T = pairSeqLen(pairs, 'reward');
  if (!(opts.epochs >= 1) || !Number.isInteger(opts.epochs)) throw new Error(`reward: epochs: expected an integer >= 1, got ${opts.epochs}`);
  if (!(opts.batchSize >= 1) || !Number.isInteger(opts.batchSize)) throw new Error(`reward: batchSize: expected an integer >= 1, got ${opts.batchSize}`);
  if (head.C !== dec.cfg.hiddenSize) throw new Error(`reward: the scalar head has C = ${head.C}, the model's hidden size is ${dec.cfg.hiddenSize}`);
  const split = splitPairs(pairs.length, opts.validationSplit ?? 0.2, opts.seed);
  const train = split.train.map((i) => pairs[i]);
  const b = Math.min(opts.batchSize, train.length);
  if (2 * b * T > head.maxRows) {
    throw new Error(
      `reward: the scalar head holds ${head.maxRows} rows, a batch needs 2·${b}·${T} = ${2 * b * T} (size it with rewardHeadRows(pairs, batchSize))`,
    );
  }
  const stepsPerEpoch = Math.ceil(train.length / b);
  const epochs = Math.max(opts.epochs, Math.ceil((opts.minSteps ?? 0) / stepsPerEpoch));
  const total = Math.max(1, Math.min(epochs * stepsPerEpoch, opts.maxSteps ?? Infinity));
  return { T, b, epochs, total, train, val: split.val.map((i) => pairs[i]), validatedOnTrain: split.validatedOnTrain };
}

/**
 * The loss closure of one reward step: forward, Bradley–Terry stats, and the backward through the head
 * at each row's last token: d/dr_c of mean −log σ(r_c − r_r) = −σ(−z)/k, d/dr_r = +σ(−z)/k.
 */
async function rewardPass<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  lora: LoraParams<T>,
  head: ScalarHead<T>,
  ws: Workspace<T>,
  batch: PackedBatch,
  b: number,
  k: number,
) {
  const st = btStats(await lastScores(be, dec, lora, head, ws, batch), b, k);
  const backward = () => {
    const dscore = new Float32Array(ws.N);
    st.z.forEach((z, p) => {
      const g = sigmoid(-z) / k;
      dscore[p * ws.T + batch.last[p]] = -g;
      dscore[(b + p) * ws.T + batch.last[b + p]] = g;
    });
    backwardJoint(be, dec, lora, ws, { head, dscore });
    // The Bradley–Terry loss depends on score differences only: the bias gets no gradient (up to
    // rounding). It stays frozen at its initial value, so the head is score.weight alone, as the
    // *ForSequenceClassification heads define it (no bias), and exports exactly.
    be.fill(head.db, 0);
  };
  return { st, pass: { loss: st.loss, backward } };
}

/** What one reward run's epochs share. */
interface RewardRun<T extends Tensor> {
  be: Backend<T>;
  dec: Decoder<T>;
  lora: LoraParams<T>;
  head: ScalarHead<T>;
  ws: Workspace<T>; // (2·b, T)
  opt: Optimizer<T>;
  opts: RewardOptions;
  train: PairTokens[];
  b: number;
  T: number;
  total: number; // optimizer steps planned over the run
  lrFactor: (step: number) => number; // × each group's LR
}

/**
 * One epoch's optimizer steps over `order` (indices into run.train), from `step` on and stopping at run.total;
 * keeps result.steps and result.skippedSteps current. Returns the epoch's train sums and the step reached.
 */
async function rewardEpoch<T extends Tensor>(run: RewardRun<T>, result: RewardResult, epoch: number, order: number[], step: number) {
  const { be, dec, lora, head, ws, opt, opts, train, b, T } = run;
  const logEvery = opts.logEvery ?? 5;
  let lossSum = 0,
    correct = 0,
    seen = 0;
  for (let i = 0, batchNo = 1; i < order.length && step < run.total; i += b, batchNo++) {
    const chunk = order.slice(i, i + b).map((j) => train[j]);
    const k = chunk.length;
    const f = run.lrFactor(step++);
    let st!: ReturnType<typeof btStats>;
    const lrs = [f * opts.learningRate, f * (opts.headLearningRate ?? opts.learningRate)];
    const { skipped } = await opt.step(
      async () => {
        const Tb = Math.min(T, batchSeqLen(chunk)); // padded to this batch's longest, not the topic's
        const r = await rewardPass(be, dec, lora, head, ws.within(Tb), packPairs(chunk, b, Tb), b, k);
        st = r.st;
        return r.pass;
      },
      { t: step, lr: lrs },
    ); // bias correction counts every step, as SFT
    if (!skipped) [lossSum, correct, seen] = [lossSum + st.loss * k, correct + st.correct, seen + k];
    result.steps = step;
    result.skippedSteps = opt.skippedSteps;
    if (opts.onBatch && logEvery > 0 && step % logEvery === 0) {
      await opts.onBatch({ epoch, batch: batchNo, step, loss: st.loss, accuracy: st.correct / k, learningRate: lrs[0] });
    }
  }
  return { lossSum, correct, seen, step };
}

/**
 * Trains `lora` and `head` (both caller-created; the head sized with rewardHeadRows) as a reward model.
 * Gradient clipping is global over LoRA and head (the shared Optimizer's several-group clip).
 * Early stopping stops training but restores nothing: the last model is kept.
 */
export async function trainRewardModel<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  pairs: PairTokens[],
  lora: LoraParams<T>,
  head: ScalarHead<T>,
  opts: RewardOptions,
): Promise<RewardResult> {
  const { T, b, epochs, total, train, val, validatedOnTrain } = rewardPlan(dec, pairs, head, opts);
  const r0 = opts.resume;
  const es = r0 ? EarlyStopping.fromJSON(r0.earlyStopping, 'reward resume') : new EarlyStopping(opts.patience ?? 3, opts.minDelta ?? 0.01);
  const rng = new Rng(opts.seed ^ 0x5eed);
  if (r0) rng.state = r0.rng;
  const lrFactor = trainerSchedule({ kind: opts.scheduler, warmupRatio: opts.warmupRatio }, total, 1);
  const ws = new Workspace(be, dec.cfg, 2 * b, T, DecoderClass.loraRanks(lora), false);
  const opt = new Optimizer(be, [lora, head], opts);
  opt.skippedSteps = r0?.skippedSteps ?? 0;
  const run: RewardRun<T> = { be, dec, lora, head, ws, opt, opts, train, b, T, total, lrFactor };
  const result: RewardResult = {
    epochs: [...(r0?.epochs ?? [])],
    stoppedEarly: false,
    bestValLoss: es.best ?? NaN,
    valAccuracy: r0?.epochs.at(-1)?.valAccuracy ?? NaN,
    trainSize: train.length,
    valSize: validatedOnTrain ? 0 : val.length,
    validatedOnTrain,
    steps: r0?.step ?? 0,
    skippedSteps: opt.skippedSteps,
    epochsPlanned: epochs,
  };
  try {
    let step = r0?.step ?? 0;
    for (let epoch = r0?.epoch ?? 0; epoch < epochs && step < total; epoch++) {
      const ep = await rewardEpoch(run, result, epoch, rng.shuffle(train.map((_, i) => i)), step);
      step = ep.step;
      const v = await evaluatePairs(be, dec, lora, head, ws, val, b);
      const es1 = es.update(v.loss);
      const e: RewardEpoch = {
        epoch,
        trainLoss: ep.seen ? ep.lossSum / ep.seen : NaN,
        trainAccuracy: ep.seen ? ep.correct / ep.seen : NaN,
        valLoss: v.loss,
        valAccuracy: v.accuracy,
        improved: es1.improved,
        stop: es1.stop,
      };
      result.epochs.push(e);
      [result.valAccuracy, result.bestValLoss] = [v.accuracy, es.best ?? NaN];
      const more = !es1.stop && epoch + 1 < epochs && step < total;
      await opts.onEpoch?.(
        e,
        more ? { epoch: epoch + 1, step, rng: rng.state, earlyStopping: es.toJSON(), skippedSteps: opt.skippedSteps, epochs: [...result.epochs] } : null,
      );
      if (es1.stop) {
        result.stoppedEarly = epoch + 1 < epochs && step < total;
        break;
      }
    }
  } finally {
    ws.release();
    opt.release();
  }
  return result;
}

/** The reward (head score at the last token) of each sequence, batchSize sequences per forward. */
export async function scoreSequences<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  lora: LoraParams<T> | null,
  head: ScalarHead<T>,
  seqs: TokenizedExample[],
  batchSize: number,
): Promise<number[]> {
  if (!seqs.length) return [];
  seqs.forEach((s, i) => {
    if (!s.ids.length) throw new Error(`scoreSequences: seqs[${i}] is empty`);
  });
  const T = Math.max(...seqs.map((s) => s.ids.length));
  if (T > head.maxRows) throw new Error(`scoreSequences: a sequence of ${T} tokens does not fit the scalar head's ${head.maxRows} rows`);
  // As many sequences per forward as asked for and the head's rows allow.
  const B = Math.max(1, Math.min(batchSize, seqs.length, Math.floor(head.maxRows / T)));
  const ws = new Workspace(be, dec.cfg, B, T, DecoderClass.loraRanks(lora), false);
  const out: number[] = [];
  try {
    for (let i = 0; i < seqs.length; i += B) {
      const chunk = seqs.slice(i, i + B);
      const rows = Array.from({ length: B }, (_, r) => chunk[r] ?? chunk[0]); // padding repeats a real row
      const scores = await lastScores(be, dec, lora, head, ws, pack(rows, B, T));
      out.push(...scores.slice(0, chunk.length));
    }
  } finally {
    ws.release();
  }
  return out;
}
