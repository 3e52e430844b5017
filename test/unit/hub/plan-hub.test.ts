// `mindprint plan --model ORG/NAME` end to end against the local fake Hub (no GPU, no network): only
// config.json is fetched, into the HF cache HF_HUB_CACHE names; the next run reads it with no request.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { command } from '../../../src/cli/commands/plan.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { commitOf, FakeHub } from './fake-hub.ts';

let hub: FakeHub;
let cache: string;

async function plan(...argv: string[]): Promise<{ rc: number; out: string; err: string }> {
  const lines: string[] = [],
    errs: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(l));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((t: string | Uint8Array) => (errs.push(String(t)), true));
  try {
    return { rc: await command.run(argv), out: lines.join('\n'), err: errs.join('') };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

beforeAll(async () => {
  hub = await FakeHub.start([
    { id: 'acme/tiny', files: buildTinyModel(0) },
    { id: 'acme/gated', files: buildTinyModel(0), token: 'hf_right' },
  ]);
  cache = await mkdtemp(join(tmpdir(), 'hub-plan-'));
  vi.stubEnv('HF_ENDPOINT', hub.url);
  vi.stubEnv('HF_HUB_CACHE', cache);
  vi.stubEnv('HF_HOME', cache);
  vi.stubEnv('HF_TOKEN', '');
  vi.stubEnv('HF_HUB_OFFLINE', '');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await hub.close();
  await rm(cache, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

describe('mindprint plan --model ORG/NAME', () => {
  it('fetches config.json alone into the cache, plans it, and reads it from the cache next time', async () => {
    const { rc, out, err } = await plan('--model', 'acme/tiny', '--limits', 'mac-chrome');
    expect(rc).toBe(0);
    expect(out).toMatch(/^acme\/tiny: [\d.]+ [KM]? ?parameters/);
    expect(out).toContain('verdict: fits');
    expect(err).toContain('downloading config.json');
    const snapshot = join(cache, 'models--acme--tiny', 'snapshots', commitOf('acme/tiny'));
    expect(await readdir(snapshot)).toEqual(['config.json']);
    expect(hub.log.filter((q) => q.method === 'GET' && q.path.includes('/resolve/')).map((q) => q.path)).toEqual([
      `/acme/tiny/resolve/${commitOf('acme/tiny')}/config.json`,
    ]);
    const n = hub.log.length;
    expect((await plan('--model', 'acme/tiny', '--limits', 'mac-chrome')).rc).toBe(0);
    expect(hub.log.length).toBe(n);
  });

  it('a gated model: a usage error that says what to do; --token opens it', async () => {
    await expect(plan('--model', 'acme/gated', '--limits', 'mac-chrome')).rejects.toThrow(
      `--model: acme/gated is a gated model (HTTP 401): accept the licence on the model page (${hub.url}/acme/gated), then give a token with HF_TOKEN or --token`,
    );
    expect((await plan('--model', 'acme/gated', '--token', 'hf_right', '--limits', 'mac-chrome')).rc).toBe(0);
    await expect(plan('--model', 'acme/none', '--limits', 'mac-chrome')).rejects.toThrow('--model: acme/none: no such model on');
  });
});
