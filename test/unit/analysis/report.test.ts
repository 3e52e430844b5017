import { describe, expect, it } from 'vitest';
import { analyzeDataset } from '../../../src/analysis/analyze.ts';
import { analysisToJson, configToJson } from '../../../src/analysis/json.ts';
import { adaptTopics } from '../../../src/analysis/adaptive.ts';
import { parseMarkers } from '../../../src/analysis/markers.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../helpers/default-config.ts';
import { renderReport } from '../../../src/analysis/report.ts';
import { dataset, pair, quiz, sft } from './helpers.ts';

const m = parseMarkers('density_markers: ["you see"]\ncategories: {asks: {expected: 1, patterns: ["\\\\?"]}}');
const A = 'unit-01/chapter-01/topic-01';
const B = 'unit-01/chapter-01/topic-02';

const ds = dataset({
  topicIds: [A, B],
  files: [{ path: 'sft.jsonl', kind: 'sft', records: 3, errors: [{ file: 'sft.jsonl', line: 4, message: 'invalid JSON' }], duplicates: [] }],
  sft: [sft(A, 'q1', 'you see it now'), sft(A, 'q2', 'plain text here ok'), sft(B, 'q3', 'short')],
  preference: [
    pair(A, 'q1', 'you see you see', 'no'), // 17.1 high
    pair(A, 'q2', 'abc', 'you see abcdef'), // −9.86 low, chosen less voice
    pair(B, 'q3', 'same text', 'same text'), // 0.63, identical
    pair(null, 'orphan prompt', 'x', 'y'), // 0.35 low
  ],
  evalSets: [quiz(A, ['open', 'true_false'])],
});
const a = analyzeDataset(ds, m);
const md = renderReport(a);

function section(title: string): string {
  const start = md.indexOf(`## ${title}\n`);
  expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
  const next = md.indexOf('\n## ', start + 3);
  return md.slice(start, next === -1 ? undefined : next);
}

describe('renderReport', () => {
  it('has every section', () => {
    for (const s of [
      'SFT by topic',
      'Preference pairs by topic',
      'Overall preference figures',
      'Evaluation sets',
      'Top topics',
      'Recommendations',
      'Flags',
      'Definitions',
    ]) {
      section(s);
    }
  });

  it('SFT table rows carry the figures', () => {
    const rows = section('SFT by topic')
      .split('\n')
      .filter((l) => l.startsWith('| unit-01'));
    // A: outputs 14 and 18 chars → mean 16, median 16, p10 14.4, p90 17.6; density (25 + 0)/2 = 12.5
    expect(rows[0]).toBe(`| ${A} | 2 | 2 | 16 | 16 | 14 | 18 | 14 | 18 | 12.5 | 0.00 |`);
    expect(rows[1]).toBe(`| ${B} | 1 | 2 | 5 | 5 | 5 | 5 | 5 | 5 | 0.0 | 0.00 |`);
  });

  it('preference table rows carry the figures', () => {
    const rows = section('Preference pairs by topic')
      .split('\n')
      .filter((l) => l.startsWith('| unit-01'));
    // A: mean (17.1 − 9.86)/2 = 3.62; ratio 9 / (8 + 1) = 1.00; gap (50 − 33.3)/2 = 8.3
    expect(rows[0]).toBe(`| ${A} | 2 | 3.62 | 1 | 1 | 50.0% | 1.00 | 8.3 | 0 | 2 |`);
    expect(rows[1]).toBe(`| ${B} | 1 | 0.63 | 0 | 0 | 0.0% | 0.90 | 0.0 | 0 | 0 |`);
  });

  it('overall figures with shares and unassigned prompts', () => {
    const s = section('Overall preference figures');
    expect(s).toContain('- Total pairs: 4');
    expect(s).toContain(`- Mean quality: ${((17.1 - 9.86 + 0.63 + 0.35) / 4).toFixed(2)}`);
    expect(s).toContain('- High quality (> 1.5): 1 (25.0%)');
    expect(s).toContain('- Low quality (< 0.5): 2 (50.0%)');
    expect(s).toMatch(/Unassigned pairs .*: 1\n {2}- orphan prompt/);
  });

  it('top topics, recommendations and flags', () => {
    expect(section('Top topics')).toMatch(
      /\*\*By mean pair quality\*\*\n\n1\. `unit-01\/chapter-01\/topic-01`: 3\.62 over 2 pairs\n2\. `unit-01\/chapter-01\/topic-02`: 0\.63/,
    );
    const recs = section('Recommendations');
    expect(recs).toContain(`- \`${A}\`\n  - Add 13 preference pairs (has 2; target 15-25).`);
    expect(recs).toContain('0 of 2 topics meet every target.');
    const flags = section('Flags');
    expect(flags).toContain('| Identical pairs (chosen = rejected) | 1 |');
    expect(flags).toContain('| Chosen with less voice than rejected | 1 |');
    expect(flags).toMatch(/pref\.jsonl:\d+ \(unit-01\/chapter-01\/topic-01\): chosen has less voice than rejected \(density 0\.0 < 33\.3\)/);
  });

  it('definitions state the formulas', () => {
    const d = section('Definitions');
    expect(d).toContain('per 100 whitespace-separated words');
    expect(d).toContain('0.7 × min(len(chosen) / (len(rejected) + 1), 3) + 0.3 × (density(chosen) − density(rejected))');
    expect(d).toContain('Dice coefficient over word bigrams ≥ 0.95');
  });
});

describe('JSON shapes', () => {
  it('analysisToJson has the CLI contract fields', () => {
    const j = analysisToJson(ds, a);
    expect(j.files).toEqual([{ path: 'sft.jsonl', kind: 'sft', records: 3, errors: [{ line: 4, message: 'invalid JSON' }], duplicates: 0 }]);
    expect(j.topics[0]).toMatchObject({
      id: A,
      unit: 'unit-01',
      chapter: 'unit-01/chapter-01',
      topic: A,
      sft: { examples: 2, meanOutputChars: 16, voiceDensity: 12.5 },
      preference: { pairs: 2, meanQuality: 3.62, highQualityShare: 0.5 },
      distinctions: 0,
    });
    expect(j.preference).toMatchObject({ pairs: 4, meanQuality: 2.055, highQuality: 1, lowQuality: 2, unassigned: 1 });
    expect(j.evalSets).toEqual({
      topic: { sets: 1, questions: 2 },
      chapter: { sets: 0, questions: 0 },
      unit: { sets: 0, questions: 0 },
      final: { sets: 0, questions: 0 },
    });
  });

  it('configToJson has the CLI contract fields', () => {
    const j = configToJson(adaptTopics(a, DEFAULT_PIPELINE_CONFIG));
    expect(j.topics[0]).toMatchObject({
      id: A,
      trainable: false,
      sftEpochs: 5,
      batchSize: 2,
      lrMultiplier: 0.5,
      learningRate: 5e-5,
      rewardEpochs: 3,
      ppoSteps: 150,
      passThreshold: 0.75,
    });
    expect(j.topics[0].rationale.length).toBe(5);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});
