// File kind detection: what a file holds, from its name and its first records.
import type { FileKind } from './types.ts';
import { classifyRecord } from './records.ts';
import { baseName, levelFromName } from './eval-sets.ts';
import type { JsonObject } from './fields.ts';

/** How many valid objects a JSONL file may show before its kind falls back to the name alone. */
export const DETECT_SAMPLE = 50;

/** Whether a file is read as one JSON document (`.json`) rather than as JSONL, by its name. */
export function isJsonDocumentName(name: string): boolean {
  return /\.json$/i.test(name);
}

/** The kind a file name suggests; null when it suggests none. `critical*` is decisive (its records
 *  look like preference pairs); the others are hints that the content overrides. */
export function kindFromName(name: string): FileKind | null {
  const base = baseName(name);
  if (base.startsWith('critical')) return 'distinctions';
  if (levelFromName(base) !== null) return 'eval';
  if (/(^|[^a-z])(pref|preference|dpo|rlhf|pairs?)([^a-z]|$)|preference/.test(base)) return 'preference';
  if (/(^|[^a-z])(sft|instruct|train)([^a-z]|$)/.test(base)) return 'sft';
  if (/distinction/.test(base)) return 'distinctions';
  if (base.endsWith('.json')) return 'eval';
  return null;
}

/** The kind of a JSONL file given its name and a record: a `critical*` name turns
 *  {prompt, chosen, rejected} into distinctions; otherwise the record's shape decides, and the name
 *  when the record has no known shape. */
export function detectKind(name: string, record: JsonObject | null): FileKind {
  const fromName = kindFromName(name);
  const shape = record ? classifyRecord(record) : null;
  if (fromName === 'distinctions' && (shape === 'preference' || shape === 'distinctions' || shape === null)) {
    return 'distinctions';
  }
  if (shape !== null) return shape;
  return fromName ?? 'unknown';
}
