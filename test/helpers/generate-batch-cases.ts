// Shared cases of generateBatch against generate() one prompt at a time (CPU twin and GPU tests): ragged
// prompts (3, 11, 7, 5 tokens: one longer than Gemma's window of 4), each with its own Rng, limit and
// stop ids, one sequence stopping early on a planted stop id, chunks smaller than the batch.
import type { Backend, Tensor } from '../../src/engine/backend.ts';
import type { Decoder } from '../../src/model/decoder.ts';
import { generate, type GenerateResult } from '../../src/model/generate.ts';
import { generateBatch } from '../../src/model/generate-batch.ts';
import type { LoraParams } from '../../src/model/lora-params.ts';
import { Rng } from '../../src/util/rng.ts';

export const PROMPT_LENGTHS = [3, 11, 7, 5];

/** Prompts of PROMPT_LENGTHS with ids below the vocabulary size, from a seed. */
export function raggedPrompts(vocabSize: number, seed = 3): number[][] {
  const rng = new Rng(seed);
  return PROMPT_LENGTHS.map((n) => Array.from({ length: n }, () => 1 + rng.int(vocabSize - 1)));
}

export interface BatchCase {
  name: string;
  temperature: number;
  topP?: number;
  maxBatch?: number;
  maxPrefillTokens?: number;
}

export const BATCH_CASES: BatchCase[] = [
  { name: 'greedy', temperature: 0 },
  { name: 'sampled (temperature 1.2, top-p 0.95)', temperature: 1.2, topP: 0.95 },
  { name: 'sampled in chunks of 2', temperature: 0.9, maxBatch: 2 },
  { name: 'greedy, prefill budget of 16 tokens (chunks of 3, 5 | 7 | 11)', temperature: 0, maxPrefillTokens: 16 },
];

/**
 * Runs one case both ways: each prompt alone with generate(), then all at once with generateBatch, with
 * per-prompt seeds, limits (6, 4, 8, 5) and a stop id planted in prompt 1's free run (its third token).
 */
export async function batchVersusAlone<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  lora: LoraParams<T> | null,
  c: BatchCase,
): Promise<{ alone: GenerateResult[]; batch: GenerateResult[]; tokens: number[] }> {
  const prompts = raggedPrompts(dec.cfg.vocabSize);
  const limits = [6, 4, 8, 5];
  const sampling = { temperature: c.temperature, topP: c.topP };
  const free = await generate(be, dec, lora, prompts[1], { ...sampling, maxNewTokens: limits[1], stopIds: [], rng: new Rng(101) });
  const stopIds = prompts.map((_, i) => (i === 1 ? [free.ids[2]] : []));
  const alone: GenerateResult[] = [];
  for (let i = 0; i < prompts.length; i++) {
    alone.push(await generate(be, dec, lora, prompts[i], { ...sampling, maxNewTokens: limits[i], stopIds: stopIds[i], rng: new Rng(100 + i) }));
  }
  const tokens: number[] = [];
  const batch = await generateBatch(be, dec, lora, prompts, {
    ...sampling,
    maxNewTokens: limits,
    stopIds,
    rngs: prompts.map((_, i) => new Rng(100 + i)),
    maxBatch: c.maxBatch,
    maxPrefillTokens: c.maxPrefillTokens,
    onToken: (seq) => tokens.push(seq),
  });
  return { alone, batch, tokens };
}
