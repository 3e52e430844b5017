import { describe, expect, it } from 'vitest';
import { comparisonWordCount, hashNormalisedWhitespace, lengthStats, pairQuality, percentileSorted, textSimilarity } from '../../../src/analysis/stats.ts';

describe('length statistics', () => {
  it('mean, median, p10, p90, min, max by hand', () => {
    // sorted: 10 20 30 40 50 ; p10 rank 0.4 → 10 + 0.4·10 = 14 ; p90 rank 3.6 → 40 + 0.6·10 = 46
    const s = lengthStats([50, 10, 40, 20, 30]);
    expect(s).toEqual({ count: 5, mean: 30, median: 30, p10: 14, p90: 46, min: 10, max: 50 });
  });

  it('even count: median interpolates', () => {
    const s = lengthStats([1, 2, 3, 100]);
    expect(s.median).toBe(2.5);
    expect(s.mean).toBe(26.5);
    expect(s.p10).toBeCloseTo(1.3, 12); // rank 0.3
    expect(s.p90).toBeCloseTo(3 + 0.7 * 97, 12); // rank 2.7
  });

  it('single value and empty list', () => {
    expect(lengthStats([7])).toEqual({ count: 1, mean: 7, median: 7, p10: 7, p90: 7, min: 7, max: 7 });
    expect(lengthStats([])).toEqual({ count: 0, mean: 0, median: 0, p10: 0, p90: 0, min: 0, max: 0 });
    expect(percentileSorted([], 0.5)).toBe(0);
  });
});

describe('pair quality', () => {
  it('0.7 × min(len ratio, 3) + 0.3 × density gap', () => {
    expect(pairQuality(1000, 499, 25, 5)).toBeCloseTo(0.7 * 2 + 0.3 * 20, 12); // 7.4
    expect(pairQuality(100, 99, 0, 0)).toBeCloseTo(0.7, 12);
    expect(pairQuality(10000, 9, 10, 10)).toBeCloseTo(2.1, 12); // ratio capped at 3
    expect(pairQuality(50, 99, 0, 10)).toBeCloseTo(0.7 * 0.5 - 3, 12); // negative gap lowers quality
  });
});

describe('textSimilarity', () => {
  it('is 1 for texts equal after normalisation', () => {
    expect(textSimilarity('Hello,  World!', 'hello world')).toBe(1);
  });

  it('Dice over word bigrams', () => {
    // a: "a b c d" → ab bc cd ; b: "a b c e" → ab bc ce ; common 2 → 2·2/6
    expect(textSimilarity('a b c d', 'a b c e')).toBeCloseTo(4 / 6, 12);
    expect(textSimilarity('x', 'y')).toBe(0);
    expect(textSimilarity('', 'y')).toBe(0);
  });

  it('one changed word in a long text stays above 0.95', () => {
    const words = Array.from({ length: 200 }, (_, i) => `w${i}`);
    const changed = [...words];
    changed[100] = 'other';
    const s = textSimilarity(words.join(' '), changed.join(' '));
    expect(s).toBeCloseTo(1 - 2 / 199, 12);
    expect(s).toBeGreaterThanOrEqual(0.95);
  });

  it('returns the length bound below the floor without comparing', () => {
    const long = Array.from({ length: 101 }, (_, i) => `w${i}`).join(' ');
    const short = Array.from({ length: 11 }, (_, i) => `w${i}`).join(' ');
    // bigrams 100 vs 10: bound 2·10/110
    expect(textSimilarity(long, short, 0.95)).toBeCloseTo(20 / 110, 12);
    expect(textSimilarity(long, short)).toBeCloseTo(20 / 110, 12); // here the bound is reached
  });
});

describe('hashNormalisedWhitespace', () => {
  it('equal for whitespace variants, an exact integer, and separates near strings', () => {
    const h = hashNormalisedWhitespace('What is  the\twind?');
    expect(hashNormalisedWhitespace(' What is the wind? \n')).toBe(h);
    expect(hashNormalisedWhitespace('What is the wind?')).toBe(h);
    expect(hashNormalisedWhitespace('What is thewind?')).not.toBe(h);
    expect(Number.isSafeInteger(h)).toBe(true);
    const seen = new Set<number>();
    for (let i = 0; i < 10000; i++) seen.add(hashNormalisedWhitespace(`prompt ${i}`));
    expect(seen.size).toBe(10000);
  });
});

describe('comparisonWordCount', () => {
  it('counts the words of the normalised text', () => {
    expect(comparisonWordCount('a-b, c  — d!')).toBe(4);
    expect(comparisonWordCount('Ça va? 𝒜bc déjà')).toBe(4);
    expect(comparisonWordCount('!!! ...')).toBe(0);
    expect(textSimilarity('!!!', '?')).toBe(1);
  });
});
