// The machinery of one PPO step (ppo.ts's header describes the algorithm): the seeded prompt cycle, rollouts
// (1: sampled responses and their scores) and PpoRun, the phase's buffers with scoring (2: log-probs, values,
// KL-shaped rewards, GAE) and the clipped-surrogate epochs (3). trainPpo in ppo.ts drives them step by step.
import type { Backend, Tensor } from '../engine/backend.ts';
import { Decoder, Workspace } from '../model/decoder.ts';
import { generateBatch } from '../model/generate-batch.ts';
import type { LoraParams } from '../model/lora-params.ts';
import { Rng } from '../util/rng.ts';
import { targetLogprobs, wholeLogits } from './logit-chunks.ts';
import { allFinite, clippedSurrogate, clippedValueLoss, ENTROPY_READBACK_LIMIT, gae, mean, meanEntropy, whiten } from './ppo-math.ts';
import type { PpoState, PpoStepLog, ResolvedPpoOptions, RewardFn } from './ppo.ts';
import { backwardJoint, pack, writeBatch, type ScalarHead } from './seq.ts';
import { Optimizer } from './step.ts';

type Seq = { promptIds: number[]; responseIds: number[] };

/** Prompts in a seeded shuffle, cycled; its position and Rng state go into PpoState. */
export class PromptCycle {
  readonly rng: Rng;
  order: number[];
  cursor: number;
  constructor(
    readonly prompts: number[][],
    seed: number,
    r0?: PpoState,
  ) {
    this.rng = new Rng(seed);
    this.order = r0 ? [...r0.order] : [];
    this.cursor = r0?.cursor ?? 0;
    if (r0) this.rng.state = r0.promptRng;
  }
  next(): number[] {
    if (this.cursor >= this.order.length) {
      this.order = this.rng.shuffle(this.prompts.map((_, i) => i));
      this.cursor = 0;
    }
    return this.prompts[this.order[this.cursor++]];
  }
}

/** One step's scored rollouts, over the J response tokens: what the PPO epochs train on. */
interface Rollouts {
  pos: number[]; // (J) the batch row whose logits predict response token j (and whose value scores its state)
  logpOld: Float32Array; // (N) the rollout forward's log-probs, reused by epoch 0
  valuesOld: Float32Array; // (N)
  lpOld: number[]; // (J)
  vOld: number[]; // (J)
  adv: number[]; // (J) whitened
  returns: number[]; // (J)
}

/** The buffers and steps of one PPO phase (a class so trainPpo reads as the four steps of the header). */
export class PpoRun<T extends Tensor> {
  readonly ws: Workspace<T>;
  readonly opt: Optimizer<T>;
  private readonly lp: T; // (N) token log-probs
  private readonly snap: { live: T; copy: T }[];
  private readonly invTemp: number;

  constructor(
    readonly be: Backend<T>,
    readonly dec: Decoder<T>,
    readonly policy: LoraParams<T>,
    readonly value: ScalarHead<T>,
    readonly o: ResolvedPpoOptions,
    readonly B: number,
    readonly T: number,
  ) {
    this.ws = new Workspace(be, dec.cfg, B, T, Decoder.loraRanks(policy));
    this.lp = be.zeros([B * T]);
    this.opt = new Optimizer(be, [policy, value], o);
    this.snap = [policy.params, policy.m, policy.v, value.params, value.m, value.v].map((t) => ({ live: t, copy: be.zeros(t.shape) }));
    this.invTemp = 1 / o.temperature;
  }

  /** Saves (or restores) parameters and AdamW moments of policy and value head: a skipped step leaves no trace. */
  snapshot(restore: boolean): void {
    this.be.beginStep();
    for (const s of this.snap) {
      if (restore) this.be.copy(s.live, s.copy);
      else this.be.copy(s.copy, s.live);
    }
    this.be.submit();
  }

  /** Forward with a LoRA over the batch in ws; (N) log p(next) at temperature; logits stay in ws. */
  async forwardLogprobs(lora: LoraParams<T>): Promise<Float32Array> {
    const { be, ws } = this;
    be.beginStep();
    this.dec.forward(ws, lora);
    targetLogprobs(be, this.dec, ws, this.lp, this.invTemp);
    be.submit();
    return be.read(this.lp);
  }

  /** 2. Log-probs under reference and policy, values, KL-shaped rewards, GAE; fills the log's rollout fields. */
  async score(reference: LoraParams<T>, seqs: Seq[], scores: number[], klCoef: number, log: PpoStepLog): Promise<Rollouts | null> {
    const { ws, B, T, o } = this;
    writeBatch(
      ws,
      pack(
        seqs.map((s) => ({ ids: [...s.promptIds, ...s.responseIds], lossMask: [...s.promptIds.map(() => 0), ...s.responseIds.map(() => 1)] })),
        B,
        T,
      ),
    );
    const logpRef = await this.forwardLogprobs(reference);
    const logpOld = await this.forwardLogprobs(this.policy); // ws now holds the policy forward: epoch 0 reuses it
    const valuesOld = await this.value.forward(ws);
    const pos: number[] = [];
    seqs.forEach((s, b) => s.responseIds.forEach((_, i) => pos.push(b * T + s.promptIds.length - 1 + i)));
    const V = this.dec.cfg.vocabSize;
    log.entropy =
      wholeLogits(ws) && ws.N * V <= ENTROPY_READBACK_LIMIT ? meanEntropy(await this.be.read(ws.logits!), V, pos) : -mean(pos.map((p) => logpOld[p]));
    const kl = pos.map((p) => logpOld[p] - logpRef[p]);
    const vOld = pos.map((p) => valuesOld[p]);
    const lpOld = pos.map((p) => logpOld[p]);
    [log.meanReward, log.kl, log.responseLength] = [mean(scores), mean(kl), pos.length / B];
    if (!(allFinite(scores) && allFinite(kl) && allFinite(vOld) && allFinite(lpOld))) return null;
    const advRaw: number[] = [],
      returns: number[] = [];
    let start = 0,
      scoreSum = 0;
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
    return { pos, logpOld, valuesOld, lpOld, vOld, adv: whiten(advRaw), returns };
  }

  /**
   * 3. ppoEpochs optimizer steps over the whole batch; AdamW's step count continues from optStep. Returns
   * the count after them, or null when a non-finite value skipped the step (parameters restored).
   */
  async optimize(r: Rollouts, log: PpoStepLog, optStep: number): Promise<number | null> {
    const { o, ws } = this;
    const J = r.pos.length;
    const sums = { pg: 0, vf: 0, clip: 0, akl: 0 };
    this.snapshot(false);
    for (let e = 0; e < o.ppoEpochs; e++) {
      const logpNew = e === 0 ? r.logpOld : await this.forwardLogprobs(this.policy);
      const valuesNew = e === 0 ? r.valuesOld : await this.value.forward(ws);
      const weights = new Float32Array(ws.N); // backward of −Σ w·logp: w = −d loss / d logp
      const dscore = new Float32Array(ws.N); // d loss / d value
      let pg = 0,
        vf = 0,
        clipN = 0,
        akl = 0;
      r.pos.forEach((p, j) => {
        const s = clippedSurrogate(logpNew[p], r.lpOld[j], r.adv[j], o.clipRange);
        const v = clippedValueLoss(valuesNew[p], r.vOld[j], r.returns[j], o.clipRangeValue);
        [pg, vf, clipN, akl] = [pg + s.loss, vf + v.loss, clipN + (s.clipped ? 1 : 0), akl + 0.5 * (logpNew[p] - r.lpOld[j]) ** 2];
        weights[p] = -s.dlogp / J;
        dscore[p] = (o.vfCoef * v.dv) / J;
      });
      const finite = allFinite([pg, vf, akl]) && allFinite(weights) && allFinite(dscore);
      const res = await this.opt.step(
        () => ({
          loss: finite ? (pg + o.vfCoef * vf) / J : NaN,
          backward: () => backwardJoint(this.be, this.dec, this.policy, ws, { logprobWeights: weights, invTemp: this.invTemp, head: this.value, dscore }),
        }),
        { t: optStep + 1, lr: o.learningRate },
      );
      if (finite) log.gradNorm = res.gradNorm;
      if (res.skipped) {
        this.snapshot(true);
        return null;
      }
      optStep++;
      [sums.pg, sums.vf, sums.clip, sums.akl] = [sums.pg + pg / J, sums.vf + vf / J, sums.clip + clipN / J, sums.akl + akl / J];
    }
    [log.policyLoss, log.valueLoss] = [sums.pg / o.ppoEpochs, sums.vf / o.ppoEpochs];
    [log.clipFraction, log.approxKl] = [sums.clip / o.ppoEpochs, sums.akl / o.ppoEpochs];
    return optStep;
  }

  release(): void {
    this.ws.release();
    this.opt.release();
    for (const t of [this.lp, ...this.snap.map((s) => s.copy)]) this.be.release(t);
  }
}

/** 1. Rollouts: batchSize prompts → sampled responses → RewardFn scores. */
export async function rollout<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  policy: LoraParams<T>,
  prompts: PromptCycle,
  sampleRng: Rng,
  reward: RewardFn,
  stopIds: number[],
  o: ResolvedPpoOptions,
): Promise<{ seqs: Seq[]; scores: number[] }> {
  const promptIds = Array.from({ length: o.batchSize }, () => prompts.next());
  // All sequences at once, each with its own Rng seeded from sampleRng (whose state goes into PpoState), so a
  // rollout depends on the seed alone, not on how the batch is chunked or in which order sequences finish.
  const rngs = promptIds.map(() => new Rng(Math.floor(sampleRng.next() * 2 ** 32)));
  const results = await generateBatch(be, dec, policy, promptIds, { maxNewTokens: o.maxNewTokens, temperature: o.temperature, topP: o.topP, rngs, stopIds });
  const seqs: Seq[] = promptIds.map((p, b) => ({ promptIds: p, responseIds: results[b].ids }));
  const scores = await reward(seqs.map((s) => ({ promptIds: [...s.promptIds], responseIds: [...s.responseIds] })));
  if (!Array.isArray(scores) || scores.length !== o.batchSize) {
    throw new Error(`ppo: the reward function returned ${Array.isArray(scores) ? scores.length : typeof scores} scores for ${o.batchSize} sequences`);
  }
  return { seqs, scores };
}
