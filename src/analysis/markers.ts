// Voice markers (a curriculum's voice_markers.yaml): parsing, and the text metrics built on them —
// marker density per 100 words, voice category scores, negative-pattern hits.
import { parse, stringify } from 'yaml';

/** Treat as immutable: compiled regexes are cached per object, so an edit makes a new object. */
export interface VoiceMarkers {
  /** Whom the markers describe, when the file says (`name:`); shown wherever they are named. */
  name?: string;
  /** Phrases counted (case-insensitive substring occurrences) for the voice density. */
  densityMarkers: string[];
  /** Voice categories: score = min(1, distinct patterns found / expected). Patterns are regexes. */
  categories: Record<string, { expected: number; patterns: string[] }>;
  /** Regexes the voice never uses. */
  negativePatterns: string[];
}

interface Compiled {
  markers: string[]; // lower-cased, non-empty
  categories: { name: string; expected: number; patterns: RegExp[] }[];
  negatives: { source: string; re: RegExp }[];
}

const compiledCache = new WeakMap<VoiceMarkers, Compiled>();

function compileRegex(source: string, where: string): RegExp {
  try {
    return new RegExp(source, 'i');
  } catch (err) {
    throw new Error(`${where}: invalid regular expression ${JSON.stringify(source)}: ${(err as Error).message}`);
  }
}

/** Compiles the markers' regexes once per VoiceMarkers object (cached by identity). */
function compiled(m: VoiceMarkers): Compiled {
  let c = compiledCache.get(m);
  if (!c) {
    const markers = m.densityMarkers.map((s) => s.toLowerCase()).filter((s) => s.length > 0);
    c = {
      markers,
      categories: Object.entries(m.categories).map(([name, cat]) => ({
        name,
        expected: cat.expected,
        patterns: cat.patterns.map((p, i) => compileRegex(p, `categories.${name}.patterns[${i}]`)),
      })),
      negatives: m.negativePatterns.map((p, i) => ({ source: p, re: compileRegex(p, `negative_patterns[${i}]`) })),
    };
    compiledCache.set(m, c);
  }
  return c;
}

/** Unicode whitespace as JavaScript's `\s` (and Python's str.split()) sees it. */
function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Number of whitespace-separated words. */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

/** Non-overlapping occurrences of `needle` in `hay` (both already lower-cased), like Python's str.count. */
function countOccurrences(hay: string, needle: string): number {
  let n = 0;
  for (let at = hay.indexOf(needle); at !== -1; at = hay.indexOf(needle, at + needle.length)) n++;
  return n;
}

/**
 * Density marker occurrences (case-insensitive substrings, summed over markers) per 100 words; 0 for
 * empty text. Each marker counts without overlap, left to right, like Python's str.count. (One
 * native indexOf pass per marker measured faster than a single hand-written scan.)
 */
export function voiceDensity(text: string, m: VoiceMarkers): number {
  const words = countWords(text);
  if (words === 0) return 0;
  const markers = compiled(m).markers;
  if (markers.length === 0) return 0;
  const lower = text.toLowerCase();
  let hits = 0;
  for (const marker of markers) hits += countOccurrences(lower, marker);
  return (hits / words) * 100;
}

/** Per category: min(1, distinct patterns found / expected). */
export function categoryScores(text: string, m: VoiceMarkers): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (const cat of compiled(m).categories) {
    let found = 0;
    for (const re of cat.patterns) if (re.test(text)) found++;
    out[cat.name] = Math.min(1, found / cat.expected);
  }
  return out;
}

/** The negative patterns (as written) that occur in the text. */
export function negativeHits(text: string, m: VoiceMarkers): string[] {
  const hits: string[] = [];
  for (const { source, re } of compiled(m).negatives) if (re.test(text)) hits.push(source);
  return hits;
}

function fail(file: string, field: string, expected: string, got: unknown): never {
  const shown = got === undefined ? 'nothing' : JSON.stringify(got);
  throw new Error(`${file}: ${field}: expected ${expected}, got ${shown && shown.length > 80 ? shown.slice(0, 77) + '...' : shown}`);
}

function stringList(value: unknown, file: string, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(file, field, 'a list of strings', value);
  return value.map((v, i) => {
    if (typeof v !== 'string' || v.length === 0) fail(file, `${field}[${i}]`, 'a non-empty string', v);
    return v;
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TOP_KEYS = ['name', 'density_markers', 'categories', 'negative_patterns'];

/**
 * Parses voice markers YAML. Any subset of the keys may be given (missing = empty); a bad field
 * throws an Error naming the file, the field and what was expected; a bad regex is named too.
 */
export function parseMarkers(yamlText: string, file = 'voice_markers.yaml'): VoiceMarkers {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (err) {
    throw new Error(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isPlainObject(doc)) fail(file, '(top level)', `a mapping with keys ${TOP_KEYS.join(', ')}`, doc);
  for (const key of Object.keys(doc)) {
    if (!TOP_KEYS.includes(key)) throw new Error(`${file}: unknown field '${key}'; expected one of ${TOP_KEYS.join(', ')}`);
  }
  if (doc.name !== undefined && doc.name !== null && (typeof doc.name !== 'string' || doc.name.trim() === '')) {
    fail(file, 'name', 'a non-empty string', doc.name);
  }
  const densityMarkers = stringList(doc.density_markers, file, 'density_markers');
  const negativePatterns = stringList(doc.negative_patterns, file, 'negative_patterns');
  const categories: VoiceMarkers['categories'] = Object.create(null);
  const cats = doc.categories ?? {};
  if (!isPlainObject(cats)) fail(file, 'categories', 'a mapping of name → {expected, patterns}', cats);
  for (const [name, raw] of Object.entries(cats)) {
    const field = `categories.${name}`;
    if (!isPlainObject(raw)) fail(file, field, 'a mapping with expected and patterns', raw);
    for (const key of Object.keys(raw)) {
      if (key !== 'expected' && key !== 'patterns') throw new Error(`${file}: unknown field '${field}.${key}'; expected expected, patterns`);
    }
    const patterns = stringList(raw.patterns, file, `${field}.patterns`);
    const expected = raw.expected ?? Math.max(1, patterns.length);
    if (typeof expected !== 'number' || !Number.isFinite(expected) || expected <= 0) {
      fail(file, `${field}.expected`, 'a number > 0', raw.expected);
    }
    categories[name] = { expected, patterns };
  }
  const markers: VoiceMarkers = { ...(typeof doc.name === 'string' ? { name: doc.name.trim() } : {}), densityMarkers, categories, negativePatterns };
  try {
    compiled(markers); // validate every regex now, so the error names the file
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  return markers;
}

/** Serialises markers back to the YAML shape parseMarkers reads. */
export function markersToYaml(m: VoiceMarkers): string {
  const categories: Record<string, { expected: number; patterns: string[] }> = {};
  for (const [name, c] of Object.entries(m.categories)) categories[name] = { expected: c.expected, patterns: [...c.patterns] };
  return stringify({ ...(m.name ? { name: m.name } : {}), density_markers: [...m.densityMarkers], categories, negative_patterns: [...m.negativePatterns] });
}
