// Sequence-level building blocks shared by reward modelling, DPO, PPO and evaluation: prompt+answer
// batches, per-token log-probabilities, a scalar head, and one joint backward of weighted log-likelihoods
// and scalar-head losses through the shared trunk.
import type { Backend, Tensor } from '../engine/backend.ts';
import type { Decoder, Workspace } from '../model/decoder.ts';
import type { LoraParams } from '../model/lora-params.ts';
import { targetLogprobs, weightedLogprobBackward } from './logit-chunks.ts';
import { packBatch, type TokenizedExample } from './sft.ts';

export interface PackedBatch {
  B: number;
  T: number;
  ids: Uint32Array; // (B, T)
  targets: Uint32Array; // (B, T) next token
  mask: Float32Array; // (B, T) 1 where the next token is a completion token
  lens: Uint32Array; // (B)
  /** Index of the last valid token of each row (where a reward/value head reads the sequence). */
  last: number[];
}

/** Pads examples into a (B, T) batch; the mask marks positions whose NEXT token is a completion token. */
export function pack(examples: TokenizedExample[], B: number, T: number): PackedBatch {
  if (examples.length > B) throw new Error(`pack: ${examples.length} examples for a batch of ${B}`);
  for (const e of examples) if (e.ids.length > T) throw new Error(`pack: a sequence of ${e.ids.length} tokens does not fit T = ${T}`);
  const p = packBatch(examples, B, T);
  return {
    B,
    T,
    ids: p.ids,
    targets: p.targets,
    mask: p.mask,
    lens: p.lens,
    last: examples.map((e) => e.ids.length - 1).concat(Array(B - examples.length).fill(0)),
  };
}

export function writeBatch<T extends Tensor>(ws: Workspace<T>, batch: PackedBatch): void {
  if (ws.B !== batch.B || ws.T !== batch.T) throw new Error(`writeBatch: workspace is (${ws.B}, ${ws.T}), batch is (${batch.B}, ${batch.T})`);
  ws.setBatch(batch.ids, batch.lens, batch.targets, batch.mask);
}

/**
 * Forward + per-token log-probabilities of the next token, (B*T) read back. A workspace whose logits hold
 * every row keeps them afterwards, so a weighted backward can follow without a second head forward.
 */
export async function tokenLogprobs<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  lora: LoraParams<T> | null,
  ws: Workspace<T>,
  out: T,
): Promise<Float32Array> {
  if (!ws.logits) throw new Error('tokenLogprobs: the workspace has no logits');
  be.beginStep();
  dec.forward(ws, lora);
  targetLogprobs(be, dec, ws, out);
  be.submit();
  return be.read(out);
}

/** Masked sum, count and mean of token log-probabilities per row. */
export function perSequence(lp: Float32Array, mask: Float32Array, B: number, T: number): { sum: number[]; count: number[]; mean: number[] } {
  const sum: number[] = [],
    count: number[] = [],
    mean: number[] = [];
  for (let b = 0; b < B; b++) {
    let s = 0,
      c = 0;
    for (let t = 0; t < T; t++) {
      const m = mask[b * T + t];
      if (m) {
        s += lp[b * T + t];
        c++;
      }
    }
    sum.push(s);
    count.push(c);
    mean.push(c ? s / c : 0);
  }
  return { sum, count, mean };
}

/**
 * Accumulates into the LoRA gradients d/dθ of  L = −Σ_t w_t · log p(target_t)  for per-token weights w
 * (B*T), using the logits the last forward left in ws. Opens and closes its own step; the caller
 * zeroes gradients beforehand and clips/updates afterwards.
 */
export function backwardWeightedLogprobs<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  lora: LoraParams<T>,
  ws: Workspace<T>,
  weights: Float32Array,
): void {
  backwardJoint(be, dec, lora, ws, { logprobWeights: weights });
}

/** The loss terms of backwardJoint; either may be absent. */
export interface JointTerms<T extends Tensor> {
  /** Per-position weights w (B*T) of  −Σ_n w_n · log p_n(target_n),  p = softmax(logits · invTemp). */
  logprobWeights?: Float32Array;
  invTemp?: number; // 1 / sampling temperature (default 1): the forward scaled the logits by it in place
  /** A scalar head on the same trunk with d loss / d score per position (B*T):  + Σ_n dscore_n · score_n. */
  head?: ScalarHead<T>;
  dscore?: Float32Array;
}

/**
 * One backward of a weighted log-likelihood and a scalar head's loss through the shared trunk into the
 * LoRA (and head) gradients, from the forward left in ws: the reward model (head only), DPO (log-probs
 * only) and PPO (both: policy and value head) all go through it. Gradients accumulate; the caller zeroes
 * them beforehand and clips/updates afterwards. Opens and closes its own step.
 */
export function backwardJoint<T extends Tensor>(be: Backend<T>, dec: Decoder<T>, lora: LoraParams<T>, ws: Workspace<T>, terms: JointTerms<T>): void {
  const { logprobWeights: w, head } = terms;
  if (!w && !head) throw new Error('backwardJoint: neither log-prob weights nor a scalar head');
  if (w && w.length !== ws.N) throw new Error(`backwardJoint: ${w.length} log-prob weights for ${ws.N} positions`);
  if (head && !terms.dscore) throw new Error('backwardJoint: a scalar head without dscore');
  if (w) be.write(ws.mask, w); // the weights, as the cross-entropy's per-row factors
  if (head) head.writeDscore(ws, terms.dscore!);
  be.beginStep();
  if (w) weightedLogprobBackward(be, dec, ws, terms.invTemp ?? 1); // dhf (N, C), over row chunks when the logits are chunked
  head?.recordBackward(ws, !!w);
  dec.backwardFromHidden(ws, lora, ws.dh);
  be.submit();
}

/**
 * A scalar head on the final normed hidden states: score_n = hf_n · w + b. The reward model reads it at
 * each row's last token; the PPO value head at every token. Parameters and AdamW state live in flat
 * buffers like LoraParams: [w (C), b, padding].
 */
export class ScalarHead<T extends Tensor> {
  readonly params: T; // (P) = [w (C), 0..., b at bOffset, 0...]
  readonly grads: T;
  readonly m: T;
  readonly v: T;
  readonly w: T; // (1, C) view
  readonly b: T; // (1) view
  readonly dw: T;
  readonly db: T;
  private readonly bOffset: number;
  private readonly ones: T; // (N_max, 1)
  private readonly scores: T; // (N_max, 1)
  private readonly dscores: T; // (N_max, 1)

  constructor(
    readonly be: Backend<T>,
    readonly C: number,
    readonly maxRows: number,
    init?: Float32Array,
  ) {
    const bOff = (this.bOffset = Math.ceil(C / 64) * 64); // bound views need 64-element offsets
    const P = bOff + 64;
    const host = new Float32Array(P);
    if (init) {
      host.set(init.subarray(0, C));
      host[bOff] = init[C] ?? 0;
    }
    this.params = be.upload(host, [P]);
    this.grads = be.zeros([P]);
    this.m = be.zeros([P]);
    this.v = be.zeros([P]);
    this.w = be.view(this.params, 0, [1, C]);
    this.b = be.view(this.params, bOff, [1]);
    this.dw = be.view(this.grads, 0, [1, C]);
    this.db = be.view(this.grads, bOff, [1]);
    this.ones = be.upload(new Float32Array(maxRows).fill(1), [maxRows, 1]);
    this.scores = be.zeros([maxRows, 1]);
    this.dscores = be.zeros([maxRows, 1]);
  }

  private rows(ws: Workspace<T>): { N: number; s: T; ds: T; one: T } {
    const N = ws.N;
    if (N > this.ones.size) throw new Error(`scalar head: ${N} rows, sized for ${this.ones.size}`);
    return { N, s: this.be.view(this.scores, 0, [N, 1]), ds: this.be.view(this.dscores, 0, [N, 1]), one: this.be.view(this.ones, 0, [N, 1]) };
  }

  /** Scores for every position (B*T) from ws.hf (run the decoder forward first, in the same or an earlier step). */
  async forward(ws: Workspace<T>): Promise<Float32Array> {
    const { be } = this;
    const { s, one } = this.rows(ws);
    be.beginStep();
    be.gemm(s, ws.hf, this.w, { transB: true }); // (N, 1) = hf (N, C) @ w^T
    be.gemm(s, one, this.b, { accumulate: true }); // + b
    be.submit();
    return be.read(s);
  }

  /**
   * Given d score (B*T), accumulates dw, db and LoRA gradients through the decoder. ws must still hold
   * the forward's activations.
   */
  backward(dec: Decoder<T>, lora: LoraParams<T>, ws: Workspace<T>, dscore: Float32Array): void {
    backwardJoint(this.be, dec, lora, ws, { head: this, dscore });
  }

  /** backwardJoint's first half: d score (B*T) into the head's buffer (before the step opens). */
  writeDscore(ws: Workspace<T>, dscore: Float32Array): void {
    const { N, ds } = this.rows(ws);
    if (dscore.length !== N) throw new Error(`scalar head backward: ${dscore.length} gradients for ${N} rows`);
    this.be.write(ds, dscore);
  }

  /** backwardJoint's second half, inside its step: dw, db += and ws.dh (+)= ds @ w (accumulate when the log-prob term wrote dh). */
  recordBackward(ws: Workspace<T>, accumulateDh: boolean): void {
    const { be } = this;
    const { ds, one } = this.rows(ws);
    be.gemm(this.dw, ds, ws.hf, { transA: true, accumulate: true }); // (1, C) += ds^T (1, N) @ hf (N, C)
    be.gemm(this.db, ds, one, { transA: true, accumulate: true }); // (1) += Σ ds
    be.gemm(ws.dh, ds, this.w, { accumulate: accumulateDh }); // dhf (N, C) (+)= ds (N, 1) @ w (1, C): the shared trunk
  }

  zeroGrads(): void {
    this.be.fill(this.grads, 0);
  }

  /** [w (C), b] as host values. */
  async read(): Promise<Float32Array> {
    const all = await this.be.read(this.params);
    const out = new Float32Array(this.C + 1);
    out.set(all.subarray(0, this.C));
    out[this.C] = all[this.bOffset];
    return out;
  }

  release(): void {
    for (const t of [this.params, this.grads, this.m, this.v, this.ones, this.scores, this.dscores]) this.be.release(t);
  }
}
