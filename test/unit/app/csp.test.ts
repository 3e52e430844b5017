// The built studio's Content-Security-Policy: no eval, WebAssembly only through 'wasm-unsafe-eval',
// requests only to this origin and the Hugging Face Hub.
import { describe, expect, it } from 'vitest';
import { cspString, CSP_DIRECTIVES } from '../../../src/app/csp.ts';

describe('CSP', () => {
  it("allows no 'unsafe-eval' and no inline script", () => {
    const csp = cspString();
    expect(csp).not.toMatch(/'unsafe-eval'/);
    expect(CSP_DIRECTIVES['script-src']).toEqual(expect.arrayContaining(["'self'", "'wasm-unsafe-eval'"]));
    expect(CSP_DIRECTIVES['script-src']).not.toContain("'unsafe-inline'");
    expect(CSP_DIRECTIVES['object-src']).toEqual(["'none'"]);
  });

  it('sends requests only to this origin, the Hub, or a Hub mirror on this machine', () => {
    for (const src of CSP_DIRECTIVES['connect-src'])
      expect(src).toMatch(/^('self'|blob:|data:|https:\/\/(\*\.)?(huggingface\.co|hf\.co|cdn\.jsdelivr\.net)|http:\/\/(127\.0\.0\.1|localhost):\*)$/);
  });

  it('adds header-only directives when asked', () => {
    expect(cspString({ 'frame-ancestors': ["'none'"] })).toMatch(/; frame-ancestors 'none'$/);
  });
});
