// The voice markers are the curriculum's: `mindprint markers suggest` on voice-stripped pairs, a
// folder's own voice_markers.yaml, provisional markers, the no-markers state, and the markers named
// in analyze, config and the reports.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { analyzeDataset } from '../../../src/analysis/analyze.ts';
import { parseMarkers } from '../../../src/analysis/markers.ts';
import { markerSource } from '../../../src/analysis/marker-source.ts';
import { UsageError } from '../../../src/cli/command.ts';
import { command as analyze } from '../../../src/cli/commands/analyze.ts';
import { command as config } from '../../../src/cli/commands/config.ts';
import { command as markers } from '../../../src/cli/commands/markers.ts';
import { withMarkersLine } from '../../../src/cli/markers-input.ts';
import { capture } from './capture.ts';
import { dataset, pair, sft } from './helpers.ts';
import { PLANTED_PHRASES, voiceStrippedPairs, writeCurriculum } from './voice-curriculum.ts';

let dir: string;
let voiced: string; // pairs, no markers file
let own: string; // pairs and its own voice_markers.yaml
let plain: string; // SFT only: no markers, no pairs
let bad: string; // a voice_markers.yaml with a bad field

const norm = (s: string) => s.toLowerCase().replace(/[,:;!?]$/, '');
const OWN_YAML = 'name: Gardener Jo\ndensity_markers: ["the", "look,"]\ncategories:\n  confidence: {expected: 1, patterns: ["\\\\blook\\\\b"]}\n';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mindprint-markers-'));
  const pairs = voiceStrippedPairs(150);
  voiced = writeCurriculum(join(dir, 'voiced'), pairs);
  own = writeCurriculum(join(dir, 'own'), pairs.slice(0, 30), { markersYaml: OWN_YAML });
  bad = writeCurriculum(join(dir, 'bad'), pairs.slice(0, 5), { markersYaml: 'density_markers: [look, 5]\n' });
  plain = join(dir, 'plain');
  mkdirSync(plain);
  const out = 'A bed that drains well will carry tomatoes through a wet summer without much trouble. '.repeat(10);
  const sft = Array.from({ length: 12 }, (_, i) => ({ instruction: `Question ${i}?`, input: '', output: out, source: 'unit-01/chapter-01/topic-01' }));
  writeFileSync(join(plain, 'sft_data.jsonl'), sft.map((r) => JSON.stringify(r)).join('\n'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('mindprint markers suggest', () => {
  it('--json proposes the planted markers at the top, with their counts', async () => {
    const { code, out } = await capture(() => markers.run(['suggest', voiced, '--json']));
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j).toMatchObject({ pairs: 150, differingPairs: 150, markersFile: null });
    const top = j.suggestions.slice(0, 4);
    expect(new Set(top.map((s: { phrase: string }) => norm(s.phrase)))).toEqual(new Set(PLANTED_PHRASES.map(norm)));
    expect(top.map((s: { phrase: string }) => s.phrase)).toContain('Look,');
    for (const s of top) {
      expect(s.support).toBeGreaterThan(100);
      expect(s).toMatchObject({ against: 0, rejectedCount: 0 });
      expect(s.chosenCount).toBeGreaterThanOrEqual(s.support);
    }
  });

  it('prints a ranked table; --top limits it; --out writes a voice_markers.yaml that reads back', async () => {
    const file = join(dir, 'suggested.yaml');
    const { code, out } = await capture(() => markers.run(['suggest', voiced, '--top', '2', '--out', file]));
    expect(code).toBe(0);
    expect(out).toMatch(/Marker suggestions from 150 preference pairs/);
    expect(out).toMatch(/^1\s+"(I've seen|the reality is|Look,|Here's the thing:?)"\s+1\d\d\s+1\d\d of 150\s+0\s+\d+\s+0\s+confidence/m);
    expect(out).not.toMatch(/^3\s/m);
    const written = parseMarkers(readFileSync(file, 'utf8'), file);
    expect(written.densityMarkers).toHaveLength(2);
    expect(PLANTED_PHRASES.map(norm)).toEqual(expect.arrayContaining(written.densityMarkers.map(norm)));
    expect(written.categories.confidence.patterns).toHaveLength(2);
    await expect(markers.run(['suggest', voiced, '--out', file])).rejects.toThrow(/suggested\.yaml: the file exists; use --force/);
    await capture(() => markers.run(['suggest', voiced, '--out', file, '--force']));
    expect(parseMarkers(readFileSync(file, 'utf8')).densityMarkers).toHaveLength(4);
  });

  it("marks the phrases the folder's own markers already count", async () => {
    const { out } = await capture(() => markers.run(['suggest', own]));
    expect(out).toContain(`The folder has its own markers (${join(own, 'voice_markers.yaml')})`);
    expect(out).toMatch(/"Look,".*in use \("look,"\)/);
    expect(out).toMatch(/"I've seen"(?!.*in use)/);
  });

  it('usage errors: no pairs, no folder, no sub-command (exit 2 through the dispatcher)', async () => {
    await expect(markers.run(['suggest', plain])).rejects.toThrow(/no preference pairs/);
    await expect(markers.run(['suggest'])).rejects.toThrow(UsageError);
    await expect(markers.run(['list', voiced])).rejects.toThrow(/expected 'suggest', got 'list'/);
    await expect(markers.run(['suggest', voiced, '--top', '0'])).rejects.toThrow(/--top must be a positive integer/);
    const { main } = await import('../../../src/cli/main.ts');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    expect(await main(['markers', 'suggest', plain])).toBe(2);
    expect(errors.join('\n')).toMatch(/^mindprint markers: .*plain: no preference pairs/);
    const { code, out } = await capture(() => main(['--help']));
    expect(code).toBe(0);
    expect(out).toMatch(/markers\s+Suggest voice markers from the curriculum's own preference pairs/);
  });
});

describe('which markers analyze and config use', () => {
  it("the folder's own voice_markers.yaml when present, named in the JSON, the summary, the report and the rationale", async () => {
    const { out } = await capture(() => analyze.run([own, '--json']));
    const j = JSON.parse(out);
    expect(j.markers).toMatchObject({
      origin: 'folder',
      label: 'curriculum folder voice_markers.yaml',
      name: 'Gardener Jo',
      file: join(own, 'voice_markers.yaml'),
      densityMarkers: 2,
      categories: ['confidence'],
      judged: true,
    });
    // Density with the folder's markers ("the" and "look,"), not the sample teacher's.
    expect(j.topics[0].sft.voiceDensity).toBeGreaterThan(5);
    expect(j.topics[0].sft.categoryScores).toHaveProperty('confidence');
    expect(j.topics[0].sft.categoryScores).not.toHaveProperty('terminology');

    const report = join(dir, 'own-report.md');
    const human = await capture(() => analyze.run([own, '--report', report]));
    expect(human.out.split('\n')[0]).toBe(`Voice markers: Gardener Jo (curriculum folder voice_markers.yaml) — ${join(own, 'voice_markers.yaml')}`);
    expect(readFileSync(report, 'utf8')).toContain('**Voice markers: Gardener Jo (curriculum folder voice_markers.yaml)**');

    const cfg = JSON.parse((await capture(() => config.run([own, '--json']))).out);
    expect(cfg.markers.origin).toBe('folder');
    const reward = cfg.topics[0].rationale.find((r: string) => r.startsWith('Reward:'));
    expect(reward).toContain('(markers: Gardener Jo (curriculum folder voice_markers.yaml))');
  });

  it("--markers FILE takes precedence over the folder's file", async () => {
    const file = join(dir, 'other.yaml');
    writeFileSync(file, 'density_markers: ["tomatoes"]\n');
    const j = JSON.parse((await capture(() => analyze.run([own, '--markers', file, '--json']))).out);
    expect(j.markers).toMatchObject({ origin: 'file', label: `markers file ${file}`, densityMarkers: 1 });
  });

  it('a bad folder file is an error naming the file and the field', async () => {
    await expect(analyze.run([bad])).rejects.toThrow(UsageError);
    await expect(analyze.run([bad])).rejects.toThrow(/bad\/voice_markers\.yaml: density_markers\[1\]: expected a non-empty string, got 5/);
    await expect(config.run([bad])).rejects.toThrow(/voice_markers\.yaml: density_markers\[1\]/);
  });

  it('without a file but with pairs: provisional markers from discovery, named so, not judged', async () => {
    const j = JSON.parse((await capture(() => analyze.run([voiced, '--json']))).out);
    expect(j.markers).toMatchObject({ origin: 'suggested', densityMarkers: 4, judged: false });
    expect(j.markers.label).toMatch(/^suggested from your pairs \(provisional/);
    expect(j.topics[0].sft.voiceDensity).toBeGreaterThan(0);
    for (const t of j.topics) expect(t.recommendations.join(' ')).not.toMatch(/Voice density|pairs above/);
    const human = (await capture(() => analyze.run([voiced]))).out;
    expect(human).toMatch(/^Voice markers: suggested from your pairs \(provisional: 4 phrases, not reviewed\)\n {2}.*Look,/);
    expect(human).toContain(`mindprint markers suggest ${voiced} --out ${voiced}/voice_markers.yaml`);
  });

  it('without markers and without pairs: a plain "no voice markers yet" state, no voice flags', async () => {
    const report = join(dir, 'plain-report.md');
    const j = JSON.parse((await capture(() => analyze.run([plain, '--json', '--report', report]))).out);
    expect(j.markers).toMatchObject({ origin: 'none', label: 'no voice markers yet', densityMarkers: 0, judged: false });
    expect(j.topics[0].recommendations.join(' ')).not.toMatch(/[Vv]oice density/);
    expect(Object.values(j.flags.counts).every((n) => n === 0)).toBe(true);
    const md = readFileSync(report, 'utf8');
    expect(md).toContain('**Voice markers: no voice markers yet**');
    expect(md).toContain('No voice markers yet: write or discover them.');
    const human = (await capture(() => analyze.run([plain]))).out;
    expect(human).toContain(`No voice markers yet: write ${plain}/voice_markers.yaml, or discover them from preference pairs`);
    const cfg = JSON.parse((await capture(() => config.run([plain, '--json']))).out);
    expect(cfg.topics[0].passThreshold).toBe(0.8);
    expect(cfg.topics[0].rationale.find((r: string) => r.startsWith('Pass threshold'))).toMatch(/voice density not judged \(no voice markers yet\)/);
  });

  it("the sample carries its own markers (Peg's), named as the sample's only", async () => {
    expect(existsSync(join(import.meta.dirname, '../../../sample-data/voice_markers.yaml'))).toBe(true);
    const j = JSON.parse((await capture(() => analyze.run(['--json']))).out);
    expect(j.markers).toMatchObject({ origin: 'folder', name: 'sample teacher (Peg) markers — sample only', judged: true });
    expect(j.markers.densityMarkers).toBeGreaterThan(20);
  });
});

describe("figures built on markers are judged only against the user's own", () => {
  it('a provisional marker the rejected side uses more raises no voice flag or recommendation; the same file markers do', () => {
    const out = 'Look, the boat heels and you ease the sheet until she stands up again. '.repeat(12);
    const ds = dataset({
      sft: Array.from({ length: 12 }, (_, i) => sft('u1/c1/t1', `q${i}`, out)),
      preference: Array.from({ length: 16 }, (_, i) =>
        pair('u1/c1/t1', `q${i}`, 'A plain answer without the phrase, long enough to matter here.', 'Look, look, look.'),
      ),
    });
    const m = parseMarkers('density_markers: ["look,"]');
    const provisional = analyzeDataset(ds, m, markerSource('suggested', m));
    const own = analyzeDataset(ds, m, markerSource('folder', m, 'voice_markers.yaml'));
    expect(provisional.markers).toMatchObject({ origin: 'suggested', judged: false });
    expect(own.markers).toMatchObject({ origin: 'folder', judged: true });
    expect(provisional.topics[0].sft.voiceDensity).toBe(own.topics[0].sft.voiceDensity); // measured the same
    expect(provisional.flagCounts['chosen-less-voice']).toBe(0);
    expect(own.flagCounts['chosen-less-voice']).toBe(16);
    expect(provisional.topics[0].recommendations.join(' ')).not.toMatch(/Voice density|pairs above/);
    expect(own.topics[0].recommendations.join(' ')).toMatch(/Voice density .* \(target > 20\)/);
    expect(own.topics[0].recommendations.join(' ')).toMatch(/pairs above 1\.5/);
  });
});

describe('the run report names the markers', () => {
  it('a line under the similarity line', () => {
    const md = '# Mindprint training report\n\n**Pass rate**\n\nModel: tiny\nSemantic similarity scored by: lexical\n\n## Topics';
    const out = withMarkersLine(md, markerSource('folder', parseMarkers('name: Jo\ndensity_markers: [a]'), '/c/voice_markers.yaml'));
    expect(out.split('\n')[6]).toBe('Voice scored with the markers: Jo (curriculum folder voice_markers.yaml)');
    expect(out.split('\n')[5]).toBe('Semantic similarity scored by: lexical');
  });
});
