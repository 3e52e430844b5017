// Text similarity for evaluation: the interface both scorers share, and the lexical similarity used
// when no sentence-embedding model is available (src/training/embedder.ts is the preferred one).

/** A similarity in [0, 1] between two texts; `name` is written into every report it scores. */
export interface Similarity {
  /** E.g. `embedding:Xenova/all-MiniLM-L6-v2` or `lexical:unigram+bigram-cosine`. */
  name: string;
  kind: 'embedding' | 'lexical';
  score(a: string, b: string): Promise<number>;
  /** Embedding scorers only: L2-normalised vectors, one per text. */
  embedBatch?(texts: string[]): Promise<Float32Array[]>;
}

/**
 * Small English stopword list: function words that carry no topic, dropped before counting so two
 * answers do not look alike merely because both use "the" and "is".
 */
export const LEXICAL_STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or but if then so of to in on at by for with from as into about than ' +
    'is are was were be been being am do does did has have had it its this that these those ' +
    'i you he she we they me him her us them my your his our their what which who whom ' +
    'not no can will would should could may might must just very too also there here'
  ).split(' '),
);

/** Lower-cased word tokens: runs of letters, digits and inner apostrophes (Unicode-aware). */
export function lexicalTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu)) out.push(m[0].replace(/’/g, "'"));
  return out;
}

/**
 * Feature counts of a text: every non-stopword unigram, and every bigram of adjacent non-stopword
 * tokens (adjacency taken after the stopwords are removed, so "cut the losses" gives `cut losses`).
 * Bigram keys carry a space, unigram keys never do, so the two kinds cannot collide.
 */
export function lexicalFeatures(text: string): Map<string, number> {
  const words = lexicalTokens(text).filter((w) => !LEXICAL_STOPWORDS.has(w));
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (let i = 0; i < words.length; i++) {
    add(words[i]);
    if (i > 0) add(`${words[i - 1]} ${words[i]}`);
  }
  return counts;
}

/** Cosine of two count vectors (sparse maps); 0 when either is empty. */
export function countCosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [k, v] of a) {
    na += v * v;
    const w = b.get(k);
    if (w !== undefined) dot += v * w;
  }
  for (const v of b.values()) nb += v * v;
  if (na === 0 || nb === 0) return 0;
  return Math.min(1, dot / Math.sqrt(na * nb));
}

/**
 * Lexical similarity: cosine of raw count vectors (no TF-IDF) over lower-cased word unigrams and
 * bigrams with stopwords removed. Counts are non-negative, so the cosine lies in [0, 1]: 1 for the
 * same content words in the same proportions and order, 0 when no content word is shared. Two
 * texts with no content words at all score 1 when they are equal after trimming, else 0.
 */
export function lexicalSimilarity(): Similarity {
  const cache = new Map<string, Map<string, number>>();
  const features = (t: string) => {
    let f = cache.get(t);
    if (!f) {
      f = lexicalFeatures(t);
      if (cache.size > 10_000) cache.clear(); // bounded: reference answers repeat, generated ones do not
      cache.set(t, f);
    }
    return f;
  };
  return {
    name: 'lexical:unigram+bigram-cosine',
    kind: 'lexical',
    async score(a: string, b: string): Promise<number> {
      const fa = features(a);
      const fb = features(b);
      if (fa.size === 0 && fb.size === 0) return a.trim() === b.trim() ? 1 : 0;
      return countCosine(fa, fb);
    },
  };
}
