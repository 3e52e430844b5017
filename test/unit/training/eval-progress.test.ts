// Evaluation and exams report progress per question (onQuestion), so the studio can show "question 2 of 3".
import { describe, expect, it } from 'vitest';
import { parseMarkers } from '../../../src/analysis/markers.ts';
import type { EvalQuestion } from '../../../src/data/types.ts';
import { evaluateQuestionsWith, type AnswerSource } from '../../../src/training/evaluate.ts';
import { lexicalSimilarity } from '../../../src/training/similarity.ts';

const open = (question: string): EvalQuestion => ({ question, referenceAnswer: 'the wind', type: 'open', keyConcepts: [] });
const tf: EvalQuestion = { question: 'Sails need wind.', referenceAnswer: '**True**', type: 'true_false', keyConcepts: [], correctAnswer: true };

describe('evaluateQuestionsWith progress', () => {
  it('reports 0 of N before the first question and after each one, in order', async () => {
    const calls: string[] = [];
    const src: AnswerSource = {
      answer: async (q) => {
        calls.push(`answer ${q}`);
        return 'the wind';
      },
      answerLogLikelihoods: async (items) => items.map((_, i) => -i),
    };
    const sc = {
      markers: parseMarkers('categories:\n  confidence: { expected: 1, patterns: [clearly] }\n'),
      distinctions: [],
      similarity: lexicalSimilarity(),
      onQuestion: (done: number, total: number) => calls.push(`${done}/${total}`),
    };
    const res = await evaluateQuestionsWith(src, sc, [open('a?'), tf, open('b?')]);
    expect(res).toHaveLength(3);
    expect(calls).toEqual(['0/3', 'answer a?', '1/3', '2/3', 'answer b?', '3/3']);
  });
});
