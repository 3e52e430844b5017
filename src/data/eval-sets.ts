// Evaluation files (quiz_data.json, chapter_tests.json, unit_exams.json, final_assessment.json):
// parse sets and questions, keep the valid ones, report each bad entry once by its JSON path and the
// question or set it is in; repair what can be repaired (a letter taken from the answer) with a warning.
import type { EvalLevel, EvalQuestion, EvalSet, QuestionType, RecordError } from './types.ts';
import { FieldError, describeType, isObject, joinScope, optionalString, own, pick, type JsonObject } from './fields.ts';

const LEVELS: readonly EvalLevel[] = ['topic', 'chapter', 'unit', 'final'];

/** The level a file's sets have by default, from its name; null when the name says nothing. */
export function levelFromName(name: string): EvalLevel | null {
  const base = baseName(name);
  if (base.startsWith('quiz')) return 'topic';
  if (base.startsWith('chapter_test') || base.startsWith('chapter-test')) return 'chapter';
  if (base.startsWith('unit_exam') || base.startsWith('unit-exam')) return 'unit';
  if (base.startsWith('final')) return 'final';
  return null;
}

export function baseName(name: string): string {
  return (name.split(/[\\/]/).pop() ?? name).toLowerCase();
}

/** Whether a parsed value looks like an evaluation document (a set, or a list of sets). */
export function looksLikeEval(value: unknown): boolean {
  if (isObject(value)) return own(value, 'questions') !== undefined;
  if (Array.isArray(value)) return value.some((v) => isObject(v) && own(v, 'questions') !== undefined);
  return false;
}

/** Where a document's problems go: entries not read, and entries kept with a warning. */
export interface EvalProblems {
  errors: RecordError[];
  warnings: RecordError[];
}

export interface EvalDocument {
  sets: EvalSet[];
  /** Question entries found in the sets' `questions` lists, read or not. */
  questionsFound: number;
}

/** Parses an evaluation document: an array of sets or a single set. Each bad entry is reported once,
 *  by its JSON path, naming the question or set it is in; `line` is the JSONL line holding the
 *  document (0 for a JSON file). */
export function parseEvalDocument(file: string, value: unknown, problems: EvalProblems, line = 0): EvalDocument {
  const defaultLevel = levelFromName(file);
  const sink: Sink = {
    error: (path, message, subject) => problems.errors.push(problem(file, line, path, message, subject)),
    warn: (path, message, subject) => problems.warnings.push(problem(file, line, path, message, subject)),
    questionsFound: 0,
  };
  const sets: EvalSet[] = [];
  if (Array.isArray(value)) {
    value.forEach((entry: unknown, i: number) => {
      const set = parseEvalSet(file, entry, `$[${i}]`, defaultLevel, sink);
      if (set) sets.push(set);
    });
  } else if (isObject(value)) {
    const set = parseEvalSet(file, value, '$', defaultLevel, sink);
    if (set) sets.push(set);
  } else {
    sink.error('$', `not an evaluation set or a list of them (got ${describeType(value)})`);
  }
  return { sets, questionsFound: sink.questionsFound };
}

function problem(file: string, line: number, path: string, message: string, subject: string | undefined): RecordError {
  const e: RecordError = { file, line, path, message };
  if (subject !== undefined) e.subject = subject;
  return e;
}

interface Sink {
  error(path: string, message: string, subject?: string): void;
  warn(path: string, message: string, subject?: string): void;
  questionsFound: number;
}

function field(path: string, key: string): string {
  return `${path}.${key}`;
}

/** Turns a FieldError from the shared helpers into a report at the field's path. */
function reportField(sink: Sink, path: string, err: unknown, subject: string | undefined): void {
  if (err instanceof FieldError) sink.error(field(path, err.field), `${err.field} ${err.reason}`, subject);
  else throw err;
}

/** "`key` is null" when the entry has the key with a null value, else "`key` is missing" (first key). */
function absent(obj: JsonObject, keys: readonly string[]): string {
  const nullKey = keys.find((k) => own(obj, k) === null);
  return nullKey !== undefined ? `${nullKey} is null` : `${keys[0]} is missing`;
}

/** A string field read leniently for naming an entry (never throws). */
function text(obj: JsonObject, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = own(obj, k);
    if (typeof v === 'string' && v.trim() !== '') return v;
  }
  return undefined;
}

const SUBJECT_CHARS = 60;

/** A text shortened to about 60 characters at a word boundary, whitespace collapsed. */
export function shorten(s: string, max = SUBJECT_CHARS): string {
  const flat = s.trim().replace(/\s+/g, ' ');
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const SET_NOUNS: Record<EvalLevel, string> = { topic: 'quiz', chapter: 'chapter test', unit: 'unit exam', final: 'final assessment' };

/** The part of the curriculum a set names, read leniently: `unit-01/chapter-01/topic-01`, or ''. */
function scopeLabel(entry: JsonObject): string {
  return joinScope(text(entry, ['unit']), text(entry, ['chapter']), text(entry, ['topic', 'source', 'topic_id']));
}

/** `quiz "Ratios" (unit-01/chapter-01/topic-01)`, `unit exam (unit-02)`, `set "Weekly"` (level unknown). */
function setSubject(entry: JsonObject, level: EvalLevel | null): string {
  const title = text(entry, ['title', 'name']);
  const scope = level === 'final' ? '' : scopeLabel(entry);
  const noun = level ? SET_NOUNS[level] : 'set';
  return `${noun}${title ? ` "${shorten(title)}"` : ''}${scope ? ` (${scope})` : ''}`;
}

function parseEvalSet(file: string, entry: unknown, path: string, defaultLevel: EvalLevel | null, sink: Sink): EvalSet | null {
  if (!isObject(entry)) {
    sink.error(path, `not an evaluation set object (got ${describeType(entry)})`);
    return null;
  }
  const qs = own(entry, 'questions');
  if (Array.isArray(qs)) sink.questionsFound += qs.length;
  const givenLevel = own(entry, 'level');
  const named = typeof givenLevel === 'string' ? givenLevel.trim().toLowerCase() : undefined;
  const levelGuess = LEVELS.find((l) => l === named) ?? null;
  const subject = setSubject(entry, named !== undefined ? levelGuess : (defaultLevel ?? inferLevel(entry)));
  let level: EvalLevel;
  let scopeId: string;
  let title: string | undefined;
  try {
    const given = optionalString(entry, ['level']);
    if (given !== undefined) {
      const l = given.trim().toLowerCase();
      if (!(LEVELS as readonly string[]).includes(l)) {
        sink.error(field(path, 'level'), `level must be one of ${LEVELS.join(', ')} (got ${JSON.stringify(given)})`, subject);
        return null;
      }
      level = l as EvalLevel;
    } else {
      level = defaultLevel ?? inferLevel(entry);
    }
    title = optionalString(entry, ['title', 'name']);
    const scope = evalScope(entry, level, path, sink, subject);
    if (scope === null) return null;
    scopeId = scope;
  } catch (err) {
    reportField(sink, path, err, subject);
    return null;
  }
  if (!Array.isArray(qs)) {
    const why =
      qs === undefined || qs === null ? `${absent(entry, ['questions'])} (expected a list of questions)` : `questions must be a list (got ${describeType(qs)})`;
    sink.error(field(path, 'questions'), why, subject);
    return null;
  }
  const where = level === 'final' ? 'final assessment' : scopeId;
  const questions: EvalQuestion[] = [];
  qs.forEach((q: unknown, j: number) => {
    const qPath = `${path}.questions[${j}]`;
    const qText = isObject(q) ? text(q, ['question', 'prompt']) : undefined;
    const qSubject = `question ${qText !== undefined ? `"${shorten(qText)}"` : String(j + 1)} (${where})`;
    try {
      const parsed = parseQuestion(q, qPath, sink, qSubject);
      if (parsed) questions.push(parsed);
    } catch (err) {
      reportField(sink, qPath, err, qSubject);
    }
  });
  if (questions.length === 0) {
    sink.error(field(path, 'questions'), qs.length === 0 ? 'questions is empty' : 'questions has no valid question', subject);
    return null;
  }
  return { level, title: title ?? `${level} ${scopeId}`, scopeId, questions, file, path };
}

function inferLevel(entry: JsonObject): EvalLevel {
  if (pick(entry, ['topic', 'source', 'topic_id'])) return 'topic';
  if (own(entry, 'chapter') !== undefined) return 'chapter';
  if (own(entry, 'unit') !== undefined) return 'unit';
  return 'final';
}

/** The curriculum part a set tests, as a path. A field that already holds its parents is not prefixed again. */
function evalScope(entry: JsonObject, level: EvalLevel, path: string, sink: Sink, subject: string): string | null {
  if (level === 'final') return 'final';
  const source = optionalString(entry, ['source', 'topic_id']);
  const unit = optionalString(entry, ['unit']);
  const chapter = optionalString(entry, ['chapter']);
  const topic = optionalString(entry, ['topic']);
  const named = level === 'topic' ? (topic ?? source) : level === 'chapter' ? chapter : unit;
  if (named === undefined || named.trim() === '') {
    const what = level === 'topic' ? 'a topic quiz needs "topic" (or "source")' : `a ${level} ${level === 'unit' ? 'exam' : 'test'} needs "${level}"`;
    const state = named === undefined ? absent(entry, level === 'topic' ? ['topic', 'source'] : [level]) : `${level} is empty`;
    sink.error(field(path, level), `${state} (${what})`, subject);
    return null;
  }
  if (level === 'topic') return joinScope(unit, chapter, topic ?? source);
  if (level === 'chapter') return joinScope(unit, chapter);
  return joinScope(unit);
}

const TYPE_ALIASES: Record<string, QuestionType> = {
  open: 'open',
  open_ended: 'open',
  short_answer: 'open',
  multiple_choice: 'multiple_choice',
  mcq: 'multiple_choice',
  true_false: 'true_false',
  truefalse: 'true_false',
  tf: 'true_false',
};

/** Reports a problem with one field of the question being parsed. */
type Report = (key: string, message: string) => void;

/** The question's type: the `type` field through its aliases, else multiple_choice when it has options, else open. */
function questionType(q: JsonObject, report: Report): QuestionType | null {
  const typeRaw = optionalString(q, ['type']);
  if (typeRaw === undefined) return own(q, 'options') !== undefined ? 'multiple_choice' : 'open';
  const key = typeRaw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  const t = Object.prototype.hasOwnProperty.call(TYPE_ALIASES, key) ? TYPE_ALIASES[key] : undefined;
  if (t === undefined) {
    report('type', `type must be one of open, multiple_choice, true_false (got ${JSON.stringify(typeRaw)})`);
    return null;
  }
  return t;
}

const ANSWER_KEYS = ['reference_answer', 'answer', 'expected_answer'] as const;

/** Parses a question entry; reports each problem (and each repair) at its field and returns null when it cannot be used. */
function parseQuestion(q: unknown, path: string, sink: Sink, subject: string): EvalQuestion | null {
  if (!isObject(q)) {
    sink.error(path, `not a question object (got ${describeType(q)})`, subject);
    return null;
  }
  const report: Report = (key, message) => sink.error(field(path, key), message, subject);
  const question = optionalString(q, ['question', 'prompt']);
  if (question === undefined || question.trim() === '') {
    report('question', question === undefined ? absent(q, ['question', 'prompt']) : 'question is empty');
    return null;
  }
  const type = questionType(q, report);
  if (type === null) return null;
  const referenceAnswer = optionalString(q, ANSWER_KEYS);
  const keyConcepts = stringList(q, 'key_concepts', report);
  if (keyConcepts === null) return null;
  const sourceUnit = optionalString(q, ['source_unit']);
  const out: EvalQuestion = { question, referenceAnswer: referenceAnswer ?? '', type, keyConcepts };
  if (sourceUnit !== undefined) out.sourceUnit = sourceUnit;

  const warn: Report = (key, message) => sink.warn(field(path, key), message, subject);
  if (type === 'multiple_choice') return readMultipleChoice(q, out, referenceAnswer, report, warn) ? out : null;
  if (type === 'true_false') return readTrueFalse(q, out, referenceAnswer, report) ? out : null;
  if (referenceAnswer === undefined || referenceAnswer.trim() === '') {
    report('reference_answer', referenceAnswer === undefined ? absent(q, ANSWER_KEYS) : 'reference_answer is empty');
    return null;
  }
  return out;
}

/** Fills a multiple_choice question's options, correct letter and (when missing) reference answer; false when it cannot. */
function readMultipleChoice(q: JsonObject, out: EvalQuestion, referenceAnswer: string | undefined, report: Report, warn: Report): boolean {
  if (own(q, 'options') == null) {
    report('options', `${absent(q, ['options'])} (a multiple_choice question needs a list of at least 2 options)`);
    return false;
  }
  const options = stringList(q, 'options', report);
  if (options === null) return false;
  if (options.length < 2) {
    report('options', `options has ${options.length} option${options.length === 1 ? '' : 's'} (a multiple_choice question needs at least 2)`);
    return false;
  }
  const letters = optionLetters(options);
  const letter = correctLetter(q, letters, referenceAnswer, report, warn);
  if (letter === null) return false;
  out.options = options;
  out.correctOption = letter;
  if (referenceAnswer === undefined || referenceAnswer.trim() === '') out.referenceAnswer = options[letters.indexOf(letter)]!;
  return true;
}

/** The correct option's letter: correct_option normalised ("(b)." → "B"), else taken from the answer's start with a warning. */
function correctLetter(q: JsonObject, letters: string[], referenceAnswer: string | undefined, report: Report, warn: Report): string | null {
  const optionKeys = ['correct_option', 'correct_answer'] as const;
  const given = optionalString(q, optionKeys);
  if (given === undefined || given.trim() === '') {
    // Curricula often leave correct_option null and open the answer with the letter ("**C** Stay in cash…").
    const state = given === undefined ? absent(q, optionKeys) : 'correct_option is empty';
    const fromAnswer = referenceAnswer === undefined ? null : leadingOptionLetter(referenceAnswer, letters);
    if (fromAnswer === null) {
      const why = referenceAnswer === undefined ? '' : ' and reference_answer does not start with an option letter';
      report('correct_option', `${state}${why} (expected one of ${letters.join(', ')})`);
      return null;
    }
    warn('correct_option', `${state}; took "${fromAnswer}" from the start of reference_answer`);
    return fromAnswer;
  }
  const letter = given
    .trim()
    .replace(/^\(/, '')
    .replace(/[).:]$/, '')
    .trim()
    .toUpperCase();
  if (!letters.includes(letter)) {
    report('correct_option', `correct_option must be one of ${letters.join(', ')} (got ${JSON.stringify(given)})`);
    return null;
  }
  return letter;
}

/** Fills a true_false question's correct answer (from the answer's "**True**"/"**False**", else correct_answer); false when neither says. */
function readTrueFalse(q: JsonObject, out: EvalQuestion, referenceAnswer: string | undefined, report: Report): boolean {
  const fromText = referenceAnswer === undefined ? null : leadingTruth(referenceAnswer);
  const flag = own(q, 'correct_answer');
  if (fromText !== null) out.correctAnswer = fromText;
  else if (typeof flag === 'boolean') out.correctAnswer = flag;
  else if (referenceAnswer === undefined) {
    const need = 'a true_false question needs "**True**" or "**False**" at the start of reference_answer, or a boolean correct_answer';
    report('reference_answer', `${absent(q, ANSWER_KEYS)} (${need})`);
    return false;
  } else {
    const got = JSON.stringify(shorten(referenceAnswer, 40));
    report('reference_answer', `reference_answer must start with "**True**" or "**False**" for a true_false question (got ${got})`);
    return false;
  }
  if (referenceAnswer === undefined) out.referenceAnswer = out.correctAnswer ? 'True' : 'False';
  return true;
}

/** The option letter an answer opens with: "**C** Stay in cash", "C) ...", "C.", "(C)", "**C)**",
 *  "Answer: C"; null when it opens otherwise or the letter is not one of `letters`. A bare letter
 *  must be followed by ")", ".", ":", "]", bold markers, a dash or the end, so "A stock..." is no "A". */
export function leadingOptionLetter(answer: string, letters: readonly string[]): string | null {
  const m = LEADING_LETTER.exec(answer);
  const letter = (m?.[1] ?? m?.[2] ?? m?.[3])?.toUpperCase();
  return letter !== undefined && letters.includes(letter) ? letter : null;
}

const LEADING_LETTER =
  /^\s*(?:\*\*|__)?\s*(?:(?:the\s+)?(?:correct\s+)?(?:answer|option)(?:\s+is)?\s*[:\-–—]?\s*(?:\*\*|__)?\s*)?(?:\(([A-Za-z])\)|\[([A-Za-z])\]|([A-Za-z])(?=[).:\]]|\*\*|__|\s*$|\s+[-–—]\s))/i;

/** "**True**", "True.", "false — because ..." → the boolean; null when the text starts otherwise. */
export function leadingTruth(text: string): boolean | null {
  const m = /^\s*(?:\*\*|__)?\s*(true|false)\b/i.exec(text);
  return m ? m[1]!.toLowerCase() === 'true' : null;
}

/** Letters of options written "A) ...", "B. ...", "(C) ..."; by position (A, B, C...) when unlabelled. */
export function optionLetters(options: readonly string[]): string[] {
  const labelled = options.map((o) => /^\s*\(?([A-Za-z])[).:]\s*/.exec(o)?.[1]?.toUpperCase() ?? null);
  if (labelled.every((l) => l !== null) && new Set(labelled).size === labelled.length) return labelled as string[];
  return options.map((_, i) => String.fromCharCode(65 + i));
}

function stringList(q: JsonObject, key: string, report: Report): string[] | null {
  const v = own(q, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    report(key, `${key} must be a list of strings (got ${describeType(v)})`);
    return null;
  }
  const bad = v.findIndex((x: unknown) => typeof x !== 'string');
  if (bad >= 0) {
    report(`${key}[${bad}]`, `${key}[${bad}] must be a string (got ${describeType(v[bad])})`);
    return null;
  }
  return v.slice() as string[];
}
