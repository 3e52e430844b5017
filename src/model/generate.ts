// Text generation for one prompt (generateBatch with one row) and a chat reply as text. The sampling functions
// live in sampling.ts and are re-exported here.
import type { Backend, Tensor } from '../engine/backend.ts';
import { Rng } from '../util/rng.ts';
import type { Decoder } from './decoder.ts';
import { generateBatch } from './generate-batch.ts';
import type { LoraParams } from './lora-params.ts';
import { type SamplingOptions, validateSampling } from './sampling.ts';
import type { Tokenizer } from './tokenizer.ts';

export { argmax, type SamplingOptions, sampleToken, samplingDistribution, validateSampling } from './sampling.ts';

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

/**
 * Generates up to maxNewTokens after promptIds for one sequence: generateBatch with one row (prefill over the
 * prompt into the KV cache, only its last row through the LM head, then one-token decode steps).
 */
export async function generate<T extends Tensor>(
  be: Backend<T>,
  decoder: Decoder<T>,
  lora: LoraParams<T> | null,
  promptIds: number[],
  opts: GenerateOptions,
): Promise<GenerateResult> {
  const cfg = decoder.cfg;
  const V = cfg.vocabSize;
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
  const { temperature, topP, maxNewTokens, stopIds, onToken } = opts;
  const [out] = await generateBatch(be, decoder, lora, [promptIds], {
    temperature,
    topP,
    maxNewTokens,
    stopIds,
    rngs: [opts.rng ?? new Rng(0)],
    onToken: onToken ? (_, id) => onToken(id) : undefined,
  });
  return out;
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
