// End to end in Debian's Chromium: a TRL bundle output (written here by our own code: tiny-model PEFT
// adapters, run.json, plan.json) picked as a folder in the Runs tab; an output whose adapter has
// another shape is refused with one error naming the file, and the good one is listed as a finished run
// with its pass rate, opened read-only with its per-topic scores, and deleted.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FsStore } from '../../src/storage/fs-store.ts';
import { T1, trlAdapter, writeTrlOutput, type OutputEdit } from '../helpers/trl-output.ts';
import { collectPageErrors, shot, startStudio, type Studio } from './harness.ts';

/** A bundle output folder named `output` (as train.py names it) in a fresh temporary folder. */
async function outputFolder(edit: OutputEdit = {}): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'mindprint-e2e-trl-')), 'output');
  await writeTrlOutput(await FsStore.open(dir), edit);
  return dir;
}

describe('importing a TRL bundle output as a run, in Chromium', () => {
  let studio: Studio;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    studio = await startStudio();
    page = await (await studio.browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
    pageErrors = collectPageErrors(page);
  });

  afterAll(async () => {
    await studio?.close();
  });

  it('refuses an output with a misfit adapter and lists a good one with its pass rate', { timeout: 40_000 }, async () => {
    const [bad, good] = [await outputFolder({ sft1: trlAdapter(10, { arch: 'qwen3' }) }), await outputFolder()];
    await page.goto(studio.url);
    await page.getByRole('tab', { name: /^Runs$/ }).click();
    await page.locator('[data-testid=run-history][data-loaded=true]').waitFor({ timeout: 20_000 });

    await page.getByTestId('run-import-folder').setInputFiles(bad);
    const error = page.getByTestId('history-error');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toContain(`output/adapters/${T1}/sft_adapter/adapter_model.safetensors: tensor`);
    expect(await page.getByTestId('run-row').count()).toBe(0);

    await page.getByTestId('run-import-folder').setInputFiles(good);
    const row = page.locator('[data-testid=run-row][data-status=finished]');
    await row.waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('run-row').count()).toBe(1);
    expect(await row.getByTestId('run-pass-rate').textContent()).toBe('1 / 2 (50%)');
    expect(await row.getByTestId('run-imported').count()).toBe(1);
    expect(await page.getByTestId('history-error').count()).toBe(0);
    expect(await page.getByTestId('run-import-result').textContent()).toContain('2 topics, 7 adapters, 1 / 2 passed (50%)');

    await row.getByTestId('run-open').click();
    const detail = page.getByTestId('run-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('run-detail-pass').textContent()).toBe('1 / 2 (50.0%)');
    expect(await detail.textContent()).toContain(T1);
    await shot(page, 'import-run-01-listed');

    // Deleted like any run (after the confirmation).
    page.once('dialog', (d) => void d.accept());
    await row.getByTestId('run-delete').click();
    await page.getByTestId('run-row').waitFor({ state: 'detached', timeout: 10_000 });
    expect(pageErrors).toEqual([]);
  });
});
