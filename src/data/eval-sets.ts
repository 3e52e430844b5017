// Evaluation files (quiz_data.json, chapter_tests.json, unit_exams.json, final_assessment.json):
// parse sets and questions, keep the valid ones, report each bad entry by its JSON path.
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

/** Parses an evaluation document: an array of sets or a single set. Bad entries go to `errors`. */
export function parseEvalDocument(file: string, value: unknown, errors: RecordError[], line = 0): EvalSet[] {
  const defaultLevel = levelFromName(file);
  const out: EvalSet[] = [];
  const report = (path: string, reason: string): void => {
    errors.push({ file, line, path, message: `${path}: ${reason}` });
  };
  if (Array.isArray(value)) {
    value.forEach((entry: unknown, i: number) => {
      const set = parseEvalSet(file, entry, `$[${i}]`, defaultLevel, report);
      if (set) out.push(set);
    });
  } else if (isObject(value)) {
    const set = parseEvalSet(file, value, '$', defaultLevel, report);
    if (set) out.push(set);
  } else {
    report('$', `must be an evaluation set object or a list of them (got ${describeType(value)})`);
  }
  return out;
}

type Report = (path: string, reason: string) => void;

function field(path: string, key: string): string {
  return `${path}.${key}`;
}

/** Turns a FieldError from the shared helpers into a JSON-path report. */
function reportField(report: Report, path: string, err: unknown): void {
  if (err instanceof FieldError) report(field(path, err.field), err.reason);
  else throw err;
}

function parseEvalSet(file: string, entry: unknown, path: string, defaultLevel: EvalLevel | null, report: Report): EvalSet | null {
  if (!isObject(entry)) {
    report(path, `must be an evaluation set object (got ${describeType(entry)})`);
    return null;
  }
  let level: EvalLevel;
  let scopeId: string;
  let title: string | undefined;
  try {
    const given = optionalString(entry, ['level']);
    if (given !== undefined) {
      const l = given.trim().toLowerCase();
      if (!(LEVELS as readonly string[]).includes(l)) {
        report(field(path, 'level'), `must be one of ${LEVELS.join(', ')} (got ${JSON.stringify(given)})`);
        return null;
      }
      level = l as EvalLevel;
    } else {
      level = defaultLevel ?? inferLevel(entry);
    }
    title = optionalString(entry, ['title', 'name']);
    const scope = evalScope(entry, level, path, report);
    if (scope === null) return null;
    scopeId = scope;
  } catch (err) {
    reportField(report, path, err);
    return null;
  }
  const qs = own(entry, 'questions');
  if (!Array.isArray(qs)) {
    report(field(path, 'questions'), qs === undefined ? 'is missing (expected a list of questions)' : `must be a list (got ${describeType(qs)})`);
    return null;
  }
  const questions: EvalQuestion[] = [];
  qs.forEach((q: unknown, j: number) => {
    const qPath = `${path}.questions[${j}]`;
    try {
      const parsed = parseQuestion(q, qPath, report);
      if (parsed) questions.push(parsed);
    } catch (err) {
      reportField(report, qPath, err);
    }
  });
  if (questions.length === 0) {
    report(field(path, 'questions'), qs.length === 0 ? 'is empty' : 'has no valid question');
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
function evalScope(entry: JsonObject, level: EvalLevel, path: string, report: Report): string | null {
  if (level === 'final') return 'final';
  const source = optionalString(entry, ['source', 'topic_id']);
  const unit = optionalString(entry, ['unit']);
  const chapter = optionalString(entry, ['chapter']);
  const topic = optionalString(entry, ['topic']);
  const named = level === 'topic' ? (topic ?? source) : level === 'chapter' ? chapter : unit;
  if (named === undefined || named.trim() === '') {
    const what = level === 'topic' ? 'a topic quiz needs "topic" (or "source")' : `a ${level} ${level === 'unit' ? 'exam' : 'test'} needs "${level}"`;
    report(field(path, level), `is missing (${what})`);
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

function parseQuestion(q: unknown, path: string, report: Report): EvalQuestion | null {
  if (!isObject(q)) {
    report(path, `must be a question object (got ${describeType(q)})`);
    return null;
  }
  const question = optionalString(q, ['question', 'prompt']);
  if (question === undefined || question.trim() === '') {
    report(field(path, 'question'), question === undefined ? 'is missing' : 'is empty');
    return null;
  }
  const typeRaw = optionalString(q, ['type']);
  let type: QuestionType;
  if (typeRaw === undefined) type = own(q, 'options') !== undefined ? 'multiple_choice' : 'open';
  else {
    const key = typeRaw.trim().toLowerCase().replace(/[\s-]+/g, '_');
    const t = Object.prototype.hasOwnProperty.call(TYPE_ALIASES, key) ? TYPE_ALIASES[key] : undefined;
    if (t === undefined) {
      report(field(path, 'type'), `must be one of open, multiple_choice, true_false (got ${JSON.stringify(typeRaw)})`);
      return null;
    }
    type = t;
  }
  const referenceAnswer = optionalString(q, ['reference_answer', 'answer', 'expected_answer']);
  const keyConcepts = stringList(q, 'key_concepts', path, report);
  if (keyConcepts === null) return null;
  const sourceUnit = optionalString(q, ['source_unit']);
  const out: EvalQuestion = { question, referenceAnswer: referenceAnswer ?? '', type, keyConcepts };
  if (sourceUnit !== undefined) out.sourceUnit = sourceUnit;

  if (type === 'multiple_choice') {
    const options = stringList(q, 'options', path, report);
    if (options === null) return null;
    if (options.length < 2) {
      report(field(path, 'options'), `needs at least 2 options (got ${options.length})`);
      return null;
    }
    const letters = optionLetters(options);
    const given = optionalString(q, ['correct_option', 'correct_answer']);
    if (given === undefined) {
      report(field(path, 'correct_option'), `is missing (expected one of ${letters.join(', ')})`);
      return null;
    }
    const letter = given.trim().replace(/^\(/, '').replace(/[).:]$/, '').trim().toUpperCase();
    const idx = letters.indexOf(letter);
    if (idx < 0) {
      report(field(path, 'correct_option'), `must be one of ${letters.join(', ')} (got ${JSON.stringify(given)})`);
      return null;
    }
    out.options = options;
    out.correctOption = letter;
    if (referenceAnswer === undefined || referenceAnswer.trim() === '') out.referenceAnswer = options[idx]!;
  } else if (type === 'true_false') {
    const fromText = referenceAnswer === undefined ? null : leadingTruth(referenceAnswer);
    const flag = own(q, 'correct_answer');
    if (fromText !== null) out.correctAnswer = fromText;
    else if (typeof flag === 'boolean') out.correctAnswer = flag;
    else {
      const got = referenceAnswer === undefined ? 'it is missing' : `got ${JSON.stringify(referenceAnswer.slice(0, 40))}`;
      report(field(path, 'reference_answer'), `a true_false answer must start with "**True**" or "**False**" (${got})`);
      return null;
    }
    if (referenceAnswer === undefined) out.referenceAnswer = out.correctAnswer ? 'True' : 'False';
  } else if (referenceAnswer === undefined || referenceAnswer.trim() === '') {
    report(field(path, 'reference_answer'), referenceAnswer === undefined ? 'is missing' : 'is empty');
    return null;
  }
  return out;
}

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

function stringList(q: JsonObject, key: string, path: string, report: Report): string[] | null {
  const v = own(q, key);
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    report(field(path, key), `must be a list of strings (got ${describeType(v)})`);
    return null;
  }
  const bad = v.findIndex((x: unknown) => typeof x !== 'string');
  if (bad >= 0) {
    report(`${field(path, key)}[${bad}]`, `must be a string (got ${describeType(v[bad])})`);
    return null;
  }
  return v.slice() as string[];
}
