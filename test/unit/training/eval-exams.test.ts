// Exam aggregation against the curriculum's bars, and the markdown tables.
import { describe, expect, it } from 'vitest';
import type { QuestionResult } from '../../../src/training/eval-scoring.ts';
import { EXAM_BARS, renderExamMarkdown, renderExamsOverview, summariseExam, type ExamQuestionResult } from '../../../src/training/exams.ts';

function open(score: number, voice: number, passed = score >= 0.75): ExamQuestionResult {
  const result: QuestionResult = {
    score,
    semantic: 0,
    voice,
    distinctionOk: true,
    negativeOk: true,
    passed,
    details: { similarity: 't', voiceCategories: { confidence: 0, psychology: 0, terminology: 0 }, missingCategories: [], negativeHits: [], violations: [] },
  };
  return { question: `open ${score}`, type: 'open', result };
}

function choice(chosenIndex: number, correctIndex: number, type: 'multiple_choice' | 'true_false' = 'multiple_choice'): ExamQuestionResult {
  return { question: 'pick | one\nplease', type, result: { accuracy: chosenIndex === correctIndex ? 1 : 0, chosenIndex, correctIndex } };
}

describe('summariseExam', () => {
  it('uses the curriculum bars per level', () => {
    expect(EXAM_BARS).toEqual({
      topic: { accuracy: 0.9, voice: 0.75 },
      chapter: { accuracy: 0.85, voice: 0.75 },
      unit: { accuracy: 0.8, voice: 0.75 },
      final: { accuracy: 0.85, voice: 0.8 },
    });
  });

  it('computes accuracy as the share passed, mean voice over open answers, mean score over all', () => {
    // open: 0.8 (pass, voice 0.9), 0.6 (fail, voice 0.5); choice: right, wrong.
    const s = summariseExam('unit', [open(0.8, 0.9), open(0.6, 0.5), choice(1, 1), choice(0, 2)]);
    expect(s.accuracy).toBe(0.5);
    expect(s.meanVoice).toBeCloseTo(0.7, 12);
    expect(s.meanScore).toBeCloseTo((0.8 + 0.6 + 1 + 0) / 4, 12);
    expect(s.passedAccuracyBar).toBe(false);
    expect(s.passedVoiceBar).toBe(false);
    expect(s.questions[3]).toMatchObject({ index: 4, passed: false, score: 0, voice: null, choice: { chosen: 'A', correct: 'C' } });
  });

  it('passes a bar exactly at its value (unit 0.80 accuracy, 0.75 voice) and fails below', () => {
    const fourOfFive = [open(0.8, 0.75), open(0.8, 0.75), open(0.8, 0.75), open(0.8, 0.75), open(0.5, 0.75)];
    const s = summariseExam('unit', fourOfFive);
    expect(s.accuracy).toBe(0.8);
    expect(s.passedAccuracyBar && s.passedVoiceBar && s.passed).toBe(true);
    // Same answers against the chapter bar 0.85 fail on accuracy only.
    const c = summariseExam('chapter', fourOfFive);
    expect(c.passedAccuracyBar).toBe(false);
    expect(c.passedVoiceBar).toBe(true);
    expect(c.passed).toBe(false);
    // Final needs voice 0.80: mean 0.75 fails.
    expect(summariseExam('final', [open(0.9, 0.75)]).passedVoiceBar).toBe(false);
    expect(summariseExam('final', [open(0.9, 0.8)]).passedVoiceBar).toBe(true);
  });

  it('topic quizzes need 0.90: 9 of 10 passes, 8 of 10 does not', () => {
    const make = (k: number) => Array.from({ length: 10 }, (_, i) => open(i < k ? 0.9 : 0.1, 0.8));
    expect(summariseExam('topic', make(9)).passedAccuracyBar).toBe(true);
    expect(summariseExam('topic', make(8)).passedAccuracyBar).toBe(false);
  });

  it('leaves the voice bar out when no voice was measured, and fails an empty exam', () => {
    const s = summariseExam('chapter', [choice(0, 0, 'true_false'), choice(1, 1, 'true_false')]);
    expect(s).toMatchObject({ accuracy: 1, meanVoice: null, passedVoiceBar: null, passed: true });
    expect(s.questions[0].choice).toEqual({ chosen: 'T', correct: 'T' });
    expect(summariseExam('final', [])).toMatchObject({ accuracy: 0, passedAccuracyBar: false, passed: false });
  });
});

describe('exam markdown', () => {
  it('renders the figures against the bars and a row per question, escaping pipes and newlines', () => {
    const s = summariseExam('unit', [open(0.8, 0.9), choice(0, 2)]);
    const md = renderExamMarkdown('Unit 1 exam', s, { similarity: 'lexical:unigram+bigram-cosine' });
    expect(md).toContain('### Unit 1 exam (unit)');
    expect(md).toContain('- Accuracy: 50.0% (bar 80.0%): FAIL');
    expect(md).toContain('- Mean voice: 0.900 (bar 0.750): pass');
    expect(md).toContain('- Semantic similarity: lexical:unigram+bigram-cosine');
    expect(md).toContain('| 1 | open | open 0.8 | 0.800 | 0.900 | pass |');
    expect(md).toContain('| 2 | multiple_choice | pick \\| one please | 0.000 | – | wrong (A; answer C) |');
  });

  it('renders an overview of several exams', () => {
    const md = renderExamsOverview([
      { title: 'Chapter 1', summary: summariseExam('chapter', [open(0.9, 0.8)]) },
      { title: 'Final', summary: summariseExam('final', [choice(1, 1)]) },
    ]);
    const rows = md.trim().split('\n');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toBe('| Chapter 1 | chapter | 1 | 100.0% (85.0%) | 0.800 (0.750) | pass |');
    expect(rows[3]).toBe('| Final | final | 1 | 100.0% (85.0%) | n/a | pass |');
  });
});
