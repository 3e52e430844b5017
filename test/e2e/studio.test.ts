// End to end in Debian's Chromium: load the sample curriculum (its own voice markers named on the
// dashboard), check the file list, dashboard and config table against the same core run in Node,
// edit a marker, override a value, download the report, reload (IndexedDB restore), clear, drop files
// with bad lines (provisional markers from their pairs; accept, edit and reject suggestions), change a
// file's kind, the plain no-markers state of a curriculum without pairs, and the files users really
// have (a null correct_option, null fields, an empty and a binary file).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DatasetBuilder } from '../../src/data/builder.ts';
import { chunksOf } from '../../src/data/line-reader.ts';
import type { Dataset, FileKind, ParsedFile } from '../../src/data/types.ts';
import { recordsText } from '../../src/data/problems.ts';
import { analyzeDataset } from '../../src/analysis/analyze.ts';
import { parseMarkers } from '../../src/analysis/markers.ts';
import { acceptSuggestion, coveringMarker, markerSource, provisionalMarkers } from '../../src/analysis/marker-source.ts';
import { discoverMarkers, phrasePattern } from '../../src/analysis/marker-discovery.ts';
import { adaptTopics } from '../../src/analysis/adaptive.ts';
import { parsePipelineConfig } from '../../src/config/pipeline-config.ts';
import { renderReport } from '../../src/analysis/report.ts';
import { ROOT, collectPageErrors, shot, startStudio, type Studio } from './harness.ts';

const SAMPLE_DIR = join(ROOT, 'sample-data');
/** Curriculum files as users have them (see its README). */
const USERS_FILES_DIR = join(ROOT, 'test/fixtures/data/as-users-have-them');
/** Set E2E_SAMPLE_DIR to drive the studio with another curriculum folder (the picker/drop steps). */
const SAMPLE_DIR_FOR_UPLOAD = process.env.E2E_SAMPLE_DIR ?? SAMPLE_DIR;
const sampleNames = readdirSync(SAMPLE_DIR_FOR_UPLOAD)
  .filter((f) => /\.jsonl?$/.test(f))
  .sort();
/** What the picker uploads: the data files and the curriculum's own voice_markers.yaml. */
const uploadNames = [...sampleNames, ...readdirSync(SAMPLE_DIR_FOR_UPLOAD).filter((f) => f === 'voice_markers.yaml')];
/** The sample's own markers (Peg's), used because the folder carries them. */
const DEFAULT_MARKERS = readFileSync(join(SAMPLE_DIR_FOR_UPLOAD, 'voice_markers.yaml'), 'utf8');
const PIPELINE = parsePipelineConfig(readFileSync(join(ROOT, 'configs/training_pipeline.yaml'), 'utf8'));
/** The marker edit: count "the" as a voice marker too, which raises every topic's density. */
const EDITED_MARKERS = DEFAULT_MARKERS.replace(/^density_markers:\n/m, 'density_markers:\n  - the\n');

/** A JSONL file with one good record and several kinds of bad line. */
const BAD_FILE = {
  name: 'extra_sft.jsonl',
  text: [
    JSON.stringify({ instruction: 'Why reef early?', input: '', output: 'Because you feel the gust before you see it.', source: 'unit-01' }),
    '{"instruction": "broken',
    '[1, 2, 3]',
    JSON.stringify({ instruction: 'No answer here', source: 'unit-01' }),
    JSON.stringify({ instruction: 'Why reef early?', input: '', output: 'Because you feel the gust before you see it.', source: 'unit-01' }),
  ].join('\n'),
};

/** The same core the worker runs, in Node, over the same bytes: the expected figures. */
async function buildInNode(files: { name: string; bytes: Uint8Array; kind?: FileKind }[]): Promise<Dataset> {
  const b = new DatasetBuilder();
  for (const f of files) {
    if (f.name.endsWith('.json')) b.addJson(f.name, new TextDecoder().decode(f.bytes), f.kind);
    else await b.addJsonl(f.name, chunksOf(f.bytes), f.kind);
  }
  return b.build();
}

const sampleFiles = () => sampleNames.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(SAMPLE_DIR_FOR_UPLOAD, name))) }));
const fmt1 = (x: number) => x.toFixed(1);
/** The records column as the studio writes it: "1,253" or "1 of 5". */
const recordsShown = (f: ParsedFile) => recordsText(f, (n) => n.toLocaleString('en-US'));

async function openTab(page: Page, name: RegExp) {
  await page.getByRole('tab', { name }).click();
}

async function densityShown(page: Page, topic: string): Promise<string> {
  return (await page.locator(`[data-testid=topic-row][data-topic="${topic}"] [data-testid=topic-density]`).textContent())!.trim();
}

describe('studio in Chromium', () => {
  let studio: Studio;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    expect(sampleNames.length, `${SAMPLE_DIR_FOR_UPLOAD} has curriculum files`).toBeGreaterThan(0);
    studio = await startStudio();
    const context = await studio.browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await studio?.close();
  });

  it('loads the sample curriculum through the file picker and shows the real counts', async () => {
    await page.goto(studio.url);
    await expect(page.getByRole('heading', { name: 'Mindprint Studio' }).isVisible()).resolves.toBe(true);
    await page.getByTestId('dropzone').waitFor();
    await shot(page, '01-empty');

    await page.setInputFiles(
      '[data-testid=file-input]',
      uploadNames.map((n) => join(SAMPLE_DIR_FOR_UPLOAD, n)),
    );
    await page.getByTestId('storage-status').filter({ hasText: 'Saved in this browser' }).waitFor({ timeout: 60_000 });
    const ds = await buildInNode(sampleFiles());
    const rows = page.getByTestId('file-row');
    await expect(rows.count()).resolves.toBe(ds.files.length);
    for (const f of ds.files) {
      const row = page.locator(`[data-testid=file-row][data-file="${f.path}"]`);
      await expect(row.getByTestId('file-records').textContent()).resolves.toBe(recordsShown(f));
      await expect(row.locator('select').inputValue()).resolves.toBe(f.kind);
    }
    await shot(page, '02-files');
  });

  it('shows the dashboard and the config table with the figures the core computes', async () => {
    const ds = await buildInNode(sampleFiles());
    const own = parseMarkers(DEFAULT_MARKERS);
    const analysis = analyzeDataset(ds, own, markerSource('folder', own, 'voice_markers.yaml'));
    const configs = adaptTopics(analysis, PIPELINE, {});

    await openTab(page, /Dashboard/);
    // The markers in use are named: the folder's own file, Peg's, for the sample only.
    const sampleName = parseMarkers(DEFAULT_MARKERS).name!;
    await expect(page.getByTestId('markers-banner').getAttribute('data-origin')).resolves.toBe('folder');
    await expect(page.getByTestId('markers-name').textContent()).resolves.toBe(sampleName);
    await expect(page.getByTestId('markers-banner').textContent()).resolves.toContain('curriculum folder voice_markers.yaml');
    await expect(page.getByTestId('topic-row').count()).resolves.toBe(analysis.topics.length);
    for (const t of analysis.topics.filter((x) => x.sft.examples > 0)) {
      await expect(densityShown(page, t.id)).resolves.toBe(fmt1(t.sft.voiceDensity));
    }
    const tree = page.getByTestId('curriculum-tree');
    for (const unit of new Set(ds.topics.map((t) => t.unit))) await expect(tree.getByText(unit, { exact: true }).count()).resolves.toBeGreaterThan(0);
    // Focus the topic with the most pairs: its histogram shows.
    const busiest = [...analysis.topics].sort((a, b) => b.preference.pairs - a.preference.pairs)[0]!;
    await page.locator(`[data-testid=topic-row][data-topic="${busiest.id}"]`).click();
    await page.getByTestId('quality-chart').locator('.recharts-bar-rectangle').first().waitFor();
    await shot(page, '03-dashboard');

    await openTab(page, /Training config/);
    await expect(page.getByTestId('config-row').count()).resolves.toBe(configs.length);
    for (const c of configs) {
      const row = page.locator(`[data-testid=config-row][data-topic="${c.id}"]`);
      await expect(row.getByTestId('cfg-sftEpochs').inputValue()).resolves.toBe(String(c.sftEpochs));
      await expect(row.getByTestId('cfg-batchSize').inputValue()).resolves.toBe(String(c.batchSize));
      await expect(row.getByTestId('cfg-ppoSteps').inputValue()).resolves.toBe(String(c.ppoSteps));
      await expect(row.getByTestId('cfg-passThreshold').inputValue()).resolves.toBe(String(c.passThreshold));
    }
    expect(new Set(configs.map((c) => c.sftEpochs)).size, 'the sample has thin and normal topics').toBeGreaterThan(1);
    // The rationale of the rules that read marker figures names the markers.
    const rewardLine = configs[0]!.rationale.find((r) => r.startsWith('Reward:'))!;
    expect(rewardLine).toContain(`(markers: ${sampleName} (curriculum folder voice_markers.yaml))`);
    await expect(page.getByText(rewardLine).count()).resolves.toBeGreaterThan(0);

    // Override one topic's SFT epochs: the cell keeps the value, is marked, and the rationale says so.
    const first = configs[0]!;
    const cell = page.locator(`[data-testid=config-row][data-topic="${first.id}"]`).getByTestId('cfg-sftEpochs');
    await cell.fill('9');
    await cell.press('Enter');
    await page.getByText('Override (user): sftEpochs = 9.').waitFor();
    await expect(cell.inputValue()).resolves.toBe('9');
    await expect(page.locator(`[data-testid=config-row][data-topic="${first.id}"] td.overridden`).count()).resolves.toBe(1);
    // A bad value is refused in place and not sent.
    const batch = page.locator(`[data-testid=config-row][data-topic="${first.id}"]`).getByTestId('cfg-batchSize');
    await batch.fill('0');
    await batch.press('Enter');
    await expect(page.locator(`[data-testid=config-row][data-topic="${first.id}"] td.invalid`).getAttribute('title')).resolves.toMatch(
      /expected a whole number ≥ 1, got 0/,
    );
    await batch.press('Escape');
    await shot(page, '04-config', false);
  });

  it('re-analyses live when a marker is edited, and keeps the last good markers on a bad edit', async () => {
    const ds = await buildInNode(sampleFiles());
    const before = analyzeDataset(ds, parseMarkers(DEFAULT_MARKERS));
    const after = analyzeDataset(ds, parseMarkers(EDITED_MARKERS));
    const topic = after.topics.find((t) => t.sft.examples > 0)!;
    const was = before.topics.find((t) => t.id === topic.id)!.sft.voiceDensity;
    expect(fmt1(topic.sft.voiceDensity)).not.toBe(fmt1(was));

    await openTab(page, /Voice markers/);
    const editor = page.getByTestId('markers-yaml');
    await expect(editor.inputValue()).resolves.toBe(DEFAULT_MARKERS);
    const cell = page.locator(`[data-testid=density-list] tr[data-topic="${topic.id}"] [data-testid=marker-density]`);
    await expect(cell.textContent()).resolves.toBe(fmt1(was));

    await editor.fill(EDITED_MARKERS);
    await page.waitForFunction(
      ([sel, want]) => document.querySelector(sel!)?.textContent === want,
      [`[data-testid=density-list] tr[data-topic="${topic.id}"] [data-testid=marker-density]`, fmt1(topic.sft.voiceDensity)],
      { timeout: 30_000 },
    );
    const change = page.locator(`[data-testid=density-list] tr[data-topic="${topic.id}"] [data-testid=marker-density-change]`);
    await expect(change.textContent()).resolves.toBe(`+${fmt1(topic.sft.voiceDensity - was)}`);
    await editor.evaluate((el) => (el.scrollTop = 0));
    await shot(page, '05-markers');

    await editor.fill('density_markers: [unclosed');
    await page.getByTestId('markers-error').waitFor();
    await expect(page.getByTestId('markers-error').textContent()).resolves.toMatch(/not valid YAML/);
    await expect(cell.textContent()).resolves.toBe(fmt1(topic.sft.voiceDensity));
    await shot(page, '06-markers-error');
    await editor.fill(EDITED_MARKERS);
    await page.getByTestId('markers-status').filter({ hasText: 'Up to date' }).waitFor();

    await openTab(page, /Dashboard/);
    await expect(densityShown(page, topic.id)).resolves.toBe(fmt1(topic.sft.voiceDensity));
  });

  it('downloads the report the core renders for the edited markers', async () => {
    const ds = await buildInNode(sampleFiles());
    const edited = parseMarkers(EDITED_MARKERS);
    const expected = renderReport(analyzeDataset(ds, edited, markerSource('edited', edited)));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report').click()]);
    expect(download.suggestedFilename()).toBe('mindprint-report.md');
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toBe(expected);
    expect(text).toContain(ds.topics[0]!.id);
    expect(text).toContain(`**Voice markers: ${edited.name} (edited in the studio)**`);
  });

  it('restores files, markers and overrides from IndexedDB after a reload', async () => {
    const ds = await buildInNode(sampleFiles());
    const after = analyzeDataset(ds, parseMarkers(EDITED_MARKERS));
    await page.reload();
    await page
      .getByTestId('storage-status')
      .filter({ hasText: `Restored ${ds.files.length} files` })
      .waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('topic-row').count()).resolves.toBe(after.topics.length);
    const topic = after.topics.find((t) => t.sft.examples > 0)!;
    await expect(densityShown(page, topic.id)).resolves.toBe(fmt1(topic.sft.voiceDensity));
    await shot(page, '07-restored');
    await openTab(page, /Files/);
    await expect(page.getByTestId('file-row').count()).resolves.toBe(ds.files.length);
    await openTab(page, /Voice markers/);
    await expect(page.getByTestId('markers-yaml').inputValue()).resolves.toBe(EDITED_MARKERS);
    await openTab(page, /Training config/);
    const first = adaptTopics(after, PIPELINE, {})[0]!;
    await expect(page.locator(`[data-testid=config-row][data-topic="${first.id}"]`).getByTestId('cfg-sftEpochs').inputValue()).resolves.toBe('9');
  });

  it('clears everything; a dropped folder with a bad file lists its line errors; a kind change re-parses', async () => {
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByText('Drop curriculum files or a whole folder here').waitFor();
    await expect(page.getByTestId('file-row').count()).resolves.toBe(0);
    await page.reload();
    await page.getByTestId('dropzone').waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid=busy]'));
    await expect(page.getByTestId('file-row').count()).resolves.toBe(0);
    // No curriculum, no markers: not the sample teacher's.
    await openTab(page, /Voice markers/);
    await expect(page.getByTestId('markers-yaml').inputValue()).resolves.toBe(provisionalMarkers(null).yaml);
    await openTab(page, /Files/);

    // A synthetic drop with a DataTransfer holding the sample files and a file with bad lines.
    const dropped = [...sampleFiles().map((f) => ({ name: f.name, text: new TextDecoder().decode(f.bytes) })), BAD_FILE];
    await page.getByTestId('dropzone').evaluate((zone, files) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([f.text], f.name));
      for (const type of ['dragenter', 'dragover', 'drop']) {
        zone.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    }, dropped);
    await page.getByTestId('storage-status').filter({ hasText: 'Saved in this browser' }).waitFor({ timeout: 60_000 });
    await expect(page.getByTestId('file-row').count()).resolves.toBe(dropped.length);

    const ds = await buildInNode([...sampleFiles(), { name: BAD_FILE.name, bytes: new TextEncoder().encode(BAD_FILE.text) }]);
    const bad = ds.files.find((f) => f.path === BAD_FILE.name)!;
    expect(bad.errors.length).toBeGreaterThanOrEqual(3);
    const row = page.locator(`[data-testid=file-row][data-file="${BAD_FILE.name}"]`);
    await expect(row.getByTestId('file-records').textContent()).resolves.toBe(recordsShown(bad));
    expect(recordsShown(bad)).toBe('1 of 5'); // 3 lines not read, 1 duplicate
    await row.getByTestId('file-errors-toggle').click();
    const list = page.getByTestId('file-errors');
    for (const e of bad.errors) await expect(list.getByText(`${e.file}:${e.line}`, { exact: true }).count()).resolves.toBe(1);
    for (const e of bad.errors) await expect(list.textContent()).resolves.toContain(e.message);
    for (const d of bad.duplicates) await expect(list.textContent()).resolves.toContain(`${d.file}:${d.line}`);
    await shot(page, '08-line-errors');

    // The user says the file holds preference pairs: it is read again as such.
    const asPairs = await buildInNode([...sampleFiles(), { name: BAD_FILE.name, bytes: new TextEncoder().encode(BAD_FILE.text), kind: 'preference' }]);
    const badAsPairs = asPairs.files.find((f) => f.path === BAD_FILE.name)!;
    await row.locator('select').selectOption('preference');
    await page.waitForFunction(
      ([sel, want]) => document.querySelector(sel!)?.textContent === want,
      [`[data-testid=file-row][data-file="${BAD_FILE.name}"] [data-testid=file-records]`, recordsShown(badAsPairs)],
    );
    await expect(row.locator('select').inputValue()).resolves.toBe('preference');
    await expect(row.getByTestId('file-errors-toggle').textContent()).resolves.toMatch(new RegExp(`^${badAsPairs.errors.length} errors?`));
    expect(pageErrors).toEqual([]);
  });

  it('without its own markers, a curriculum gets provisional ones from its pairs; suggestions are accepted, edited, rejected', async () => {
    const ds = await buildInNode([...sampleFiles(), { name: BAD_FILE.name, bytes: new TextEncoder().encode(BAD_FILE.text), kind: 'preference' }]);
    const d = discoverMarkers(ds.preference);
    const provisional = provisionalMarkers(d);
    expect(provisional.source.origin).toBe('suggested');

    await openTab(page, /Dashboard/);
    await expect(page.getByTestId('markers-banner').getAttribute('data-origin')).resolves.toBe('suggested');
    await expect(page.getByTestId('markers-banner').textContent()).resolves.toContain('provisional, suggested from your pairs');
    // Provisional markers are not held against the targets: no density cell is red or green.
    await expect(page.locator('[data-testid=topic-density].bad, [data-testid=topic-density].good').count()).resolves.toBe(0);
    await shot(page, '08b-dashboard-provisional', false);

    await page.getByTestId('markers-banner-open').click();
    const editor = page.getByTestId('markers-yaml');
    await expect(editor.inputValue()).resolves.toBe(provisional.yaml);
    await expect(page.getByTestId('suggestion').count()).resolves.toBe(d.suggestions.length);
    const open = d.suggestions.filter((s) => coveringMarker(provisional.markers, s.phrase) === null);
    expect(open.length).toBeGreaterThanOrEqual(3);
    const row = (phrase: string) => page.locator(`[data-testid=suggestion][data-phrase="${phrase}"]`);
    for (const s of d.suggestions.slice(0, 3)) await expect(row(s.phrase).locator('.tag').count()).resolves.toBe(1); // in use

    // Accept one as a psychology pattern too: the YAML gains it and the markers become the user's.
    const [a, b, c] = open;
    let yaml = acceptSuggestion(provisional.yaml, { phrase: a!.phrase, category: 'psychology', pattern: phrasePattern(a!.phrase) });
    await row(a!.phrase).getByTestId('suggestion-category').selectOption('psychology');
    await row(a!.phrase).getByTestId('suggestion-accept').click();
    await page.waitForFunction((want) => (document.querySelector('[data-testid=markers-yaml]') as HTMLTextAreaElement).value === want, yaml);
    await expect(page.getByTestId('markers-banner').getAttribute('data-origin')).resolves.toBe('edited');
    await expect(row(a!.phrase).locator('.tag').textContent()).resolves.toBe('in use');
    // Edit one before accepting it.
    const editedPhrase = `${b!.phrase.replace(/[,:;!?]$/, '')} now`;
    yaml = acceptSuggestion(yaml, { phrase: editedPhrase, category: null, pattern: phrasePattern(editedPhrase) });
    await row(b!.phrase).getByTestId('suggestion-phrase').fill(editedPhrase);
    await row(b!.phrase).getByTestId('suggestion-accept').click();
    await page.waitForFunction((want) => (document.querySelector('[data-testid=markers-yaml]') as HTMLTextAreaElement).value === want, yaml);
    expect(parseMarkers(yaml).densityMarkers).toContain(editedPhrase);
    await expect(row(b!.phrase).locator('.tag').textContent()).resolves.toBe(`accepted as “${editedPhrase}”`);
    expect(yaml).toMatch(/^# Voice markers reviewed from the suggestions/);
    // Reject one: it leaves the list.
    await row(c!.phrase).getByTestId('suggestion-reject').click();
    await expect(row(c!.phrase).count()).resolves.toBe(0);
    await expect(page.getByTestId('suggestion').count()).resolves.toBe(d.suggestions.length - 1);
    await page.getByTestId('suggestions').getByText('1 rejected').waitFor();
    await editor.evaluate((el) => (el.scrollTop = 0));
    await shot(page, '08c-markers-suggestions');

    // The report names the edited markers; Reset goes back to the provisional ones.
    const edited = parseMarkers(yaml);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report').click()]);
    const report = readFileSync((await download.path())!, 'utf8');
    expect(report).toBe(renderReport(analyzeDataset(ds, edited, markerSource('edited', edited))));
    expect(report).toContain('**Voice markers: edited in the studio**');
    await page.getByTestId('markers-reset').click();
    await page.waitForFunction((want) => (document.querySelector('[data-testid=markers-yaml]') as HTMLTextAreaElement).value === want, provisional.yaml);
    // The editor resets at once; the banner follows when the worker's analysis of the reset markers is back.
    await page.locator('[data-testid=markers-banner][data-origin=suggested]').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('a curriculum without markers and without pairs: a plain "no voice markers yet" state, no voice flags', async () => {
    const context = await studio.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const p = await context.newPage();
    const errors = collectPageErrors(p);
    await p.goto(studio.url);
    await p.getByTestId('dropzone').waitFor();
    await p.setInputFiles('[data-testid=file-input]', join(SAMPLE_DIR_FOR_UPLOAD, 'sft_data.jsonl'));
    await p.getByTestId('storage-status').filter({ hasText: 'Saved in this browser' }).waitFor({ timeout: 60_000 });
    await openTab(p, /Dashboard/);
    const banner = p.getByTestId('markers-banner');
    await expect(banner.getAttribute('data-origin')).resolves.toBe('none');
    await expect(banner.textContent()).resolves.toContain('No voice markers yet: write or discover them.');
    await expect(p.locator('[data-testid=topic-density].bad, [data-testid=topic-density].good').count()).resolves.toBe(0);
    await expect(p.getByTestId('topic-density').first().textContent()).resolves.toBe('—');
    await p.getByTestId('topic-row').first().click();
    await expect(p.locator('.recs').textContent()).resolves.not.toMatch(/[Vv]oice density/);
    await shot(p, '12-no-markers', false);
    await p.getByTestId('markers-banner-open').click();
    await expect(p.getByTestId('suggestions-empty').textContent()).resolves.toMatch(/No preference pairs/);
    await expect(p.getByTestId('markers-yaml').inputValue()).resolves.toBe(provisionalMarkers(null).yaml);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('files as users have them: a letter taken from the answer, JSON entries named once, an empty and a binary file', async () => {
    const context = await studio.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const p = await context.newPage();
    const errors = collectPageErrors(p);
    await p.goto(studio.url);
    await p.getByTestId('dropzone').waitFor();
    // A quiz with a null correct_option and a null answer, an SFT file with a cut-off line, an empty file, a PNG.
    const names = readdirSync(USERS_FILES_DIR)
      .filter((f) => /\.jsonl?$/.test(f))
      .sort();
    await p.setInputFiles(
      '[data-testid=file-input]',
      names.map((n) => join(USERS_FILES_DIR, n)),
    );
    await p.getByTestId('storage-status').filter({ hasText: 'Saved in this browser' }).waitFor({ timeout: 60_000 });

    const ds = await buildInNode(names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(USERS_FILES_DIR, name))) })));
    const row = (name: string) => p.locator(`[data-testid=file-row][data-file="${name}"]`);
    for (const f of ds.files) await expect(row(f.path).getByTestId('file-records').textContent()).resolves.toBe(recordsShown(f));
    await expect(row('quiz_data.json').getByTestId('file-records').textContent()).resolves.toBe('2 of 3');
    await expect(row('sft_data.jsonl').getByTestId('file-records').textContent()).resolves.toBe('2 of 3');
    // an empty file says so, instead of "Unknown" with no problems
    await expect(row('empty.jsonl').getByTestId('file-empty').textContent()).resolves.toBe('empty');
    await expect(row('empty.jsonl').textContent()).resolves.toContain('nothing to read');
    await expect(row('empty.jsonl').locator('select').count()).resolves.toBe(0);
    await expect(row('photo.jsonl').getByTestId('file-errors-toggle').textContent()).resolves.toMatch(/^1 error\b/);
    await expect(row('quiz_data.json').getByTestId('file-errors-toggle').textContent()).resolves.toMatch(/^1 error, 1 warning\b/);

    for (const name of ['quiz_data.json', 'photo.jsonl', 'sft_data.jsonl']) await row(name).getByTestId('file-errors-toggle').click();
    const details = p.getByTestId('file-errors');
    await expect(details.count()).resolves.toBe(3);
    const text = (await details.allTextContents()).join('\n');
    expect(text).toContain('Entries that were not read');
    expect(text).toContain('Read with a warning');
    expect(text).toContain('File not read');
    expect(text).toContain('Lines that were not read');
    expect(text).toContain(
      'quiz_data.json $[0].questions[1].reference_answer question "What is a plan?" (unit-01/chapter-01/topic-01): reference_answer is null',
    );
    expect(text).toContain('correct_option is null; took "C" from the start of reference_answer');
    expect(text.split('$[0].questions[1]')).toHaveLength(2); // the path once
    expect(text).toContain('photo.jsonl: not text: binary content at byte 9');
    await expect(p.getByTestId('file-problems-records').filter({ hasText: 'photo.jsonl' }).count()).resolves.toBe(0); // no line errors
    await shot(p, '11-files-as-they-are');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('"Load sample curriculum" fetches the served sample; a full quota is reported, not fatal', async () => {
    const context = await studio.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const p = await context.newPage();
    const errors = collectPageErrors(p);
    await p.goto(studio.url);
    await p.getByTestId('dropzone').waitFor();
    // Shrink this origin's storage quota to 16 KB: saving the sample must fail with a clear message.
    const cdp = await context.newCDPSession(p);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(studio.url).origin, quotaSize: 16 * 1024 });
    await p.getByRole('button', { name: 'Load sample curriculum' }).first().click();
    await p.getByTestId('storage-status').filter({ hasText: 'Browser storage is full' }).waitFor({ timeout: 60_000 });
    const served = readdirSync(SAMPLE_DIR).filter((f) => /\.jsonl?$/.test(f));
    await expect(p.getByTestId('file-row').count()).resolves.toBe(served.length);
    await expect(p.getByTestId('storage-status').textContent()).resolves.toMatch(/could not save \S+\.jsonl? \(/);
    await shot(p, '09-quota');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('stays responsive while a large file is read in the worker, with byte progress', async () => {
    const context = await studio.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const p = await context.newPage();
    const errors = collectPageErrors(p);
    await p.goto(studio.url);
    await p.getByTestId('dropzone').waitFor();
    // ~24 MB of SFT lines over 12 topics.
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < 24 * 1024 * 1024; i++) {
      const line = JSON.stringify({
        instruction: `Question ${i}: how do you keep the boat flat in a gust?`,
        input: '',
        output: `Right then, you ease the sheet and feel the wind, mind you. `.repeat(20) + i,
        source: `unit-0${(i % 3) + 1}/chapter-0${(i % 2) + 1}/topic-0${(i % 4) + 1}`,
      });
      lines.push(line);
      size += line.length + 1;
    }
    const bigPath = join(mkdtempSync(join(tmpdir(), 'mindprint-e2e-')), 'big_sft.jsonl');
    writeFileSync(bigPath, lines.join('\n'));
    await p.evaluate(() => {
      (window as unknown as { longest: number }).longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          (window as unknown as { longest: number }).longest = Math.max((window as unknown as { longest: number }).longest, e.duration);
        }
      }).observe({ type: 'longtask', buffered: false });
    });
    // Every text the status line shows is recorded, so the byte progress is checked even when this
    // machine is loaded and the read goes by between two polls.
    await p.evaluate(() => {
      const seen: string[] = ((window as unknown as { busyTexts: string[] }).busyTexts = []);
      new MutationObserver(() => {
        const t = document.querySelector('[data-testid=busy]')?.textContent;
        if (t && t !== seen[seen.length - 1]) seen.push(t);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await p.setInputFiles('[data-testid=file-input]', bigPath);
    await p.getByTestId('busy').filter({ hasText: 'Reading big_sft.jsonl' }).waitFor({ timeout: 60_000 });
    await shot(p, '10-progress');
    const latencies: number[] = [];
    while (await p.getByTestId('busy').filter({ hasText: 'Reading' }).count()) {
      const t0 = Date.now();
      await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      latencies.push(Date.now() - t0);
    }
    await p.getByTestId('storage-status').filter({ hasText: 'Saved in this browser' }).waitFor({ timeout: 120_000 });
    await expect(p.locator('[data-file="big_sft.jsonl"] [data-testid=file-records]').textContent()).resolves.toBe(lines.length.toLocaleString('en-US'));
    const longest = await p.evaluate(() => (window as unknown as { longest: number }).longest);
    const texts = await p.evaluate(() => (window as unknown as { busyTexts: string[] }).busyTexts);
    expect(texts.filter((t) => /Reading big_sft\.jsonl\s*· [\d.]+ (KB|MB) of 24\.0 MB/.test(t)).length, texts.join('\n')).toBeGreaterThan(2);
    console.log(
      `big file: ${lines.length} lines; frame latency while reading max ${Math.max(...latencies)} ms over ${latencies.length} probes; longest main-thread task ${Math.round(longest)} ms`,
    );
    expect(latencies.length, 'frames were probed while reading').toBeGreaterThan(0); // a loaded machine may finish the read within a probe or two
    expect(Math.max(...latencies)).toBeLessThan(1000);
    expect(longest, 'no main-thread task blocks the page for a second').toBeLessThan(1000);
    expect(errors).toEqual([]);
    await context.close();
    rmSync(dirname(bigPath), { recursive: true, force: true });
  });
});
