// Record schemas: turn one parsed JSONL object into an SFT example, a preference pair or a critical
// distinction (copying known fields into fresh objects), and tell which of the three a record looks like.
import type { Distinction, PreferencePair, SftRecord } from './types.ts';
import {
  FieldError,
  answerText,
  has,
  own,
  parseTurns,
  pick,
  promptText,
  recordTopic,
  renderTurns,
  requireNonEmpty,
  requireString,
  optionalString,
  splitAtLastAssistant,
  type JsonObject,
} from './fields.ts';

export type RecordKind = 'sft' | 'preference' | 'distinctions';

export const INSTRUCTION_KEYS = ['instruction', 'question', 'prompt'] as const;
export const OUTPUT_KEYS = ['output', 'answer', 'response', 'completion'] as const;

/** Which shape a record has, from its field names alone; null when it has none of them. Note that
 *  distinctions written as {prompt, chosen, rejected} look like preference pairs: the file name or
 *  the caller decides those. */
export function classifyRecord(obj: JsonObject): RecordKind | null {
  if (has(obj, 'chosen') && has(obj, 'rejected')) return 'preference';
  if (has(obj, 'correct') && has(obj, 'incorrect')) return 'distinctions';
  if (has(obj, 'messages')) return 'sft';
  if (OUTPUT_KEYS.some((k) => has(obj, k))) return 'sft';
  return null;
}

/** An SFT example from {instruction|question|prompt, input?, output|answer|response|completion},
 *  TRL {messages} or TRL {prompt, completion} (strings or message lists). */
export function parseSft(obj: JsonObject, file: string, line: number): SftRecord {
  let instruction: string;
  let output: string;
  const messages = own(obj, 'messages');
  if (messages !== undefined) {
    const turns = parseTurns(messages, 'messages');
    const split = splitAtLastAssistant(turns, 'messages');
    instruction = renderTurns(split.prompt);
    output = split.completion;
    if (split.prompt.length === 0) throw new FieldError('messages', 'has no turn before the last assistant turn');
  } else {
    const ins = pick(obj, INSTRUCTION_KEYS);
    if (!ins) throw new FieldError('instruction', 'is missing (or "question", "prompt")');
    instruction = promptText(ins.value, ins.key);
    const out = pick(obj, OUTPUT_KEYS);
    if (!out) throw new FieldError('output', 'is missing (or "answer", "response", "completion")');
    output = answerText(out.value, out.key);
    requireNonEmpty(instruction, ins.key);
    requireNonEmpty(output, out.key);
    const input = optionalString(obj, ['input']);
    if (input !== undefined && input.trim() !== '') instruction = `${instruction}\n\n${input}`;
  }
  requireNonEmpty(instruction, 'instruction');
  requireNonEmpty(output, 'output');
  return { instruction, output, topicId: recordTopic(obj) ?? 'general', file, line };
}

/** A preference pair {prompt, chosen, rejected}: strings, or TRL conversational message lists (the
 *  assistant content is kept; without a prompt, the turns before chosen's last assistant turn). */
export function parsePreference(obj: JsonObject, file: string, line: number): PreferencePair {
  const chosenRaw = own(obj, 'chosen');
  const rejectedRaw = own(obj, 'rejected');
  if (chosenRaw === undefined) throw new FieldError('chosen', 'is missing');
  if (rejectedRaw === undefined) throw new FieldError('rejected', 'is missing');
  const chosen = requireNonEmpty(answerText(chosenRaw, 'chosen'), 'chosen');
  const rejected = requireNonEmpty(answerText(rejectedRaw, 'rejected'), 'rejected');
  let prompt: string;
  const p = pick(obj, ['prompt', 'instruction', 'question']);
  if (p) prompt = promptText(p.value, p.key);
  else if (Array.isArray(chosenRaw)) prompt = renderTurns(splitAtLastAssistant(parseTurns(chosenRaw, 'chosen'), 'chosen').prompt);
  else throw new FieldError('prompt', 'is missing');
  requireNonEmpty(prompt, p?.key ?? 'prompt');
  const sourceTopicId = recordTopic(obj);
  return { prompt, chosen, rejected, sourceTopicId, topicId: sourceTopicId, file, line };
}

/** A critical distinction: {prompt, chosen (correct), rejected (misconception)} or
 *  {correct, incorrect, distinction?, explanation?} (`distinction` names it and becomes the prompt). */
export function parseDistinction(obj: JsonObject, file: string, line: number): Distinction {
  let prompt: string;
  let correct: string;
  let incorrect: string;
  if (has(obj, 'correct') || has(obj, 'incorrect')) {
    correct = requireNonEmpty(requireString(obj, ['correct']), 'correct');
    incorrect = requireNonEmpty(requireString(obj, ['incorrect']), 'incorrect');
    prompt = optionalString(obj, ['distinction', 'prompt']) ?? '';
  } else {
    const pair = parsePreference(obj, file, line);
    prompt = pair.prompt;
    correct = pair.chosen;
    incorrect = pair.rejected;
  }
  const explanation = optionalString(obj, ['explanation']);
  const d: Distinction = { prompt, correct, incorrect, topicId: recordTopic(obj), file, line };
  if (explanation !== undefined && explanation.trim() !== '') d.explanation = explanation;
  return d;
}
