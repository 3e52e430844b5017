// Safe reading of parsed JSON records: own properties only (a `__proto__` or `constructor` key is
// plain data, never inherited), typed field errors, chat-message lists, and topic paths.

export type JsonObject = Record<string, unknown>;

/** A field that is missing or has the wrong type. `field` is its name (or a path inside it). */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(reason.startsWith('is missing') ? `missing field "${field}"${reason.slice('is missing'.length)}` : `field "${field}" ${reason}`);
  }
}

/** A whole-record problem that belongs to no single field (e.g. no assistant turn). */
export class RecordShapeError extends Error {}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `null`, `array`, `object`, `number`, ... for error messages. */
export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The record's own value for `key`, undefined when absent (inherited properties never count). */
export function own(obj: JsonObject, key: string): unknown {
  return hasOwn.call(obj, key) ? obj[key] : undefined;
}

/** First of `keys` that the record has (null counts as present), with its value. */
export function pick(obj: JsonObject, keys: readonly string[]): { key: string; value: unknown } | undefined {
  for (const key of keys) {
    const value = own(obj, key);
    if (value !== undefined) return { key, value };
  }
  return undefined;
}

export function has(obj: JsonObject, key: string): boolean {
  return own(obj, key) !== undefined;
}

function missing(keys: readonly string[]): FieldError {
  const alt =
    keys.length > 1
      ? ` (or ${keys
          .slice(1)
          .map((k) => `"${k}"`)
          .join(', ')})`
      : '';
  return new FieldError(keys[0]!, `is missing${alt}`);
}

/** A required string under any of `keys` (aliases, first wins). */
export function requireString(obj: JsonObject, keys: readonly string[]): string {
  const found = pick(obj, keys);
  if (!found) throw missing(keys);
  if (typeof found.value !== 'string') {
    throw new FieldError(found.key, `must be a string (got ${describeType(found.value)})`);
  }
  return found.value;
}

/** An optional string under any of `keys` (absent or null keys are skipped); a non-string is an error. */
export function optionalString(obj: JsonObject, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = own(obj, key);
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new FieldError(key, `must be a string (got ${describeType(value)})`);
    return value;
  }
  return undefined;
}

export function requireNonEmpty(value: string, field: string): string {
  if (value.trim() === '') throw new FieldError(field, 'is empty');
  return value;
}

// ---- chat messages (TRL conversational shapes) ----

export interface Turn {
  role: string;
  content: string;
}

/** A list of `{role, content}` turns; content is a string or a list of `{type: "text", text}` parts. */
export function parseTurns(value: unknown, field: string): Turn[] {
  if (!Array.isArray(value)) throw new FieldError(field, `must be a list of messages (got ${describeType(value)})`);
  return value.map((m: unknown, i: number): Turn => {
    const at = `${field}[${i}]`;
    if (!isObject(m)) throw new FieldError(at, `must be a message object (got ${describeType(m)})`);
    const role = own(m, 'role');
    if (typeof role !== 'string') {
      throw new FieldError(`${at}.role`, role === undefined ? 'is missing' : `must be a string (got ${describeType(role)})`);
    }
    return { role, content: contentText(own(m, 'content'), `${at}.content`) };
  });
}

function contentText(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (value === undefined) throw new FieldError(field, 'is missing');
  if (Array.isArray(value)) {
    return value
      .map((part: unknown, i: number) => {
        if (typeof part === 'string') return part;
        const text = isObject(part) ? own(part, 'text') : undefined;
        if (typeof text === 'string') return text;
        if (isObject(part) && own(part, 'type') !== 'text') return ''; // images etc.: no text to keep
        throw new FieldError(`${field}[${i}]`, `must be a text part {"type": "text", "text": "..."}`);
      })
      .join('');
  }
  throw new FieldError(field, `must be a string or a list of text parts (got ${describeType(value)})`);
}

/** Renders prompt turns as one text: a lone user turn is its content; several turns are written
 *  `Role: content`, separated by blank lines. */
export function renderTurns(turns: readonly Turn[]): string {
  if (turns.length === 1 && turns[0]!.role === 'user') return turns[0]!.content;
  return turns.map((t) => `${t.role.charAt(0).toUpperCase()}${t.role.slice(1)}: ${t.content}`).join('\n\n');
}

/** Splits a conversation at its last assistant turn: the turns before it, and its content. */
export function splitAtLastAssistant(turns: readonly Turn[], field: string): { prompt: Turn[]; completion: string } {
  let idx = -1;
  for (let i = turns.length - 1; i >= 0; i--) {
    if (turns[i]!.role === 'assistant') {
      idx = i;
      break;
    }
  }
  if (idx < 0) {
    const roles = turns.map((t) => t.role).join(', ') || 'none';
    throw new RecordShapeError(`no assistant turn in "${field}" (roles: ${roles})`);
  }
  return { prompt: turns.slice(0, idx), completion: turns[idx]!.content };
}

/** A prompt given as a string or as message turns. */
export function promptText(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return renderTurns(parseTurns(value, field));
  throw new FieldError(field, `must be a string or a list of messages (got ${describeType(value)})`);
}

/** An answer given as a string or as message turns (the last assistant turn's content). */
export function answerText(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return splitAtLastAssistant(parseTurns(value, field), field).completion;
  throw new FieldError(field, `must be a string or a list of messages (got ${describeType(value)})`);
}

// ---- topic paths ----

const WELL_FORMED_PATH = /^[^\s/]+(?:\/[^\s/]+)*$/;

/** Trims whitespace and surrounding slashes; collapses empty segments. '' when nothing is left. */
export function cleanPath(p: string): string {
  if (WELL_FORMED_PATH.test(p)) return p; // the common case, without allocating
  return p
    .trim()
    .split('/')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join('/');
}

/** Joins unit / chapter / topic fields into a path. A field that already carries its parents
 *  (`chapter: "unit-01/chapter-02"`) is not prefixed again: overlapping segments are merged. */
export function joinScope(...parts: (string | undefined)[]): string {
  let segs: string[] = [];
  for (const part of parts) {
    if (part === undefined) continue;
    const next = cleanPath(part)
      .split('/')
      .filter((s) => s !== '');
    if (next.length === 0) continue;
    // longest suffix of segs that equals a prefix of next
    let overlap = 0;
    for (let k = Math.min(segs.length, next.length); k > 0; k--) {
      let same = true;
      for (let j = 0; j < k; j++) {
        if (segs[segs.length - k + j] !== next[j]) {
          same = false;
          break;
        }
      }
      if (same) {
        overlap = k;
        break;
      }
    }
    segs = segs.concat(next.slice(overlap));
  }
  return segs.join('/');
}

/** The topic a record names itself: `source` / `topic_id`, else its `unit`/`chapter`/`topic`
 *  fields; null when it names none. */
export function recordTopic(obj: JsonObject): string | null {
  const source = optionalString(obj, ['source', 'topic_id']);
  if (source !== undefined && cleanPath(source) !== '') return cleanPath(source);
  const unit = optionalString(obj, ['unit']);
  const chapter = optionalString(obj, ['chapter']);
  const topic = optionalString(obj, ['topic']);
  const joined = joinScope(unit, chapter, topic);
  return joined === '' ? null : joined;
}

/** Whitespace-normalised text for prompt matching: trimmed, runs of whitespace collapsed. */
export function normalizeWhitespace(s: string): string {
  return s.trim().replace(/\s+/g, ' ');
}
