// End to end in Debian's Chromium (WebGPU on SwiftShader): two tiny runs of one topic (the first without
// the reward model; the second with it, reloaded after SFT and resumed from the offer), both kept in the
// Runs tab, compared side by side, the second opened read-only and downloaded as a zip that our own
// importer reads back (PEFT adapters for the tiny model, the reward head, run.json, report.md,
// metrics.jsonl), one adapter imported back and evaluated, and the first run deleted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { collectPageErrors, shot, startStudio, type Studio } from './harness.ts';
import { importAdapters, unzipFiles } from '../../src/storage/adapter-import.ts';
import { parseModelConfig } from '../../src/model/hf-config.ts';
import { buildTinyModel } from '../../src/model/tiny-model.ts';

const TOPIC = 'unit-01/chapter-01/topic-03';
const RUN_MS = 100_000;
const tiny = parseModelConfig(JSON.parse(buildTinyModel(0)['config.json'] as string));
const SAMPLE = join(import.meta.dirname, '../../sample-data');

/**
 * One topic of the sample as its own small curriculum (its SFT examples, their pairs, one quiz question,
 * no chapter test or unit exam), so a run on SwiftShader takes seconds rather than minutes.
 */
function miniCurriculum() {
  const lines = (f: string) => readFileSync(join(SAMPLE, f), 'utf8').trim().split('\n');
  const sft = lines('sft_data.jsonl').filter((l) => JSON.parse(l).source === TOPIC);
  const prompts = new Set(sft.map((l) => JSON.parse(l).instruction.trim()));
  const pairs = lines('preference_data.jsonl').filter((l) => prompts.has(JSON.parse(l).prompt.trim()));
  const quiz = JSON.parse(readFileSync(join(SAMPLE, 'quiz_data.json'), 'utf8'))
    .filter((q: { unit: string; chapter: string; topic: string }) => `${q.unit}/${q.chapter}/${q.topic}` === TOPIC)
    .map((q: { questions: unknown[] }) => ({ ...q, questions: q.questions.slice(0, 1) }));
  const file = (name: string, text: string) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(text) });
  return [file('sft_data.jsonl', sft.join('\n')), file('preference_data.jsonl', pairs.join('\n')), file('quiz_data.json', JSON.stringify(quiz))];
}

async function runToEnd(page: Page, phases: Record<string, boolean>, reloadMidRun = false) {
  for (const [p, on] of Object.entries(phases)) await page.getByTestId(`phase-${p}`).setChecked(on);
  await page.getByTestId('train-start').click();
  const t0 = Date.now();
  if (reloadMidRun) {
    // Once SFT's adapter is saved, reload: the Training tab offers to resume the run, which then finishes.
    await page.locator(`[data-testid=adapter-row][data-key="adapters/${TOPIC}/sft_adapter"]`).waitFor({ timeout: RUN_MS });
    await page.reload();
    await page
      .getByTestId('storage-status')
      .filter({ hasText: /Restored|Saved in this browser/ })
      .waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: /^Training$/ }).click();
    await page.getByTestId('resume-offer').waitFor({ timeout: 30_000 });
    await shot(page, 'history-00-resume-offer', false);
    await page.getByTestId('resume-offer-button').click();
  }
  try {
    await page.waitForFunction(
      () => ['finished', 'failed'].includes(document.querySelector('[data-testid=train-status]')?.getAttribute('data-status') ?? ''),
      null,
      { timeout: RUN_MS, polling: 250 },
    );
  } catch (e) {
    await shot(page, 'history-timeout');
    throw new Error(
      `${(e as Error).message}; status ${await page.getByTestId('train-status').getAttribute('data-status')}; log: ${await page.getByTestId('train-log').textContent()}`,
    );
  }
  console.log(`run ${JSON.stringify(phases)} took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const end = await page.getByTestId('train-status').getAttribute('data-status');
  if (end === 'failed') throw new Error(`run failed: ${await page.getByTestId('train-error').textContent()}`);
}

describe('run history and adapters in and out, in Chromium', () => {
  let studio: Studio;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    studio = await startStudio();
    const context = await studio.browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await studio?.close();
  });

  it('trains two tiny runs and keeps both', { timeout: 2 * RUN_MS + 30_000 }, async () => {
    await page.goto(studio.url);
    await page.getByTestId('dropzone').waitFor();
    await page.setInputFiles('[data-testid=file-input]', miniCurriculum());
    await page.getByTestId('storage-status').filter({ hasText: 'Saved in this browser' }).waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: /^Training$/ }).click();
    await page.getByTestId('opt-maxSteps').fill('1');
    await page.getByTestId('opt-maxSeqLength').fill('48');
    await page.getByTestId('opt-maxNewTokens').fill('2');
    await page.getByTestId('opt-retries').fill('0');
    await page.getByTestId('opt-similarity').selectOption('lexical');
    await runToEnd(page, { sft: true, reward: false, ppo: false, eval: true });
    // The second run trains the reward model after SFT, so the reload after SFT lands mid-run.
    await runToEnd(page, { sft: true, reward: true, ppo: false, eval: true }, true);

    await page.getByRole('tab', { name: /^Runs$/ }).click();
    await page
      .locator('[data-testid=run-history][data-loaded=true]')
      .waitFor({ timeout: 20_000 })
      .catch(async (e) => {
        await shot(page, 'history-fail');
        throw new Error(`${e.message}; page errors: ${pageErrors.join(' | ')}`);
      });
    const rows = page.getByTestId('run-row');
    await expect(rows.count()).resolves.toBe(2);
    for (const s of await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))) expect(s).toBe('finished');
    for (const t of await page.getByTestId('run-pass-rate').allTextContents()) expect(t).toMatch(/^[01] \/ 1 \((0|100)%\)$/);
  });

  it('compares the two runs side by side and reopens one read-only', async () => {
    const boxes = page.getByTestId('run-compare-toggle');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    const cmp = page.getByTestId('run-compare');
    await cmp.waitFor();
    const passCells = await cmp.getByTestId('compare-pass-rate').locator('td').allTextContents();
    expect(passCells.slice(0, 2).every((t) => /^[01] \/ 1/.test(t))).toBe(true);
    const topicCells = await cmp.locator(`[data-testid=compare-topic][data-topic="${TOPIC}"] td`).allTextContents();
    expect(topicCells[1]).toMatch(/^\d\.\d{3} [✓✗]$/);
    expect(topicCells[2]).toMatch(/^\d\.\d{3} [✓✗]$/);
    await expect(cmp.textContent()).resolves.toContain('same curriculum');

    await page.getByTestId('run-row').first().getByTestId('run-open').click(); // newest first: the second run, with the reward model
    const detail = page.getByTestId('run-detail');
    await detail.waitFor();
    await expect(detail.getByTestId('history-adapter').count()).resolves.toBe(2); // sft + reward
    await expect(page.getByTestId('history-chart').first().getAttribute('data-points')).resolves.toBe('1');
    await shot(page, 'history-01-compare-and-detail');
  });

  it('downloads the second run as a zip our importer reads: adapters, reward head, run.json, report.md, metrics.jsonl', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('run-row').first().getByTestId('run-zip').click()]);
    expect(download.suggestedFilename()).toMatch(/^mindprint-run-\d{8}-\d{6}-\w+\.zip$/);
    const bytes = new Uint8Array(readFileSync((await download.path())!));
    const files = new Map(unzipFiles(bytes, 'run.zip').map((f) => [f.path.split('/').slice(1).join('/'), f.bytes]));
    const text = (p: string) => new TextDecoder().decode(files.get(p));
    expect(JSON.parse(text('run.json')).topics.map((t: { id: string }) => t.id)).toEqual([TOPIC]);
    expect(text('report.md')).toMatch(/Pass rate: [01] of 1 topics/);
    expect(text('metrics.jsonl').trim().split('\n').length).toBeGreaterThan(1);
    const adapters = importAdapters([{ path: 'run.zip', bytes }], tiny, 'tiny', 'run.zip');
    expect(adapters.map((a) => a.folder.split('/').slice(1).join('/'))).toEqual([`adapters/${TOPIC}/reward_adapter`, `adapters/${TOPIC}/sft_adapter`]);
    expect(adapters[0].score?.length).toBe(tiny.hiddenSize);
    expect(adapters[0].score!.every(Number.isFinite)).toBe(true);
  });

  it('imports one adapter back from its own zip, and refuses a file that is not one', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(`[data-testid=history-adapter][data-key="adapters/${TOPIC}/sft_adapter"]`).getByTestId('history-adapter-zip').click(),
    ]);
    expect(download.suggestedFilename()).toBe('unit-01_chapter-01_topic-03_sft_adapter.zip');
    const path = (await download.path())!;
    await page.getByTestId('import-zip').setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') });
    await expect(page.getByTestId('history-error').textContent()).resolves.toContain("notes.zip: not a zip file (it does not start with 'PK')");
    await page.getByTestId('import-zip').setInputFiles({ name: 'topic-03-sft.zip', mimeType: 'application/zip', buffer: readFileSync(path) });
    await page.getByTestId('import-row').first().waitFor();
    await expect(page.getByTestId('import-row').first().getAttribute('data-key')).resolves.toBe('imports/topic-03-sft/unit-01_chapter-01_topic-03_sft_adapter');
    await expect(page.getByTestId('import-result').textContent()).resolves.toContain('fits tiny');
    // Evaluated on the saved curriculum's one topic: its score against the threshold, kept with the import.
    await page.getByTestId('import-evaluate').first().click();
    const evaluation = page.getByTestId('import-evaluation');
    await evaluation.waitFor({ timeout: 60_000 });
    await expect(evaluation.getAttribute('data-topics')).resolves.toBe('1');
    await expect(evaluation.textContent()).resolves.toMatch(new RegExp(`[01] / 1 topics passed.*${TOPIC} \\d\\.\\d{3}/0\\.\\d{2}`));
    // Against the same pass threshold the run's evaluation used (same markers and overrides).
    const runThreshold = (await page.getByTestId('history-topics').locator('tbody tr').first().locator('td').nth(4).textContent())!;
    await expect(evaluation.textContent()).resolves.toContain(`/${runThreshold}`);
    // The same adapter imported again under another name, then both merged exactly into a third import.
    await page.getByTestId('import-zip').setInputFiles({ name: 'again.zip', mimeType: 'application/zip', buffer: readFileSync(path) });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=import-row]').length === 2);
    for (const box of await page.getByTestId('import-merge-toggle').all()) await box.check();
    await page.getByTestId('import-merge').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=import-row]').length === 3);
    await expect(page.locator('[data-testid=import-row][data-key^="imports/merged/2"]').count()).resolves.toBe(1);
    await shot(page, 'history-02-imported');
  });

  it('deletes a run', async () => {
    const first = await page.getByTestId('run-row').last().getAttribute('data-run');
    await page.getByTestId('run-row').last().getByTestId('run-delete').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=run-row]').length === 1);
    await expect(page.getByTestId('run-row').first().getAttribute('data-run')).resolves.not.toBe(first);
    await expect(page.getByTestId('run-compare').count()).resolves.toBe(0);
    await shot(page, 'history-03-deleted');
    expect(pageErrors).toEqual([]);
  });
});
