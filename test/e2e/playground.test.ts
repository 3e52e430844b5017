// End to end in Debian's Chromium (WebGPU on SwiftShader), under the built app's Content-Security-Policy:
// a short run (SFT + evaluation, one retry) of one topic on the tiny model shows its ETA, charts with
// titled axes and one line per attempt, and the evaluation's threshold line; then the playground streams
// the base model's and the adapter's answers side by side, and a quiz question gets both answers scored.
// Screenshots in the light and the dark theme; no CSP violation anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { strToU8, zipSync } from 'fflate';
import { collectPageErrors, shot, startStudio, type Studio } from './harness.ts';
import { parseModelConfig } from '../../src/model/hf-config.ts';
import { initLora } from '../../src/model/lora-types.ts';
import { buildTinyModel } from '../../src/model/tiny-model.ts';
import { exportPeft } from '../../src/storage/peft.ts';
import { Rng } from '../../src/util/rng.ts';

const TOPIC = 'unit-01/chapter-01/topic-03';
const SFT_KEY = `adapters/${TOPIC}/sft_adapter`;
const RUN_MS = 100_000;

declare global {
  interface Window {
    __cspViolations: string[];
  }
}

/** Records every CSP violation the page (or its workers' reports) raises, and CSP console messages. */
async function watchCsp(context: BrowserContext, page: Page): Promise<string[]> {
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`));
  });
  const messages: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) messages.push(m.text());
  });
  return messages;
}

async function waitStatus(page: Page, want: string[], timeout: number): Promise<string> {
  await page.waitForFunction((w) => w.includes(document.querySelector('[data-testid=train-status]')?.getAttribute('data-status') ?? ''), want, {
    timeout,
    polling: 250,
  });
  return (await page.getByTestId('train-status').getAttribute('data-status'))!;
}

describe('playground, ETA, charts and CSP in Chromium', () => {
  let studio: Studio;
  let page: Page;
  let pageErrors: string[];
  let cspMessages: string[];
  /** Every request the page and its workers made that did not go to the studio's own origin. */
  const offsite: string[] = [];

  beforeAll(async () => {
    studio = await startStudio();
    const context = await studio.browser.newContext({ viewport: { width: 1400, height: 1000 }, colorScheme: 'light' });
    page = await context.newPage();
    cspMessages = await watchCsp(context, page);
    pageErrors = collectPageErrors(page);
    context.on('request', (r) => {
      if (!r.url().startsWith(studio.url) && !/^(blob|data):/.test(r.url())) offsite.push(`${r.method()} ${r.url()}`);
    });
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await studio?.close();
  });

  it('loads under the CSP header and meta, analyses the sample, and trains a short run with an ETA and per-attempt charts', {
    timeout: RUN_MS + 60_000,
  }, async () => {
    const res = await page.goto(studio.url);
    const header = res?.headers()['content-security-policy'] ?? '';
    expect(header).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(header).not.toContain("'unsafe-eval'");
    await expect(page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content')).resolves.toContain("'wasm-unsafe-eval'");
    await page.getByRole('button', { name: 'Load sample curriculum' }).first().click();
    await page.getByTestId('storage-status').filter({ hasText: 'Saved in this browser' }).waitFor({ timeout: 60_000 });

    // Keyboard: arrows move along the tabs (ARIA tabs pattern); Enter on a dashboard row opens its detail.
    await page.getByRole('tab', { name: /^Dashboard/ }).click();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { selected: true }).textContent()).resolves.toBe('Voice markers');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Voice markers');
    await page.keyboard.press('ArrowLeft');
    await page.locator(`[data-testid=topic-row][data-topic="${TOPIC}"]`).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('topic-detail').textContent()).resolves.toContain(TOPIC);
    await expect(page.getByTestId('colour-legend').textContent()).resolves.toMatch(/green.*red.*amber/);

    await page.getByRole('tab', { name: /^Training$/ }).click();
    await page.getByTestId('opt-maxSteps').fill('2');
    await page.getByTestId('opt-maxSeqLength').fill('64');
    await page.getByTestId('opt-retries').fill('1');
    await page.getByTestId('opt-maxNewTokens').fill('2');
    await page.getByTestId('opt-similarity').selectOption('lexical');
    await page.getByTestId('phase-reward').uncheck();
    await page.getByTestId('phase-ppo').uncheck();
    await page.getByTestId('train-topics').locator('summary').click();
    await page.locator(`[data-testid=train-topic-option][data-topic="${TOPIC}"]`).check();
    await page.getByTestId('train-topics').locator('summary').click();
    // Evaluation progress is brief on the tiny model: record whether it ever showed.
    await page.evaluate(() => {
      const w = window as unknown as { __questions: string[] };
      w.__questions = [];
      new MutationObserver(() => {
        const t = document.querySelector('[data-testid=train-questions]')?.textContent;
        if (t && w.__questions.at(-1) !== t) w.__questions.push(t);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('train-start').click();
    await waitStatus(page, ['running'], 60_000);
    // Numeric fields are locked while the run goes; the ETA shows.
    await expect(page.getByTestId('opt-maxSteps').isDisabled()).resolves.toBe(true);
    const eta = page.getByTestId('train-eta');
    await eta.filter({ hasText: /^(sft|eval): (about|under)/ }).waitFor({ timeout: 60_000 });
    expect(await eta.textContent()).toMatch(/^(sft|eval): (about \d+ (s|min)|under 5 s) left/);
    await shot(page, 'playground-01-training-eta');
    const end = await waitStatus(page, ['finished', 'failed'], RUN_MS);
    if (end === 'failed') throw new Error(`run failed: ${await page.getByTestId('train-error').textContent()}`);

    const questions = await page.evaluate(() => (window as unknown as { __questions: string[] }).__questions);
    expect(
      questions.map((q) => q.trim()),
      'evaluation progress was shown',
    ).toEqual(expect.arrayContaining([`evaluation of ${TOPIC}: question 1 of 3`, `evaluation of ${TOPIC}: question 3 of 3`]));
    const row = page.locator(`[data-testid=train-topic-row][data-topic="${TOPIC}"]`);
    const attempts = Number(await row.getByTestId('train-topic-attempts').textContent());
    const sft = page.getByTestId('sft-chart');
    expect(attempts, 'the untrained tiny model fails and is retried once').toBe(2);
    // One line per attempt: a retry is never joined to the attempt before it.
    await expect(sft.getAttribute('data-lines')).resolves.toBe(String(attempts));
    await expect(sft.getAttribute('data-attempts')).resolves.toBe('0,1');
    await expect(sft.locator('.recharts-line-curve').count()).resolves.toBe(attempts);
    await expect(sft.locator('.axis-title').allTextContents()).resolves.toEqual(
      expect.arrayContaining(['nats / completion token', 'optimizer step (run order)']),
    );
    const ticks = await sft.locator('.yAxis .recharts-cartesian-axis-tick-value').allTextContents();
    expect(new Set(ticks).size, `distinct y tick labels: ${ticks.join(', ')}`).toBe(ticks.length);
    // The evaluation chart: the score per attempt and the threshold as a dashed reference line.
    const evalChart = page.getByTestId('eval-chart');
    await expect(evalChart.locator('.recharts-surface .series-threshold').count()).resolves.toBe(1);
    await expect(evalChart.getAttribute('data-points')).resolves.toBe('2');
    await expect(evalChart.locator('.axis-title').allTextContents()).resolves.toContain('score (0-1)');
    await shot(page, 'playground-02-charts');
    // The log is kept across a reload.
    await page.reload();
    await page
      .getByTestId('storage-status')
      .filter({ hasText: /Restored/ })
      .waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: /^Training$/ }).click();
    await page.getByTestId('train-log').filter({ hasText: 'Run finished' }).waitFor({ timeout: 20_000 });
  });

  it('streams the base and the adapter answers side by side', { timeout: 60_000 }, async () => {
    await page.getByRole('tab', { name: /^Playground$/ }).click();
    await page.getByTestId('pg-adapter').selectOption(SFT_KEY);
    await page.getByTestId('pg-maxTokens').fill('12');
    await page.getByTestId('pg-prompt').fill('What is a voice marker?');
    // Count the streamed updates: more than one per side means the answer grew token by token.
    await page.evaluate(() => {
      const w = window as unknown as { __growth: Record<string, number> };
      w.__growth = { base: 0, adapter: 0 };
      new MutationObserver((records) => {
        for (const r of records) {
          const el = (r.target.nodeType === 1 ? r.target : r.target.parentElement) as Element | null;
          const side = el?.closest('[data-testid^=pg-text-]')?.getAttribute('data-testid')?.slice(8);
          if (side) w.__growth[side]++;
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('pg-generate').click();
    await page.locator('[data-testid=pg-answer-adapter][data-done=true]').waitFor({ timeout: 50_000 });
    const base = await page.getByTestId('pg-text-base').textContent();
    const adapter = await page.getByTestId('pg-text-adapter').textContent();
    expect(base!.length).toBeGreaterThan(0);
    expect(adapter!.length).toBeGreaterThan(0);
    const growth = await page.evaluate(() => (window as unknown as { __growth: Record<string, number> }).__growth);
    expect(growth.base, 'base answer streamed').toBeGreaterThan(1);
    expect(growth.adapter, 'adapter answer streamed').toBeGreaterThan(1);
    await expect(page.getByTestId('pg-answer-base').textContent()).resolves.toMatch(/\d+ tokens/);
    await shot(page, 'playground-03-answers');
  });

  it('asks a quiz question in one click and shows each answer with its evaluation score', { timeout: 60_000 }, async () => {
    const quiz = page.getByTestId('pg-quiz');
    await quiz.locator('summary').filter({ hasText: TOPIC }).click();
    await quiz.locator(`[data-testid=pg-quiz-question][data-topic="${TOPIC}"]`).first().click();
    await expect(page.getByTestId('pg-question-tag').textContent()).resolves.toContain(TOPIC);
    await page.locator('[data-testid=pg-answer-adapter][data-done=true]').waitFor({ timeout: 50_000 });
    const scores = await page.getByTestId('pg-score').allTextContents();
    expect(scores).toHaveLength(2);
    for (const s of scores) expect(s).toMatch(/^score [01]\.\d{3} · (passes|below the pass mark)/);
    await shot(page, 'playground-04-quiz-scored');
  });

  it('answers with an adapter imported on the Runs tab, beside the base', { timeout: 60_000 }, async () => {
    // A PEFT adapter trained "elsewhere": random B so it changes the answers, zipped as users would.
    const cfg = parseModelConfig(JSON.parse(buildTinyModel(0)['config.json'] as string));
    const adapter = initLora(cfg, { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj'], useRslora: false }, new Rng(11));
    const rng = new Rng(12);
    for (const l of adapter.layers.values()) for (let i = 0; i < l.B.length; i++) l.B[i] = rng.normal() * 0.5;
    const files = exportPeft(adapter, 'tiny');
    const zip = zipSync(Object.fromEntries(Object.entries(files).map(([n, b]) => [n, typeof b === 'string' ? strToU8(b) : b])));
    await page.getByRole('tab', { name: /^Runs$/ }).click();
    await page.getByTestId('import-zip').setInputFiles({ name: 'elsewhere.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
    const row = page.locator('[data-testid=import-row][data-key^="imports/elsewhere"]');
    await row.waitFor();
    const key = (await row.getAttribute('data-key'))!;
    await page.getByRole('tab', { name: /^Playground$/ }).click();
    await expect(page.getByTestId('pg-adapter').locator(`optgroup[label=Imported] option[value="${key}"]`).count()).resolves.toBe(1);
    await page.getByTestId('pg-adapter').selectOption(key);
    await page.getByTestId('pg-prompt').fill('What is a voice marker?');
    await page.getByTestId('pg-generate').click();
    await page.locator('[data-testid=pg-answer-adapter][data-done=true]').waitFor({ timeout: 50_000 });
    expect((await page.getByTestId('pg-text-adapter').textContent())!.length).toBeGreaterThan(0);
    await expect(page.getByTestId('pg-error').count()).resolves.toBe(0);
    await shot(page, 'playground-05-imported-adapter');
  });

  it('renders the dark theme from the system setting, with no CSP violation or page error', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim());
    expect(bg).toBe('#14181d');
    await shot(page, 'playground-06-dark');
    await page.getByRole('tab', { name: /^Training$/ }).click();
    await page.getByTestId('sft-chart').locator('.recharts-line-curve').first().waitFor();
    await shot(page, 'playground-06-dark-training');
    await page.emulateMedia({ colorScheme: 'light' });
    const violations = await page.evaluate(() => window.__cspViolations);
    expect(violations).toEqual([]);
    expect(cspMessages).toEqual([]);
    expect(pageErrors).toEqual([]);
    // No file content, prompt or answer left the page: nothing went anywhere but the studio's own origin.
    expect(offsite).toEqual([]);
  });
});
