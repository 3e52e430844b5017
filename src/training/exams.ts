// The curriculum's tests (topic quizzes, chapter tests, unit exams, final assessment): per-exam
// accuracy and mean voice against the curriculum's bars, and markdown tables for the report.

import type { EvalLevel, QuestionType } from '../data/types.ts';
import type { ChoiceResult, QuestionResult } from './eval-scoring.ts';
import { SCORE_EPS } from './eval-scoring.ts';

/** The curriculum's bars per level: share of questions passed, and mean voice score. */
export const EXAM_BARS: Readonly<Record<EvalLevel, { accuracy: number; voice: number }>> = {
  topic: { accuracy: 0.9, voice: 0.75 },
  chapter: { accuracy: 0.85, voice: 0.75 },
  unit: { accuracy: 0.8, voice: 0.75 },
  final: { accuracy: 0.85, voice: 0.8 },
};

/** One answered question of an exam: an open question's score, or a choice question's accuracy. */
export type ExamQuestionResult =
  | { question: string; type: 'open'; result: QuestionResult }
  | {
      question: string;
      type: Exclude<QuestionType, 'open'>;
      result: ChoiceResult;
      /** Voice score of an explanation the policy generated, when one was generated. */
      voice?: number;
    };

export interface ExamQuestionRow {
  index: number;
  question: string;
  type: QuestionType;
  passed: boolean;
  /** Open: question score; choice: accuracy (0 or 1). */
  score: number;
  voice: number | null;
  /** Choice questions: "B" chosen vs "C" correct (letters; T/F for true_false). */
  choice?: { chosen: string; correct: string };
}

export interface ExamSummary {
  level: EvalLevel;
  /** Share of questions passed (open: question passed; choice: correct option most likely). */
  accuracy: number;
  /** Mean voice score over the questions with one (open answers); null when none has one. */
  meanVoice: number | null;
  /** Mean question score (choice questions count their accuracy); 0 with no questions. */
  meanScore: number;
  bars: { accuracy: number; voice: number };
  passedAccuracyBar: boolean;
  /** null when no voice was measured (an all-choice exam): the bar does not apply. */
  passedVoiceBar: boolean | null;
  /** Accuracy bar passed, and the voice bar too where it applies. */
  passed: boolean;
  questions: ExamQuestionRow[];
}

function choiceLabel(type: Exclude<QuestionType, 'open'>, index: number): string {
  if (type === 'true_false') return index === 0 ? 'T' : 'F';
  return String.fromCharCode(65 + index);
}

/** Aggregates one exam's question results against its level's bars. */
export function summariseExam(level: EvalLevel, results: readonly ExamQuestionResult[]): ExamSummary {
  const bars = EXAM_BARS[level];
  if (!bars) throw new Error(`summariseExam: unknown level ${JSON.stringify(level)}; expected topic, chapter, unit or final`);
  const questions: ExamQuestionRow[] = results.map((r, index) => {
    if (r.type === 'open') {
      return { index: index + 1, question: r.question, type: r.type, passed: r.result.passed, score: r.result.score, voice: r.result.voice };
    }
    return {
      index: index + 1,
      question: r.question,
      type: r.type,
      passed: r.result.accuracy === 1,
      score: r.result.accuracy,
      voice: r.voice ?? null,
      choice: { chosen: choiceLabel(r.type, r.result.chosenIndex), correct: choiceLabel(r.type, r.result.correctIndex) },
    };
  });
  const n = questions.length;
  const accuracy = n === 0 ? 0 : questions.filter((q) => q.passed).length / n;
  const meanScore = n === 0 ? 0 : questions.reduce((a, q) => a + q.score, 0) / n;
  const voices = questions.map((q) => q.voice).filter((v): v is number => v !== null);
  const meanVoice = voices.length === 0 ? null : voices.reduce((a, v) => a + v, 0) / voices.length;
  const passedAccuracyBar = n > 0 && accuracy >= bars.accuracy - SCORE_EPS;
  const passedVoiceBar = meanVoice === null ? null : meanVoice >= bars.voice - SCORE_EPS;
  return {
    level,
    accuracy,
    meanVoice,
    meanScore,
    bars: { ...bars },
    passedAccuracyBar,
    passedVoiceBar,
    passed: passedAccuracyBar && passedVoiceBar !== false,
    questions,
  };
}

/** Markdown table cell: no pipes or line breaks, at most `max` characters. */
function cell(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number) => x.toFixed(3);
const mark = (ok: boolean | null) => (ok === null ? 'n/a' : ok ? 'pass' : 'FAIL');

/** One exam as markdown: the figures against the bars, then a row per question. */
export function renderExamMarkdown(title: string, s: ExamSummary, opts: { similarity?: string } = {}): string {
  const lines = [
    `### ${cell(title, 120)} (${s.level})`,
    '',
    `- Accuracy: ${pct(s.accuracy)} (bar ${pct(s.bars.accuracy)}): ${mark(s.passedAccuracyBar)}`,
    `- Mean voice: ${s.meanVoice === null ? 'not measured' : num(s.meanVoice)} (bar ${num(s.bars.voice)}): ${mark(s.passedVoiceBar)}`,
    `- Mean question score: ${num(s.meanScore)}`,
  ];
  if (opts.similarity) lines.push(`- Semantic similarity: ${opts.similarity}`);
  lines.push('', '| # | Type | Question | Score | Voice | Result |', '|---:|---|---|---:|---:|---|');
  for (const q of s.questions) {
    const result = q.choice ? `${q.passed ? 'correct' : 'wrong'} (${q.choice.chosen}; answer ${q.choice.correct})` : q.passed ? 'pass' : 'fail';
    lines.push(`| ${q.index} | ${q.type} | ${cell(q.question)} | ${num(q.score)} | ${q.voice === null ? '–' : num(q.voice)} | ${result} |`);
  }
  return lines.join('\n') + '\n';
}

/** All exams in one overview table. */
export function renderExamsOverview(exams: readonly { title: string; summary: ExamSummary }[]): string {
  const lines = ['| Exam | Level | Questions | Accuracy (bar) | Mean voice (bar) | Result |', '|---|---|---:|---:|---:|---|'];
  for (const { title, summary: s } of exams) {
    const voice = s.meanVoice === null ? 'n/a' : `${num(s.meanVoice)} (${num(s.bars.voice)})`;
    lines.push(
      `| ${cell(title, 60)} | ${s.level} | ${s.questions.length} | ${pct(s.accuracy)} (${pct(s.bars.accuracy)}) | ${voice} | ${s.passed ? 'pass' : 'FAIL'} |`,
    );
  }
  return lines.join('\n') + '\n';
}
