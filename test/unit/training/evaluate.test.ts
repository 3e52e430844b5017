// The evaluation runner's plumbing over a stubbed answer source (no model), and its log-likelihoods
// and greedy answers on the CPU twin of the tiny model against the plain Llama math.
import { describe, expect, it } from 'vitest';
import { parseMarkers, type VoiceMarkers } from '../../../src/analysis/markers.ts';
import type { Distinction, EvalQuestion, EvalSet, SftRecord } from '../../../src/data/types.ts';
import { cpuBackend } from '../../../src/engine/backend.ts';
import { Decoder } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora } from '../../../src/model/lora-types.ts';
import { generateText } from '../../../src/model/generate.ts';
import { loadModel } from '../../../src/model/load.ts';
import { referenceLogits } from '../../helpers/reference-llama.ts';
import { buildSftExample } from '../../../src/model/tokenizer.ts';
import { questionScore } from '../../../src/training/eval-scoring.ts';
import {
  answerLogLikelihoods,
  answerQuestion,
  checkDistinctionsWith,
  evaluateQuestionsWith,
  evaluateTopicWith,
  NEUTRAL_DISTINCTION_PROMPT,
  optionLogLikelihoods,
  releaseEvalWorkspaces,
  runExamWith,
  type AnswerSource,
  type EvalContext,
  type ScoringContext,
} from '../../../src/training/evaluate.ts';
import { lexicalSimilarity } from '../../../src/training/similarity.ts';
import { Rng } from '../../../src/util/rng.ts';

const MARKERS: VoiceMarkers = parseMarkers(`
density_markers: [mark me]
categories:
  confidence: { expected: 1, patterns: ['\\bmark me\\b'] }
  psychology: { expected: 1, patterns: ['\\bcalm\\b'] }
  terminology: { expected: 1, patterns: ['\\bburgee\\b'] }
negative_patterns: ['\\bmaybe\\b']
`);

const open = (question: string, referenceAnswer: string): EvalQuestion => ({ question, referenceAnswer, type: 'open', keyConcepts: [] });
const mc: EvalQuestion = {
  question: 'Which wind does the burgee show?',
  referenceAnswer: '**B) The apparent wind**',
  type: 'multiple_choice',
  keyConcepts: [],
  options: ['A) The true wind', 'B) The apparent wind', 'C) The tidal wind'],
  correctOption: 'B',
};
const tf: EvalQuestion = { question: 'Dark water is a gust.', referenceAnswer: '**True** it is.', type: 'true_false', keyConcepts: [] };
const dist = (prompt: string, correct: string, incorrect: string, topicId: string | null = 't1'): Distinction => ({
  prompt,
  correct,
  incorrect,
  topicId,
  file: 'd.jsonl',
  line: 1,
});

/** Answers from a table; log-likelihood = the table's value for the answer text (default -5); records calls. */
function stubSource(answers: Record<string, string>, lls: Record<string, number>) {
  const calls: { prompt: string; answer: string }[][] = [];
  const src: AnswerSource = {
    async answer(q) {
      const a = answers[q];
      if (a === undefined) throw new Error(`stub: no answer for ${q}`);
      return a;
    },
    async answerLogLikelihoods(items) {
      calls.push([...items]);
      return items.map((it) => lls[it.answer] ?? -5);
    },
  };
  return { src, calls };
}

const sc: ScoringContext = { markers: MARKERS, distinctions: [], similarity: lexicalSimilarity() };

describe('evaluation plumbing (stubbed answers)', () => {
  it('scores open answers with questionScore and choice questions by the most likely option', async () => {
    const ref = 'Mark me, stay calm and watch the burgee.';
    const { src, calls } = stubSource({ 'Q1?': ref }, { 'C) The tidal wind': -1, 'B) The apparent wind': -2, False: -0.5 });
    const [o, m, t] = await evaluateQuestionsWith(src, sc, [open('Q1?', ref), mc, tf]);
    const want = await questionScore({ answer: ref, reference: ref, markers: MARKERS, distinctions: [], similarity: sc.similarity });
    expect(o.score).toBeCloseTo(want.score, 12);
    expect(o.score).toBeCloseTo(1, 12); // identical text, all three categories, no violation
    expect(o).toMatchObject({ type: 'open', answer: ref, passed: true, voice: expect.closeTo(1, 12) });
    // C is most likely (-1 > -2 > -5): wrong; the chosen option text is the answer.
    expect(m).toMatchObject({ type: 'multiple_choice', answer: 'C) The tidal wind', score: 0, passed: false, voice: null });
    expect(m.details.kind === 'choice' && m.details.result.chosenIndex).toBe(2);
    expect(t).toMatchObject({ answer: 'False', score: 0, passed: false });
    // Every option of a question goes to the source in one call, after the question as the prompt.
    expect(calls.map((c) => c.length)).toEqual([3, 2]);
    expect(calls[0].every((c) => c.prompt === mc.question)).toBe(true);
  });

  it('an open answer that violates a distinction fails even with a high score', async () => {
    const ref = 'Mark me, stay calm, the burgee points downwind.';
    const bad = 'Mark me, stay calm, the burgee points into the wind.';
    const d = dist('', 'The burgee points downwind away from the wind source.', bad);
    const { src } = stubSource({ 'Q?': bad }, {});
    const [r] = await evaluateQuestionsWith(src, { ...sc, distinctions: [d] }, [open('Q?', ref)]);
    expect(r.details.kind === 'open' && r.details.result.distinctionOk).toBe(false);
    expect(r.passed).toBe(false);
  });

  it('distinctions: correct must be strictly more likely; an empty prompt becomes the neutral prompt', async () => {
    const { src, calls } = stubSource({}, { right: -1, wrong: -2, tieA: -3, tieB: -3, low: -4, high: -1 });
    const res = await checkDistinctionsWith(src, [dist('P1', 'right', 'wrong'), dist('', 'tieA', 'tieB'), dist('P3', 'low', 'high', null)]);
    expect(res.results.map((r) => r.passed)).toEqual([true, false, false]);
    expect(res.passed).toBe(false);
    expect(res.results[1].prompt).toBe(NEUTRAL_DISTINCTION_PROMPT);
    expect(res.results[2]).toMatchObject({ correctLogLik: -4, incorrectLogLik: -1, topicId: null });
    expect(calls).toHaveLength(1); // one batch for all of them
    expect(calls[0].map((c) => c.prompt)).toEqual(['P1', 'P1', NEUTRAL_DISTINCTION_PROMPT, NEUTRAL_DISTINCTION_PROMPT, 'P3', 'P3']);
  });

  it('topic: the mean question score against the threshold; a failed distinction fails the topic', async () => {
    const ref = 'Mark me, stay calm and watch the burgee.';
    const quiz: EvalSet = { level: 'topic', title: 'T', scopeId: 't1', questions: [open('Q1?', ref), mc], file: 'quiz.json', path: '$[0]' };
    const { src } = stubSource({ 'Q1?': ref }, { 'B) The apparent wind': -1, right: -1, wrong: -2 });
    const base = { topicId: 't1', quiz, seenQuestions: [], distinctions: [dist('P', 'right', 'wrong')] };
    const hi = await evaluateTopicWith(src, sc, { ...base, threshold: 0.8 });
    expect(hi.questions.map((q) => q.score)).toEqual([expect.closeTo(1, 12), 1]);
    expect(hi).toMatchObject({ source: 'quiz', passed: true, distinctionFailures: 0, threshold: 0.8, similarityName: sc.similarity.name });
    expect(hi.score).toBeCloseTo(1, 12);
    // A wrong option halves the mean: 0.5 < 0.8 fails, 0.5 ≥ 0.5 passes.
    const wrongMc = stubSource({ 'Q1?': ref }, { 'A) The true wind': 0, right: -1, wrong: -2 }).src;
    const lo = await evaluateTopicWith(wrongMc, sc, { ...base, threshold: 0.8 });
    expect(lo.score).toBeCloseTo(0.5, 12);
    expect(lo.passed).toBe(false);
    expect((await evaluateTopicWith(wrongMc, sc, { ...base, threshold: 0.5 })).passed).toBe(true);
    // Same answers, the distinction now fails.
    const flipped = stubSource({ 'Q1?': ref }, { 'B) The apparent wind': -1, right: -3, wrong: -2 }).src;
    const df = await evaluateTopicWith(flipped, sc, { ...base, threshold: 0.5 });
    expect(df).toMatchObject({ passed: false, distinctionFailures: 1 });
    expect(df.score).toBeCloseTo(1, 12);
  });

  it('topic without a quiz asks its seen SFT questions and says so', async () => {
    const seen: SftRecord[] = [
      { instruction: 'S1?', output: 'Mark me, calm.', topicId: 't1', file: 's.jsonl', line: 1 },
      { instruction: 'S2?', output: 'The burgee.', topicId: 't1', file: 's.jsonl', line: 2 },
    ];
    const { src } = stubSource({ 'S1?': 'Mark me, calm.', 'S2?': 'nothing alike' }, {});
    const r = await evaluateTopicWith(src, sc, { topicId: 't1', quiz: null, seenQuestions: seen, threshold: 0.75, distinctions: [] });
    expect(r.source).toBe('seen-questions');
    expect(r.questions.map((q) => q.question)).toEqual(['S1?', 'S2?']);
    expect(r.score).toBeCloseTo((r.questions[0].score + r.questions[1].score) / 2, 12);
    const one = await evaluateTopicWith(src, sc, { topicId: 't1', quiz: null, seenQuestions: seen, threshold: 0.75, distinctions: [], maxSeenQuestions: 1 });
    expect(one.questions).toHaveLength(1);
    await expect(evaluateTopicWith(src, sc, { topicId: 't1', quiz: null, seenQuestions: [], threshold: 1.5, distinctions: [] })).rejects.toThrow(/threshold/);
  });

  it('exam: accuracy and mean voice against the level bars', async () => {
    const ref = 'Mark me, stay calm and watch the burgee.';
    const set: EvalSet = { level: 'chapter', title: 'Ch 1', scopeId: 'u1/c1', questions: [open('Q1?', ref), mc, tf], file: 'c.json', path: '$[0]' };
    const { src } = stubSource({ 'Q1?': ref }, { 'B) The apparent wind': -1, True: -1 });
    const r = await runExamWith(src, sc, set);
    expect(r.summary).toMatchObject({ level: 'chapter', accuracy: 1, meanVoice: expect.closeTo(1, 12), passed: true });
    expect(r.summary.questions[1].choice).toEqual({ chosen: 'B', correct: 'B' });
    expect(r.results).toHaveLength(3);
    const wrong = await runExamWith(stubSource({ 'Q1?': 'maybe' }, { 'B) The apparent wind': -1, True: -1 }).src, sc, set);
    expect(wrong.summary.accuracy).toBeCloseTo(2 / 3, 12);
    expect(wrong.summary.passed).toBe(false);
  });
});

describe('log-likelihoods and answers on the CPU twin of the tiny model', async () => {
  const bundle = await loadModel('tiny');
  const cfg = bundle.model.config;
  const be = cpuBackend();
  const dec = new Decoder(be, cfg, bundle.model.weights);
  const adapter = initLora(cfg, { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj'], useRslora: false }, new Rng(5));
  const rng = new Rng(6);
  for (const l of adapter.layers.values()) for (let i = 0; i < l.B.length; i++) l.B[i] = rng.normal() * 0.1;
  const lora = LoraParams.create(be, adapter);
  const ctx: EvalContext<ReturnType<typeof be.zeros>> = {
    be,
    dec,
    lora,
    tokenizer: bundle.tokenizer,
    markers: MARKERS,
    distinctions: [],
    similarity: lexicalSimilarity(),
    maxNewTokens: 3,
  };

  /** Mean log p of the completion tokens by the plain Llama math, one sequence at a time. */
  function referenceMean(prompt: string, answer: string): number {
    const ex = buildSftExample(bundle.tokenizer, prompt, answer, cfg.maxPositionEmbeddings);
    const rows = referenceLogits(cfg, bundle.model.weights, ex.ids, adapter);
    let sum = 0,
      n = 0;
    for (let t = 0; t + 1 < ex.ids.length; t++) {
      if (!ex.lossMask[t + 1]) continue;
      const row = rows[t];
      let max = -Infinity;
      for (const x of row) max = Math.max(max, x);
      let z = 0;
      for (const x of row) z += Math.exp(x - max);
      sum += row[ex.ids[t + 1]] - max - Math.log(z);
      n++;
    }
    return sum / n;
  }

  it('option log-likelihoods (one padded batch) equal the per-sequence reference', async () => {
    const got = await optionLogLikelihoods(ctx, mc);
    const want = mc.options!.map((o) => referenceMean(mc.question, o));
    console.log('option mean log-likelihoods', got, 'reference', want);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-3);
    // Sum and token counts are consistent with the mean; a second call reuses the workspace and agrees.
    const full = await answerLogLikelihoods(
      ctx,
      mc.options!.map((answer) => ({ prompt: mc.question, answer })),
    );
    for (const r of full) expect(r.sum / r.tokens).toBeCloseTo(r.mean, 5);
    expect(full.map((r) => r.mean)).toEqual(got);
    releaseEvalWorkspaces(be, dec);
  });

  it('greedy answers are deterministic and capped by maxNewTokens', async () => {
    const a = await answerQuestion(ctx, 'How do you find the wind?');
    const b = await answerQuestion(ctx, 'How do you find the wind?');
    expect(a).toBe(b);
    const direct = await generateText(be, dec, lora, bundle.tokenizer, 'How do you find the wind?', { maxNewTokens: 3 });
    expect(direct.ids.length).toBeLessThanOrEqual(3);
    expect(a).toBe(direct.text);
  });
});
