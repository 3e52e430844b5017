// End to end in Debian's Chromium (WebGPU on SwiftShader): load the sample, open Training, start a quick
// run of one topic on the tiny model, pause it after a phase, reload (the run is still there), resume
// it to the end; check the pass-rate figure against the report, the live charts, an adapter that
// downloads as a zipped PEFT folder loadable for the tiny model, and that a reload shows the finished run.
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { collectPageErrors, shot, startStudio, type Studio } from './harness.ts';
import { importPeft, ADAPTER_CONFIG, ADAPTER_WEIGHTS } from '../../src/storage/peft.ts';
import { loadModelFolder } from '../../src/model/weights.ts';
import { tinyModelFiles } from '../../src/model/tiny-model.ts';

/** The smallest topic of the sample with preference pairs (5 examples, 5 pairs, a 3-question quiz). */
const TOPIC = 'unit-01/chapter-01/topic-03';
const SFT_KEY = `adapters/${TOPIC}/sft_adapter`;
const RUN_MS = 8 * 60_000;

async function status(page: Page): Promise<string> {
  return (await page.getByTestId('train-status').getAttribute('data-status'))!;
}

async function waitStatus(page: Page, want: string[], timeout: number): Promise<string> {
  await page.waitForFunction((w) => w.includes(document.querySelector('[data-testid=train-status]')?.getAttribute('data-status') ?? ''), want, {
    timeout,
    polling: 500,
  });
  return status(page);
}

async function openTraining(page: Page) {
  // After a reload the studio switches to the dashboard once the saved files are restored: wait for that first.
  await page
    .getByTestId('storage-status')
    .filter({ hasText: /Restored|Saved in this browser/ })
    .waitFor({ timeout: 60_000 });
  await page.getByRole('tab', { name: /^Training$/ }).click();
  await page.getByTestId('training-panel').waitFor();
}

describe('training in Chromium', () => {
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

  it('starts a quick one-topic run on the tiny model and pauses it after a phase', { timeout: RUN_MS }, async () => {
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Load sample curriculum' }).first().click();
    await page.getByTestId('storage-status').filter({ hasText: 'Saved in this browser' }).waitFor({ timeout: 60_000 });
    await openTraining(page);
    expect(await status(page)).toBe('idle');
    // The quick defaults for the tiny model.
    await expect(page.getByTestId('opt-maxSteps').inputValue()).resolves.toBe('4');
    await expect(page.getByTestId('opt-maxSeqLength').inputValue()).resolves.toBe('128');
    await expect(page.getByTestId('opt-maxNewTokens').inputValue()).resolves.toBe('8');
    await page.getByTestId('opt-maxSteps').fill('2');
    await page.getByTestId('train-topics').locator('summary').click();
    await page.locator(`[data-testid=train-topic-option][data-topic="${TOPIC}"]`).check();
    await expect(page.getByTestId('train-topics').locator('summary').textContent()).resolves.toMatch(/^1 of \d+ topics$/);
    await page.getByTestId('train-topics').locator('summary').click();

    await page.getByTestId('train-start').click();
    await waitStatus(page, ['running'], 120_000);
    // SFT's adapter is listed as soon as the phase is done; pause then: the run stops after the next phase.
    await page.locator(`[data-testid=adapter-row][data-key="${SFT_KEY}"]`).waitFor({ timeout: RUN_MS });
    await page.getByTestId('sft-chart').locator('.recharts-line-curve').first().waitFor();
    await shot(page, 'training-01-running');
    await page.getByTestId('train-pause').click();
    expect(await waitStatus(page, ['paused', 'finished', 'failed'], RUN_MS)).toBe('paused');
    await expect(page.getByTestId('train-resume').isEnabled()).resolves.toBe(true);
  });

  it('finds the paused run after a reload and resumes it to the end', { timeout: RUN_MS }, async () => {
    await page.reload();
    await openTraining(page);
    expect(await waitStatus(page, ['interrupted'], 30_000)).toBe('interrupted');
    await page.locator(`[data-testid=adapter-row][data-key="${SFT_KEY}"]`).waitFor();
    await page.locator(`[data-testid=train-topic-row][data-topic="${TOPIC}"]`).waitFor();
    const pointsBefore = Number(await page.getByTestId('sft-chart').getAttribute('data-points'));
    expect(pointsBefore, 'the SFT steps saved before the pause are charted after a reload').toBe(2);

    await page.getByTestId('train-resume').click();
    const end = await waitStatus(page, ['finished', 'failed'], RUN_MS);
    if (end === 'failed') throw new Error(`run failed: ${await page.getByTestId('train-error').textContent()}`);
    await shot(page, 'training-02-finished');
  });

  it('shows the pass rate the report states, the charts, the topic result and the exams', async () => {
    const figure = (await page.getByTestId('pass-rate-figure').textContent())!.trim();
    expect(figure).toMatch(/^[01] \/ 1$/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('train-report-download').click()]);
    expect(download.suggestedFilename()).toBe('mindprint-training-report.md');
    const report = readFileSync((await download.path())!, 'utf8');
    const m = /\*\*Pass rate: (\d+) of (\d+) topics/.exec(report);
    expect(m, 'the report states the pass rate').not.toBeNull();
    expect(figure).toBe(`${m![1]} / ${m![2]}`);
    expect(report).toContain(TOPIC);
    // No network in the test: the lexical fallback scored it, and the panel and the report say so.
    await expect(page.getByTestId('similarity-used').textContent()).resolves.toMatch(/lexical/);
    expect(report).toMatch(/Semantic similarity scored by: lexical/);

    const row = page.locator(`[data-testid=train-topic-row][data-topic="${TOPIC}"]`);
    const result = await row.getAttribute('data-result');
    expect(result).toBe(m![1] === '1' ? 'passed' : 'failed');
    // Two SFT steps per attempt (a failed topic is retried with a new seed), every one charted.
    const attempts = Number(await row.getByTestId('train-topic-attempts').textContent());
    expect(attempts).toBeGreaterThanOrEqual(1);
    await expect(page.getByTestId('sft-chart').getAttribute('data-points')).resolves.toBe(String(2 * attempts));
    for (const chart of ['sft-chart', 'reward-chart', 'ppo-chart']) {
      await expect(page.getByTestId(chart).locator('.recharts-line-curve').count(), `${chart} draws lines`).resolves.toBeGreaterThan(0);
    }
    // The chapter test of unit-01/chapter-01 and the unit exam of unit-01 come after the topic.
    await expect(page.getByTestId('exam-row').count()).resolves.toBeGreaterThan(0);
  });

  it('downloads an adapter as a PEFT folder that loads for the tiny model', async () => {
    const keys = await page.getByTestId('adapter-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(keys).toEqual(expect.arrayContaining([SFT_KEY, `adapters/${TOPIC}/reward_adapter`, `adapters/${TOPIC}/ppo_adapter`]));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(`[data-testid=adapter-row][data-key="${SFT_KEY}"]`).getByTestId('adapter-download').click(),
    ]);
    const folder = 'unit-01_chapter-01_topic-03_sft_adapter';
    expect(download.suggestedFilename()).toBe(`${folder}.zip`);
    const files = new Map(Object.entries(unzipSync(new Uint8Array(readFileSync((await download.path())!)))));
    expect([...files.keys()]).toEqual(expect.arrayContaining([`${folder}/${ADAPTER_CONFIG}`, `${folder}/${ADAPTER_WEIGHTS}`]));
    const model = await loadModelFolder(tinyModelFiles(0));
    const adapter = importPeft(
      { [ADAPTER_CONFIG]: new TextDecoder().decode(files.get(`${folder}/${ADAPTER_CONFIG}`)!), [ADAPTER_WEIGHTS]: files.get(`${folder}/${ADAPTER_WEIGHTS}`)! },
      model.config,
      'tiny',
      folder,
    );
    expect(adapter.layers.size).toBeGreaterThan(0);
    // Trained: B starts at zero, so two SFT steps must have moved it.
    const moved = [...adapter.layers.values()].some((l) => l.B.some((x) => x !== 0));
    expect(moved, 'the SFT adapter was trained (some B entry is non-zero)').toBe(true);
  });

  it('shows the finished run again after a reload', async () => {
    const figure = (await page.getByTestId('pass-rate-figure').textContent())!.trim();
    await page.reload();
    await openTraining(page);
    expect(await waitStatus(page, ['finished'], 30_000)).toBe('finished');
    await expect(page.getByTestId('pass-rate-figure').textContent()).resolves.toBe(figure);
    await page.locator(`[data-testid=adapter-row][data-key="${SFT_KEY}"]`).waitFor();
    await page.getByTestId('ppo-chart').locator('.recharts-line-curve').first().waitFor();
    await shot(page, 'training-03-reloaded');
    expect(pageErrors).toEqual([]);
  });

  it('says on the topic row when the reward model did not learn, and skips PPO', { timeout: RUN_MS }, async () => {
    // One step per phase: the reward model's only step is its warm-up step (learning rate 0), so it stays at chance.
    await page.getByTestId('opt-maxSteps').fill('1');
    await page.getByTestId('phase-eval').uncheck();
    await page.getByTestId('train-start').click();
    const end = await waitStatus(page, ['finished', 'failed'], RUN_MS);
    if (end === 'failed') throw new Error(`run failed: ${await page.getByTestId('train-error').textContent()}`);
    const row = page.locator(`[data-testid=train-topic-row][data-topic="${TOPIC}"]`);
    const warning = row.getByTestId('train-topic-warning');
    await expect(warning.textContent()).resolves.toBe('⚠ reward model did not learn');
    await expect(warning.getAttribute('title')).resolves.toMatch(
      /^reward model did not learn: validation accuracy 0\.00, best validation loss 0\.6931 .*likely cause: .*the loss barely moved in 1 step:/,
    );
    await expect(row.getAttribute('data-result')).resolves.toBe('not evaluated');
    const keys = await page.getByTestId('adapter-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    expect(keys).not.toContain(`adapters/${TOPIC}/ppo_adapter`);
    await shot(page, 'training-04-did-not-learn');
    expect(pageErrors).toEqual([]);
  });
});
