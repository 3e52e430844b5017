// PPO (TRL-style RLHF) of a LoRA policy against a frozen reference, a reward function and a value head.
//
// One step (Ziegler et al. 2019; TRL's PPOTrainer):
//  1. rollouts: batchSize prompts (a seeded shuffle, cycled) → responses sampled from the policy with
//     generate() (temperature/topP, a seeded Rng) → scores from the RewardFn;
//  2. one batch forward each with the reference and the policy: per-token log-probs of the response
//     under softmax(logits / temperature), the value head at every position, the entropy;
//     per-token KL estimate k_t = logp_old − logp_ref; rewards r_t = −klCoef·k_t, plus the score at the
//     last response token; GAE(γ, λ) over each response (value after the last token = 0);
//     returns = advantages + values; advantages whitened over the batch's response tokens;
//  3. ppoEpochs passes over the whole batch (one minibatch): clipped surrogate
//     mean(max(−A·r, −A·clip(r, 1±ε))), r = exp(logp_new − logp_old); clipped value loss
//     ½·mean(max((v − R)², (clip(v, v_old ± ε_v) − R)²)); loss = policy + vfCoef·value; one fused
//     backward; the global gradient norm over policy LoRA + value head clipped to maxGradNorm; AdamW
//     (constant LR) on both;
//  4. the adaptive KL controller: klCoef *= 1 + clip(KL/target − 1, ±0.2)·batchSize/klHorizon.
// Units: `kl` (logged, controlled and watched by the runaway rule) is the MEAN PER-TOKEN KL estimate
// over the batch's response tokens, in nats/token, and klTarget is in the same units.
// Value head: it reads the policy's final hidden states and is NOT detached: its loss (×vfCoef)
// backpropagates into the policy LoRA, as in TRL's shared-trunk value head; the head has no LoRA of
// its own. The first epoch reuses the rollout forward (the policy has not changed yet).
// Entropy (logged only, not in the loss): exact from read-back logits when the batch's logits are
// small (≤ ENTROPY_READBACK_LIMIT floats, e.g. the tiny model); otherwise the sampled-token estimate
// mean(−logp_old), which is unbiased for the sampling distribution when topP = 1.
// Safety: a non-finite score, log-prob, value, loss or gradient norm skips the whole step: parameters
// and AdamW state are restored from a snapshot taken before the epochs, the step is logged with
// skipped = true and counted. KL runaway rule: when the mean KL exceeds klStop × klTarget on
// klStopPatience consecutive (non-skipped) steps, the phase stops and stoppedReason says why (klStop 0
// disables it). Resume: onStep receives a PpoState; with the policy and value head (parameters and AdamW
// moments) saved at that step, options.resume continues the phase exactly as an uninterrupted run.
import type { Backend, Tensor } from '../engine/backend.ts';
import { Decoder, Workspace } from '../model/decoder.ts';
import { generate } from '../model/generate.ts';
import type { LoraParams } from '../model/lora-params.ts';
import { Rng } from '../util/rng.ts';
import { pack, writeBatch, type ScalarHead } from './seq.ts';

export type RewardFn = (sequences: { promptIds: number[]; responseIds: number[] }[]) => Promise<number[]>;

export interface PpoOptions {
  steps: number; // PPO steps (rollout batch + ppoEpochs updates each)
  batchSize: number; // rollouts per step
  ppoEpochs: number; // optimisation passes over each rollout batch
  learningRate: number; // constant AdamW LR for policy LoRA and value head
  klCoef?: number; // initial KL penalty coefficient β (0.2)
  klTarget?: number; // target mean per-token KL, nats/token (0.05)
  adaptiveKl?: boolean; // adapt β toward klTarget (true)
  klHorizon?: number; // controller horizon in rollouts (10000, Ziegler et al.)
  clipRange?: number; // ε of the clipped surrogate (0.2)
  clipRangeValue?: number; // ε of the clipped value loss (0.2)
  vfCoef?: number; // weight of the value loss (0.1)
  gamma?: number; // discount (1.0)
  lam?: number; // GAE λ (0.95)
  maxNewTokens: number; // response length cap
  temperature?: number; // sampling temperature, > 0 (1.0); log-probs use the same temperature
  topP?: number; // nucleus sampling (1.0); < 1 trains on truncated samples with untruncated log-probs, as TRL
  maxGradNorm?: number; // global clip over policy LoRA + value head (1.0)
  seed: number; // prompt order and sampling
  klStop?: number; // KL runaway: stop when mean KL > klStop × klTarget ... (10; 0 disables)
  klStopPatience?: number; // ... on this many consecutive steps (3)
  weightDecay?: number; // AdamW (0)
  betas?: [number, number]; // AdamW ([0.9, 0.999])
  eps?: number; // AdamW (1e-8)
  /** Continue a phase from the state passed to onStep (with the policy and value head restored to that step). */
  resume?: PpoState;
  onStep?: (m: PpoStepLog, state: PpoState) => void | Promise<void>;
}

/** Everything besides the parameters and AdamW moments that a resumed phase needs to continue bit for bit. */
export interface PpoState {
  step: number; // last completed step
  klCoef: number; // β for the next step
  optStep: number; // AdamW steps applied so far (bias correction)
  runaway: number; // consecutive steps above the runaway threshold
  skippedSteps: number;
  promptRng: number; // Rng states
  sampleRng: number;
  order: number[]; // current prompt permutation and position in it
  cursor: number;
}

export interface PpoStepLog {
  step: number; // 1-based
  meanReward: number; // mean RewardFn score
  meanScore: number; // mean over rollouts of score − klCoef·Σ_t KL_t (the reward PPO maximises)
  kl: number; // mean per-token KL(policy ‖ reference) estimate over response tokens, nats/token
  klCoef: number; // β used for this step's rewards
  entropy: number; // mean per-token entropy of the sampling distribution on response positions
  clipFraction: number; // share of response tokens whose surrogate took the clipped branch (mean over epochs)
  approxKl: number; // ½·mean((logp_new − logp_old)²), mean over epochs
  valueLoss: number; // ½·mean(max(...)) before vfCoef, mean over epochs
  policyLoss: number; // clipped surrogate, mean over epochs
  learningRate: number;
  gradNorm: number; // global norm before clipping, last epoch
  responseLength: number; // mean new tokens per rollout
  skipped: boolean; // non-finite values: no update was applied
}

export interface PpoResult {
  history: PpoStepLog[]; // the steps this call ran (after options.resume.step when resuming)
  skippedSteps: number;
  stoppedReason: string | null;
}

export const PPO_DEFAULTS = {
  klCoef: 0.2, klTarget: 0.05, adaptiveKl: true, klHorizon: 10000, clipRange: 0.2, clipRangeValue: 0.2, vfCoef: 0.1,
  gamma: 1.0, lam: 0.95, temperature: 1.0, topP: 1.0, maxGradNorm: 1.0, klStop: 10, klStopPatience: 3, weightDecay: 0,
  betas: [0.9, 0.999] as [number, number], eps: 1e-8,
};

type Resolved = Required<Omit<PpoOptions, 'onStep' | 'resume'>> & Pick<PpoOptions, 'onStep' | 'resume'>;

/** Fills defaults and throws naming the first bad option. */
export function resolvePpoOptions(opts: PpoOptions): Resolved {
  const o = { ...PPO_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as Resolved;
  const bad = (k: string, want: string) => new Error(`ppo options: ${k}: expected ${want}, got ${String((o as unknown as Record<string, unknown>)[k])}`);
  for (const k of ['steps', 'batchSize', 'ppoEpochs', 'maxNewTokens', 'klStopPatience'] as const) if (!Number.isInteger(o[k]) || o[k] < 1) throw bad(k, 'an integer >= 1');
  if (!Number.isInteger(o.seed)) throw bad('seed', 'an integer');
  for (const k of ['learningRate', 'klTarget', 'klHorizon', 'temperature'] as const) if (!(Number.isFinite(o[k]) && o[k] > 0)) throw bad(k, 'a finite number > 0');
  for (const k of ['klCoef', 'clipRange', 'clipRangeValue', 'vfCoef', 'maxGradNorm', 'klStop', 'weightDecay', 'eps'] as const) {
    if (!(Number.isFinite(o[k]) && o[k] >= 0)) throw bad(k, 'a finite number >= 0');
  }
  for (const k of ['gamma', 'lam', 'topP'] as const) if (!(o[k] >= 0 && o[k] <= 1)) throw bad(k, 'a number in [0, 1]');
  if (!(o.topP > 0)) throw bad('topP', 'a number in (0, 1]');
  return o;
}

// ---------- the per-token math (pure, unit-tested) ----------

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
  const a = (v - ret) ** 2, b = (vc - ret) ** 2;
  // Where the clipped term is strictly larger, v lies outside vOld ± ε and vc does not move with v.
  return b > a ? { loss: 0.5 * b, dv: 0 } : { loss: 0.5 * a, dv: v - ret };
}

/** Mean entropy of softmax(row) over the given rows of an (N, V) logits buffer, in f64. */
export function meanEntropy(logits: Float32Array, V: number, rows: number[]): number {
  let total = 0;
  for (const n of rows) {
    let m = -Infinity;
    for (let c = 0; c < V; c++) m = Math.max(m, logits[n * V + c]);
    let z = 0, s = 0;
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

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : 0;
}
const allFinite = (xs: Iterable<number>) => {
  for (const x of xs) if (!Number.isFinite(x)) return false;
  return true;
};

// ---------- the trainer ----------

export async function trainPpo<T extends Tensor>(
  be: Backend<T>, dec: Decoder<T>, policy: LoraParams<T>, reference: LoraParams<T>, value: ScalarHead<T>,
  prompts: number[][], reward: RewardFn, stopIds: number[], options: PpoOptions,
): Promise<PpoResult> {
  const o = resolvePpoOptions(options);
  const cfg = dec.cfg, V = cfg.vocabSize;
  if (!prompts.length) throw new Error('ppo: no prompts to roll out');
  prompts.forEach((p, i) => {
    if (!p.length) throw new Error(`ppo: prompt ${i} has no tokens`);
  });
  if (policy.size !== reference.size) throw new Error(`ppo: policy and reference LoRA layouts differ (${policy.size} vs ${reference.size} elements)`);
  if (value.C !== cfg.hiddenSize) throw new Error(`ppo: value head width ${value.C}, model hidden size ${cfg.hiddenSize}`);
  const B = o.batchSize;
  const T = Math.max(...prompts.map((p) => p.length)) + o.maxNewTokens; // (B, T) rollout batch, padded
  const N = B * T;
  const invTemp = 1 / o.temperature;
  const [beta1, beta2] = o.betas;

  const ws = new Workspace(be, cfg, B, T, Decoder.loraRanks(policy));
  const lp = be.zeros([N]); // (N) token log-probs
  const ones = be.upload(new Float32Array(N).fill(1), [N, 1]);
  const dvals = be.zeros([N, 1]); // (N, 1) d loss / d value
  const normL = be.zeros([1]), normH = be.zeros([1]);
  const snap = [policy.params, policy.m, policy.v, value.params, value.m, value.v].map((t) => ({ live: t, copy: be.zeros(t.shape) }));
  const snapshot = (restore: boolean) => {
    be.beginStep();
    for (const s of snap) {
      if (restore) be.copy(s.live, s.copy);
      else be.copy(s.copy, s.live);
    }
    be.submit();
  };
  /** Forward with a LoRA over the batch in ws; (N) log p(next) at temperature; logits stay in ws. */
  const forwardLogprobs = async (lora: LoraParams<T>): Promise<Float32Array> => {
    be.beginStep();
    dec.forward(ws, lora);
    if (invTemp !== 1) be.scale(ws.logits!, invTemp);
    be.crossEntropyLogprobs(lp, ws.logits!, ws.targets, N, V);
    be.submit();
    return be.read(lp);
  };

  const r0 = o.resume;
  const promptRng = new Rng(o.seed);
  const sampleRng = new Rng((o.seed ^ 0x5bd1e995) >>> 0);
  let order: number[] = r0 ? [...r0.order] : [];
  let cursor = r0?.cursor ?? 0;
  if (r0) {
    promptRng.state = r0.promptRng;
    sampleRng.state = r0.sampleRng;
  }
  const nextPrompt = () => {
    if (cursor >= order.length) {
      order = promptRng.shuffle(prompts.map((_, i) => i));
      cursor = 0;
    }
    return prompts[order[cursor++]];
  };

  const result: PpoResult = { history: [], skippedSteps: r0?.skippedSteps ?? 0, stoppedReason: null };
  let klCoef = r0?.klCoef ?? o.klCoef;
  let optStep = r0?.optStep ?? 0; // AdamW steps applied (bias correction)
  let runaway = r0?.runaway ?? 0; // consecutive steps above the runaway threshold
  try {
    try {
      await value.forward(ws); // fail before any rollout if the value head cannot hold the batch
    } catch (e) {
      throw new Error(`ppo: the value head cannot score a (${B} × ${T}) batch (batchSize × (longest prompt + maxNewTokens)): ${(e as Error).message}`);
    }
    for (let step = (r0?.step ?? 0) + 1; step <= o.steps; step++) {
      // 1. rollouts
      const seqs: { promptIds: number[]; responseIds: number[] }[] = [];
      for (let b = 0; b < B; b++) {
        const promptIds = nextPrompt();
        const res = await generate(be, dec, policy, promptIds, { maxNewTokens: o.maxNewTokens, temperature: o.temperature, topP: o.topP, rng: sampleRng, stopIds });
        seqs.push({ promptIds, responseIds: res.ids });
      }
      const scores = await reward(seqs.map((s) => ({ promptIds: [...s.promptIds], responseIds: [...s.responseIds] })));
      if (!Array.isArray(scores) || scores.length !== B) throw new Error(`ppo: the reward function returned ${Array.isArray(scores) ? scores.length : typeof scores} scores for ${B} sequences`);

      // 2. log-probs, values, KL-shaped rewards, GAE
      writeBatch(ws, pack(seqs.map((s) => ({ ids: [...s.promptIds, ...s.responseIds], lossMask: [...s.promptIds.map(() => 0), ...s.responseIds.map(() => 1)] })), B, T));
      const logpRef = await forwardLogprobs(reference);
      const logpOld = await forwardLogprobs(policy); // ws now holds the policy forward: epoch 0 reuses it
      const valuesOld = await value.forward(ws);
      // pos[j]: the batch row whose logits predict response token j (and whose value scores its state).
      const pos: number[] = [];
      seqs.forEach((s, b) => s.responseIds.forEach((_, i) => pos.push(b * T + s.promptIds.length - 1 + i)));
      const J = pos.length;
      const entropy = N * V <= ENTROPY_READBACK_LIMIT ? meanEntropy(await be.read(ws.logits!), V, pos) : -mean(pos.map((p) => logpOld[p]));
      const kl = pos.map((p) => logpOld[p] - logpRef[p]);
      const vOld = pos.map((p) => valuesOld[p]);
      const lpOld = pos.map((p) => logpOld[p]);
      const log: PpoStepLog = {
        step, meanReward: mean(scores), meanScore: NaN, kl: mean(kl), klCoef, entropy, clipFraction: 0, approxKl: 0, valueLoss: 0, policyLoss: 0,
        learningRate: o.learningRate, gradNorm: NaN, responseLength: J / B, skipped: false,
      };
      let ok = allFinite(scores) && allFinite(kl) && allFinite(vOld) && allFinite(lpOld);
      const advRaw: number[] = [], returns: number[] = [];
      if (ok) {
        let start = 0, scoreSum = 0;
        seqs.forEach((s, b) => {
          const R = s.responseIds.length;
          const rewards = kl.slice(start, start + R).map((k) => -klCoef * k);
          rewards[R - 1] += scores[b];
          scoreSum += rewards.reduce((a, x) => a + x, 0);
          const g = gae(rewards, vOld.slice(start, start + R), o.gamma, o.lam);
          advRaw.push(...g.advantages);
          returns.push(...g.returns);
          start += R;
        });
        log.meanScore = scoreSum / B;
      }
      const adv = whiten(advRaw);

      // 3. PPO epochs over the batch
      if (ok) {
        snapshot(false);
        const stepBefore = optStep;
        const sums = { pg: 0, vf: 0, clip: 0, akl: 0 };
        for (let e = 0; e < o.ppoEpochs && ok; e++) {
          const logpNew = e === 0 ? logpOld : await forwardLogprobs(policy);
          const valuesNew = e === 0 ? valuesOld : await value.forward(ws);
          const weights = new Float32Array(N); // backward of −Σ w·logp: w = −d loss / d logp
          const dv = new Float32Array(N);
          let pg = 0, vf = 0, clipN = 0, akl = 0;
          for (let j = 0; j < J; j++) {
            const p = pos[j];
            const s = clippedSurrogate(logpNew[p], lpOld[j], adv[j], o.clipRange);
            const v = clippedValueLoss(valuesNew[p], vOld[j], returns[j], o.clipRangeValue);
            pg += s.loss;
            vf += v.loss;
            clipN += s.clipped ? 1 : 0;
            akl += 0.5 * (logpNew[p] - lpOld[j]) ** 2;
            weights[p] = -s.dlogp / J;
            dv[p] = (o.vfCoef * v.dv) / J;
          }
          if (!allFinite([pg, vf, akl]) || !allFinite(weights) || !allFinite(dv)) {
            ok = false;
            break;
          }
          const gradNorm = await ppoBackward(be, dec, policy, value, ws, weights, dv, { ones, dvals, normL, normH, invTemp });
          log.gradNorm = gradNorm;
          if (!Number.isFinite(gradNorm)) {
            ok = false;
            break;
          }
          const f = o.maxGradNorm > 0 ? Math.min(1, o.maxGradNorm / (gradNorm + 1e-6)) : 1;
          optStep++;
          const hp = { lr: o.learningRate, beta1, beta2, eps: o.eps, weightDecay: o.weightDecay, step: optStep };
          be.beginStep();
          if (f < 1) {
            be.scale(policy.grads, f);
            be.scale(value.grads, f);
          }
          be.adamwUpdate(policy.params, policy.grads, policy.m, policy.v, hp);
          be.adamwUpdate(value.params, value.grads, value.m, value.v, hp);
          be.submit();
          sums.pg += pg / J;
          sums.vf += vf / J;
          sums.clip += clipN / J;
          sums.akl += akl / J;
        }
        if (ok) {
          log.policyLoss = sums.pg / o.ppoEpochs;
          log.valueLoss = sums.vf / o.ppoEpochs;
          log.clipFraction = sums.clip / o.ppoEpochs;
          log.approxKl = sums.akl / o.ppoEpochs;
        } else {
          snapshot(true);
          optStep = stepBefore;
        }
      }

      // 4. bookkeeping: skip, KL controller, runaway rule
      if (!ok) {
        log.skipped = true;
        result.skippedSteps++;
      } else {
        if (o.adaptiveKl) klCoef = adaptiveKlCoef(klCoef, log.kl, o.klTarget, B, o.klHorizon);
        const limit = o.klStop * o.klTarget;
        runaway = o.klStop > 0 && log.kl > limit ? runaway + 1 : 0;
      }
      result.history.push(log);
      await o.onStep?.(log, {
        step, klCoef, optStep, runaway, skippedSteps: result.skippedSteps, promptRng: promptRng.state, sampleRng: sampleRng.state, order: [...order], cursor,
      });
      if (runaway >= o.klStopPatience) {
        result.stoppedReason = `KL runaway at step ${step}: mean KL ${log.kl.toPrecision(3)} nats/token exceeded ${o.klStop} × klTarget ` +
          `(${o.klTarget}) = ${(o.klStop * o.klTarget).toPrecision(3)} on ${runaway} consecutive steps; the policy drifted too far from the ` +
          `SFT reference (lower the learning rate or raise kl_coef)`;
        break;
      }
    }
  } finally {
    ws.release();
    for (const t of [lp, ones, dvals, normL, normH, ...snap.map((s) => s.copy)]) be.release(t);
  }
  return result;
}

/**
 * One fused backward of  −Σ w·logp (policy term, w per position)  +  Σ dv·value (value term, dv = d loss / d value)
 * into the policy LoRA and value head gradients (zeroed first), using the forward left in ws; then the global
 * L2 norm of both gradient buffers (measured, not clipped). Returns the norm (read back).
 */
export async function ppoBackward<T extends Tensor>(
  be: Backend<T>, dec: Decoder<T>, policy: LoraParams<T>, value: ScalarHead<T>, ws: Workspace<T>, weights: Float32Array, dv: Float32Array,
  buf: { ones: T; dvals: T; normL: T; normH: T; invTemp: number },
): Promise<number> {
  const V = dec.cfg.vocabSize, N = ws.N;
  let total = 0;
  for (const w of weights) total += w;
  be.write(ws.mask, weights);
  be.write(buf.dvals, dv);
  be.beginStep();
  policy.zeroGrads();
  value.zeroGrads();
  be.crossEntropyForward(ws.losses, ws.loss, ws.ceLse, ws.logits!, ws.targets, ws.mask, N, V);
  // The kernel divides by max(1, Σ mask); scaling by the same number leaves exactly w_n per row.
  be.crossEntropyBackward(ws.logits!, ws.logits!, ws.ceLse, ws.targets, ws.mask, ws.loss, N, V, Math.max(1, Math.fround(total)));
  if (buf.invTemp !== 1) be.scale(ws.logits!, buf.invTemp); // through logits / temperature
  be.matmulBackward(ws.dh, ws.logits!, dec.lmHead, false); // dhf (N, C) = dlogits (N, V) @ lmHead (V, C)
  be.gemm(value.dw, buf.dvals, ws.hf, { transA: true, accumulate: true }); // (1, C) += dv^T (1, N) @ hf (N, C)
  be.gemm(value.db, buf.dvals, buf.ones, { transA: true, accumulate: true }); // (1) += Σ dv
  be.gemm(ws.dh, buf.dvals, value.w, { accumulate: true }); // dhf += dv (N, 1) @ w (1, C): the shared trunk
  dec.backwardFromHidden(ws, policy, ws.dh);
  be.gradClip(policy.grads, buf.normL, 0); // maxNorm 0: measure only
  be.gradClip(value.grads, buf.normH, 0);
  be.submit();
  const a = (await be.read(buf.normL))[0], b = (await be.read(buf.normH))[0];
  return Math.sqrt(a * a + b * b);
}
