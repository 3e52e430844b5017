// Batched generation: many prompts at once over one KV cache of B rows. Ragged prompts are right-padded;
// each row keeps its own positions (attentionDecode's per-query positions), stop ids, length limit and Rng,
// so every sequence comes out token for token as it does alone with the same Rng (generate() is one row of this).
//
//   prefill: one (B, Pmax) forward fills the cache (row b's keys at slots 0..P_b-1), the B last hidden
//            rows go through the LM head together and one (B, V) read-back samples the first tokens;
//   decode:  one (B', 1) forward per step, row r's token at its own position, one (B', V) read-back;
//            finished rows leave the batch (their cache rows are refilled by live ones), so B' shrinks.
// Big requests run in chunks of maxBatch sequences of similar prompt length, which bounds the memory.
import type { Backend, Tensor } from '../engine/backend.ts';
import { Rng } from '../util/rng.ts';
import { Decoder, Workspace, type KvCache } from './decoder.ts';
import type { GenerateResult } from './generate.ts';
import { type SamplingOptions, sampleToken, validateSampling } from './sampling.ts';
import type { LoraParams } from './lora-params.ts';

/** Sequences generated together at most (one chunk): bounds the KV cache, the workspaces and the read-back. */
export const DEFAULT_MAX_BATCH = 16;
/** Padded prompt tokens (rows × longest prompt) one chunk's prefill may hold: its workspace grows with them. */
export const DEFAULT_MAX_PREFILL_TOKENS = 4096;

export interface GenerateBatchOptions extends SamplingOptions {
  /** Most new tokens: one limit for every prompt, or one per prompt. */
  maxNewTokens: number | readonly number[];
  /** Stop ids (kept in `ids` when emitted): one list for every prompt, or one list per prompt. */
  stopIds: readonly number[] | readonly (readonly number[])[];
  /** One Rng per prompt, drawn from as generate() draws from its rng; default new Rng(0) for each. */
  rngs?: readonly Rng[];
  /** Sequences per chunk (default DEFAULT_MAX_BATCH); prompts of similar length share a chunk. */
  maxBatch?: number;
  /** A chunk's rows × longest prompt at most (default DEFAULT_MAX_PREFILL_TOKENS; a longer prompt goes alone). */
  maxPrefillTokens?: number;
  /** Called with the prompt's index and each new token id as soon as it is chosen. */
  onToken?: (seq: number, id: number) => void;
}

/** One prompt's request, validated. */
interface Sequence {
  index: number;
  prompt: number[];
  maxNew: number;
  stop: Set<number>;
  rng: Rng;
  out: GenerateResult;
}

/** Validates prompt i and its limits; throws naming the prompt and the bad value. */
function sequenceOf(cfg: Decoder<Tensor>['cfg'], prompts: readonly number[][], i: number, opts: GenerateBatchOptions): Sequence {
  const prompt = prompts[i];
  const where = `generateBatch: prompt ${i}`;
  const maxNew = typeof opts.maxNewTokens === 'number' ? opts.maxNewTokens : opts.maxNewTokens[i];
  if (!Number.isInteger(maxNew) || maxNew < 0) throw new Error(`${where}: maxNewTokens: expected a non-negative integer, got ${maxNew}`);
  if (!Array.isArray(prompt) || prompt.length === 0) throw new Error(`${where} has no tokens (at least one is needed to predict the next)`);
  prompt.forEach((id, t) => {
    if (!Number.isInteger(id) || id < 0 || id >= cfg.vocabSize)
      throw new Error(`${where}: token ${t} is ${id}, expected an integer id in [0, ${cfg.vocabSize})`);
  });
  const cap = prompt.length + maxNew;
  if (cap > cfg.maxPositionEmbeddings) {
    throw new Error(
      `${where}: ${prompt.length} tokens + maxNewTokens (${maxNew}) = ${cap} exceeds the model's max_position_embeddings (${cfg.maxPositionEmbeddings})`,
    );
  }
  const perPrompt = opts.stopIds.length > 0 && Array.isArray(opts.stopIds[0]);
  const stop = perPrompt ? (opts.stopIds as readonly (readonly number[])[])[i] : (opts.stopIds as readonly number[]);
  if (!stop) throw new Error(`${where}: stopIds has ${opts.stopIds.length} lists, expected one per prompt (${prompts.length})`);
  return { index: i, prompt, maxNew, stop: new Set(stop), rng: opts.rngs?.[i] ?? new Rng(0), out: { ids: [], stoppedBy: 'length' } };
}

/**
 * Generates for every prompt at once; returns one result per prompt, in order, each equal to what
 * generate() returns for that prompt alone with opts.rngs[i] (and its own maxNewTokens and stop ids).
 */
export async function generateBatch<T extends Tensor>(
  be: Backend<T>,
  decoder: Decoder<T>,
  lora: LoraParams<T> | null,
  prompts: readonly number[][],
  opts: GenerateBatchOptions,
): Promise<GenerateResult[]> {
  validateSampling(opts);
  const n = prompts.length;
  if (typeof opts.maxNewTokens !== 'number' && opts.maxNewTokens.length !== n) {
    throw new Error(`generateBatch: maxNewTokens has ${opts.maxNewTokens.length} limits for ${n} prompts`);
  }
  if (opts.rngs && opts.rngs.length !== n) throw new Error(`generateBatch: rngs has ${opts.rngs.length} generators for ${n} prompts`);
  const maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
  const maxTokens = opts.maxPrefillTokens ?? DEFAULT_MAX_PREFILL_TOKENS;
  for (const [name, v] of [
    ['maxBatch', maxBatch],
    ['maxPrefillTokens', maxTokens],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`generateBatch: ${name}: expected a positive integer, got ${v}`);
  }
  const seqs = prompts.map((_, i) => sequenceOf(decoder.cfg, prompts, i, opts));
  // Similar lengths together: less padding in the prefill and a tighter cache per chunk.
  const todo = seqs.filter((s) => s.maxNew > 0).sort((a, b) => a.prompt.length - b.prompt.length || a.index - b.index);
  for (const chunk of chunks(todo, maxBatch, maxTokens)) await generateChunk(be, decoder, lora, chunk, opts);
  return seqs.map((s) => s.out);
}

/** Consecutive runs of sequences (sorted by prompt length) of at most maxBatch rows and maxTokens padded prompt tokens. */
function chunks(sorted: Sequence[], maxBatch: number, maxTokens: number): Sequence[][] {
  const out: Sequence[][] = [];
  let cur: Sequence[] = [];
  for (const s of sorted) {
    // sorted ascending: s is the longest so far, so the padded size with it is (rows + 1) × its length
    if (cur.length && (cur.length >= maxBatch || (cur.length + 1) * s.prompt.length > maxTokens)) {
      out.push(cur);
      cur = [];
    }
    cur.push(s);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** One chunk: prefill, then decode steps until every row has stopped. Fills each sequence's `out`. */
async function generateChunk<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  lora: LoraParams<T> | null,
  chunk: Sequence[],
  opts: GenerateBatchOptions,
): Promise<void> {
  const cfg = dec.cfg;
  const V = cfg.vocabSize,
    C = cfg.hiddenSize;
  const B = chunk.length;
  const Pmax = Math.max(...chunk.map((s) => s.prompt.length));
  const cap = Math.max(...chunk.map((s) => s.prompt.length + s.maxNew));
  const ranks = Decoder.loraRanks(lora);
  const kv = dec.newKvCache(cap, B);
  let pre: Workspace<T> | null = new Workspace(be, cfg, B, Pmax, ranks, false); // no (B·Pmax, V) logits: only last rows
  const lastHidden = be.zeros([B, C]); // (B, C) each row's last prompt position
  const lastLogits = be.zeros([B, V]); // (B, V)
  const lastRaw = cfg.finalLogitSoftcap ? be.zeros([B, V]) : null; // (B, V) before the soft cap
  let step = null as Workspace<T> | null; // (B', 1) decode step, logits (B', V)
  let scratch: T | null = null; // one cache row, for moving rows when the batch shrinks
  try {
    const ids = new Uint32Array(B * Pmax); // right-padded with token 0; padding is never attended by real rows
    chunk.forEach((s, b) => ids.set(s.prompt, b * Pmax));
    pre.setBatch(
      ids,
      Uint32Array.from(chunk, (s) => s.prompt.length),
    ); // every row from position 0, masked to its own length
    be.beginStep();
    dec.forward(pre, lora, { kv });
    chunk.forEach((s, b) => be.copy(be.view(lastHidden, b * C, [C]), be.view(pre!.hf, (b * Pmax + s.prompt.length - 1) * C, [C])));
    dec.headForward(lastLogits, lastHidden, lastRaw);
    be.submit();
    let logits = await be.read(lastLogits);
    pre.release(); // the prefill buffers are not needed while decoding
    pre = null;
    let rows = chunk; // rows[r] lives in cache row r
    let next = rows.map((s, r) => sampleToken(logits.subarray(r * V, (r + 1) * V), opts, s.rng));
    for (;;) {
      const done = rows.map((s, r) => emit(s, next[r], opts));
      const live = rows.filter((_, r) => !done[r]).length;
      if (live === 0) break;
      if (live < rows.length) {
        scratch ??= be.zeros([cap * cfg.numKvHeads * cfg.headDim]);
        ({ rows, next } = compact(be, dec, kv, scratch, rows, next, done));
      }
      if (step?.B !== rows.length) {
        step?.release();
        step = new Workspace(be, cfg, rows.length, 1, ranks, true);
      }
      const pos = rows.map((s) => s.prompt.length + s.out.ids.length - 1); // position of each row's newest token
      step.setBatch(Uint32Array.from(next), new Uint32Array(rows.length).fill(1), undefined, undefined, pos);
      be.beginStep();
      dec.forward(step, lora, { kv });
      be.submit();
      logits = await be.read(step.logits!);
      next = rows.map((s, r) => sampleToken(logits.subarray(r * V, (r + 1) * V), opts, s.rng));
    }
  } finally {
    pre?.release();
    step?.release();
    for (const t of [lastHidden, lastLogits, lastRaw, scratch]) if (t) be.release(t);
    dec.releaseKvCache(kv);
  }
}

/** Appends a chosen token to its sequence; true when the sequence has stopped (stop id or length). */
function emit(s: Sequence, id: number, opts: GenerateBatchOptions): boolean {
  s.out.ids.push(id);
  opts.onToken?.(s.index, id);
  if (s.stop.has(id)) {
    s.out.stoppedBy = 'eos';
    return true;
  }
  return s.out.ids.length >= s.maxNew;
}

/**
 * Drops finished rows: each hole below the new batch size takes a live row from above it (its cache row
 * moves through `scratch`, as a buffer cannot be copied onto itself), so at most one move per finished row.
 */
function compact<T extends Tensor>(
  be: Backend<T>,
  dec: Decoder<T>,
  kv: KvCache<T>,
  scratch: T,
  rows: Sequence[],
  next: number[],
  done: boolean[],
): { rows: Sequence[]; next: number[] } {
  const KD = dec.cfg.numKvHeads * dec.cfg.headDim;
  const n = done.filter((d) => !d).length;
  const holes = done.map((d, r) => (d && r < n ? r : -1)).filter((r) => r >= 0);
  const donors = done.map((d, r) => (!d && r >= n ? r : -1)).filter((r) => r >= 0);
  const outRows = rows.slice(0, n),
    outNext = next.slice(0, n);
  be.beginStep();
  holes.forEach((dst, k) => {
    const src = donors[k];
    const used = (rows[src].prompt.length + rows[src].out.ids.length - 1) * KD; // slots written so far
    const tmp = be.view(scratch, 0, [used]);
    for (const cache of [...kv.k, ...kv.v]) {
      be.copy(tmp, be.view(cache, src * kv.cap * KD, [used]));
      be.copy(be.view(cache, dst * kv.cap * KD, [used]), tmp);
    }
    outRows[dst] = rows[src];
    outNext[dst] = next[src];
  });
  be.submit();
  return { rows: outRows, next: outNext };
}
