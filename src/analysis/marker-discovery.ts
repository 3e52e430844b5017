// Marker discovery: from the user's preference pairs (the rejected answer is usually the chosen one
// with the voice phrases stripped), the phrases the chosen side has and the rejected side lacks,
// ranked by how consistently they separate the pairs, proposed as density markers and category
// patterns. Pure TypeScript: the CLI (`mindprint markers suggest`) and the analysis worker share it.

import { PhraseIndex, patternOf, splitKey, subPhrases, wordCount } from './phrase-index.ts';

/** One proposed marker, with the counts it was ranked by. */
export interface MarkerSuggestion {
  /** The phrase as the chosen answers write it most often ("Look,", "Here's the thing"). */
  phrase: string;
  /** Words in the phrase (a trailing comma/colon is not a word). */
  words: number;
  /** Pairs whose chosen answer has it more often than the rejected one. */
  support: number;
  /** Pairs whose rejected answer has it more often than the chosen one. */
  against: number;
  /** The rank: support − against, after the occurrences inside longer proposed phrases are taken out. */
  score: number;
  /** Pairs whose chosen answer contains it at all. */
  pairsWith: number;
  /** Occurrences over all chosen answers and over all rejected answers. */
  chosenCount: number;
  rejectedCount: number;
  /** The evaluation's voice category its words suggest (a guess for the user to confirm), else null. */
  category: 'confidence' | 'psychology' | null;
  /** A case-insensitive regular expression for the phrase, for a category's patterns. */
  pattern: string;
}

export interface MarkerDiscovery {
  /** Pairs read, and those whose chosen and rejected answers differ at all. */
  pairs: number;
  differingPairs: number;
  /** The differing pairs ranked over: all of them, or an evenly spaced maxPairs of them. */
  examined: number;
  /** The least support a phrase needed to be proposed. */
  minSupport: number;
  suggestions: MarkerSuggestion[];
}

export interface DiscoveryOptions {
  /** Longest phrase in words (default 4). */
  maxWords?: number;
  /** At most this many suggestions (default 40). */
  top?: number;
  /** Least number of separating pairs (default: 5% of the examined pairs, at least 2). */
  minSupport?: number;
  /** Rank over at most this many differing pairs, evenly spaced (default 1000): time and memory stay bounded. */
  maxPairs?: number;
}

// Cue words for a category guess: the evaluation scores confidence and psychology (and terminology,
// which is content the rejected answers keep, so it is not discovered from pairs).
const PSYCHOLOGY =
  /^(fear|afraid|scar|panic|nerv|calm|worr|anxi|stress|emotion|feel|greed|hope|patien|disciplin|trust|mind|ego|pride|regret|brave|courage|confiden|gut|instinct|relax|breath|comfort|pressure|frustrat|excit|doubt|shame|pain)/;
const CONFIDENCE =
  /^(look|listen|here's|reality|truth|honest|fact|always|never|every|rule|simple|simply|clear|certain|sure|guarantee|bottom|seen|know|promise|mark|believe|obvious|absolutely|period|trust)$/;

/** The voice category a phrase's words suggest, psychology before confidence, else null. */
function categoryOf(words: string[]): MarkerSuggestion['category'] {
  if (words.some((w) => PSYCHOLOGY.test(w))) return 'psychology';
  if (words.some((w) => CONFIDENCE.test(w))) return 'confidence';
  return null;
}

/** The category pattern for a phrase as the user writes it ("Look,", "Here’s the  thing"). */
export function phrasePattern(phrase: string): string {
  const key = phrase
    .trim()
    .toLowerCase()
    .replace(/’/g, "'")
    .replace(/\s+/g, ' ')
    .replace(/\s+([,:;!?])$/, '$1');
  return patternOf(key);
}

interface Candidate {
  key: string;
  words: string[];
  length: number; // words + trailing punctuation: longer is more specific
  /** Per pair (index into the differing pairs): occurrences in the chosen and in the rejected answer. */
  chosen: Int32Array;
  rejected: Int32Array;
  /** Shorter candidates inside this one (index into the candidate list) and how often each occurs in it. */
  inside: [number, number][];
  /** Candidates that contain this one, are contained in it, or share its first or last words. */
  overlapping: number[];
}

interface Tally {
  support: number;
  against: number;
  score: number;
}

/**
 * A pair separates by a phrase when the counts differ: for the chosen side when the chosen answer
 * uses it more per word than the rejected one (a phrase both use equally is neutral, and the chosen
 * answer being longer does not make every common word a marker), else against it.
 */
function tally(chosen: Int32Array, rejected: Int32Array, words: readonly [number, number][]): Tally {
  let support = 0;
  let against = 0;
  for (let p = 0; p < chosen.length; p++) {
    const c = chosen[p];
    const r = rejected[p];
    if (c === r) continue;
    if (c * words[p][1] > r * words[p][0]) support++;
    else against++;
  }
  return { support, against, score: support - against };
}

/**
 * Each candidate's tally once the occurrences inside longer strong candidates are taken out, longest
 * first: "the" inside "here's the thing" and "the reality is" is explained by them, "look" by "look,"
 * when every "look" that separates pairs has its comma. Candidates must be sorted longest first.
 */
function residuals(cands: Candidate[], words: readonly [number, number][], excluded: Uint8Array, minSupport: number): Tally[] {
  const chosen = cands.map((c) => c.chosen.slice());
  const rejected = cands.map((c) => c.rejected.slice());
  return cands.map((c, i) => {
    const t = tally(chosen[i], rejected[i], words);
    if (!excluded[i] && t.score >= minSupport) {
      for (const [j, occ] of c.inside) {
        for (let p = 0; p < words.length; p++) {
          chosen[j][p] -= occ * chosen[i][p];
          rejected[j][p] -= occ * rejected[i][p];
        }
      }
    }
    return t;
  });
}

/** Whether two phrases overlap: one contains the other, or one ends with words the other starts with. */
function overlaps(a: string[], b: string[]): boolean {
  const ends = (x: string[], y: string[]) => {
    for (let k = 1; k <= Math.min(x.length, y.length); k++) {
      if (x.slice(x.length - k).every((w, i) => w === y[i])) return true;
    }
    return false;
  };
  const inside = (x: string[], y: string[]) => x.length <= y.length && y.some((_, i) => x.every((w, j) => y[i + j] === w));
  return ends(a, b) || ends(b, a) || inside(a, b) || inside(b, a);
}

/** Fills each candidate's `inside` and `overlapping` lists (only candidates sharing a word are compared). */
function link(cands: Candidate[]): void {
  const at = new Map(cands.map((c, i) => [c.key, i]));
  const byWord = new Map<string, number[]>();
  cands.forEach((c, i) => {
    for (const [sub, occ] of subPhrases(c.key)) {
      const j = at.get(sub);
      if (j !== undefined) c.inside.push([j, occ]);
    }
    for (const w of new Set(c.words)) {
      let list = byWord.get(w);
      if (!list) byWord.set(w, (list = []));
      list.push(i);
    }
  });
  cands.forEach((c, i) => {
    const near = new Set<number>();
    for (const w of c.words) for (const j of byWord.get(w)!) if (j !== i) near.add(j);
    c.overlapping = [...near].filter((j) => overlaps(c.words, cands[j].words));
  });
}

/** Most frequent written form of each phrase in the chosen answers (case and apostrophes as written). */
function surfaceForms(keys: string[], chosen: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const key of keys) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${patternOf(key).replace(/^\\b/, '').replace(/\\b$/, '(?![\\p{L}\\p{N}])')}`, 'giu');
    const seen = new Map<string, number>();
    for (const text of chosen) {
      for (const m of text.matchAll(re)) {
        const s = m[0].replace(/\s+/g, ' ').replace(/\s+([,:;!?])$/, '$1');
        seen.set(s, (seen.get(s) ?? 0) + 1);
      }
    }
    let best = key;
    let bestN = 0;
    for (const [s, n] of seen) if (n > bestN) [best, bestN] = [s, n];
    out.set(key, best);
  }
  return out;
}

/** A preference pair's two answers. */
type Pair = { chosen: string; rejected: string };

/** The pairs whose answers differ, an evenly spaced maxPairs of them, and the least support to propose. */
function samplePairs(pairs: readonly Pair[], opts: DiscoveryOptions): { allDiffering: Pair[]; differing: Pair[]; minSupport: number } {
  const allDiffering = pairs.filter((p) => p.chosen.trim() !== p.rejected.trim());
  const maxPairs = opts.maxPairs ?? 1000;
  const step = allDiffering.length / maxPairs;
  const differing = step > 1 ? Array.from({ length: maxPairs }, (_, i) => allDiffering[Math.floor(i * step)]) : allDiffering;
  const minSupport = opts.minSupport ?? Math.max(2, Math.ceil(0.05 * differing.length));
  return { allDiffering, differing, minSupport };
}

/** The differing pairs encoded into one phrase index, with each pair's word counts (chosen, rejected). */
interface Encoded {
  index: PhraseIndex;
  encoded: (readonly [Int32Array, Int32Array])[];
  words: [number, number][];
  maxWords: number;
}

/** Pass 1: per phrase, the pairs whose chosen answer uses it more per word than the rejected one. */
function countSupport({ index, encoded, words, maxWords }: Encoded): Int32Array {
  let chosenN: Int32Array = new Int32Array(1024);
  let rejectedN: Int32Array = new Int32Array(1024);
  let support: Int32Array = new Int32Array(1024);
  const grow = (a: Int32Array): Int32Array => {
    if (a.length >= index.size) return a;
    const b = new Int32Array(Math.max(index.size, 2 * a.length));
    b.set(a);
    return b;
  };
  encoded.forEach(([c, r], i) => {
    const occurrences: number[] = [];
    index.each(c, maxWords, true, (n) => void occurrences.push(n));
    chosenN = grow(chosenN);
    rejectedN = grow(rejectedN);
    support = grow(support);
    const seen: number[] = [];
    for (const n of occurrences) if (chosenN[n]++ === 0) seen.push(n);
    const touched: number[] = [];
    index.each(r, maxWords, false, (n) => {
      if (rejectedN[n]++ === 0) touched.push(n);
    });
    const [lc, lr] = words[i];
    for (const n of seen) {
      const a = chosenN[n];
      const b = rejectedN[n];
      if (a !== b && a * lr > b * lc) support[n]++;
    }
    for (const n of seen) chosenN[n] = 0;
    for (const n of touched) rejectedN[n] = 0;
  });
  return support;
}

/**
 * Pass 2: the supported phrases' counts in every pair, keeping those that separate enough pairs on
 * their own counts (they will not once longer phrases take theirs out), longest first and linked.
 */
function collectCandidates({ index, encoded, words, maxWords }: Encoded, support: Int32Array, minSupport: number): Candidate[] {
  const P = encoded.length;
  const slot = new Map<number, Candidate>();
  for (let n = 1; n < index.size; n++) {
    if (support[n] < minSupport) continue;
    const key = index.key(n);
    const { words: w, punct } = splitKey(key);
    slot.set(n, { key, words: w, length: w.length + (punct ? 1 : 0), chosen: new Int32Array(P), rejected: new Int32Array(P), inside: [], overlapping: [] });
  }
  encoded.forEach(([c, r], i) => {
    index.each(c, maxWords, false, (n) => {
      const cand = slot.get(n);
      if (cand) cand.chosen[i]++;
    });
    index.each(r, maxWords, false, (n) => {
      const cand = slot.get(n);
      if (cand) cand.rejected[i]++;
    });
  });
  const cands = [...slot.values()]
    .filter((c) => tally(c.chosen, c.rejected, words).score >= minSupport)
    .sort((a, b) => b.length - a.length || (a.key < b.key ? -1 : 1));
  link(cands);
  return cands;
}

/**
 * Takes out the occurrences inside longer phrases; drops a phrase that extends or straddles one
 * separating at least twice as many pairs ("i've seen the", "the i've" beside "i've seen"), and
 * takes the occurrences out again, until nothing changes. Returns the strong candidates, best first.
 */
function rankCandidates(cands: Candidate[], words: readonly [number, number][], minSupport: number): { c: Candidate; t: Tally }[] {
  const excluded = new Uint8Array(cands.length);
  let res = residuals(cands, words, excluded, minSupport);
  for (let round = 0; round < 8; round++) {
    const strong = (i: number) => !excluded[i] && res[i].score >= minSupport;
    let changed = false;
    cands.forEach((c, i) => {
      if (strong(i) && c.overlapping.some((j) => strong(j) && 2 * res[i].score <= res[j].score)) {
        excluded[i] = 1;
        changed = true;
      }
    });
    if (!changed) break;
    res = residuals(cands, words, excluded, minSupport);
  }
  return cands
    .map((c, i) => ({ c, t: res[i] }))
    .filter(({ t }, i) => !excluded[i] && t.score >= minSupport)
    .sort((a, b) => b.t.score - a.t.score || b.c.length - a.c.length || (a.c.key < b.c.key ? -1 : 1));
}

/** A candidate's occurrences over all chosen and all rejected answers, and the pairs whose chosen answer has it. */
function totals(c: Candidate): { chosen: number; rejected: number; pairsWith: number } {
  let chosen = 0;
  let rejected = 0;
  let pairsWith = 0;
  for (let p = 0; p < c.chosen.length; p++) {
    chosen += c.chosen[p];
    rejected += c.rejected[p];
    if (c.chosen[p] > 0) pairsWith++;
  }
  return { chosen, rejected, pairsWith };
}

/** The top ranked phrases the rejected answers use under half as often as the chosen ones, as suggestions. */
function suggest(ranked: { c: Candidate; t: Tally }[], differing: Pair[], top: number): MarkerSuggestion[] {
  // Present in chosen, absent from rejected: a phrase the rejected answers use half as often is not proposed.
  const kept = ranked
    .filter(({ c }) => {
      const t = totals(c);
      return 2 * t.rejected < t.chosen;
    })
    .slice(0, top);
  const forms = surfaceForms(
    kept.map(({ c }) => c.key),
    differing.map((p) => p.chosen),
  );
  return kept.map(({ c, t: r }) => {
    const t = totals(c);
    return {
      phrase: forms.get(c.key)!,
      words: c.words.length,
      support: r.support,
      against: r.against,
      score: r.score,
      pairsWith: t.pairsWith,
      chosenCount: t.chosen,
      rejectedCount: t.rejected,
      category: categoryOf(c.words),
      pattern: patternOf(c.key),
    };
  });
}

/**
 * Proposes voice markers from preference pairs. A phrase (1–maxWords words, case-insensitive, with or
 * without the comma or colon after it) is ranked by the pairs whose chosen answer has it more often
 * than the rejected one, minus the reverse; occurrences inside a longer proposed phrase count for the
 * longer one only, so a shorter phrase with the same support as a longer one drops out, and an
 * extension of a proposed phrase that separates far fewer pairs drops out too. A phrase the rejected
 * answers use at least half as often as the chosen ones is not proposed. Linear in the text.
 */
export function discoverMarkers(pairs: readonly { chosen: string; rejected: string }[], opts: DiscoveryOptions = {}): MarkerDiscovery {
  const maxWords = opts.maxWords ?? 4;
  const { allDiffering, differing, minSupport } = samplePairs(pairs, opts);
  const result: MarkerDiscovery = { pairs: pairs.length, differingPairs: allDiffering.length, examined: differing.length, minSupport, suggestions: [] };
  const index = new PhraseIndex();
  const encoded = differing.map((p) => [index.encode(p.chosen), index.encode(p.rejected)] as const);
  const words = encoded.map(([c, r]) => [wordCount(c), wordCount(r)] as [number, number]);
  const enc: Encoded = { index, encoded, words, maxWords };
  const cands = collectCandidates(enc, countSupport(enc), minSupport);
  result.suggestions = suggest(rankCandidates(cands, words, minSupport), differing, opts.top ?? 40);
  return result;
}
