// PPO (TRL-style RLHF) of a LoRA policy against a frozen reference, a reward function and a value head.
//
// One step (Ziegler et al. 2019; TRL's PPOTrainer):
//  1. rollouts: batchSize prompts (a seeded shuffle, cycled) → responses sampled from the policy, the whole
//     batch at once with generateBatch() (temperature/topP, a seeded Rng per sequence) → scores from the RewardFn;
//  2. one batch forward each with the reference and the policy: per-token log-probs of the response
//     under softmax(logits / temperature), the value head at every position, the entropy;
//     per-token KL estimate k_t = logp_old − logp_ref; rewards r_t = −klCoef·k_t, plus the score at the
//     last response token; GAE(γ, λ) over each response (value after the last token = 0);
//     returns = advantages + values; advantages whitened over the batch's response tokens;
//  3. ppoEpochs passes over the whole batch (one minibatch): clipped surrogate
//     mean(max(−A·r, −A·clip(r, 1±ε))), r = exp(logp_new − logp_old); clipped value loss
//     ½·mean(max((v − R)², (clip(v, v_old ± ε_v) − R)²)); loss = policy + vfCoef·value; one joint
//     backward (seq.ts's backwardJoint, the reward model's too); one Optimizer step (step.ts): the global
//     gradient norm over policy LoRA + value head clipped to maxGradNorm, AdamW (constant LR) on both;
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
import type { Decoder } from '../model/decoder.ts';
import type { LoraParams } from '../model/lora-params.ts';
import { Rng } from '../util/rng.ts';
import { adaptiveKlCoef } from './ppo-math.ts';
import { PpoRun, PromptCycle, rollout } from './ppo-run.ts';
import type { ScalarHead } from './seq.ts';

export { adaptiveKlCoef, clippedSurrogate, clippedValueLoss, ENTROPY_READBACK_LIMIT, gae, meanEntropy, whiten } from './ppo-math.ts';

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
  klCoef: 0.2,
  klTarget: 0.05,
  adaptiveKl: true,
  klHorizon: 10000,
  clipRange: 0.2,
  clipRangeValue: 0.2,
  vfCoef: 0.1,
  gamma: 1.0,
  lam: 0.95,
  temperature: 1.0,
  topP: 1.0,
  maxGradNorm: 1.0,
  klStop: 10,
  klStopPatience: 3,
  weightDecay: 0,
  betas: [0.9, 0.999] as [number, number],
  eps: 1e-8,
};

/** PpoOptions with every default filled in. */
export type ResolvedPpoOptions = Required<Omit<PpoOptions, 'onStep' | 'resume'>> & Pick<PpoOptions, 'onStep' | 'resume'>;

/** Fills defaults and throws naming the first bad option. */
export function resolvePpoOptions(opts: PpoOptions): ResolvedPpoOptions {
  const o = { ...PPO_DEFAULTS, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) } as ResolvedPpoOptions;
  const bad = (k: string, want: string) => new Error(`ppo options: ${k}: expected ${want}, got ${String((o as unknown as Record<string, unknown>)[k])}`);
  for (const k of ['steps', 'batchSize', 'ppoEpochs', 'maxNewTokens', 'klStopPatience'] as const)
    if (!Number.isInteger(o[k]) || o[k] < 1) throw bad(k, 'an integer >= 1');
  if (!Number.isInteger(o.seed)) throw bad('seed', 'an integer');
  for (const k of ['learningRate', 'klTarget', 'klHorizon', 'temperature'] as const)
    if (!(Number.isFinite(o[k]) && o[k] > 0)) throw bad(k, 'a finite number > 0');
  for (const k of ['klCoef', 'clipRange', 'clipRangeValue', 'vfCoef', 'maxGradNorm', 'klStop', 'weightDecay', 'eps'] as const) {
    if (!(Number.isFinite(o[k]) && o[k] >= 0)) throw bad(k, 'a finite number >= 0');
  }
  for (const k of ['gamma', 'lam', 'topP'] as const) if (!(o[k] >= 0 && o[k] <= 1)) throw bad(k, 'a number in [0, 1]');
  if (!(o.topP > 0)) throw bad('topP', 'a number in (0, 1]');
  return o;
}

// ---------- the trainer (the step's machinery: ppo-run.ts) ----------

function checkInputs<T extends Tensor>(dec: Decoder<T>, policy: LoraParams<T>, reference: LoraParams<T>, value: ScalarHead<T>, prompts: number[][]): void {
  if (!prompts.length) throw new Error('ppo: no prompts to roll out');
  prompts.forEach((p, i) => {
    if (!p.length) throw new Error(`ppo: prompt ${i} has no tokens`);
  });
  if (policy.size !== reference.size) throw new Error(`ppo: policy and reference LoRA layouts differ (${policy.size} vs ${reference.size} elements)`);
  if (value.C !== dec.cfg.hiddenSize) throw new Error(`ppo: value head width ${value.C}, model hidden size ${dec.cfg.hiddenSize}`);
}

function runawayReason(step: number, kl: number, runaway: number, o: ResolvedPpoOptions): string {
  return (
    `KL runaway at step ${step}: mean KL ${kl.toPrecision(3)} nats/token exceeded ${o.klStop} × klTarget ` +
    `(${o.klTarget}) = ${(o.klStop * o.klTarget).toPrecision(3)} on ${runaway} consecutive steps; the policy drifted too far from the ` +
    `SFT reference (lower the learning rate or raise kl_coef)`
  );
}

/** A step's log before scoring fills it: NaN where a skipped step has no value, 0 for the epoch means. */
function emptyStepLog(step: number, klCoef: number, learningRate: number): PpoStepLog {
  return {
    step,
    meanReward: NaN,
    meanScore: NaN,
    kl: NaN,
    klCoef,
    entropy: NaN,
    clipFraction: 0,
    approxKl: 0,
    valueLoss: 0,
    policyLoss: 0,
    learningRate,
    gradNorm: NaN,
    responseLength: 0,
    skipped: false,
  };
}

/** Fails before any rollout if the value head cannot hold the (B, T) batch. */
async function checkValueHead<T extends Tensor>(run: PpoRun<T>, value: ScalarHead<T>, B: number, T: number): Promise<void> {
  try {
    await value.forward(run.ws);
  } catch (e) {
    throw new Error(`ppo: the value head cannot score a (${B} × ${T}) batch (batchSize × (longest prompt + maxNewTokens)): ${(e as Error).message}`);
  }
}

export async function trainPpo<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  policy: LoraParams<T>,
  reference: LoraParams<T>,
  value: ScalarHead<T>,
  prompts: number[][],
  reward: RewardFn,
  stopIds: number[],
  options: PpoOptions,
): Promise<PpoResult> {
  const o = resolvePpoOptions(options);
  checkInputs(dec, policy, reference, value, prompts);
  const B = o.batchSize;
  const T = Math.max(...prompts.map((p) => p.length)) + o.maxNewTokens; // (B, T) rollout batch, padded
  const r0 = o.resume;
  const cycle = new PromptCycle(prompts, o.seed, r0);
  const sampleRng = new Rng((o.seed ^ 0x5bd1e995) >>> 0);
  if (r0) sampleRng.state = r0.sampleRng;
  const result: PpoResult = { history: [], skippedSteps: r0?.skippedSteps ?? 0, stoppedReason: null };
  let klCoef = r0?.klCoef ?? o.klCoef;
  let optStep = r0?.optStep ?? 0; // AdamW steps applied (bias correction)
  let runaway = r0?.runaway ?? 0; // consecutive steps above the runaway threshold
  const run = new PpoRun(be, dec, policy, value, o, B, T);
  try {
    await checkValueHead(run, value, B, T);
    for (let step = (r0?.step ?? 0) + 1; step <= o.steps; step++) {
      const { seqs, scores } = await rollout(be, dec, policy, cycle, sampleRng, reward, stopIds, o);
      const log = emptyStepLog(step, klCoef, o.learningRate);
      const batch = await run.score(reference, seqs, scores, klCoef, log);
      const applied = batch ? await run.optimize(batch, log, optStep) : null;
      // 4. bookkeeping: skip, KL controller, runaway rule
      if (applied === null) {
        log.skipped = true;
        result.skippedSteps++;
      } else {
        optStep = applied;
        if (o.adaptiveKl) klCoef = adaptiveKlCoef(klCoef, log.kl, o.klTarget, B, o.klHorizon);
        runaway = o.klStop > 0 && log.kl > o.klStop * o.klTarget ? runaway + 1 : 0;
      }
      result.history.push(log);
      const state: PpoState = {
        step,
        klCoef,
        optStep,
        runaway,
        skippedSteps: result.skippedSteps,
        promptRng: cycle.rng.state,
        sampleRng: sampleRng.state,
        order: [...cycle.order],
        cursor: cycle.cursor,
      };
      await o.onStep?.(log, state);
      if (runaway >= o.klStopPatience) {
        result.stoppedReason = runawayReason(step, log.kl, runaway, o);
        break;
      }
    }
  } finally {
    run.release();
  }
  return result;
}
