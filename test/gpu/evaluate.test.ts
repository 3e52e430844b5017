// The evaluation runner on the tiny model (WebGPU): SFT plants an option and a correct statement, then
// choice scoring picks the planted option and the distinction flips; a topic's mean score and verdict;
// and `mindprint eval` on a one-topic fixture (with a generated tiny embedder) printing valid JSON.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runtime } from './helpers.ts';
import { parseMarkers } from '../../src/analysis/markers.ts';
import type { Distinction, EvalQuestion, EvalSet } from '../../src/data/types.ts';
import { gpuBackend } from '../../src/engine/backend.ts';
import type { GpuTensor } from '../../src/engine/op.ts';
import { Decoder } from '../../src/model/decoder.ts';
import { LoraParams } from '../../src/model/lora-params.ts';
import { initLora } from '../../src/model/lora-types.ts';
import { loadModel } from '../../src/model/load.ts';
import { buildSftExample } from '../../src/model/tokenizer.ts';
import { choiceOptions, topicScore } from '../../src/training/eval-scoring.ts';
import {
  checkDistinctions,
  evaluateQuestions,
  evaluateTopic,
  evaluateTopicWith,
  optionLogLikelihoods,
  releaseEvalWorkspaces,
  type AnswerSource,
  type EvalContext,
} from '../../src/training/evaluate.ts';
import { trainSft } from '../../src/training/sft.ts';
import { lexicalSimilarity } from '../../src/training/similarity.ts';
import { writeTinyEmbedder } from '../helpers/tiny-embedder.ts';
import { Rng } from '../../src/util/rng.ts';

const MARKERS = parseMarkers(`
density_markers: [mark me]
categories:
  confidence: { expected: 1, patterns: ['\\bmark me\\b'] }
  psychology: { expected: 1, patterns: ['\\bcalm\\b'] }
  terminology: { expected: 1, patterns: ['\\bburgee\\b'] }
negative_patterns: ['\\bmaybe\\b']
`);

const bundle = await loadModel('tiny');
const cfg = bundle.model.config;
const tok = bundle.tokenizer;
const rt = await runtime();
const be = gpuBackend(rt);
const dec = new Decoder(be, cfg, bundle.model.weights);
const lora = LoraParams.create(
  be,
  initLora(cfg, { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj', 'o_proj', 'up_proj', 'down_proj'], useRslora: false }, new Rng(3)),
);
const ctx: EvalContext<GpuTensor> = { be, dec, lora, tokenizer: tok, markers: MARKERS, distinctions: [], similarity: lexicalSimilarity(), maxNewTokens: 4 };

const OPTIONS = ['A) luff', 'B) gybe', 'C) reef'];
const mcQuestion = (correctOption: string): EvalQuestion => ({
  question: 'Wind?',
  referenceAnswer: '',
  type: 'multiple_choice',
  keyConcepts: [],
  options: OPTIONS,
  correctOption,
});
const DIST_PROMPT = 'Burgee?';
const STATEMENTS = ['It points downwind.', 'It points upwind.'];

afterAll(() => releaseEvalWorkspaces(be, dec));

describe('evaluation runner on the tiny model', () => {
  let planted = -1;
  let distinction: Distinction;

  it('SFT on one option makes it the chosen one, and a failed critical distinction passes', async () => {
    // Plant the option the untrained policy likes LEAST, and call "correct" the statement it finds LESS likely.
    const before = await optionLogLikelihoods(ctx, mcQuestion('A'));
    planted = before.indexOf(Math.min(...before));
    const q = mcQuestion(String.fromCharCode(65 + planted));
    const [b0] = await evaluateQuestions(ctx, [q]);
    expect(b0.score).toBe(0);
    const [llA, llB] = (
      await checkDistinctions(ctx, [{ prompt: DIST_PROMPT, correct: STATEMENTS[0], incorrect: STATEMENTS[1], topicId: 't', file: 'd.jsonl', line: 1 }])
    ).results.map((r) => [r.correctLogLik, r.incorrectLogLik])[0];
    const [correct, incorrect] = llA < llB ? STATEMENTS : [STATEMENTS[1], STATEMENTS[0]];
    distinction = { prompt: DIST_PROMPT, correct, incorrect, topicId: 't', file: 'd.jsonl', line: 1 };
    const dBefore = await checkDistinctions(ctx, [distinction]);
    expect(dBefore.passed).toBe(false);
    console.log(
      `before SFT: options ${before.map((x) => x.toFixed(3)).join(' ')} (planted ${OPTIONS[planted]}); distinction ${dBefore.results[0].correctLogLik.toFixed(3)} vs ${dBefore.results[0].incorrectLogLik.toFixed(3)}`,
    );

    const examples = [buildSftExample(tok, q.question, OPTIONS[planted], 64), buildSftExample(tok, DIST_PROMPT, correct, 64)];
    const res = await trainSft(be, dec, lora, examples, { epochs: 6, batchSize: 2, learningRate: 3e-2, seed: 1, warmupRatio: 0 });
    console.log(`sft losses: ${res.losses.map((l) => l.toFixed(3)).join(' ')}`);
    expect(res.losses.at(-1)!).toBeLessThan(res.losses[0]);

    const after = await optionLogLikelihoods(ctx, q);
    console.log(`after SFT: options ${after.map((x) => x.toFixed(3)).join(' ')}`);
    expect(after.indexOf(Math.max(...after))).toBe(planted);
    expect(choiceOptions(q).correctIndex).toBe(planted);
    const [r] = await evaluateQuestions(ctx, [q]);
    expect(r).toMatchObject({ type: 'multiple_choice', answer: OPTIONS[planted], score: 1, passed: true, voice: null });
    const dAfter = await checkDistinctions(ctx, [distinction]);
    console.log(`after SFT: distinction ${dAfter.results[0].correctLogLik.toFixed(3)} vs ${dAfter.results[0].incorrectLogLik.toFixed(3)}`);
    expect(dAfter.passed).toBe(true);
  });

  it('a 2-question topic quiz: the mean question score decides against the threshold', async () => {
    expect(planted).toBeGreaterThanOrEqual(0);
    const quiz: EvalSet = {
      level: 'topic',
      title: 'T',
      scopeId: 't',
      file: 'quiz.json',
      path: '$[0]',
      questions: [
        mcQuestion(String.fromCharCode(65 + planted)),
        { question: 'Trim?', referenceAnswer: 'Mark me, stay calm and watch the burgee.', type: 'open', keyConcepts: [] },
      ],
    };
    const opts = { topicId: 't', quiz, seenQuestions: [], distinctions: [distinction] };
    const low = await evaluateTopic(ctx, { ...opts, threshold: 0.3 });
    const [mc, open] = low.questions;
    console.log(`topic: mc ${mc.score}, open ${open.score.toFixed(3)} (answer ${JSON.stringify(open.answer)}), mean ${low.score.toFixed(3)}`);
    expect(mc.score).toBe(1);
    expect(open.type).toBe('open');
    expect(low.score).toBeCloseTo((mc.score + open.score) / 2, 12);
    expect(low.score).toBeGreaterThanOrEqual(0.5);
    expect(low).toMatchObject({ source: 'quiz', distinctionFailures: 0, passed: true, threshold: 0.3 });
    expect(topicScore(low.questions, 0.3, 0).passed).toBe(true);
    // The same answers (replayed, no second pass on the slow software GPU) against a threshold just above their mean: fails.
    const key = (prompt: string, answer: string) => `${prompt}\u0000${answer}`;
    const lls = new Map<string, number>();
    for (const q of low.questions)
      if (q.details.kind === 'choice')
        q.details.options.forEach((o, i) => lls.set(key(q.question, o), (q.details as { logLikelihoods: number[] }).logLikelihoods[i]));
    for (const d of low.distinctions) lls.set(key(d.prompt, d.correct), d.correctLogLik).set(key(d.prompt, d.incorrect), d.incorrectLogLik);
    const src: AnswerSource = {
      answer: async (q) => low.questions.find((r) => r.question === q && r.type === 'open')!.answer,
      answerLogLikelihoods: async (items) => items.map((it) => lls.get(key(it.prompt, it.answer))!),
    };
    const high = await evaluateTopicWith(
      src,
      { markers: MARKERS, distinctions: [], similarity: ctx.similarity },
      { ...opts, threshold: Math.min(1, low.score + 0.01) },
    );
    expect(high.questions.map((q) => q.answer)).toEqual(low.questions.map((q) => q.answer));
    expect(high.score).toBeCloseTo(low.score, 12);
    expect(high.passed).toBe(false);
  });

  it('`mindprint eval` on a one-topic fixture prints valid JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mindprint-eval-'));
    try {
      const topic = 'unit-01/chapter-01/topic-01';
      const sft = [
        { instruction: 'Wind?', input: '', output: 'Mark me, find the wind first.', source: topic },
        { instruction: 'Burgee?', input: '', output: 'It points downwind, stay calm.', source: topic },
      ];
      await writeFile(join(dir, 'sft_data.jsonl'), sft.map((r) => JSON.stringify(r)).join('\n') + '\n');
      await writeFile(
        join(dir, 'critical_distinctions.jsonl'),
        JSON.stringify({ prompt: 'Burgee?', chosen: 'It points downwind.', rejected: 'It points upwind.', source: topic }) + '\n',
      );
      await writeFile(
        join(dir, 'quiz_data.json'),
        JSON.stringify([
          {
            level: 'topic',
            unit: 'unit-01',
            chapter: 'chapter-01',
            topic: 'topic-01',
            title: 'Wind',
            questions: [
              { question: 'Wind?', reference_answer: 'Mark me, find the wind first.', type: 'open', key_concepts: ['wind'] },
              { question: 'Gust?', reference_answer: '**True** dark water.', type: 'true_false', key_concepts: [] },
            ],
          },
        ]),
      );
      await writeTinyEmbedder(join(dir, 'embedder'));
      const { command } = await import('../../src/cli/commands/eval.ts');
      const lines: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(' ')));
      const err = vi.spyOn(console, 'error').mockImplementation(() => {});
      let code: number;
      try {
        code = await command.run(['--model', 'tiny', '--data', dir, '--json', '--max-new-tokens', '4', '--embedder', join(dir, 'embedder')]);
      } finally {
        log.mockRestore();
        err.mockRestore();
      }
      expect(code).toBe(0);
      const out = JSON.parse(lines.join('\n'));
      expect(out.similarity.name).toMatch(/^embedding:/); // the real embedding path, on a generated tiny embedder
      expect(typeof out.similarity.reason).toBe('string');
      expect(out.topics).toHaveLength(1);
      const t = out.topics[0];
      expect(t).toMatchObject({ topicId: topic, source: 'quiz', similarityName: out.similarity.name });
      expect(t.questions.map((q: { type: string }) => q.type)).toEqual(['open', 'true_false']);
      expect(t.distinctions).toHaveLength(1);
      expect(t.threshold).toBeGreaterThan(0);
      expect(t.passed).toBe(t.score >= t.threshold && t.distinctionFailures === 0);
      expect(out.exams).toEqual([]);
      expect(out.passRate).toBe(t.passed ? 1 : 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
