// Evaluation files: levels, scope paths, question types, and bad entries reported once by JSON path,
// naming the question or set (golden expectations in test/fixtures/data/eval-expected.json).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DatasetBuilder } from '../../../src/data/builder.ts';
import { leadingOptionLetter, leadingTruth, levelFromName, optionLetters, shorten } from '../../../src/data/eval-sets.ts';
import type { EvalSet, RecordError } from '../../../src/data/types.ts';

const dir = new URL('../../fixtures/data/curriculum/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('../../fixtures/data/eval-expected.json', import.meta.url), 'utf8')) as Record<
  string,
  { records: number; present: number; sets: (Partial<EvalSet> & { questions: number })[]; errors: Pick<RecordError, 'path' | 'subject' | 'message'>[] }
>;

function load(): { b: DatasetBuilder; files: Map<string, ReturnType<DatasetBuilder['addJson']>> } {
  const b = new DatasetBuilder();
  const files = new Map<string, ReturnType<DatasetBuilder['addJson']>>();
  for (const name of Object.keys(expected)) files.set(name, b.addJson(name, readFileSync(new URL(name, dir), 'utf8')));
  return { b, files };
}

describe('evaluation files', () => {
  const { b, files } = load();
  const ds = b.build();

  for (const [name, want] of Object.entries(expected)) {
    it(`${name}: keeps the valid sets and questions, reports each bad entry by JSON path`, () => {
      const f = files.get(name)!;
      expect(f.kind).toBe('eval');
      expect(f.errors.map(({ path, subject, message }) => ({ path, subject, message }))).toEqual(want.errors.map((e) => ({ subject: undefined, ...e })));
      for (const e of f.errors) {
        expect(e.line).toBe(0);
        expect(e.file).toBe(name);
        expect(e.message).not.toContain('$'); // the path is said once, in `path`
      }
      expect(f.warnings).toEqual([]);
      expect(f.records).toBe(want.records);
      expect(f.present).toBe(want.present);
      expect(f.sets).toBe(want.sets.length);
      const sets = ds.evalSets.filter((s) => s.file === name);
      expect(sets.map((s) => ({ ...s, questions: s.questions.length }))).toMatchObject(want.sets);
    });
  }

  it('reads every question type', () => {
    const quiz = ds.evalSets.find((s) => s.path === '$[0]' && s.file === 'quiz_data.json')!;
    expect(quiz.questions[0]).toEqual({
      question: 'What does a ratio compare?',
      referenceAnswer: 'Two quantities, my friends.',
      type: 'open',
      keyConcepts: ['comparison', 'quantities'],
    });
    expect(quiz.questions[1]).toMatchObject({ type: 'multiple_choice', options: ['A) 3 apples', 'B) 3 : 4', 'C) 3 + 4', 'D) 7'], correctOption: 'B' });
    expect(quiz.questions[2]).toMatchObject({ type: 'true_false', correctAnswer: true });
    expect(quiz.questions[3]).toMatchObject({ type: 'true_false', correctAnswer: false });
    const exam = ds.evalSets.find((s) => s.file === 'unit_exams.json' && s.scopeId === 'unit-01')!;
    // unlabelled options get letters by position; a lowercase letter is accepted; the answer text defaults to the option
    expect(exam.questions[0]).toMatchObject({ correctOption: 'B', referenceAnswer: '2/3' });
    const unit2 = ds.evalSets.find((s) => s.scopeId === 'unit-02')!;
    expect(unit2.questions[0]).toMatchObject({ type: 'true_false', correctAnswer: true });
    const final = ds.evalSets.find((s) => s.level === 'final')!;
    expect(final.questions[0]!.sourceUnit).toBe('unit-01');
  });

  it('quizzes make topics; chapter tests and unit exams do not', () => {
    expect(ds.topics.map((t) => t.id)).toEqual(['episode-2019-02-19', 'unit-01/chapter-01/topic-01', 'unit-01/chapter-01/topic-02']);
  });

  it('reports invalid JSON and a non-eval document as whole-file errors', () => {
    const b2 = new DatasetBuilder();
    const bad = b2.addJson('quiz_data.json', '[{"level": "topic",');
    expect(bad.errors).toHaveLength(1);
    expect(bad.errors[0]!.line).toBe(0);
    expect(bad.errors[0]!.message).toMatch(/^invalid JSON: /);
    const num = b2.addJson('final_assessment.json', '42');
    expect(num.errors.map((e) => [e.path, e.message])).toEqual([['$', 'not an evaluation set or a list of them (got number)']]);
    const bom = b2.addJson('final_assessment.json', '\uFEFF{"questions": [{"question": "q", "reference_answer": "r"}]}');
    expect(bom.errors).toEqual([]);
    expect(b2.build().evalSets[0]).toMatchObject({ level: 'final', scopeId: 'final', title: 'final final' });
  });

  it('infers the level from the fields when neither the set nor the file name gives one', () => {
    const b2 = new DatasetBuilder();
    b2.addJson(
      'tests.json',
      JSON.stringify([
        { unit: 'unit-03', chapter: 'chapter-02', topic: 'topic-01', questions: [{ question: 'q', reference_answer: 'r' }] },
        { unit: 'unit-03', chapter: 'chapter-02', questions: [{ question: 'q', reference_answer: 'r' }] },
        { unit: 'unit-03', questions: [{ question: 'q', reference_answer: 'r' }] },
      ]),
    );
    expect(b2.build().evalSets.map((s) => [s.level, s.scopeId])).toEqual([
      ['topic', 'unit-03/chapter-02/topic-01'],
      ['chapter', 'unit-03/chapter-02'],
      ['unit', 'unit-03'],
    ]);
  });

  it('helpers: level from file name, leading truth value, option letters', () => {
    expect(levelFromName('data/quiz_data.json')).toBe('topic');
    expect(levelFromName('chapter_tests.json')).toBe('chapter');
    expect(levelFromName('unit_exams.json')).toBe('unit');
    expect(levelFromName('final_assessment.json')).toBe('final');
    expect(levelFromName('other.json')).toBeNull();
    expect(leadingTruth('**True** because')).toBe(true);
    expect(leadingTruth('  **FALSE**')).toBe(false);
    expect(leadingTruth('False.')).toBe(false);
    expect(leadingTruth('Truely not')).toBeNull();
    expect(leadingTruth('It is true')).toBeNull();
    expect(optionLetters(['A) x', 'B) y'])).toEqual(['A', 'B']);
    expect(optionLetters(['(a) x', 'b. y', 'c: z'])).toEqual(['A', 'B', 'C']);
    expect(optionLetters(['x', 'y', 'z'])).toEqual(['A', 'B', 'C']);
  });

  it('leadingOptionLetter: the letter an answer opens with, only in forms that cannot be a word', () => {
    const abcd = ['A', 'B', 'C', 'D'];
    const cases: [string, string | null][] = [
      ['**C** Stay in cash…', 'C'],
      ['C) Stay', 'C'],
      ['C.', 'C'],
      ['C: stay', 'C'],
      ['(C) stay', 'C'],
      ['[C] stay', 'C'],
      ['**C)** stay', 'C'],
      ['__B__ because', 'B'],
      ['B — because', 'B'],
      ['D', 'D'],
      ['c) lower case', 'C'],
      ['The correct answer is **B**.', 'B'],
      ['Option D: borrow', 'D'],
      ['A stock is a share', null], // an article, not an option
      ['Answer is a matter of taste', null],
      ['I. think so', null], // not an option letter here
      ['E) none of these', null],
      ['Stay in cash', null],
      ['', null],
    ];
    for (const [answer, want] of cases) expect(leadingOptionLetter(answer, abcd), answer).toBe(want);
  });

  it('shorten: long question texts are cut at a word with an ellipsis, whitespace collapsed', () => {
    expect(shorten('Short  one\n')).toBe('Short one');
    const long = 'The market has run up 40% in a year and you have no plan for a fall. What now?';
    const s = shorten(long);
    expect(s).toBe('The market has run up 40% in a year and you have no plan…');
    expect(s.length).toBeLessThanOrEqual(60);
  });
});
