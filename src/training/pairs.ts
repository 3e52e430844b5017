// Preference pairs as every pair trainer (reward model, DPO) uses them: the pair type, the seeded
// train / validation split, packing k pairs into one (2·b, T) batch, the longest-sequence check, and
// the stable −log σ / σ the Bradley–Terry and DPO losses are written with.
import { Rng } from '../util/rng.ts';
import { pack, type PackedBatch } from './seq.ts';
import type { TokenizedExample } from './sft.ts';

/** One preference pair: prompt + answer tokenized with the chat template, lossMask on the answer. */
export interface PairTokens {
  chosen: TokenizedExample;
  rejected: TokenizedExample;
}

/** −log σ(z), stable for large |z|. */
export function softplusNeg(z: number): number {
  return z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/**
 * Seeded shuffle split into train / validation indices: round(n·share) validation pairs, at least one
 * and at most n − 1 when n ≥ 2. With n = 1 the pair is its own validation set (validatedOnTrain).
 */
export function splitPairs(n: number, validationSplit: number, seed: number): { train: number[]; val: number[]; validatedOnTrain: boolean } {
  if (!(validationSplit >= 0 && validationSplit < 1)) throw new Error(`reward: validationSplit: expected a number in [0, 1), got ${validationSplit}`);
  const order = new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  if (n < 2) return { train: order, val: order.slice(), validatedOnTrain: true };
  const nVal = Math.min(n - 1, Math.max(1, Math.round(n * validationSplit)));
  return { train: order.slice(nVal), val: order.slice(0, nVal), validatedOnTrain: false };
}

/**
 * Packs k ≤ b pairs into one (2·b, T) batch: chosen in rows [0, k), rejected in rows [b, b + k). Missing
 * rows repeat the first pair (real tokens keep every activation finite); callers give them no gradient.
 */
export function packPairs(pairs: PairTokens[], b: number, T: number): PackedBatch {
  if (!pairs.length || pairs.length > b) throw new Error(`packPairs: ${pairs.length} pairs for a batch of ${b}`);
  const rows: TokenizedExample[] = [];
  for (let i = 0; i < b; i++) rows.push((pairs[i] ?? pairs[0]).chosen);
  for (let i = 0; i < b; i++) rows.push((pairs[i] ?? pairs[0]).rejected);
  return pack(rows, 2 * b, T);
}

/** Longest sequence of a batch of pairs: the length a batch is padded to (a workspace within the topic's longest). */
export const batchSeqLen = (pairs: PairTokens[]): number => Math.max(...pairs.map((p) => Math.max(p.chosen.ids.length, p.rejected.ids.length)));

/** Longest sequence over all pairs, with the checks every pair trainer needs. */
export function pairSeqLen(pairs: PairTokens[], where: string): number {
  if (!pairs.length) throw new Error(`${where}: no preference pairs to train on`);
  let T = 0;
  pairs.forEach((p, i) => {
    for (const side of ['chosen', 'rejected'] as const) {
      const e = p[side];
      if (!e.ids.length) throw new Error(`${where}: pairs[${i}].${side} is empty`);
      if (e.lossMask.length !== e.ids.length)
        throw new Error(`${where}: pairs[${i}].${side}: lossMask has ${e.lossMask.length} entries for ${e.ids.length} ids`);
      T = Math.max(T, e.ids.length);
    }
  });
  return T;
}
