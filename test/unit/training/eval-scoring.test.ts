// Evaluation formulas on hand-computed cases: voice score, distinction rule, question score and its
// pass boundary, choice scoring, topic score.
import { describe, expect, it } from 'vitest';
import type { Distinction, EvalQuestion } from '../../../src/data/types.ts';
import { parseMarkers, type VoiceMarkers } from '../../../src/analysis/markers.ts';
import type { Similarity } from '../../../src/training/similarity.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../helpers/default-config.ts';
import {
  DEFAULT_QUESTION_WEIGHTS,
  type QuestionWeights,
  choiceOptions,
  optionLetter,
  questionScore,
  readTrueFalse,
  scoreChoice,
  topicScore,
  violatesDistinctions,
  voiceScore,
} from '../../../src/training/eval-scoring.ts';

const MARKERS: VoiceMarkers = parseMarkers(`
density_markers: [clearly]
categories:
  confidence: { expected: 2, patterns: ['\\bclearly\\b', '\\bwithout doubt\\b', '\\bI know\\b'] }
  psychology: { expected: 2, patterns: ['\\bfear\\b', '\\bgreed\\b'] }
  terminology: { expected: 1, patterns: ['\\bstop[- ]loss\\b', '\\bposition siz'] }
  other: { expected: 1, patterns: ['\\bclearly\\b'] }
negative_patterns: ['\\bmaybe\\b', 'I think']
`);

/** A similarity whose values are set per (a, b) pair, for exact hand computation. */
function tableSimilarity(table: Record<string, number>): Similarity {
  return {
    name: 'table',
    kind: 'lexical',
    async score(a, b) {
      const v = table[`${a}|${b}`] ?? table[`${b}|${a}`];
      if (v === undefined) throw new Error(`tableSimilarity: no value for ${a}|${b}`);
      return v;
    },
  };
}

const dist = (correct: string, incorrect: string): Distinction => ({ prompt: '', correct, incorrect, topicId: null, file: 'd.jsonl', line: 1 });

// Saturates every weighted category: confidence 2/2, psychology 2/2, terminology 1/1 → voice 1.
const FULL_VOICE = 'Clearly and without doubt, fear and greed move the stop-loss.';

describe('voiceScore', () => {
  it('weights 0.30 confidence + 0.35 psychology + 0.35 terminology of min(1, found/expected)', () => {
    // confidence 1/2, psychology 1/2, terminology min(1, 1/1): 0.15 + 0.175 + 0.35 = 0.675
    const v = voiceScore('Clearly, fear drives the stop-loss.', MARKERS);
    expect(v.categories).toEqual({ confidence: 0.5, psychology: 0.5, terminology: 1 });
    expect(v.score).toBeCloseTo(0.675, 12);
    expect(v.missingCategories).toEqual([]);
  });

  it('caps each category at 1 and ignores categories that carry no weight', () => {
    // terminology: both patterns found, expected 1 → min(1, 2) = 1; confidence 3/2 → 1
    const v = voiceScore('Clearly, without doubt, I know: fear, greed, stop loss and position sizing.', MARKERS);
    expect(v.score).toBeCloseTo(1, 12);
    expect(voiceScore('nothing of the voice here', MARKERS).score).toBe(0);
  });

  it('counts a category absent from the markers as 0 and names it', () => {
    const partial = parseMarkers(`categories:\n  psychology: { expected: 1, patterns: ['fear'] }\n`);
    const v = voiceScore(FULL_VOICE, partial);
    expect(v.score).toBeCloseTo(0.35, 12);
    expect(v.categories).toEqual({ confidence: 0, psychology: 1, terminology: 0 });
    expect(v.missingCategories).toEqual(['confidence', 'terminology']);
  });
});

describe('violatesDistinctions', () => {
  const d = dist('right', 'wrong');
  const check = (simCorrect: number, simIncorrect: number) =>
    violatesDistinctions('ans', [d], tableSimilarity({ 'ans|right': simCorrect, 'ans|wrong': simIncorrect }));

  it('violates when sim(incorrect) > sim(correct) + 0.05 and > 0.5', async () => {
    expect((await check(0.5, 0.56)).violated).toBe(true);
    expect((await check(0.2, 0.51)).violated).toBe(true);
  });

  it('does not violate within the margin, at the margin, or at or below the floor', async () => {
    expect((await check(0.5, 0.54)).violated).toBe(false); // inside margin
    expect((await check(0.5, 0.55)).violated).toBe(false); // exactly at margin (0.5 + 0.05 === 0.55)
    expect((await check(0.2, 0.5)).violated).toBe(false); // at floor
    expect((await check(0.0, 0.45)).violated).toBe(false); // far above correct but below floor
    expect((await check(0.9, 0.8)).violated).toBe(false); // closer to the correct statement
  });

  it('reports every check and flags any violation among several distinctions', async () => {
    const sim = tableSimilarity({ 'ans|a': 0.7, 'ans|b': 0.2, 'ans|c': 0.3, 'ans|e': 0.9 });
    const v = await violatesDistinctions('ans', [dist('a', 'b'), dist('c', 'e')], sim);
    expect(v.checks.map((c) => c.violated)).toEqual([false, true]);
    expect(v.violated).toBe(true);
    expect((await violatesDistinctions('ans', [], sim)).violated).toBe(false);
  });
});

describe('questionScore', () => {
  const run = (answer: string, semantic: number, distinctions: Distinction[] = [], extra: Record<string, number> = {}) =>
    questionScore({ answer, reference: 'REF', markers: MARKERS, distinctions, similarity: tableSimilarity({ [`${answer}|REF`]: semantic, ...extra }) });

  it('is 0.5 semantic + 0.3 voice + 0.1 no-violation + 0.1 no-negative', async () => {
    // voice 0.675 (see above): 0.5·0.8 + 0.3·0.675 + 0.1 + 0.1 = 0.8025
    const r = await run('Clearly, fear drives the stop-loss.', 0.8);
    expect(r.semantic).toBe(0.8);
    expect(r.voice).toBeCloseTo(0.675, 12);
    expect(r.score).toBeCloseTo(0.8025, 12);
    expect(r.distinctionOk && r.negativeOk && r.passed).toBe(true);
    expect(r.details.similarity).toBe('table');
  });

  it('takes its weights from evaluation.weights: the defaults give the same score, others change it', async () => {
    const answer = 'Clearly, fear drives the stop-loss.';
    const sim = tableSimilarity({ [`${answer}|REF`]: 0.8 });
    const score = async (weights?: QuestionWeights) =>
      (await questionScore({ answer, reference: 'REF', markers: MARKERS, distinctions: [], similarity: sim, weights })).score;
    expect(await score(DEFAULT_PIPELINE_CONFIG.evaluation.weights)).toBe(await score());
    expect(DEFAULT_QUESTION_WEIGHTS).toEqual(DEFAULT_PIPELINE_CONFIG.evaluation.weights);
    // voice 0.675: 0.2·0.8 + 0.6·0.675 + 0.1 + 0.1 = 0.765 (0.8025 with the defaults)
    expect(await score({ semantic: 0.2, voice: 0.6, distinctions: 0.1, negative: 0.1 })).toBeCloseTo(0.765, 12);
  });

  it('passes at exactly 0.75 and fails just below', async () => {
    const at = await run(FULL_VOICE, 0.5); // 0.25 + 0.3 + 0.1 + 0.1
    expect(at.score).toBeCloseTo(0.75, 12);
    expect(at.passed).toBe(true);
    const below = await run(FULL_VOICE, 0.49); // 0.245 + 0.6 = 0.745
    expect(below.score).toBeCloseTo(0.745, 12);
    expect(below.passed).toBe(false);
  });

  it('fails a question scoring 0.9 that violates a distinction', async () => {
    const r = await run(FULL_VOICE, 1, [dist('right', 'wrong')], { [`${FULL_VOICE}|right`]: 0.1, [`${FULL_VOICE}|wrong`]: 0.9 });
    expect(r.score).toBeCloseTo(0.9, 12); // 0.5 + 0.3 + 0 + 0.1
    expect(r.distinctionOk).toBe(false);
    expect(r.passed).toBe(false);
    expect(r.details.violations).toEqual([{ correct: 'right', incorrect: 'wrong', simCorrect: 0.1, simIncorrect: 0.9 }]);
  });

  it('fails a question scoring 0.9 that uses a negative pattern', async () => {
    const answer = `${FULL_VOICE} Maybe.`;
    const r = await run(answer, 1);
    expect(r.score).toBeCloseTo(0.9, 12); // 0.5 + 0.3 + 0.1 + 0
    expect(r.negativeOk).toBe(false);
    expect(r.details.negativeHits).toEqual(['\\bmaybe\\b']);
    expect(r.passed).toBe(false);
  });

  it('clamps the semantic similarity into [0, 1]', async () => {
    const r = await run('plain words', -0.3); // voice 0: 0 + 0 + 0.1 + 0.1
    expect(r.semantic).toBe(0);
    expect(r.score).toBeCloseTo(0.2, 12);
  });
});

describe('scoreChoice and choiceOptions', () => {
  it('takes the argmax of the option log-likelihoods', () => {
    expect(scoreChoice([-5, -1.5, -3], 1)).toEqual({ accuracy: 1, chosenIndex: 1, correctIndex: 1 });
    expect(scoreChoice([-5, -1.5, -3], 2)).toEqual({ accuracy: 0, chosenIndex: 1, correctIndex: 2 });
  });

  it('breaks ties toward the earlier option and treats NaN as -Infinity', () => {
    expect(scoreChoice([-2, -2], 1).chosenIndex).toBe(0);
    expect(scoreChoice([NaN, -9], 1).accuracy).toBe(1);
    expect(() => scoreChoice([-1, -2], 2)).toThrow(/correctIndex 2 outside the 2 options/);
    expect(() => scoreChoice([], 0)).toThrow(/no option/);
  });

  const q = (over: Partial<EvalQuestion>): EvalQuestion => ({ question: 'Q?', referenceAnswer: '', type: 'open', keyConcepts: [], ...over });

  it('maps correct_option to the option written with that letter', () => {
    const opts = ['A) cut losses', 'B) average down', '(C) hope', 'D. wait'];
    expect(choiceOptions(q({ type: 'multiple_choice', options: opts, correctOption: 'C' }))).toEqual({ texts: opts, correctIndex: 2 });
    expect(choiceOptions(q({ type: 'multiple_choice', options: opts, correctOption: 'd)' })).correctIndex).toBe(3);
    // Options without letters: the letter's position.
    expect(choiceOptions(q({ type: 'multiple_choice', options: ['x', 'y'], correctOption: 'B' })).correctIndex).toBe(1);
    expect(() => choiceOptions(q({ type: 'multiple_choice', options: ['A) x', 'B) y'], correctOption: 'E' }))).toThrow(/E names no option/);
    expect(() => choiceOptions(q({ type: 'multiple_choice', options: ['A) x', 'B) y'] }))).toThrow(/one letter/);
    expect(optionLetter('b: text')).toBe('B');
    expect(optionLetter('no letter')).toBe(null);
  });

  it('scores true/false as ["True", "False"] with the answer from the question', () => {
    expect(choiceOptions(q({ type: 'true_false', correctAnswer: false }))).toEqual({ texts: ['True', 'False'], correctIndex: 1 });
    expect(choiceOptions(q({ type: 'true_false', referenceAnswer: '**True** — because…' })).correctIndex).toBe(0);
    expect(readTrueFalse('**False**. Never.')).toBe(false);
    expect(readTrueFalse('It is true')).toBe(null);
    expect(() => choiceOptions(q({ type: 'true_false', referenceAnswer: 'Depends.' }))).toThrow(/true_false needs/);
    expect(() => choiceOptions(q({ type: 'open' }))).toThrow(/got open/);
  });
});

describe('topicScore', () => {
  it('is the mean question score and passes at the threshold with no distinction failure', () => {
    const t = topicScore([{ score: 0.7 }, { score: 0.8 }, { score: 0.9 }], 0.8, 0);
    expect(t.score).toBeCloseTo(0.8, 12);
    expect(t).toMatchObject({ passed: true, threshold: 0.8, questions: 3 });
    expect(topicScore([{ score: 0.7 }, { score: 0.8 }, { score: 0.9 }], 0.85, 0).passed).toBe(false);
  });

  it('fails on any distinction failure and with no questions', () => {
    expect(topicScore([{ score: 1 }], 0.75, 1).passed).toBe(false);
    expect(topicScore([], 0.75, 0)).toMatchObject({ score: 0, passed: false, questions: 0 });
  });
});
