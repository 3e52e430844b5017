import { describe, expect, it } from 'vitest';
import { categoryScores, countWords, markersToYaml, negativeHits, parseMarkers, voiceDensity } from '../../../src/analysis/markers.ts';

const YAML = `
density_markers: ["you see", "right?", "Look"]
categories:
  questions:
    expected: 2
    patterns: ["right\\\\?", "\\\\bwhy\\\\b", "what if"]
  stories:
    expected: 1
    patterns: ["once upon"]
negative_patterns: ["\\\\bin conclusion\\\\b", "as an ai"]
`;

describe('parseMarkers', () => {
  it('reads all three keys', () => {
    const m = parseMarkers(YAML);
    expect(m.densityMarkers).toEqual(['you see', 'right?', 'Look']);
    expect(m.categories.questions).toEqual({ expected: 2, patterns: ['right\\?', '\\bwhy\\b', 'what if'] });
    expect(m.negativePatterns).toEqual(['\\bin conclusion\\b', 'as an ai']);
  });

  it('accepts any subset of the keys, missing ones empty', () => {
    expect(parseMarkers('density_markers: [a]')).toEqual({ densityMarkers: ['a'], categories: {}, negativePatterns: [] });
    expect(parseMarkers('negative_patterns: [x]')).toEqual({ densityMarkers: [], categories: {}, negativePatterns: ['x'] });
    const onlyCats = parseMarkers('categories: {c: {expected: 1, patterns: [p]}}');
    expect(onlyCats.densityMarkers).toEqual([]);
    expect(onlyCats.categories.c.patterns).toEqual(['p']);
    expect(parseMarkers('')).toEqual({ densityMarkers: [], categories: {}, negativePatterns: [] });
  });

  it('names the file and field of a bad value', () => {
    expect(() => parseMarkers('density_markers: 3', 'm.yaml')).toThrow(/m\.yaml: density_markers: expected a list of strings, got 3/);
    expect(() => parseMarkers('density_markers: [a, 4]', 'm.yaml')).toThrow(/m\.yaml: density_markers\[1\]: expected a non-empty string/);
    expect(() => parseMarkers('categories: {c: {expected: 0, patterns: [a]}}', 'm.yaml')).toThrow(
      /m\.yaml: categories\.c\.expected: expected a number > 0, got 0/,
    );
    expect(() => parseMarkers('categories: {c: {expected: 1, patterns: a}}', 'm.yaml')).toThrow(/categories\.c\.patterns: expected a list/);
    expect(() => parseMarkers('densty_markers: [a]', 'm.yaml')).toThrow(/m\.yaml: unknown field 'densty_markers'/);
    expect(() => parseMarkers('[1, 2]', 'm.yaml')).toThrow(/m\.yaml: \(top level\): expected a mapping/);
    expect(() => parseMarkers('a: [', 'm.yaml')).toThrow(/m\.yaml: not valid YAML/);
  });

  it('names a bad regular expression', () => {
    expect(() => parseMarkers('negative_patterns: ["ok", "(unclosed"]', 'm.yaml')).toThrow(
      /m\.yaml: negative_patterns\[1\]: invalid regular expression "\(unclosed"/,
    );
    expect(() => parseMarkers('categories: {c: {expected: 1, patterns: ["[a-"]}}', 'm.yaml')).toThrow(
      /categories\.c\.patterns\[0\]: invalid regular expression/,
    );
  });

  it('round-trips through markersToYaml', () => {
    const m = parseMarkers(YAML);
    expect(parseMarkers(markersToYaml(m))).toEqual(m);
  });
});

describe('voice metrics', () => {
  const m = parseMarkers(YAML);

  it('counts words on any whitespace', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('   ')).toBe(0);
    expect(countWords(' a\tb\n\nc  d\u00a0e ')).toBe(5);
  });

  it('density = case-insensitive substring occurrences per 100 words', () => {
    const text = 'You see, you see the point, right? Looking at it: look closer';
    // words: You|see,|you|see|the|point,|right?|Looking|at|it:|look|closer = 12 words
    // hits: "you see" 2, "right?" 1, "look" 2 (Looking, look) = 5
    expect(voiceDensity(text, m)).toBeCloseTo((5 / 12) * 100, 10);
  });

  it('density is 0 for empty text and without markers', () => {
    expect(voiceDensity('', m)).toBe(0);
    expect(voiceDensity('   ', m)).toBe(0);
    expect(voiceDensity('you see', parseMarkers(''))).toBe(0);
  });

  it('counts non-overlapping occurrences like str.count', () => {
    const mm = parseMarkers('density_markers: ["aa"]');
    expect(voiceDensity('aaaa', mm)).toBe(200); // 2 occurrences, 1 word
    expect(voiceDensity('aaa', mm)).toBe(100);
  });

  it('category score = min(1, distinct patterns found / expected)', () => {
    expect(categoryScores('Why? What if it is so, right? Why again', m)).toEqual({ questions: 1, stories: 0 });
    expect(categoryScores('WHY not', m)).toEqual({ questions: 0.5, stories: 0 });
    expect(categoryScores('nothing here', m)).toEqual({ questions: 0, stories: 0 });
    expect(categoryScores('Once upon a time', m).stories).toBe(1);
  });

  it('reports negative pattern hits as written', () => {
    expect(negativeHits('In conclusion, as an AI model', m)).toEqual(['\\bin conclusion\\b', 'as an ai']);
    expect(negativeHits('within conclusions', m)).toEqual([]);
  });

  it('plain phrases with regex characters work when valid', () => {
    const mm = parseMarkers('categories: {q: {expected: 1, patterns: ["right?"]}}');
    expect(categoryScores('righ', mm).q).toBe(1); // "right?" as a regex: the t is optional
  });
});

describe('voiceDensity against a reference', () => {
  /** The definition written plainly: per marker, Python-style non-overlapping str.count. */
  function reference(text: string, markers: string[]): number {
    const words = text.split(/\s+/).filter(Boolean).length;
    if (!words) return 0;
    const lower = text.toLowerCase();
    let hits = 0;
    for (const mk of markers) {
      const needle = mk.toLowerCase();
      for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) hits++;
    }
    return (hits / words) * 100;
  }

  it('matches on random texts with overlapping and shared-prefix markers', () => {
    const markers = ['aa', 'a', 'ab', 'aba', 'b a', 'Ü', 'ba'];
    const m = parseMarkers(`density_markers: ${JSON.stringify(markers)}`);
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const alphabet = ['a', 'b', ' ', 'A', 'ü', '\n', 'c'];
    for (let t = 0; t < 300; t++) {
      const text = Array.from({ length: Math.floor(rand() * 40) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      expect(voiceDensity(text, m), JSON.stringify(text)).toBeCloseTo(reference(text, markers), 10);
    }
  });
});
