// Phrase indexing for marker discovery: texts as word/punctuation ids, every run of words interned as
// a trie node, and the phrase keys ("here's the thing:") turned back into words and regex patterns.

/** Punctuation a phrase may end with ("Look,", "Here's the thing:"); any other breaks a phrase. */
const TRAILING = [',', ':', ';', '!', '?'];
const TOKEN = /([\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*)|([,:;!?])|([^\s\p{L}\p{N}])/gu;
/** Token id of anything that only breaks phrases (full stops, dashes, quotes, brackets). */
const BREAK = -1;
/** Ids 0..4 are the trailing punctuation; words come after. */
const FIRST_WORD = TRAILING.length;

/**
 * Interns words and phrases: a phrase is a node of a trie over word ids (its id is the node's
 * index), so counting phrases hashes small integers instead of building strings.
 */
export class PhraseIndex {
  private readonly vocab = new Map<string, number>(TRAILING.map((p, i) => [p, i]));
  private readonly tokens: string[] = [...TRAILING];
  private readonly kids: Map<number, number>[] = [new Map()];
  private readonly parent: number[] = [-1];
  private readonly last: number[] = [-1];

  get size(): number {
    return this.kids.length;
  }

  /** Lower-cased words (curly apostrophes made straight) and trailing punctuation as ids. */
  encode(text: string): Int32Array {
    const out: number[] = [];
    for (const m of text.toLowerCase().matchAll(TOKEN)) {
      const tok = m[1] !== undefined ? m[1].replace(/’/g, "'") : m[2];
      if (tok === undefined) {
        if (out.length && out[out.length - 1] !== BREAK) out.push(BREAK);
        continue;
      }
      let id = this.vocab.get(tok);
      if (id === undefined) {
        id = this.tokens.length;
        this.vocab.set(tok, id);
        this.tokens.push(tok);
      }
      out.push(id);
    }
    return Int32Array.from(out);
  }

  private child(node: number, tok: number, grow: boolean): number {
    let c = this.kids[node].get(tok);
    if (c === undefined && grow) {
      c = this.kids.length;
      this.kids[node].set(tok, c);
      this.kids.push(new Map());
      this.parent.push(node);
      this.last.push(tok);
    }
    return c ?? -1;
  }

  /**
   * Calls visit(phrase) for every run of 1..maxWords consecutive words, and again for the run with
   * the punctuation that follows it. Without grow, phrases not yet indexed are skipped.
   */
  each(ids: Int32Array, maxWords: number, grow: boolean, visit: (phrase: number) => void): void {
    for (let i = 0; i < ids.length; i++) {
      let node = 0;
      for (let k = 0; k < maxWords && i + k < ids.length && ids[i + k] >= FIRST_WORD; k++) {
        node = this.child(node, ids[i + k], grow);
        if (node < 0) break;
        visit(node);
        const next = i + k + 1 < ids.length ? ids[i + k + 1] : BREAK;
        if (next >= 0 && next < FIRST_WORD) {
          const p = this.child(node, next, grow);
          if (p >= 0) visit(p);
        }
      }
    }
  }

  /** The phrase as text: words joined by spaces, trailing punctuation attached ("here's the thing:"). */
  key(node: number): string {
    const ids: number[] = [];
    for (let n = node; n > 0; n = this.parent[n]) ids.push(this.last[n]);
    ids.reverse();
    const punct = ids[ids.length - 1] < FIRST_WORD ? this.tokens[ids.pop()!] : '';
    return ids.map((id) => this.tokens[id]).join(' ') + punct;
  }
}

/** Words in an encoded text. */
export const wordCount = (ids: Int32Array) => ids.reduce((n, t) => n + (t >= FIRST_WORD ? 1 : 0), 0);

/** A key's words and its trailing punctuation ('' when none). */
export function splitKey(key: string): { words: string[]; punct: string } {
  const last = key[key.length - 1];
  return TRAILING.includes(last) ? { words: key.slice(0, -1).split(' '), punct: last } : { words: key.split(' '), punct: '' };
}

/** The shorter phrases inside a key (each with how often it occurs there), the key itself excluded. */
export function subPhrases(key: string): Map<string, number> {
  const { words, punct } = splitKey(key);
  const out = new Map<string, number>();
  for (let a = 0; a < words.length; a++) {
    for (let b = a; b < words.length; b++) {
      const w = words.slice(a, b + 1).join(' ');
      const keys = b === words.length - 1 && punct ? [w, w + punct] : [w];
      for (const k of keys) if (k !== key) out.set(k, (out.get(k) ?? 0) + 1);
    }
  }
  return out;
}

/** A string with regex metacharacters escaped. */
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The regex for a phrase key: word boundaries, any whitespace between words, either apostrophe. */
export function patternOf(key: string): string {
  const { words, punct } = splitKey(key);
  const body = words.map((w) => escapeRe(w).replace(/'/g, "['’]")).join('\\s+');
  return `\\b${body}${punct ? `\\s*${escapeRe(punct)}` : '\\b'}`;
}
