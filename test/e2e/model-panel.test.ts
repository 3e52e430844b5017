// The Model and Storage tabs in Chromium, against a fake Hub served from Node (test/unit/hub/fake-hub.ts):
// a gated model refused without a token with one sentence, then checked (size and memory plan before any
// weights), cut halfway and resumed with a Range request, with a moving progress bar; a reload finds it cached with no request; the token
// is nowhere but its own localStorage entry (not in IndexedDB, the model cache or the console). The
// Storage tab shows usage, persistence and the model's size; a picked folder is checked when picked. And a browser without WebGPU explains why
// on load while the curriculum still loads.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Page } from 'playwright-core';
import { collectPageErrors, shot, startStudio, type Studio } from './harness.ts';
import { FakeHub } from '../unit/hub/fake-hub.ts';
import { buildTinyModel, writeTinyModel } from '../../src/model/tiny-model.ts';
import { TOKEN_KEY } from '../../src/hub/browser/settings.ts';

const TOKEN = 'hf_e2eSecretToken0123456789abcdef';
const REPO = 'acme/tiny-gated';
const FILES = buildTinyModel(0);
/** Bytes of the five files the studio fetches (all the tiny repo has). */
const TOTAL = Object.values(FILES).reduce((s, v) => s + (typeof v === 'string' ? new TextEncoder().encode(v).length : v.length), 0);

/** Every IndexedDB database of the page, every store, every value, as text (bytes as latin1). */
function dumpIndexedDb(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const latin1 = (b: Uint8Array) => {
      let s = '';
      for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
      return s;
    };
    const text = (v: unknown): string =>
      JSON.stringify(v, (_k, x) =>
        x instanceof ArrayBuffer || ArrayBuffer.isView(x) ? latin1(new Uint8Array(x instanceof ArrayBuffer ? x : (x as ArrayBufferView).buffer)) : x,
      );
    let out = '';
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open(name!);
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      for (const store of db.objectStoreNames) {
        const all = await new Promise<unknown[]>((ok) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => ok(r.result);
        });
        out += `${name}/${store}: ${text(all)}\n`;
      }
      db.close();
    }
    return out;
  });
}

/** Every file in the page's OPFS (the model cache), concatenated as latin1 text. */
function dumpOpfs(page: Page): Promise<string> {
  return page.evaluate(async () => {
    let out = '';
    const walk = async (d: FileSystemDirectoryHandle, path: string) => {
      for await (const [name, h] of (d as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
        if (h.kind === 'directory') await walk(h as FileSystemDirectoryHandle, `${path}/${name}`);
        else {
          const bytes = new Uint8Array(await (await (h as FileSystemFileHandle).getFile()).arrayBuffer());
          let s = '';
          for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
          out += `${path}/${name}: ${s}\n`;
        }
      }
    };
    await walk(await navigator.storage.getDirectory(), '');
    return out;
  });
}

describe('Model and Storage tabs in Chromium', () => {
  let studio: Studio;
  let hub: FakeHub;
  let page: Page;
  let pageErrors: string[];
  const consoleLines: string[] = [];

  beforeAll(async () => {
    hub = await FakeHub.start([{ id: REPO, files: FILES, token: TOKEN }]);
    studio = await startStudio();
    const context = await studio.browser.newContext({ viewport: { width: 1300, height: 950 } });
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await studio?.close();
    await hub?.close();
  });

  it('downloads a gated Hub model with a token and a moving progress bar, after its size and plan', async () => {
    await page.goto(studio.url);
    await page.getByRole('tab', { name: 'Model' }).click();
    await page.getByTestId('gpu-limits').waitFor();
    await expect(page.getByTestId('model-name').textContent()).resolves.toBe('tiny (generated, for demos)');
    await page.getByTestId('model-source-hub').check();
    await page.getByText('Hub address and access token').click();
    await page.getByTestId('hub-endpoint').fill(hub.url);
    await page.getByTestId('hub-endpoint').blur();
    await page.getByTestId('hub-id').fill(REPO);
    await page.getByTestId('hub-check').click();
    const gated = await page.getByTestId('hub-error').textContent();
    expect(gated).toMatch(/acme\/tiny-gated is a gated model \(HTTP 401\): accept the licence on the model page .* paste an access token/);

    await page.getByTestId('hub-token').fill(TOKEN);
    await page.getByTestId('hub-token-save').click();
    hub.log.length = 0;
    await page.getByTestId('hub-check').click();
    await page.getByTestId('hub-download').waitFor();
    // Size and plan before the weights: only the metadata, config.json and tokenizer_config.json were asked for.
    expect(await page.getByTestId('hub-size').textContent()).toMatch(/5 files, 564\.4 KiB \(2\.\d\d KiB already here\)/); // config.json and tokenizer_config.json
    expect(await page.getByTestId('model-name').textContent()).toBe(REPO);
    expect(await page.getByTestId('plan-verdict').textContent()).toMatch(/^Fits the buffer limits; needs about 2\.3 MiB of GPU memory$/);
    expect(hub.log.some((r) => r.path.startsWith('/cdn/'))).toBe(false);
    await shot(page, 'model-hub-checked');

    // The connection drops halfway through the weights: one sentence, and what arrived is kept for the next try.
    const weights = FILES['model.safetensors'] as Uint8Array;
    hub.cut = { file: 'model.safetensors', at: weights.length >> 1, times: 1 };
    hub.throttle = { bytes: 64 * 1024, ms: 20 };
    await page.getByTestId('hub-download').click();
    expect(await page.getByTestId('hub-error').textContent()).toMatch(
      /acme\/tiny-gated\/model\.safetensors: the connection was lost after 27\d\.\d KiB of 547\.4 KiB: press Download again to resume/,
    );
    expect(await page.getByTestId('hub-download').textContent()).toMatch(/^Download 27\d\.\d KiB$/);
    hub.log.length = 0;
    hub.throttle = { bytes: 16 * 1024, ms: 60 };
    await page.getByTestId('hub-download').click();
    const seen = new Set<number>();
    await page.getByTestId('hub-progress').waitFor();
    let shotTaken = false;
    while (await page.getByTestId('hub-progress').isVisible()) {
      const v = await page
        .getByTestId('hub-progress')
        .evaluate((e) => (e as HTMLProgressElement).value)
        .catch(() => null);
      if (v !== null) seen.add(v);
      if (!shotTaken && seen.size > 4) shotTaken = !!(await shot(page, 'model-hub-downloading').catch(() => ''));
      await page.waitForTimeout(100);
    }
    hub.throttle = null;
    expect(hub.log.find((r) => r.path.startsWith('/cdn/'))?.range).toBe(`bytes=${weights.length >> 1}-`); // resumed, not restarted
    expect([...seen].filter((v) => v > 20_000 && v < TOTAL).length, `progress values seen: ${[...seen].join(', ')}`).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('hub-size').textContent()).toMatch(/in this browser, nothing to download/);
    await page.getByTestId('cached-model').filter({ hasText: REPO }).waitFor();
    expect(await page.getByTestId('cached-use').textContent()).toBe('In use');
    expect(await page.getByTestId('train-model').count()).toBe(0); // the training form is on its own tab
    await shot(page, 'model-hub-cached');
  });

  it('finds the model cached after a reload, chosen again, with no request', async () => {
    hub.log.length = 0;
    await page.reload();
    await page.getByRole('tab', { name: 'Model' }).click();
    await page.getByTestId('cached-model').filter({ hasText: REPO }).waitFor();
    await page.getByTestId('model-name').filter({ hasText: REPO }).waitFor();
    expect(await page.getByTestId('model-source-hub').isChecked()).toBe(true);
    expect(await page.getByTestId('cached-model').textContent()).toMatch(/564\.4 KiB/);
    expect(hub.log).toEqual([]);
    await page.getByRole('tab', { name: 'Training', exact: true }).click();
    expect(await page.getByTestId('train-model').textContent()).toContain(REPO);
  });

  it('starts a run on the downloaded model: the training worker loads it from the browser cache', async () => {
    // In a second tab, closed once the model is loaded (that ends its worker, so the run does not keep the CPU busy).
    const tab = await page.context().newPage();
    tab.on('console', (m) => consoleLines.push(m.text()));
    try {
      await tab.goto(studio.url);
      await tab.getByRole('button', { name: 'Load sample curriculum' }).first().click();
      await tab.getByTestId('storage-status').filter({ hasText: 'Saved in this browser' }).waitFor({ timeout: 30_000 });
      await tab.getByRole('tab', { name: 'Training', exact: true }).click();
      expect(await tab.getByTestId('train-model').textContent()).toContain(REPO);
      await tab.getByTestId('opt-similarity').selectOption('lexical');
      await tab.getByTestId('opt-maxSteps').fill('1');
      hub.log.length = 0;
      await tab.getByTestId('train-start').click();
      // The run's options name the model once the worker has loaded it (prepareRun), with no request to the Hub.
      await tab.getByTestId('training-panel').getByText(`${REPO} · PPO`).waitFor({ timeout: 30_000 });
      expect(await tab.getByTestId('train-status').getAttribute('data-status')).not.toBe('failed');
      expect(hub.log).toEqual([]);
    } finally {
      await tab.close();
    }
  });

  it('keeps the token only in its own entry: not in IndexedDB, the model cache or the console', async () => {
    const idb = await dumpIndexedDb(page);
    // The dump reads the studio's databases: the curriculum, and the run's options naming the model.
    expect(idb.includes('mindprint-datasets/files'), 'curriculum in the dump').toBe(true);
    expect(/modelName\\?":\s*\\?"acme\/tiny-gated/.test(idb), 'run options in the dump').toBe(true);
    expect(idb.includes(TOKEN), 'token in IndexedDB').toBe(false);
    const opfs = await dumpOpfs(page);
    expect(opfs.includes('"repoId":"acme/tiny-gated"'), 'manifest in the OPFS dump').toBe(true);
    expect(opfs.includes(TOKEN), 'token in the model cache').toBe(false);
    const local = await page.evaluate(() => Object.entries(localStorage));
    expect(local.filter(([, v]) => v.includes(TOKEN)).map(([k]) => k)).toEqual([TOKEN_KEY]);
    expect(consoleLines.length).toBeGreaterThan(0);
    expect(consoleLines.filter((l) => l.includes(TOKEN))).toEqual([]);
    // The browser logs the refused request of the gated check (401) itself; nothing else went wrong.
    expect(pageErrors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });

  it('shows storage use, asks for persistence, and what the curriculum, the run and the model take; delete empties the cache', async () => {
    await page.getByRole('tab', { name: 'Storage' }).click();
    await page.getByTestId('storage-usage').waitFor();
    expect(await page.getByTestId('storage-estimate').textContent()).toMatch(/This site uses .* and may use .* more/);
    expect(await page.getByTestId('storage-warning').textContent()).toMatch(/Browsers may delete .* downloads are your backup/);
    const usage = await page.getByTestId('storage-usage').textContent();
    expect(usage).toMatch(/model acme\/tiny-gated564\.4 KiB5 files/);
    expect(usage).toMatch(/curriculum files326\.6 KiB7 files/);
    expect(usage).toMatch(/run \d{8}-\d{6}-\w+[\d.]+ (KiB|MiB)\d+ stored values/); // the run started above
    const persist = page.getByTestId('storage-persist');
    if (await persist.isVisible()) {
      await persist.click();
      expect(await page.getByTestId('storage-persist-answer').textContent()).toMatch(/The browser (granted|declined)/);
    }
    await shot(page, 'storage-panel');
    await page.getByRole('tab', { name: 'Model' }).click();
    await page.getByTestId('cached-delete').click();
    await page.getByText('No Hub model is cached in this browser yet.').waitFor();
    expect(await page.getByTestId('model-name').textContent()).toBe('tiny (generated, for demos)');
    expect(await dumpOpfs(page)).not.toContain('acme');
  });

  it('checks a picked model folder when it is picked: its summary, or one sentence on what is wrong', async () => {
    const good = await mkdtemp(join(tmpdir(), 'picked-'));
    const dir = join(good, 'my-tiny-model');
    await writeTinyModel(dir, 0);
    await page.getByRole('tab', { name: 'Model' }).click();
    await page.getByTestId('model-source-files').check();
    await page.getByTestId('model-folder-input').setInputFiles(dir);
    await page.getByTestId('model-name').filter({ hasText: 'my-tiny-model' }).waitFor();
    expect(await page.getByTestId('model-summary').textContent()).toMatch(/LlamaForCausalLM.*139\.6 K.*F32.*found.*found/);
    await shot(page, 'model-folder-checked');
    const bad = join(good, 'not-a-model');
    await mkdir(bad);
    await writeFile(join(bad, 'notes.txt'), 'hello');
    await page.getByTestId('model-folder-input').setInputFiles(bad);
    expect(await page.getByTestId('model-check-error').textContent()).toMatch(/^not-a-model has no config\.json: pick the folder of a Hugging Face model/);
    await page.getByRole('tab', { name: 'Training', exact: true }).click();
    expect(await page.getByTestId('train-model').textContent()).toContain('my-tiny-model'); // the last good pick stays chosen
    await rm(good, { recursive: true, force: true });
  });

  it('explains on load, in a browser without WebGPU, why training cannot run, and the curriculum still loads', async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-webgpu', '--no-first-run'] });
    try {
      const p = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const errors = collectPageErrors(p);
      await p.goto(studio.url);
      const note = await p.getByTestId('no-webgpu').textContent();
      expect(note).toMatch(/does not offer WebGPU|found no GPU/);
      expect(note).toMatch(/chrome:\/\/gpu/);
      expect(note).toMatch(/hardware acceleration/i);
      await p.getByRole('button', { name: 'Load sample curriculum' }).first().click();
      await p.getByTestId('storage-status').filter({ hasText: 'Saved in this browser' }).waitFor({ timeout: 30_000 });
      await p.getByRole('tab', { name: 'Training config' }).click();
      await p.getByRole('tab', { name: 'Model' }).click();
      expect(await p.getByTestId('plan-verdict').textContent()).toMatch(/^Fits the buffer limits/);
      await shot(p, 'no-webgpu');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
