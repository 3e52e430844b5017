// Supervised fine-tuning of a LoRA adapter: loss on completion tokens only, AdamW, global-norm clipping,
// warmup + cosine LR read one step ahead (the first step trains). Runs on any Backend, so the CPU twin reproduces the GPU loss curve step by step.
import type { Backend, Tensor } from '../engine/backend.ts';
import type { Decoder } from '../model/decoder.ts';
import { Decoder as DecoderClass, Workspace } from '../model/decoder.ts';
import type { LoraParams } from '../model/lora-params.ts';
import { Rng } from '../util/rng.ts';
import { trainerSchedule, type ScheduleKind } from './schedule.ts';
import { sftLossBackward } from './logit-chunks.ts';
import { Optimizer } from './step.ts';

export interface TokenizedExample {
  ids: number[];
  lossMask: number[]; // 1 where the token is part of the completion
}

export interface SftOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  maxSteps?: number; // stop after this many optimizer steps
  warmupRatio?: number; // default 0.1; warmup steps = ceil(ratio · total), as transformers
  minLrRatio?: number; // floor after decay as a share of the peak LR, default 0
  scheduler?: ScheduleKind; // LR after warmup, default cosine
  weightDecay?: number; // default 0
  maxGradNorm?: number; // default 1.0
  betas?: [number, number]; // default [0.9, 0.999]
  eps?: number; // default 1e-8
  /** First step to run (resume): the data order and LR schedule are those of the whole run. */
  startStep?: number;
  /** Stop before this step (a checkpoint boundary, or a partial run); the schedule is unchanged. */
  untilStep?: number;
  onStep?: (m: SftStepMetrics) => void | Promise<void>;
}

export interface SftStepMetrics {
  step: number; // 1-based optimizer step
  totalSteps: number;
  epoch: number; // 0-based
  loss: number; // mean completion-token loss of the batch
  gradNorm: number; // before clipping
  learningRate: number;
  tokens: number; // completion tokens in the batch
  skipped: boolean; // non-finite loss or gradient: no update was applied
}

export interface SftResult {
  steps: number;
  losses: number[];
  skippedSteps: number;
  truncated: number;
}

/** Examples pooled for length bucketing: this many batches' worth are sorted by length together. */
export const BUCKET_POOL_BATCHES = 8;

/**
 * The batches of every epoch, shuffled by a seeded RNG per epoch: deterministic and resumable. With the
 * examples' lengths, batches are bucketed: each epoch's shuffled order is cut into pools of
 * BUCKET_POOL_BATCHES batches, each pool sorted by length (stably), the result cut into batches, and the
 * batches' order shuffled again; so a batch holds examples of similar length (less padding, since each is
 * padded to its own longest) while every epoch still sees every example once in a seeded random order.
 */
export function sftSchedule(n: number, batchSize: number, epochs: number, seed: number, lengths?: readonly number[]): number[][] {
  if (lengths && lengths.length !== n) throw new Error(`sftSchedule: ${lengths.length} lengths for ${n} examples`);
  const batches: number[][] = [];
  const rng = new Rng(seed);
  for (let e = 0; e < epochs; e++) {
    let order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    if (lengths) {
      const pool = batchSize * BUCKET_POOL_BATCHES;
      const sorted: number[] = [];
      for (let i = 0; i < n; i += pool) sorted.push(...order.slice(i, i + pool).sort((a, b) => lengths[a] - lengths[b])); // stable
      order = sorted;
    }
    const epoch: number[][] = [];
    for (let i = 0; i < n; i += batchSize) epoch.push(order.slice(i, i + batchSize));
    batches.push(...(lengths ? rng.shuffle(epoch) : epoch));
  }
  return batches;
}

/** Packs examples into a padded (B, T) batch with next-token targets and the shifted loss mask. */
export function packBatch(examples: TokenizedExample[], B: number, T: number, padId = 0) {
  const ids = new Uint32Array(B * T).fill(padId);
  const targets = new Uint32Array(B * T);
  const mask = new Float32Array(B * T);
  const lens = new Uint32Array(B);
  let tokens = 0;
  examples.forEach((ex, b) => {
    const len = Math.min(ex.ids.length, T);
    lens[b] = len;
    for (let t = 0; t < len; t++) ids[b * T + t] = ex.ids[t];
    for (let t = 0; t + 1 < len; t++) {
      targets[b * T + t] = ex.ids[t + 1];
      mask[b * T + t] = ex.lossMask[t + 1] ? 1 : 0;
      tokens += mask[b * T + t];
    }
  });
  return { ids, targets, mask, lens, tokens };
}

export async function trainSft<T extends Tensor>(
  be: Backend<T>,
  decoder: Decoder<T>,
  lora: LoraParams<T>,
  examples: TokenizedExample[],
  opts: SftOptions,
): Promise<SftResult> {
  if (!examples.length) throw new Error('sft: no examples to train on');
  const seqLen = Math.max(...examples.map((e) => e.ids.length));
  const B = Math.min(opts.batchSize, examples.length);
  const lengths = examples.map((e) => Math.min(e.ids.length, seqLen));
  const schedule = sftSchedule(examples.length, B, opts.epochs, opts.seed, lengths);
  const stepsPerEpoch = Math.ceil(examples.length / B);
  const total = Math.min(schedule.length, opts.maxSteps ?? Infinity);
  const dropP = lora.config.dropout;
  const full = new Workspace(be, decoder.cfg, B, seqLen, DecoderClass.loraRanks(lora), true, dropP > 0);
  // Step s runs at the LR of step s + 1 (trainerSchedule's `ahead`): no step at LR 0, the last at the floor.
  const lrAt = trainerSchedule(
    { kind: opts.scheduler, warmupRatio: opts.warmupRatio, minLrRatio: opts.minLrRatio, ahead: true },
    Math.max(1, total),
    opts.learningRate,
  );
  const opt = new Optimizer(be, [lora], opts);
  const result: SftResult = { steps: 0, losses: [], skippedSteps: 0, truncated: 0 };
  try {
    const end = Math.min(total, opts.untilStep ?? total);
    for (let s = opts.startStep ?? 0; s < end; s++) {
      // Padded to this batch's own longest example: views of the first rows of the full-length workspace.
      const T = Math.max(...schedule[s].map((i) => lengths[i]));
      const ws = full.within(T);
      const packed = packBatch(
        schedule[s].map((i) => examples[i]),
        B,
        T,
      );
      ws.setBatch(packed.ids, packed.lens, packed.targets, packed.mask);
      const drop = dropP > 0 ? { p: dropP, seed: opts.seed >>> 0, step: s + 1 } : undefined;
      const step = s + 1,
        lr = lrAt(s);
      // The whole step (zeroing, forward, loss, backward, clip, update) is one submit; the loss is read after.
      const { loss, gradNorm, skipped } = await opt.stepRecorded(
        () => {
          decoder.forward(ws, lora, undefined, drop);
          sftLossBackward(be, decoder, lora, ws, drop); // over row chunks when (N, V) logits would not fit
          return ws.loss;
        },
        { t: step, lr },
      ); // bias correction counts every step, skipped ones included
      result.steps = step;
      result.skippedSteps = opt.skippedSteps;
      result.losses.push(loss);
      await opts.onStep?.({ step, totalSteps: total, epoch: Math.floor(s / stepsPerEpoch), loss, gradNorm, learningRate: lr, tokens: packed.tokens, skipped });
    }
  } finally {
    full.release();
    opt.release();
  }
  return result;
}
