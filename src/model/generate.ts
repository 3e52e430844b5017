// Text generation with the decoder's KV cache: one prefill over the prompt, then one-token decode steps,
// sampling on the CPU from the last row of logits (greedy, temperature, nucleus top-p with a seeded Rng).
import type { Backend, Tensor } from '../engine/backend.ts';
import { Rng } from '../util/rng.ts';
import { Decoder, Workspace } from './decoder.ts';
import type { LoraParams } from './lora-params.ts';
import type { Tokenizer } from './tokenizer.ts';

export interface SamplingOptions {
  /** 0 = greedy argmax (the default); > 0 divides the logits before the softmax. */
  temperature?: number;
  /** Nucleus sampling: keep the most likely tokens whose probabilities first reach topP (default 1 = all). */
  topP?: number;
}

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Draws for temperature > 0; default new Rng(0), so runs repeat unless a seed is given. */
  rng?: Rng;
  /** Generation stops after emitting any of these ids (the stop token is kept in `ids`). */
  stopIds: number[];
  /** Called with each new token id as soon as it is chosen (streaming). */
  onToken?: (id: number) => void;
}

export interface GenerateResult {
  /** The new tokens (without the prompt), including the stop token when stoppedBy is 'eos'. */
  ids: number[];
  stoppedBy: 'eos' | 'length';
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

/**
 * Generates up to maxNewTokens after promptIds for one sequence. Prefill: a (1, P) forward that fills the
 * KV cache; decode: a (1, 1) workspace allocated once, fed one token per step at its position.
 * Only the last row of logits is computed at prefill and only one row is read back per step.
 */
export async function generate<T extends Tensor>(
  be: Backend<T>,
  decoder: Decoder<T>,
  lora: LoraParams<T> | null,
  promptIds: number[],
  opts: GenerateOptions,
): Promise<GenerateResult> {
  const cfg = decoder.cfg;
  const V = cfg.vocabSize,
    C = cfg.hiddenSize;
  const P = promptIds.length;
  validateSampling(opts);
  if (!Number.isInteger(opts.maxNewTokens) || opts.maxNewTokens < 0) {
    throw new Error(`generate: maxNewTokens: expected a non-negative integer, got ${opts.maxNewTokens}`);
  }
  if (P === 0) throw new Error('generate: the prompt has no tokens (at least one is needed to predict the next)');
  promptIds.forEach((id, i) => {
    if (!Number.isInteger(id) || id < 0 || id >= V) throw new Error(`generate: prompt token ${i} is ${id}, expected an integer id in [0, ${V})`);
  });
  const cap = P + opts.maxNewTokens;
  if (cap > cfg.maxPositionEmbeddings) {
    throw new Error(
      `generate: prompt (${P} tokens) + maxNewTokens (${opts.maxNewTokens}) = ${cap} exceeds the model's max_position_embeddings (${cfg.maxPositionEmbeddings})`,
    );
  }
  const result: GenerateResult = { ids: [], stoppedBy: 'length' };
  if (opts.maxNewTokens === 0) return result;
  const rng = opts.rng ?? new Rng(0);
  const stop = new Set(opts.stopIds);
  const ranks = Decoder.loraRanks(lora);

  const kv = decoder.newKvCache(cap);
  const pre = new Workspace(be, cfg, 1, P, ranks, false); // no (P, V) logits: only the last row is needed
  const lastHidden = be.zeros([1, C]); // (1, C)
  const lastLogits = be.zeros([1, V]); // (1, V)
  const lastRaw = cfg.finalLogitSoftcap ? be.zeros([1, V]) : null; // (1, V) before the soft cap
  let one: Workspace<T> | null = null;
  let preLive = true;
  try {
    pre.setBatch(Uint32Array.from(promptIds), Uint32Array.of(P));
    be.beginStep();
    decoder.forward(pre, lora, { kv });
    be.copy(lastHidden, be.view(pre.hf, (P - 1) * C, [1, C]));
    decoder.headForward(lastLogits, lastHidden, lastRaw);
    be.submit();
    let next = sampleToken(await be.read(lastLogits), opts, rng);
    pre.release(); // the prefill buffers are not needed while decoding
    preLive = false;
    one = new Workspace(be, cfg, 1, 1, ranks, true); // (1, 1) decode step, logits (1, V)
    const ids = Uint32Array.of(0);
    const lens = Uint32Array.of(1);
    for (;;) {
      result.ids.push(next);
      opts.onToken?.(next);
      if (stop.has(next)) {
        result.stoppedBy = 'eos';
        break;
      }
      if (result.ids.length >= opts.maxNewTokens) break;
      const pos = P + result.ids.length - 1; // position of `next` in the sequence
      ids[0] = next;
      one.setBatch(ids, lens, undefined, undefined, pos);
      be.beginStep();
      decoder.forward(one, lora, { kv });
      be.submit();
      next = sampleToken(await be.read(one.logits!), opts, rng);
    }
  } finally {
    if (preLive) pre.release();
    one?.release();
    be.release(lastHidden);
    be.release(lastLogits);
    if (lastRaw) be.release(lastRaw);
    decoder.releaseKvCache(kv);
  }
  return result;
}

export interface GenerateTextResult extends GenerateResult {
  /** The new tokens decoded without special tokens (and without the stop token). */
  text: string;
  promptIds: number[];
}

/** A reply's text: its tokens decoded without special tokens and without the stop ids (as generateText gives it). */
export function replyText(tokenizer: Tokenizer, ids: readonly number[], stopIds: readonly number[]): string {
  const stop = new Set(stopIds);
  return tokenizer.decode(
    ids.filter((id) => !stop.has(id)),
    { skipSpecialTokens: true },
  );
}

/**
 * Generates a reply to `prompt`: the user message rendered by the chat template with a generation prompt
 * (plain encoding with the tokenizer's special tokens when the model has no template). Stops on the
 * tokenizer's end tokens unless stopIds is given. onText receives the decoded text as it grows.
 */
export async function generateText<T extends Tensor>(
  be: Backend<T>,
  decoder: Decoder<T>,
  lora: LoraParams<T> | null,
  tokenizer: Tokenizer,
  prompt: string,
  opts: Omit<GenerateOptions, 'stopIds'> & { stopIds?: number[]; onText?: (delta: string) => void },
): Promise<GenerateTextResult> {
  const promptIds = tokenizer.hasChatTemplate
    ? tokenizer.encodeChat([{ role: 'user', content: prompt }], { addGenerationPrompt: true })
    : tokenizer.encode(prompt, { addSpecialTokens: true });
  const stopIds = opts.stopIds ?? tokenizer.eosIds;
  const textOf = (ids: number[]) => replyText(tokenizer, ids, stopIds);
  const sofar: number[] = [];
  let shown = '';
  const onToken = (id: number) => {
    opts.onToken?.(id);
    if (!opts.onText) return;
    sofar.push(id);
    const text = textOf(sofar);
    // Hold back a trailing replacement character: the next token may complete a multi-byte character.
    const stable = text.endsWith('\uFFFD') ? text.slice(0, -1) : text;
    if (stable.startsWith(shown) && stable.length > shown.length) {
      opts.onText(stable.slice(shown.length));
      shown = stable;
    }
  };
  const res = await generate(be, decoder, lora, promptIds, { ...opts, stopIds, onToken });
  const text = textOf(res.ids);
  if (opts.onText && text.startsWith(shown) && text.length > shown.length) opts.onText(text.slice(shown.length));
  return { ...res, text, promptIds };
}
