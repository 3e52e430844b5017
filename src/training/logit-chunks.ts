// The LM head and its losses over row chunks, so (N, V) logits never exist whole when they would not fit
// (a 262k-token vocabulary at N in the thousands). A workspace whose logits hold every row (logitRows = N)
// keeps today's path exactly: the forward computes them and each function below runs once over them. A
// chunked workspace holds one (R, V) buffer: each chunk of R rows computes its logits from its rows of hf,
// is reduced to what the caller needs (per-row loss and lse, target log-probs), and in the backward is
// computed again and turned into its rows of dh. The extra head matmul per chunk is the price of the memory.
import type { Backend, Tensor } from '../engine/backend.ts';
import type { Decoder, LoraDropout } from '../model/decoder.ts';
import type { LoraParams } from '../model/lora-params.ts';
import type { Workspace } from '../model/workspace.ts';

/** One run of rows: views of the workspace's per-row buffers and of its logits buffer (which every chunk shares). */
export interface LogitChunk<T extends Tensor> {
  r0: number;
  rows: number;
  hidden: T; // (rows, C) of ws.hf
  dh: T; // (rows, C) of ws.dh
  logits: T; // (rows, V)
  raw: T | null; // (rows, V) before the soft cap
  targets: T;
  mask: T;
  losses: T;
  lse: T; // (rows) each
}

/** Whether the workspace's logits hold every row (the forward computed them; no chunking). */
export const wholeLogits = <T extends Tensor>(ws: Workspace<T>): boolean => ws.logits !== null && ws.logitRows === ws.N;

/** The workspace's row chunks (one chunk of the whole buffers when its logits hold every row). */
export function logitChunks<T extends Tensor>(be: Backend<T>, ws: Workspace<T>): LogitChunk<T>[] {
  if (!ws.logits) throw new Error('logit chunks: the workspace has no logits');
  const N = ws.N,
    R = ws.logitRows,
    C = ws.cfg.hiddenSize,
    V = ws.cfg.vocabSize;
  if (R === N) {
    return [
      { r0: 0, rows: N, hidden: ws.hf, dh: ws.dh, logits: ws.logits, raw: ws.logitsRaw, targets: ws.targets, mask: ws.mask, losses: ws.losses, lse: ws.ceLse },
    ];
  }
  const out: LogitChunk<T>[] = [];
  for (let r0 = 0; r0 < N; r0 += R) {
    const rows = Math.min(R, N - r0);
    out.push({
      r0,
      rows,
      hidden: be.view(ws.hf, r0 * C, [rows, C]),
      dh: be.view(ws.dh, r0 * C, [rows, C]),
      logits: be.view(ws.logits, 0, [rows, V]),
      raw: ws.logitsRaw ? be.view(ws.logitsRaw, 0, [rows, V]) : null,
      targets: be.view(ws.targets, r0, [rows]),
      mask: be.view(ws.mask, r0, [rows]),
      losses: be.view(ws.losses, r0, [rows]),
      lse: be.view(ws.ceLse, r0, [rows]),
    });
  }
  return out;
}

/** A chunk's logits from its hidden rows (chunked workspaces only), scaled by invTemp (sampling temperature) when ≠ 1. */
function chunkLogits<T extends Tensor>(be: Backend<T>, dec: Decoder<T>, c: LogitChunk<T>, invTemp: number): void {
  dec.headForward(c.logits, c.hidden, c.raw);
  if (invTemp !== 1) be.scale(c.logits, invTemp);
}

/**
 * SFT's loss and backward inside an open step, after decoder.forward: the masked mean cross-entropy into
 * ws.loss, dh through the head, then the trunk's backward into the LoRA gradients.
 */
export function sftLossBackward<T extends Tensor>(be: Backend<T>, dec: Decoder<T>, lora: LoraParams<T>, ws: Workspace<T>, drop?: LoraDropout): void {
  const V = dec.cfg.vocabSize;
  if (wholeLogits(ws)) {
    be.crossEntropyForward(ws.losses, ws.loss, ws.ceLse, ws.logits!, ws.targets, ws.mask, ws.N, V);
    be.crossEntropyBackward(ws.logits!, ws.logits!, ws.ceLse, ws.targets, ws.mask, ws.loss, ws.N, V);
    dec.backward(ws, lora, drop);
    return;
  }
  const chunks = logitChunks(be, ws);
  for (const c of chunks) {
    chunkLogits(be, dec, c, 1);
    be.crossEntropyForward(c.losses, ws.loss, c.lse, c.logits, c.targets, c.mask, c.rows, V); // its `loss` is overwritten below
  }
  be.crossEntropyMean(ws.loss, ws.losses, ws.mask, ws.N); // the mean over every row, which each chunk's backward divides by
  // Backwards from the last chunk, whose logits the buffer still holds.
  for (let i = chunks.length - 1; i >= 0; i--) {
    const c = chunks[i];
    if (i < chunks.length - 1) chunkLogits(be, dec, c, 1);
    be.crossEntropyBackward(c.logits, c.logits, c.lse, c.targets, c.mask, ws.loss, c.rows, V);
    dec.headBackwardRows(c.dh, c.logits, c.raw);
  }
  dec.backwardFromHidden(ws, lora, ws.dh, drop);
}

/**
 * log p(target) of every row (N) into `out`, at a sampling temperature (invTemp = 1 / temperature), inside an
 * open step after decoder.forward. A whole workspace keeps its logits scaled by invTemp afterwards.
 */
export function targetLogprobs<T extends Tensor>(be: Backend<T>, dec: Decoder<T>, ws: Workspace<T>, out: T, invTemp = 1): void {
  const V = dec.cfg.vocabSize;
  if (wholeLogits(ws)) {
    if (invTemp !== 1) be.scale(ws.logits!, invTemp);
    be.crossEntropyLogprobs(out, ws.logits!, ws.targets, ws.N, V);
    return;
  }
  for (const c of logitChunks(be, ws)) {
    chunkLogits(be, dec, c, invTemp);
    be.crossEntropyLogprobs(be.view(out, c.r0, [c.rows]), c.logits, c.targets, c.rows, V);
  }
}

/**
 * dh = d/d hf of  −Σ_n w_n · log p_n(target_n),  p = softmax(logits · invTemp), with the weights already in
 * ws.mask, inside an open step. A whole workspace uses the logits its forward left (already scaled by
 * invTemp, as targetLogprobs leaves them); a chunked one computes each chunk's again from ws.hf.
 */
export function weightedLogprobBackward<T extends Tensor>(be: Backend<T>, dec: Decoder<T>, ws: Workspace<T>, invTemp = 1): void {
  const V = dec.cfg.vocabSize;
  const whole = wholeLogits(ws);
  for (const c of logitChunks(be, ws)) {
    if (!whole) chunkLogits(be, dec, c, invTemp);
    be.crossEntropyForward(c.losses, ws.loss, c.lse, c.logits, c.targets, c.mask, c.rows, V); // the row lse
    be.weightedCrossEntropyBackward(c.logits, c.logits, c.lse, c.targets, c.mask, c.rows, V); // w_n · (softmax − onehot)
    if (invTemp !== 1) be.scale(c.logits, invTemp); // through logits · invTemp
    dec.headBackwardRows(c.dh, c.logits, c.raw); // through the soft cap when the model has one
  }
}
