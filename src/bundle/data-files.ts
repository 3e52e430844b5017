// The curriculum's normalised data as a TRL bundle holds it, per topic in its own folder
// (data/topics/{topic id}/): SFT as conversational `messages`, preference pairs as conversational
// `prompt`/`chosen`/`rejected`, the topic's critical distinctions and its quiz; the curriculum-wide
// distinctions and the exams (chapter tests, unit exams, final assessment) beside them.
import type { Dataset, Distinction, EvalQuestion, EvalSet } from '../data/types.ts';
import { checkKey } from '../storage/store.ts';
import { examSets } from './plan-json.ts';

export const DATA_ROOT = 'data';
export const TOPICS_ROOT = `${DATA_ROOT}/topics`;

/** The files of one topic folder. */
export const TOPIC_FILES = { sft: 'sft.jsonl', preference: 'preference.jsonl', distinctions: 'distinctions.jsonl', quiz: 'quiz.json' } as const;

/** 'data/topics/{topic id}': the topic id is a source path, so it nests like the adapters do. */
export function topicDataDir(topicId: string): string {
  checkKey(topicId, `bundle: topic id ${JSON.stringify(topicId)}`);
  return `${TOPICS_ROOT}/${topicId}`;
}

const user = (content: string) => [{ role: 'user', content }];
const assistant = (content: string) => [{ role: 'assistant', content }];
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');

/** A question in the curriculum's own field names (snake_case), only the fields it has. */
export function questionJson(q: EvalQuestion): Record<string, unknown> {
  return {
    question: q.question,
    reference_answer: q.referenceAnswer,
    type: q.type,
    key_concepts: q.keyConcepts,
    ...(q.options ? { options: q.options } : {}),
    ...(q.correctOption !== undefined ? { correct_option: q.correctOption } : {}),
    ...(q.correctAnswer !== undefined ? { correct_answer: q.correctAnswer } : {}),
    ...(q.sourceUnit !== undefined ? { source_unit: q.sourceUnit } : {}),
  };
}

export function evalSetJson(s: EvalSet): Record<string, unknown> {
  // The file's name only: the bundle leaves the machine, and the CLI and the studio name files differently.
  const file = s.file.split(/[\\/]/).pop();
  return { level: s.level, scope: s.scopeId, title: s.title, source: `${file} ${s.path}`, questions: s.questions.map(questionJson) };
}

const distinctionJson = (d: Distinction) => ({
  prompt: d.prompt,
  correct: d.correct,
  incorrect: d.incorrect,
  ...(d.explanation ? { explanation: d.explanation } : {}),
});

/** Every data file of the bundle as [path, text], topics in curriculum order. */
export function dataFiles(ds: Dataset): [string, string][] {
  const out: [string, string][] = [];
  for (const t of ds.topics) {
    const dir = topicDataDir(t.id);
    const sft = ds.sft.filter((r) => r.topicId === t.id);
    const pairs = ds.preference.filter((p) => p.topicId === t.id);
    const distinctions = ds.distinctions.filter((d) => d.topicId === t.id);
    const quiz = ds.evalSets.find((s) => s.level === 'topic' && s.scopeId === t.id);
    out.push([`${dir}/${TOPIC_FILES.sft}`, jsonl(sft.map((r) => ({ messages: [...user(r.instruction), ...assistant(r.output)] })))]);
    out.push([
      `${dir}/${TOPIC_FILES.preference}`,
      jsonl(pairs.map((p) => ({ prompt: user(p.prompt), chosen: assistant(p.chosen), rejected: assistant(p.rejected) }))),
    ]);
    out.push([`${dir}/${TOPIC_FILES.distinctions}`, jsonl(distinctions.map(distinctionJson))]);
    if (quiz) out.push([`${dir}/${TOPIC_FILES.quiz}`, JSON.stringify(evalSetJson(quiz), null, 2) + '\n']);
  }
  out.push([`${DATA_ROOT}/global_distinctions.jsonl`, jsonl(ds.distinctions.filter((d) => d.topicId === null).map(distinctionJson))]);
  out.push([`${DATA_ROOT}/exams.json`, JSON.stringify(examSets(ds).map(evalSetJson), null, 2) + '\n']);
  return out;
}
