// The policy side of evaluation: greedy answers (generateText, or generateBatch for many questions at once,
// with the chat template) and batched answer
// log-likelihoods, in as few forwards as a logits budget allows, over workspaces kept per decoder (LRU).
// evaluate.ts scores over any AnswerSource; policySource makes one of a policy (EvalContext).
import type { Backend, Tensor } from '../engine/backend.ts';
import { Decoder, Workspace } from '../model/decoder.ts';
import { generateText, replyText } from '../model/generate.ts';
import { generateBatch } from '../model/generate-batch.ts';
import { buildSftExample, type Tokenizer } from '../model/tokenizer.ts';
import { Rng } from '../util/rng.ts';
import type { AnswerSource, EvalContext } from './evaluate.ts';
import { pack, perSequence, tokenLogprobs } from './seq.ts';
import type { TokenizedExample } from './sft.ts';

/** Logits elements (N·V) one log-likelihood batch may hold: 64 Mi floats = 256 MiB. */
const LOGITS_BUDGET = 64 * 1024 * 1024;
/** Sequence lengths are rounded up to this, so questions of similar length share a workspace. */
const T_ROUND = 16;
/** Workspaces kept per decoder (LRU); older ones are released. */
const WORKSPACES_KEPT = 3;

interface CachedWorkspace<T extends Tensor> {
  ws: Workspace<T>;
  out: T; // (N) per-token log-probabilities
}

const workspaceCache = new WeakMap<object, Map<string, CachedWorkspace<Tensor>>>();

function cachedWorkspace<T extends Tensor>(ctx: EvalContext<T>, B: number, T_: number): CachedWorkspace<T> {
  const ranks = Decoder.loraRanks(ctx.lora);
  const key = `${B}x${T_}:${[...ranks].map(([p, r]) => `${p}=${r}`).join(',')}`;
  let cache = workspaceCache.get(ctx.dec);
  if (!cache) workspaceCache.set(ctx.dec, (cache = new Map()));
  const hit = cache.get(key) as CachedWorkspace<T> | undefined;
  if (hit) {
    cache.delete(key); // re-insert: most recently used last
    cache.set(key, hit as unknown as CachedWorkspace<Tensor>);
    return hit;
  }
  while (cache.size >= WORKSPACES_KEPT) {
    const [oldKey, old] = cache.entries().next().value as [string, CachedWorkspace<T>];
    cache.delete(oldKey);
    old.ws.release();
    ctx.be.release(old.out);
  }
  const entry: CachedWorkspace<T> = { ws: new Workspace(ctx.be, ctx.dec.cfg, B, T_, ranks, true), out: ctx.be.zeros([B * T_]) };
  cache.set(key, entry as unknown as CachedWorkspace<Tensor>);
  return entry;
}

/** Releases the log-likelihood workspaces kept for this decoder (call when evaluation is done). */
export function releaseEvalWorkspaces<T extends Tensor>(be: Backend<T>, dec: Decoder<T>): void {
  const cache = workspaceCache.get(dec);
  if (!cache) return;
  for (const e of cache.values()) {
    (e as unknown as CachedWorkspace<T>).ws.release();
    be.release((e as unknown as CachedWorkspace<T>).out);
  }
  workspaceCache.delete(dec);
}

/** Prompt ids as generateText renders them (chat template with generation prompt, else plain + specials). */
function promptIds(tok: Tokenizer, prompt: string): number[] {
  return tok.hasChatTemplate
    ? tok.encodeChat([{ role: 'user', content: prompt }], { addGenerationPrompt: true })
    : tok.encode(prompt, { addSpecialTokens: true });
}

/** prompt → answer as one scored sequence: loss mask 1 on the answer and its end token. */
function scoredExample(tok: Tokenizer, prompt: string, answer: string, maxLen: number): TokenizedExample {
  if (tok.hasChatTemplate) return buildSftExample(tok, prompt, answer, maxLen);
  const p = promptIds(tok, prompt);
  const a = [...tok.encode(answer), ...(tok.eosIds.length ? [tok.eosIds[0]] : [])];
  if (p.length >= maxLen) throw new Error(`prompt is ${p.length} tokens, leaving no room for the answer in ${maxLen} positions`);
  const ids = [...p, ...a].slice(0, maxLen);
  return { ids, lossMask: ids.map((_, i) => (i >= p.length ? 1 : 0)) };
}

/** A question's prompt ids and the answer length it leaves: at most ctx.maxNewTokens, and the model's context. */
function answerPrompt<T extends Tensor>(ctx: EvalContext<T>, question: string): { ids: number[]; maxNewTokens: number } {
  const maxPos = ctx.dec.cfg.maxPositionEmbeddings;
  const ids = promptIds(ctx.tokenizer, question);
  if (ids.length >= maxPos)
    throw new Error(
      `question ${JSON.stringify(question.slice(0, 60))}: ${ids.length} prompt tokens leave no room to answer in max_position_embeddings ${maxPos}`,
    );
  return { ids, maxNewTokens: Math.min(ctx.maxNewTokens, maxPos - ids.length) };
}

/** The policy's greedy answer to a question with the chat template (at most ctx.maxNewTokens, and the model's context). */
export async function answerQuestion<T extends Tensor>(ctx: EvalContext<T>, question: string): Promise<string> {
  const { maxNewTokens } = answerPrompt(ctx, question);
  const res = await generateText(ctx.be, ctx.dec, ctx.lora, ctx.tokenizer, question, { maxNewTokens, temperature: 0, rng: new Rng(ctx.seed ?? 0) });
  return res.text;
}

/**
 * The policy's greedy answers to many questions at once (generateBatch: ragged prompts, each answer its own
 * stop and length), each the text answerQuestion gives for that question alone.
 */
export async function answerQuestions<T extends Tensor>(ctx: EvalContext<T>, questions: readonly string[]): Promise<string[]> {
  const prompts = questions.map((q) => answerPrompt(ctx, q));
  const stopIds = ctx.tokenizer.eosIds;
  const res = await generateBatch(
    ctx.be,
    ctx.dec,
    ctx.lora,
    prompts.map((p) => p.ids),
    { maxNewTokens: prompts.map((p) => p.maxNewTokens), temperature: 0, stopIds, rngs: prompts.map(() => new Rng(ctx.seed ?? 0)) },
  );
  return res.map((r) => replyText(ctx.tokenizer, r.ids, stopIds));
}

/**
 * Mean token log-likelihood of each answer after its prompt, in as few forwards as the logits
 * budget allows (all of them in one for a question's options). Unused batch rows repeat the first
 * sequence (never empty rows) and are ignored.
 */
export async function answerLogLikelihoods<T extends Tensor>(
  ctx: EvalContext<T>,
  items: readonly { prompt: string; answer: string }[],
): Promise<{ mean: number; sum: number; tokens: number }[]> {
  if (items.length === 0) return [];
  const maxPos = ctx.dec.cfg.maxPositionEmbeddings;
  const V = ctx.dec.cfg.vocabSize;
  const examples = items.map((it, i) => {
    try {
      return scoredExample(ctx.tokenizer, it.prompt, it.answer, maxPos);
    } catch (err) {
      throw new Error(`answer log-likelihood, item ${i} (prompt ${JSON.stringify(it.prompt.slice(0, 60))}): ${(err as Error).message}`);
    }
  });
  const longest = Math.max(...examples.map((e) => e.ids.length));
  const T_ = Math.min(maxPos, Math.ceil(longest / T_ROUND) * T_ROUND);
  const rows = Math.max(1, Math.min(examples.length, Math.floor(LOGITS_BUDGET / (T_ * V))));
  const out: { mean: number; sum: number; tokens: number }[] = [];
  for (let start = 0; start < examples.length; start += rows) {
    const chunk = examples.slice(start, start + rows);
    const filled = chunk.concat(Array(rows - chunk.length).fill(chunk[0]));
    const batch = pack(filled, rows, T_);
    const { ws, out: lpOut } = cachedWorkspace(ctx, rows, T_);
    ws.setBatch(batch.ids, batch.lens, batch.targets, batch.mask);
    const lp = await tokenLogprobs(ctx.be, ctx.dec, ctx.lora, ws, lpOut);
    const seq = perSequence(lp, batch.mask, rows, T_);
    for (let b = 0; b < chunk.length; b++) out.push({ mean: seq.mean[b], sum: seq.sum[b], tokens: seq.count[b] });
  }
  return out;
}

/** The policy as an AnswerSource. */
export function policySource<T extends Tensor>(ctx: EvalContext<T>): AnswerSource {
  return {
    answer: (q) => answerQuestion(ctx, q),
    answers: (qs) => answerQuestions(ctx, qs),
    answerLogLikelihoods: async (items) => (await answerLogLikelihoods(ctx, items)).map((r) => r.mean),
  };
}
