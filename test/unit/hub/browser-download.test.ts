// The studio's Hub download (src/hub/browser/) in Node against the fake Hub, over the in-memory
// BlobDir: size and config before the weights, a download checked and renamed whole, a second
// look that makes no request, resume after a cut, cancel, a full quota, and each error's sentence.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HubError } from '../../../src/hub/errors.ts';
import { MemoryBlobDir } from '../../../src/hub/browser/blob-dir.ts';
import { downloadHubModel, inspectHubModel } from '../../../src/hub/browser/hub-download.ts';
import { blobPath, deleteCachedRepo, listCachedModels, snapshotModelFiles } from '../../../src/hub/browser/hub-cache.ts';
import type { TransferSnapshot } from '../../../src/hub/browser/transfer-meter.ts';
import { loadModelFiles } from '../../../src/model/load.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { commitOf, etagOf, FakeHub, shardModel } from './fake-hub.ts';

const TOKEN = 'hf_browser_secret_token_42';
const tiny = buildTinyModel(0);
const WEIGHTS = tiny['model.safetensors'] as Uint8Array;
let hub: FakeHub;
let dir: MemoryBlobDir;
const settings = (token: string | null = null) => ({ endpoint: hub.url, token });

async function rejection(p: Promise<unknown>): Promise<HubError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HubError);
  return err as HubError;
}

async function fetchAll(id: string, token: string | null = null, progress: TransferSnapshot[] = []) {
  const insp = await inspectHubModel(id, settings(token), dir);
  return { insp, done: await downloadHubModel(insp, settings(token), dir, (p) => progress.push(p), new AbortController().signal) };
}

beforeAll(async () => {
  hub = await FakeHub.start([
    { id: 'acme/tiny', files: { ...tiny, 'README.md': '# tiny\n', 'pytorch_model.bin': 'not fetched' }, branches: ['v1'] },
    { id: 'acme/tiny-sharded', files: shardModel(tiny, 3) },
    { id: 'acme/gated', files: tiny, token: TOKEN },
    { id: 'acme/tiny-GGUF', files: { 'config.json': tiny['config.json'], 'tiny.Q4_K_M.gguf': 'x' } },
    { id: 'acme/mamba', files: { ...tiny, 'config.json': JSON.stringify({ ...JSON.parse(tiny['config.json'] as string), model_type: 'mamba' }) } },
  ]);
});
afterAll(() => hub.close());
beforeEach(() => {
  dir = new MemoryBlobDir();
  hub.log.length = 0;
  hub.cut = null;
  hub.tamper = null;
});

describe('Hub models into the browser cache', () => {
  it('tells size and config before the weights, then downloads, checks and caches only the needed files', async () => {
    const insp = await inspectHubModel('acme/tiny', settings(), dir);
    expect(insp.commit).toBe(commitOf('acme/tiny'));
    expect(insp.files.map((f) => f.name).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(insp.totalBytes).toBe(insp.files.reduce((s, f) => s + f.size, 0));
    expect((insp.config as { model_type: string }).model_type).toBe('llama');
    // Only the metadata and config.json so far: no weights.
    expect(hub.log.some((r) => r.path.includes('model.safetensors') || r.path.startsWith('/cdn/'))).toBe(false);
    const progress: TransferSnapshot[] = [];
    const done = await downloadHubModel(insp, settings(), dir, (p) => progress.push(p), new AbortController().signal);
    expect(done.complete).toBe(true);
    expect(progress.at(-1)!.done).toBe(insp.totalBytes);
    expect(progress.some((p) => p.done > 0 && p.done < insp.totalBytes)).toBe(true);
    expect(hub.log.some((r) => r.path.endsWith('pytorch_model.bin') || r.path.endsWith('README.md'))).toBe(false);
    const bytes = new Uint8Array(await (await dir.file(blobPath('acme/tiny', etagOf('model.safetensors', WEIGHTS))))!.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(etagOf('model.safetensors', WEIGHTS));
    const bundle = await loadModelFiles(await snapshotModelFiles(dir, 'acme/tiny', insp.commit), 'acme/tiny');
    expect(bundle.model.config.modelType).toBe('llama');
    expect(bundle.model.weights.size).toBeGreaterThan(0);
  });

  it('finds a downloaded model in the cache with no request, and lists and deletes it', async () => {
    await fetchAll('acme/tiny');
    hub.log.length = 0;
    const again = await inspectHubModel('acme/tiny', settings(), dir);
    expect(again.cached).toBe(true);
    expect(hub.log).toEqual([]);
    const listed = await listCachedModels(dir);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ repoId: 'acme/tiny', complete: true, revisions: ['main'] });
    expect(listed[0]!.bytes).toBe(again.totalBytes);
    await deleteCachedRepo(dir, 'acme/tiny');
    expect(await listCachedModels(dir)).toEqual([]);
    expect(dir.files.size).toBe(0);
  });

  it('downloads a sharded model: the index first, then the shards it names', async () => {
    const progress: TransferSnapshot[] = [];
    const { insp } = await fetchAll('acme/tiny-sharded', null, progress);
    expect(insp.files.filter((f) => /^model-\d{5}-of-00003\.safetensors$/.test(f.name))).toHaveLength(3);
    const bundle = await loadModelFiles(await snapshotModelFiles(dir, 'acme/tiny-sharded', insp.commit));
    expect(bundle.model.weights.size).toBeGreaterThan(0);
  });

  it('resumes a file cut halfway with a Range request, keeping what arrived', async () => {
    hub.cut = { file: 'model.safetensors', at: Math.floor(WEIGHTS.length / 2), times: 1 };
    const insp = await inspectHubModel('acme/tiny', settings(), dir);
    const err = await rejection(downloadHubModel(insp, settings(), dir, () => {}, new AbortController().signal));
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(/connection was lost after .* press Download again to resume/);
    const part = await dir.file(`${blobPath('acme/tiny', etagOf('model.safetensors', WEIGHTS))}.incomplete`);
    expect(part!.size).toBe(Math.floor(WEIGHTS.length / 2));
    hub.log.length = 0;
    const again = await inspectHubModel('acme/tiny', settings(), dir);
    expect(again.haveBytes).toBeGreaterThan(WEIGHTS.length / 2);
    await downloadHubModel(again, settings(), dir, () => {}, new AbortController().signal);
    expect(hub.log.find((r) => r.path.startsWith('/cdn/'))!.range).toBe(`bytes=${Math.floor(WEIGHTS.length / 2)}-`);
    expect((await listCachedModels(dir))[0]!.complete).toBe(true);
  });

  it('a cancelled download keeps what arrived and is not listed as complete', async () => {
    hub.throttle = { bytes: 4096, ms: 5 };
    try {
      const insp = await inspectHubModel('acme/tiny', settings(), dir);
      const ac = new AbortController();
      const p = downloadHubModel(insp, settings(), dir, (s) => s.done > insp.haveBytes + 8192 && ac.abort(), ac.signal);
      await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      hub.throttle = null;
    }
    const [m] = await listCachedModels(dir);
    expect(m!.complete).toBe(false);
    expect(m!.bytes).toBeGreaterThan(0);
    expect(m!.bytes).toBeLessThan(m!.totalBytes);
  });

  it('a full quota stops with one sentence and leaves the cached models intact', async () => {
    await fetchAll('acme/tiny-sharded');
    const before = new Map(dir.files);
    dir.quota = [...dir.files.values()].reduce((s, v) => s + v.length, 0) + 20_000;
    const insp = await inspectHubModel('acme/tiny', settings(), dir);
    const err = await rejection(downloadHubModel(insp, settings(), dir, () => {}, new AbortController().signal));
    expect(err.kind).toBe('disk-full');
    expect(err.message).toMatch(/storage for this site is full .* Storage tab/);
    for (const [k, v] of before) if (!k.endsWith('.json')) expect(Buffer.compare(dir.files.get(k)!, v), k).toBe(0);
    const sharded = (await listCachedModels(dir)).find((m) => m.repoId === 'acme/tiny-sharded')!;
    expect(sharded.complete).toBe(true);
    expect(await snapshotModelFiles(dir, 'acme/tiny-sharded', sharded.commit)).toBeTruthy();
  });

  it('a corrupt transfer is deleted, not cached', async () => {
    hub.tamper = 'model.safetensors';
    const insp = await inspectHubModel('acme/tiny', settings(), dir);
    const err = await rejection(downloadHubModel(insp, settings(), dir, () => {}, new AbortController().signal));
    expect(err.kind).toBe('integrity');
    expect([...dir.files.keys()].some((k) => k.includes(etagOf('model.safetensors', WEIGHTS)))).toBe(false);
  });

  it('gated: one sentence without a token, refused with a wrong one, downloads with the right one; the token goes nowhere else', async () => {
    const none = await rejection(inspectHubModel('acme/gated', settings(), dir));
    expect(none.kind).toBe('gated');
    expect(none.message).toMatch(/gated model \(HTTP 401\): accept the licence on the model page .* paste an access token/);
    const wrong = await rejection(inspectHubModel('acme/gated', settings('hf_wrong'), dir));
    expect(wrong.message).toMatch(/refused this access token \(HTTP 403\)/);
    expect(wrong.message).not.toContain('hf_wrong');
    await fetchAll('acme/gated', TOKEN);
    const stored = new TextDecoder().decode(Uint8Array.from([...dir.files.values()].flatMap((v) => [...v])));
    expect(stored).not.toContain(TOKEN);
  });

  it('says what is wrong with an id, an unknown repo or revision, a repo without safetensors, an unsupported architecture', async () => {
    expect((await rejection(inspectHubModel('not an id', settings(), dir))).message).toMatch(/not a Hugging Face model id: write ORG\/NAME/);
    expect((await rejection(inspectHubModel('acme/nope', settings(), dir))).message).toMatch(/acme\/nope: no such model on .* check the id/);
    expect((await rejection(inspectHubModel('acme/tiny@v9', settings(), dir))).message).toMatch(/acme\/tiny@v9: no such revision/);
    const gguf = await rejection(inspectHubModel('acme/tiny-GGUF', settings(), dir));
    expect(gguf.kind).toBe('no-safetensors');
    expect(gguf.message).toMatch(/no safetensors weights, only \.gguf files/);
    hub.log.length = 0;
    const mamba = await rejection(inspectHubModel('acme/mamba', settings(), dir));
    expect(mamba.kind).toBe('unsupported');
    expect(mamba.message).toMatch(/mamba.*nothing more of acme\/mamba was downloaded/);
    expect(hub.log.some((r) => r.path.startsWith('/cdn/'))).toBe(false);
  });

  it('commits a large file at doubling sizes, so the copies an OPFS commit makes stay under twice the file', async () => {
    const size = 40 * 2 ** 20;
    const big = new Uint8Array(size).map((_, i) => (i * 7919) & 255);
    const bigHub = await FakeHub.start([{ id: 'acme/big', files: { ...tiny, 'model.safetensors': big } }]);
    try {
      const commits: number[] = [];
      const append = dir.append.bind(dir);
      dir.append = async (path, at) => {
        const w = await append(path, at);
        let have = at;
        return { ...w, write: async (c) => ((have += c.length), w.write(c)), commit: async () => (commits.push(have), w.commit()) };
      };
      const insp = await inspectHubModel('acme/big', { endpoint: bigHub.url, token: null }, dir);
      await downloadHubModel(insp, { endpoint: bigHub.url, token: null }, dir, () => {}, new AbortController().signal);
      const MiB = 2 ** 20;
      expect(commits.map((c) => Math.floor(c / MiB))).toEqual([8, 16, 32]);
      expect(commits.reduce((a, b) => a + b, 0)).toBeLessThan(2 * size);
      expect(Buffer.compare(dir.files.get(blobPath('acme/big', etagOf('model.safetensors', big)))!, big)).toBe(0);
    } finally {
      await bigHub.close();
    }
  });

  it('a Hub that cannot be reached says so in one sentence', async () => {
    const err = await rejection(inspectHubModel('acme/tiny', { endpoint: 'http://127.0.0.1:9', token: null }, dir));
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(/^Cannot reach http:\/\/127\.0\.0\.1:9 .* check the network connection and the Hub address setting/);
  });
});
