// E2E harness: serves dist/ with Vite's preview() on 127.0.0.1 and a free port, and launches
// Debian's Chromium through playwright-core (WebGPU on SwiftShader enabled, nothing phoning home).
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

export interface Studio {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** The built studio to serve: dist/, or E2E_OUT_DIR (a build made with `vite build --outDir`, so parallel builds do not collide). */
const OUT_DIR = process.env.E2E_OUT_DIR ?? 'dist';

export async function startStudio(): Promise<Studio> {
  if (!existsSync(join(ROOT, OUT_DIR, 'index.html'))) {
    throw new Error(`${OUT_DIR}/index.html is missing: build the studio first (\`npm run test:e2e\` runs \`vite build\`)`);
  }
  const port = await freePort();
  const server: PreviewServer = await preview({
    root: ROOT,
    logLevel: 'warn',
    build: { outDir: OUT_DIR },
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--enable-unsafe-webgpu',
        '--disable-gpu-sandbox',
      ],
    });
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    url: `http://127.0.0.1:${port}/`,
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}

/** Saves a screenshot (full page unless told) as test-results/screenshots/<name>.png; returns its path. */
export async function shot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

/** Forwards the page's console errors and uncaught exceptions to a list the test can assert on. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}
