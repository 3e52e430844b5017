// Generation throughput on the WebGPU engine with the generated tiny model: generated tokens/s at batch 1, 4
// and 16 (generateBatch; batch 1 is also what generate() does), against the same 16 sequences generated one
// at a time; and the wall time of one topic quiz's evaluation (sample curriculum) before (one answer at a
// time: the AnswerSource without `answers`) and after (open answers generated together).
// Run alone with `npx tsx bench/generation.ts`; bench/run.ts registers benchGeneration().
//
// Each generation is timed after one warm-up of the same shape (pipeline compilation), the median of 3 runs
// (the quiz: alternating before/after runs, the median of each). Sequences never stop early (no stop ids),
// so every batch generates batch × newTokens tokens; prompts are ragged (12-40 tokens).
import { selectNodeDriver } from '../src/engine/node-driver.ts';
import { GpuRuntime } from '../src/engine/runtime.ts';
import { gpuBackend, type Backend } from '../src/engine/backend.ts';
import type { GpuTensor } from '../src/engine/op.ts';
import { Decoder } from '../src/model/decoder.ts';
import { generate } from '../src/model/generate.ts';
import { generateBatch } from '../src/model/generate-batch.ts';
import { loadModel } from '../src/model/load.ts';
import { loadInputs } from '../src/cli/commands/analyze.ts';
import { evaluateTopicWith, policySource, releaseEvalWorkspaces, type EvalContext, type TopicEvaluation } from '../src/training/evaluate.ts';
import { lexicalSimilarity } from '../src/training/similarity.ts';
import { Rng } from '../src/util/rng.ts';

export interface GenerationBenchOptions {
  /** New tokens per sequence in the throughput runs (default 32). */
  newTokens?: number;
  /** Batch sizes measured (default 1, 4, 16). */
  batches?: number[];
  /** The quiz evaluated (default the sample curriculum's first topic, unit-01/chapter-01/topic-01: 2 open, 1 choice, 1 true/false). */
  topicId?: string;
  /** Longest generated answer in the quiz evaluation (default 128; the curriculum's evaluation allows 512). */
  quizMaxNewTokens?: number;
  /** Timed quiz evaluations per path (default 3; the median is reported). */
  quizRuns?: number;
}

/** Timed runs of each generation; the median is reported (this machine's load varies from run to run). */
const RUNS = 3;

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function raggedPrompts(n: number, vocab: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: 12 + rng.int(29) }, () => 1 + rng.int(vocab - 1)));
}

async function timed<R>(f: () => Promise<R>): Promise<{ ms: number; value: R }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

/** tokens/s of generateBatch at each batch size, and of the largest batch's prompts one at a time with generate(). */
async function throughput(be: Backend<GpuTensor>, dec: Decoder<GpuTensor>, newTokens: number, batches: number[]): Promise<object> {
  const V = dec.cfg.vocabSize;
  const opts = { maxNewTokens: newTokens, stopIds: [], temperature: 1, maxBatch: Math.max(...batches) };
  const rows: { batch: number; ms: number; tokens: number; tokensPerSecond: number }[] = [];
  for (const B of batches) {
    const prompts = raggedPrompts(B, V, B);
    await generateBatch(be, dec, null, prompts, opts); // warm-up: compiles this shape's pipelines
    const runs: number[] = [];
    let tokens = 0;
    for (let r = 0; r < RUNS; r++) {
      const t = await timed(() => generateBatch(be, dec, null, prompts, { ...opts, rngs: prompts.map((_, i) => new Rng(i)) }));
      runs.push(t.ms);
      tokens = t.value.reduce((n, x) => n + x.ids.length, 0);
    }
    const ms = median(runs);
    rows.push({ batch: B, ms: Math.round(ms), tokens, tokensPerSecond: +((tokens / ms) * 1000).toFixed(1) });
    console.error(`generation bench: batch ${B}: ${tokens} tokens in ${ms.toFixed(0)} ms = ${((tokens / ms) * 1000).toFixed(1)} tokens/s`);
  }
  const B = Math.max(...batches);
  const prompts = raggedPrompts(B, V, B);
  const runs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = await timed(async () => {
      for (const [i, p] of prompts.entries()) await generate(be, dec, null, p, { ...opts, rng: new Rng(i) });
    });
    runs.push(t.ms);
  }
  const ms = median(runs);
  const sequential = { batch: B, ms: Math.round(ms), tokens: B * newTokens, tokensPerSecond: +(((B * newTokens) / ms) * 1000).toFixed(1) };
  console.error(`generation bench: ${B} sequences one at a time (generate): ${sequential.tokensPerSecond} tokens/s`);
  return { newTokensPerSequence: newTokens, batched: rows, oneAtATime: sequential };
}

/** Wall time of one topic's evaluation, answering one question at a time (before) and batched (after). */
async function quizEvaluation(
  be: Backend<GpuTensor>,
  dec: Decoder<GpuTensor>,
  tokenizer: EvalContext<GpuTensor>['tokenizer'],
  o: Required<GenerationBenchOptions>,
): Promise<object> {
  const { ds, markers } = await loadInputs([], undefined);
  const quiz = ds.evalSets.find((s) => s.level === 'topic' && s.scopeId === o.topicId);
  if (!quiz) throw new Error(`generation bench: the sample curriculum has no quiz for topic ${o.topicId}`);
  const distinctions = ds.distinctions.filter((d) => d.topicId === null || d.topicId === o.topicId);
  const ctx: EvalContext<GpuTensor> = {
    be,
    dec,
    lora: null,
    tokenizer,
    markers,
    distinctions,
    similarity: lexicalSimilarity(),
    maxNewTokens: o.quizMaxNewTokens,
  };
  const sc = { markers, distinctions, similarity: ctx.similarity };
  const opts = { topicId: o.topicId, quiz, seenQuestions: [], threshold: 0.8, distinctions };
  const batched = policySource(ctx);
  const oneByOne = { answer: batched.answer, answerLogLikelihoods: batched.answerLogLikelihoods }; // no `answers`: today's path
  await evaluateTopicWith(batched, sc, opts); // warm-up of both paths' shapes
  await evaluateTopicWith(oneByOne, sc, opts);
  // Alternating runs, the median of each: a loaded machine's noise hits both paths alike.
  const runs: { before: { ms: number; value: TopicEvaluation }; after: { ms: number; value: TopicEvaluation } }[] = [];
  for (let r = 0; r < o.quizRuns; r++) {
    const before = await timed(() => evaluateTopicWith(oneByOne, sc, opts));
    runs.push({ before, after: await timed(() => evaluateTopicWith(batched, sc, opts)) });
  }
  releaseEvalWorkspaces(be, dec);
  const before = { ms: median(runs.map((x) => x.before.ms)), value: runs[0].before.value };
  const after = { ms: median(runs.map((x) => x.after.ms)), value: runs[0].after.value };
  const same = (a: TopicEvaluation, b: TopicEvaluation) =>
    JSON.stringify(a.questions.map((q) => q.answer)) === JSON.stringify(b.questions.map((q) => q.answer));
  const types = quiz.questions.map((q) => q.type);
  console.error(`generation bench: quiz ${o.topicId} (${types.join(', ')}): before ${before.ms.toFixed(0)} ms, after ${after.ms.toFixed(0)} ms`);
  return {
    topicId: o.topicId,
    questions: types,
    distinctions: distinctions.length,
    maxNewTokens: o.quizMaxNewTokens,
    answerChars: after.value.questions.map((q) => q.answer.length),
    runs: o.quizRuns,
    beforeMs: Math.round(before.ms),
    afterMs: Math.round(after.ms),
    speedup: +(before.ms / after.ms).toFixed(2),
    sameAnswers: same(before.value, after.value),
  };
}

export async function benchGeneration(opts: GenerationBenchOptions = {}): Promise<object> {
  const o: Required<GenerationBenchOptions> = {
    newTokens: opts.newTokens ?? 32,
    batches: opts.batches ?? [1, 4, 16],
    topicId: opts.topicId ?? 'unit-01/chapter-01/topic-01',
    quizMaxNewTokens: opts.quizMaxNewTokens ?? 128,
    quizRuns: opts.quizRuns ?? 3,
  };
  const rt = await GpuRuntime.create();
  const be = gpuBackend(rt);
  const { model, tokenizer } = await loadModel('tiny');
  const dec = new Decoder(be, model.config, model.weights);
  try {
    return {
      model: 'tiny (generated, random weights)',
      adapter: rt.adapter,
      throughput: await throughput(be, dec, o.newTokens, o.batches),
      quiz: await quizEvaluation(be, dec, tokenizer, o),
    };
  } finally {
    dec.release();
    rt.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await selectNodeDriver(); // the system's GPU when there is one, else SwiftShader (src/engine/adapter-choice.ts)
  console.log(JSON.stringify(await benchGeneration(), null, 2));
  process.exit(0);
}
