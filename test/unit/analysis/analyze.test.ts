import { describe, expect, it } from 'vitest';
import { analyzeDataset } from '../../../src/analysis/analyze.ts';
import { parseMarkers } from '../../../src/analysis/markers.ts';
import type { Distinction } from '../../../src/data/types.ts';
import { dataset, pair, quiz, sft, textOfLength } from './helpers.ts';

const m = parseMarkers(`
density_markers: ["you see"]
categories:
  asks: {expected: 2, patterns: ["\\\\?", "why"]}
negative_patterns: ["in conclusion"]
`);

const A = 'unit-01/chapter-01/topic-01';
const B = 'unit-01/chapter-01';

function distinction(topicId: string | null): Distinction {
  return { prompt: '', correct: 'c', incorrect: 'i', topicId, file: 'critical.jsonl', line: 1 };
}

describe('analyzeDataset: hand-computed figures', () => {
  const ds = dataset({
    topicIds: [A, B],
    sft: [
      sft(A, 'Q1?', 'you see it now'), // 14 chars, 4 words, 1 hit → 25; asks 0
      sft(A, 'Q2 longer', 'why plain text ?'), // 16 chars, 0 hits; asks 2/2 = 1
      sft(B, 'Other', 'text'),
    ],
    preference: [
      pair(A, 'P', 'you see you see', 'no'), // 15 vs 2: 0.7·3 + 0.3·50 = 17.1
      pair(A, 'P', 'abc', 'you see abcdef'), // 3 vs 14: 0.7·3/15 + 0.3·(0 − 100/3) = −9.86
      pair(A, 'P3', 'same text', 'same text'), // 9 vs 9: 0.7·0.9 = 0.63
      pair(null, 'lost?', 'x', 'y'), // 1 vs 1: 0.35
    ],
    distinctions: [distinction(A), distinction(null)],
    evalSets: [quiz(A, ['open', 'multiple_choice', 'true_false', 'open']), quiz(B, ['open', 'open'], 'chapter'), quiz('final', ['open'], 'final')],
  });
  const a = analyzeDataset(ds, m);
  const tA = a.topics.find((t) => t.id === A)!;

  it('SFT figures', () => {
    expect(tA.sft.examples).toBe(2);
    expect(tA.sft.outputChars).toMatchObject({ mean: 15, median: 15, min: 14, max: 16 });
    expect(tA.sft.outputChars.p10).toBeCloseTo(14.2, 12);
    expect(tA.sft.outputChars.p90).toBeCloseTo(15.8, 12);
    expect(tA.sft.instructionChars).toMatchObject({ mean: 6, min: 3, max: 9 });
    expect(tA.sft.voiceDensity).toBeCloseTo(12.5, 12);
    expect(tA.sft.categoryScores).toEqual({ asks: 0.5 });
  });

  it('per-topic preference figures', () => {
    const p = tA.preference;
    expect(p.pairs).toBe(3);
    expect(p.meanQuality).toBeCloseTo((17.1 - 9.86 + 0.63) / 3, 10);
    expect(p.highQuality).toBe(1);
    expect(p.lowQuality).toBe(1);
    expect(p.highQualityShare).toBeCloseTo(1 / 3, 12);
    expect(p.qualityRatio).toBeCloseTo(9 / (25 / 3 + 1), 12);
  });

  it('overall preference figures include unassigned pairs', () => {
    expect(a.preference.pairs).toBe(4);
    expect(a.preference.meanQuality).toBeCloseTo((17.1 - 9.86 + 0.63 + 0.35) / 4, 10);
    expect(a.preference.highQuality).toBe(1);
    expect(a.preference.lowQuality).toBe(2);
    expect(a.preference.lowQualityShare).toBe(0.5);
    expect(a.preference.unassigned).toEqual({ count: 1, prompts: ['lost?'] });
  });

  it('distinctions, quiz questions by type, evaluation sets by level', () => {
    expect(tA.distinctions).toBe(1);
    expect(a.globalDistinctions).toBe(1);
    expect(a.totalDistinctions).toBe(2);
    expect(tA.evalQuestions).toEqual({ open: 2, multiple_choice: 1, true_false: 1 });
    expect(a.topics.find((t) => t.id === B)!.evalQuestions).toEqual({ open: 0, multiple_choice: 0, true_false: 0 });
    expect(a.evalSets).toEqual({
      topic: { sets: 1, questions: 4 },
      chapter: { sets: 1, questions: 2 },
      unit: { sets: 0, questions: 0 },
      final: { sets: 1, questions: 1 },
    });
  });

  it('flags', () => {
    expect(a.flagCounts).toEqual({ 'identical-pair': 1, 'near-identical-pair': 0, 'chosen-less-voice': 1, 'negative-pattern': 0, 'duplicate-prompt': 1 });
    const dup = a.flags.find((f) => f.kind === 'duplicate-prompt')!;
    expect(dup.line).toBe(ds.preference[1].line);
    expect(dup.message).toContain(`pref.jsonl:${ds.preference[0].line}`);
    expect(tA.flagCounts).toEqual({ 'identical-pair': 1, 'chosen-less-voice': 1, 'duplicate-prompt': 1 });
  });

  it('keeps the dataset order of topics', () => {
    expect(a.topics.map((t) => t.id)).toEqual([A, B]);
  });
});

describe('analyzeDataset: flags', () => {
  it('near-identical pairs, negative patterns, duplicate SFT instructions (whitespace-normalised)', () => {
    const words = Array.from({ length: 100 }, (_, i) => `word${i}`);
    const changed = [...words];
    changed[50] = 'else';
    const ds = dataset({
      sft: [sft(A, 'Same  question', 'in conclusion it works'), sft(A, 'Same question ', 'other answer'), sft(A, 'Different', 'x')],
      preference: [pair(A, 'p1', words.join(' '), changed.join(' ')), pair(A, 'p2', 'In Conclusion, yes', 'no')],
    });
    const a = analyzeDataset(ds, m);
    expect(a.flagCounts['near-identical-pair']).toBe(1);
    expect(a.flagCounts['identical-pair']).toBe(0);
    expect(a.flagCounts['negative-pattern']).toBe(2); // one SFT output, one chosen answer
    expect(a.flagCounts['duplicate-prompt']).toBe(1);
    expect(a.flags.find((f) => f.kind === 'duplicate-prompt')!.line).toBe(ds.sft[1].line);
  });

  it('a topic named only by a record joins the list in curriculum order', () => {
    const ds = dataset({ topicIds: [A, 'unit-10'], sft: [sft(A, 'q', 'a'), sft('unit-10', 'q', 'a')], preference: [pair('unit-02', 'p', 'c', 'r')] });
    const a = analyzeDataset(ds, m);
    expect(a.topics.map((t) => [t.id, t.unit, t.depth])).toEqual([
      [A, 'unit-01', 3],
      ['unit-02', 'unit-02', 1],
      ['unit-10', 'unit-10', 1],
    ]);
  });
});

describe('analyzeDataset: recommendations against the targets', () => {
  const dense = 'you see '.repeat(100).trim(); // 799 chars, 200 words, 100 hits → density 50

  it('a topic meeting every target gets none', () => {
    const out = dense;
    const sfts = Array.from({ length: 12 }, (_, i) => sft(A, `q${i}`, out));
    const pairs = Array.from({ length: 20 }, (_, i) => pair(A, `q${i}`, out, 'short'));
    const a = analyzeDataset(dataset({ sft: sfts, preference: pairs }), m);
    expect(a.topics[0].sft.voiceDensity).toBeGreaterThan(20);
    expect(a.topics[0].recommendations).toEqual([]);
  });

  it('thin, short, flat topic gets each recommendation', () => {
    const a = analyzeDataset(dataset({ sft: [sft(A, 'q', 'short answer')], preference: [pair(A, 'q', 'a', 'bbbb')] }), m);
    const r = a.topics[0].recommendations.join('\n');
    expect(r).toMatch(/Add 14 preference pairs \(has 1; target 15-25\)/);
    expect(r).toMatch(/Outputs are short \(mean 12 chars/);
    expect(r).toMatch(/Voice density 0\.0 per 100 words/);
    expect(r).toMatch(/Only 0% of pairs above 1\.5/);
  });

  it('too many pairs and long outputs are named', () => {
    const long = dense + ' ' + textOfLength(1500);
    const a = analyzeDataset(dataset({ sft: [sft(A, 'q', long)], preference: Array.from({ length: 26 }, (_, i) => pair(A, `p${i}`, long, 'x')) }), m);
    const r = a.topics[0].recommendations.join('\n');
    expect(r).toMatch(/26 pairs is above the 15-25 target/);
    expect(r).toMatch(/Outputs are long/);
  });
});

describe('analyzeDataset: scale', () => {
  it('stays linear: 20k pairs sharing few prompts analyse quickly', () => {
    const pairs = Array.from({ length: 20000 }, (_, i) => pair(A, `prompt ${i % 50}`, textOfLength(300) + ' you see', textOfLength(280)));
    const t0 = performance.now();
    const a = analyzeDataset(dataset({ sft: [sft(A, 'q', 'a')], preference: pairs }), m);
    const ms = performance.now() - t0;
    expect(a.flagCounts['duplicate-prompt']).toBe(20000 - 50);
    expect(a.flags.filter((f) => f.kind === 'duplicate-prompt').length).toBe(500); // capped
    expect(ms).toBeLessThan(10000);
  });
});
