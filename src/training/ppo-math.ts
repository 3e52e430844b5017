// PPO's per-token math, pure and unit-tested: GAE, whitening, the adaptive KL controller, the clipped
// surrogate and value losses with their gradients, and the entropy of logits rows.

/** GAE over one response: δ_t = r_t + γ·V_{t+1} − V_t (V_T = 0), A_t = δ_t + γλ·A_{t+1}; returns = A + V. */
export function gae(rewards: number[], values: number[], gamma: number, lam: number): { advantages: number[]; returns: number[] } {
  if (rewards.length !== values.length) throw new Error(`gae: ${rewards.length} rewards but ${values.length} values`);
  const n = rewards.length;
  const advantages = new Array<number>(n);
  let next = 0;
  for (let t = n - 1; t >= 0; t--) {
    const vNext = t + 1 < n ? values[t + 1] : 0;
    next = rewards[t] + gamma * vNext - values[t] + gamma * lam * next;
    advantages[t] = next;
  }
  return { advantages, returns: advantages.map((a, t) => a + values[t]) };
}

/** (x − mean) / sqrt(var + 1e-8) with the unbiased variance (TRL's whiten); a single value becomes 0. */
export function whiten(xs: number[]): number[] {
  const n = xs.length;
  if (n === 0) return [];
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1) : 0;
  return xs.map((x) => (x - mean) / Math.sqrt(variance + 1e-8));
}

/** Ziegler et al.'s proportional controller: β·(1 + clip(KL/target − 1, −0.2, 0.2)·n/horizon). */
export function adaptiveKlCoef(coef: number, kl: number, target: number, n: number, horizon: number): number {
  const err = Math.min(0.2, Math.max(-0.2, kl / target - 1));
  return coef * (1 + (err * n) / horizon);
}

/**
 * Clipped surrogate for one token as a function of logp_new: loss = max(−A·r, −A·clip(r, 1−ε, 1+ε)),
 * r = exp(logp_new − logp_old). d loss / d logp_new = −A·r where the unclipped term is the max (ties
 * included), 0 where the clipped term is strictly larger (it is constant in logp_new there).
 */
export function clippedSurrogate(logpNew: number, logpOld: number, adv: number, eps: number): { loss: number; dlogp: number; clipped: boolean } {
  const r = Math.exp(logpNew - logpOld);
  const unclipped = -adv * r;
  const clippedTerm = -adv * Math.min(1 + eps, Math.max(1 - eps, r));
  const clipped = clippedTerm > unclipped;
  return { loss: clipped ? clippedTerm : unclipped, dlogp: clipped ? 0 : -adv * r, clipped };
}

/** Clipped value loss for one token: ½·max((v − R)², (v_old + clip(v − v_old, ±ε) − R)²) and its d/dv. */
export function clippedValueLoss(v: number, vOld: number, ret: number, eps: number): { loss: number; dv: number } {
  const vc = vOld + Math.min(eps, Math.max(-eps, v - vOld));
  const a = (v - ret) ** 2,
    b = (vc - ret) ** 2;
  // Where the clipped term is strictly larger, v lies outside vOld ± ε and vc does not move with v.
  return b > a ? { loss: 0.5 * b, dv: 0 } : { loss: 0.5 * a, dv: v - ret };
}

/** Mean entropy of softmax(row) over the given rows of an (N, V) logits buffer, in f64. */
export function meanEntropy(logits: Float32Array, V: number, rows: number[]): number {
  let total = 0;
  for (const n of rows) {
    let m = -Infinity;
    for (let c = 0; c < V; c++) m = Math.max(m, logits[n * V + c]);
    let z = 0,
      s = 0;
    for (let c = 0; c < V; c++) {
      const x = logits[n * V + c] - m;
      const e = Math.exp(x);
      z += e;
      s += e * x;
    }
    total += Math.log(z) - s / z; // H = log Z − Σ p·x with x shifted by the max
  }
  return rows.length ? total / rows.length : 0;
}

/** Above this many logits floats per batch the entropy is estimated from the sampled tokens instead. */
export const ENTROPY_READBACK_LIMIT = 1 << 22;

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : 0;
}
export const allFinite = (xs: Iterable<number>) => {
  for (const x of xs) if (!Number.isFinite(x)) return false;
  return true;
};
