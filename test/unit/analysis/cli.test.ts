import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { command as analyze } from '../../../src/cli/commands/analyze.ts';
import { command as config } from '../../../src/cli/commands/config.ts';
import { UsageError } from '../../../src/cli/command.ts';
import { capture } from './capture.ts';

let dir: string;
const T1 = 'unit-01/chapter-01/topic-01';
const T2 = 'unit-02';
const long = 'right then, mark me, the wind will tell you. '.repeat(20).trim(); // 899 chars

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mindprint-cli-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const sft = [
    ...Array.from({ length: 12 }, (_, i) => ({ instruction: `Question ${i}?`, input: '', output: long, source: T1 })),
    { instruction: 'Only one', input: '', output: 'tiny', source: T2 },
  ];
  const lines = sft.map((r) => JSON.stringify(r));
  lines.splice(3, 0, '{not json');
  writeFileSync(join(data, 'sft_data.jsonl'), lines.join('\n') + '\n');
  const prefs = Array.from({ length: 16 }, (_, i) => ({ prompt: `Question ${i % 12}?`, chosen: long, rejected: `The wind matters ${i}.` }));
  prefs.push({ prompt: 'Nobody asked this', chosen: 'a', rejected: 'b' });
  writeFileSync(join(data, 'preference_data.jsonl'), prefs.map((p) => JSON.stringify(p)).join('\n'));
  writeFileSync(
    join(data, 'quiz_data.json'),
    JSON.stringify([
      {
        level: 'topic',
        unit: 'unit-01',
        chapter: 'chapter-01',
        topic: 'topic-01',
        title: 'Quiz',
        questions: [{ question: 'Why?', reference_answer: 'Because.', type: 'open', key_concepts: ['x'] }],
      },
    ]),
  );
  writeFileSync(join(dir, 'markers.yaml'), 'density_markers: ["right then", "mark me", "wind"]\n');
  writeFileSync(join(dir, 'bad-markers.yaml'), 'density_markers: 5\n');
  writeFileSync(join(dir, 'cfg.yaml'), `sft: {epochs: 4}\ntopics:\n  ${T1}:\n    pass_threshold: 0.7\n`);
  writeFileSync(join(dir, 'bad-cfg.yaml'), 'lora: {r: -1}\n');
  writeFileSync(join(dir, 'empty.jsonl'), '');
  writeFileSync(join(dir, 'garbage.jsonl'), 'not json\n[1]\n');
  mkdirSync(join(dir, 'nothing'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('mindprint analyze', () => {
  it('--json prints the contract shape, exit 0 despite a bad line', async () => {
    const { code, out } = await capture(() => analyze.run([join(dir, 'data'), '--markers', join(dir, 'markers.yaml'), '--json']));
    expect(code).toBe(0);
    const j = JSON.parse(out);
    const sftFile = j.files.find((f: { path: string }) => f.path.endsWith('sft_data.jsonl'));
    expect(sftFile).toMatchObject({ kind: 'sft', records: 13 });
    expect(sftFile.errors).toHaveLength(1);
    expect(sftFile.errors[0].line).toBe(4);
    expect(j.topics.map((t: { id: string }) => t.id)).toEqual([T1, T2]);
    const t1 = j.topics[0];
    expect(t1).toMatchObject({ unit: 'unit-01', chapter: 'unit-01/chapter-01', topic: T1, distinctions: 0 });
    expect(t1.sft).toMatchObject({ examples: 12, meanOutputChars: long.length });
    // 9 words per sentence × 20 = 180 words; 3 markers per sentence → 60 hits → 33.33 per 100 words
    expect(t1.sft.voiceDensity).toBeCloseTo(100 / 3, 3);
    expect(t1.preference.pairs).toBe(16);
    expect(t1.preference.highQualityShare).toBe(1);
    expect(j.preference).toMatchObject({ pairs: 17, highQuality: 16, unassigned: 1 });
    expect(j.evalSets.topic).toEqual({ sets: 1, questions: 1 });
  });

  it('human summary and --report FILE', async () => {
    const report = join(dir, 'report.md');
    const { code, out } = await capture(() => analyze.run([join(dir, 'data'), '--markers', join(dir, 'markers.yaml'), '--report', report]));
    expect(code).toBe(0);
    expect(out).toMatch(/sft_data\.jsonl\s+sft\s+13 of 14\s+1\s+0\s+0/); // records read of present, errors, warnings, duplicates
    expect(out).toContain('sft_data.jsonl: 1 line not read');
    expect(out).toContain(':4: invalid JSON');
    expect(out).toMatch(new RegExp(`${T1}\\s+12\\s+${long.length}\\s+33\\.3\\s+16`));
    expect(out).toContain('Preference: 17 pairs');
    expect(out).toContain('unassigned 1');
    const md = readFileSync(report, 'utf8');
    expect(md).toContain('## SFT by topic');
    expect(md).toContain('- Total pairs: 17');
  });

  it('nothing readable → UsageError (exit 2 in main)', async () => {
    await expect(analyze.run([join(dir, 'missing.jsonl')])).rejects.toThrow(UsageError);
    await expect(analyze.run([join(dir, 'missing.jsonl')])).rejects.toThrow(/missing\.jsonl: not found/);
    await expect(analyze.run([join(dir, 'nothing')])).rejects.toThrow(UsageError);
    await expect(analyze.run([join(dir, 'empty.jsonl'), '--markers', join(dir, 'markers.yaml')])).rejects.toThrow(/nothing readable.*\n.*empty\.jsonl: empty$/);
    await expect(analyze.run([join(dir, 'garbage.jsonl'), '--markers', join(dir, 'markers.yaml')])).rejects.toThrow(
      /garbage\.jsonl:1: invalid JSON.*\n.*garbage\.jsonl:2: not a JSON object/,
    );
  });

  it('bad markers file → UsageError naming the field', async () => {
    await expect(analyze.run([join(dir, 'data'), '--markers', join(dir, 'bad-markers.yaml')])).rejects.toThrow(
      /bad-markers\.yaml: density_markers: expected a list/,
    );
  });

  it('unknown option → UsageError', async () => {
    await expect(analyze.run(['--frobnicate'])).rejects.toThrow(UsageError);
  });
});

describe('mindprint config', () => {
  it('--json with the adaptive values and rationale', async () => {
    const { code, out } = await capture(() => config.run([join(dir, 'data'), '--markers', join(dir, 'markers.yaml'), '--json']));
    expect(code).toBe(0);
    const j = JSON.parse(out);
    const [t1, t2] = j.topics;
    expect(t1).toMatchObject({
      id: T1,
      trainable: true,
      sftEpochs: 3,
      batchSize: 4,
      lrMultiplier: 1,
      learningRate: 1e-4,
      rewardEpochs: 3,
      ppoSteps: 100,
      passThreshold: 0.85,
    });
    expect(t2).toMatchObject({ id: T2, trainable: false, sftEpochs: 5, batchSize: 2, lrMultiplier: 0.5, ppoSteps: 150, passThreshold: 0.75 });
    expect(t2.untrainableReason).toContain('only 1 SFT example');
    for (const t of j.topics) expect(t.rationale.every((r: unknown) => typeof r === 'string')).toBe(true);
  });

  it('--config overrides base values and per-topic values', async () => {
    const { out } = await capture(() => config.run([join(dir, 'data'), '--markers', join(dir, 'markers.yaml'), '--config', join(dir, 'cfg.yaml'), '--json']));
    const [t1, t2] = JSON.parse(out).topics;
    expect(t1.sftEpochs).toBe(4);
    expect(t1.passThreshold).toBe(0.7);
    expect(t1.overridden).toEqual(['passThreshold']);
    expect(t2.sftEpochs).toBe(6);
  });

  it('human table', async () => {
    const { out } = await capture(() => config.run([join(dir, 'data'), '--markers', join(dir, 'markers.yaml')]));
    expect(out).toMatch(new RegExp(`${T1}\\s+yes\\s+3\\s+4\\s+1e-4`));
    expect(out).toMatch(/unit-02\s+no\s+5\s+2\s+5e-5/);
    expect(out).toContain('1 of 2 topics trainable');
    expect(out).toContain('Rationale:');
  });

  it('bad config → UsageError naming the field', async () => {
    await expect(config.run([join(dir, 'data'), '--config', join(dir, 'bad-cfg.yaml')])).rejects.toThrow(
      /bad-cfg\.yaml: lora\.r: expected an integer ≥ 1, got -1/,
    );
  });
});

describe('through the dispatcher', () => {
  it('exit 2 with a clear message when nothing readable, usage on --help', async () => {
    const { main } = await import('../../../src/cli/main.ts');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    expect(await main(['analyze', join(dir, 'missing.jsonl')])).toBe(2);
    expect(errors.join('\n')).toMatch(/^mindprint analyze: no readable curriculum file.*\n.*missing\.jsonl: not found/);
    const { code, out } = await capture(() => main(['config', '--help']));
    expect(code).toBe(0);
    expect(out).toContain('Usage: mindprint config');
  });
});

describe('with no paths: the bundled sample data and default markers', () => {
  it('analyze --json reads every kind of file and every evaluation level', async () => {
    const { code, out } = await capture(() => analyze.run(['--json']));
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(new Set(j.files.map((f: { kind: string }) => f.kind))).toEqual(new Set(['sft', 'preference', 'distinctions', 'eval']));
    expect(j.topics.length).toBeGreaterThanOrEqual(8);
    expect(j.preference.pairs).toBeGreaterThanOrEqual(100);
    for (const level of ['topic', 'chapter', 'unit', 'final']) expect(j.evalSets[level].questions).toBeGreaterThan(0);
    // The teacher's markers are in use: some topic has real voice density.
    expect(Math.max(...j.topics.map((t: { sft: { voiceDensity: number } }) => t.sft.voiceDensity))).toBeGreaterThan(10);
  });

  it('config --json gives every topic a config with rationale', async () => {
    const { code, out } = await capture(() => config.run(['--json']));
    expect(code).toBe(0);
    const topics = JSON.parse(out).topics;
    expect(topics.length).toBeGreaterThanOrEqual(8);
    for (const t of topics) {
      expect(t.rationale.length).toBeGreaterThanOrEqual(5);
      expect([0.75, 0.8, 0.85]).toContain(t.passThreshold);
    }
  });
});
