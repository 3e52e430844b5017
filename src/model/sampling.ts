// Sampling one token from a row of logits on the CPU: greedy argmax, temperature, nucleus top-p with a seeded Rng.
import type { Rng } from '../util/rng.ts';

export interface SamplingOptions {
  /** 0 = greedy argmax (the default); > 0 divides the logits before the softmax. */
  temperature?: number;
  /** Nucleus sampling: keep the most likely tokens whose probabilities first reach topP (default 1 = all). */
  topP?: number;
}

/** Throws unless the sampling options are usable, naming the bad option. */
export function validateSampling(opts: SamplingOptions): void {
  const t = opts.temperature ?? 0;
  if (!Number.isFinite(t) || t < 0) throw new Error(`sampling: temperature: expected a finite number >= 0, got ${t}`);
  const p = opts.topP ?? 1;
  if (!(p > 0 && p <= 1)) throw new Error(`sampling: topP: expected a number in (0, 1], got ${p}`);
}

/** Index of the largest logit (the first one on ties); throws on NaN, naming the index. */
export function argmax(logits: ArrayLike<number>): number {
  if (logits.length === 0) throw new Error('sampling: empty logits row');
  let best = 0;
  for (let i = 0; i < logits.length; i++) {
    const x = logits[i];
    if (Number.isNaN(x)) throw new Error(`sampling: logit ${i} is NaN`);
    if (x > logits[best]) best = i;
  }
  return best;
}

/**
 * The sampling distribution over the vocabulary: softmax(logits / temperature) in f64, restricted to the
 * nucleus (the smallest set of most likely tokens whose mass reaches topP) and renormalised.
 * Returns token ids and their probabilities, most likely first.
 */
export function samplingDistribution(logits: ArrayLike<number>, temperature: number, topP = 1): { ids: number[]; probs: number[] } {
  validateSampling({ temperature, topP });
  if (!(temperature > 0)) throw new Error('sampling: the sampling distribution needs temperature > 0 (0 means greedy argmax)');
  const V = logits.length;
  const max = logits[argmax(logits)];
  if (!Number.isFinite(max)) throw new Error(`sampling: the largest logit is ${max}; expected finite logits`);
  const weights = new Float64Array(V);
  let total = 0;
  for (let i = 0; i < V; i++) {
    const w = Math.exp((logits[i] - max) / temperature); // -Infinity logits get weight 0
    weights[i] = w;
    total += w;
  }
  const order = Array.from({ length: V }, (_, i) => i).filter((i) => weights[i] > 0);
  order.sort((a, b) => weights[b] - weights[a] || a - b);
  const ids: number[] = [];
  const probs: number[] = [];
  let mass = 0;
  for (const i of order) {
    ids.push(i);
    probs.push(weights[i] / total);
    mass += weights[i] / total;
    if (topP < 1 && mass >= topP) break;
  }
  return { ids, probs: probs.map((p) => p / mass) };
}

/** One token from a row of logits: argmax when temperature is 0, otherwise a draw from samplingDistribution. */
export function sampleToken(logits: ArrayLike<number>, opts: SamplingOptions, rng: Rng): number {
  validateSampling(opts);
  const temperature = opts.temperature ?? 0;
  if (temperature === 0) return argmax(logits);
  const { ids, probs } = samplingDistribution(logits, temperature, opts.topP ?? 1);
  const u = rng.next();
  let acc = 0;
  for (let k = 0; k < ids.length; k++) {
    acc += probs[k];
    if (u < acc) return ids[k];
  }
  return ids[ids.length - 1]; // rounding left u just above the summed mass
}
