// Small numeric and text helpers for the analysis: summary statistics, pair quality, near-duplicate
// similarity of two texts (linear time) and a 52-bit hash of whitespace-normalised text for duplicates.

export interface LengthStats {
  count: number;
  mean: number;
  median: number;
  /** Percentiles by linear interpolation between closest ranks (numpy's default). */
  p10: number;
  p90: number;
  min: number;
  max: number;
}

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Percentile q ∈ [0, 1] of an ascending-sorted array: linear interpolation at rank q·(n−1). */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = q * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** Summary of a list of lengths; all zeros (count 0) for an empty list. */
export function lengthStats(values: number[]): LengthStats {
  if (values.length === 0) return { count: 0, mean: 0, median: 0, p10: 0, p90: 0, min: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    mean: mean(sorted),
    median: percentileSorted(sorted, 0.5),
    p10: percentileSorted(sorted, 0.1),
    p90: percentileSorted(sorted, 0.9),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

/** Pair quality = 0.7 × min(len(chosen)/(len(rejected)+1), 3) + 0.3 × (density(chosen) − density(rejected)). */
export function pairQuality(chosenChars: number, rejectedChars: number, chosenDensity: number, rejectedDensity: number): number {
  return 0.7 * Math.min(chosenChars / (rejectedChars + 1), 3) + 0.3 * (chosenDensity - rejectedDensity);
}

/** Lower-case, punctuation and symbols dropped, whitespace collapsed: the text compared for near-duplicates. */
export function normaliseForComparison(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whitespace collapsed and trimmed: how prompts are compared (as the SFT ↔ preference matching does). */
export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function shingles(words: string[]): Map<string, number> {
  const out = new Map<string, number>();
  if (words.length < 2) {
    for (const w of words) out.set(w, (out.get(w) ?? 0) + 1);
    return out;
  }
  for (let i = 0; i + 1 < words.length; i++) {
    const key = words[i] + ' ' + words[i + 1];
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Words of normaliseForComparison(text) (maximal runs of letters and digits), counted without building it. */
export function comparisonWordCount(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let w: boolean;
    if (c < 128) w = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
    else {
      const cp = text.codePointAt(i)!;
      w = WORD_CHAR.test(String.fromCodePoint(cp));
      if (cp > 0xffff) i++;
    }
    if (w && !inWord) words++;
    inWord = w;
  }
  return words;
}

/**
 * Similarity of two texts in [0, 1]: the Dice coefficient 2·|A∩B| / (|A|+|B|) over the multisets of
 * word bigrams of the normalised texts (word unigrams when a text has fewer than two words); 1 when
 * both normalise to the same text. Linear in the texts' length. When the bigram counts alone bound
 * the coefficient below `floor`, returns that bound without normalising or comparing the texts.
 */
export function textSimilarity(a: string, b: string, floor = 0): number {
  const ca = comparisonWordCount(a);
  const cb = comparisonWordCount(b);
  if (ca === 0 || cb === 0) return ca === cb ? 1 : 0;
  const sa = Math.max(1, ca - 1);
  const sb = Math.max(1, cb - 1);
  const bound = (2 * Math.min(sa, sb)) / (sa + sb);
  if (bound < floor) return bound;
  const na = normaliseForComparison(a);
  const nb = normaliseForComparison(b);
  if (na === nb) return 1;
  const ma = shingles(na.split(' '));
  const mb = shingles(nb.split(' '));
  let common = 0;
  let total = 0;
  for (const c of ma.values()) total += c;
  for (const [k, c] of mb) {
    total += c;
    const other = ma.get(k);
    if (other) common += Math.min(c, other);
  }
  return total === 0 ? 0 : (2 * common) / total;
}

/** A 52-bit hash (two 32-bit FNV-style lanes, exact as a JS number) of normaliseWhitespace(text),
 *  computed in one pass without building the normalised string. */
export function hashNormalisedWhitespace(text: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  let pendingSpace = false;
  let started = false;
  let length = 0;
  const mix = (c: number) => {
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
    length++;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) {
      pendingSpace = started;
      continue;
    }
    if (pendingSpace) mix(32);
    pendingSpace = false;
    started = true;
    mix(c);
  }
  return ((h1 ^ length) >>> 0) * 0x100000 + ((h2 >>> 0) & 0xfffff);
}

/** JavaScript's `\s`: what normaliseWhitespace collapses. */
function isWhitespace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}
