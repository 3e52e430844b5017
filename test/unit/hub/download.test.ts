// Hub ids through the Hugging Face cache against a local fake Hub (no network): a fresh download in
// the cache layout, a sharded model, a second run without requests, offline mode, a transformers-style
// cache reused as is, a download resumed after a cut, and each error a user meets.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, readlink, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { HubError } from '../../../src/hub/errors.ts';
import { resolveHubModel, type ResolveOptions } from '../../../src/hub/resolve.ts';
import { loadModel } from '../../../src/model/load.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { commitOf, etagOf, FakeHub, shardModel } from './fake-hub.ts';

const TOKEN = 'hf_secret_test_token_0123456789';
const tiny = buildTinyModel(0);
const WEIGHTS_ETAG = etagOf('model.safetensors', tiny['model.safetensors']);

let hub: FakeHub;
let cache: string;
let out: string[];
/** An endpoint where nothing listens (a port just freed). */
let deadEndpoint: string;

/** resolveHubModel against the fake Hub with a fresh environment (no user token file, no HF_* of the machine). */
function resolve(id: string, env: Record<string, string> = {}, opts: ResolveOptions = {}) {
  return resolveHubModel(id, {
    env: { HF_ENDPOINT: hub.url, HF_HUB_CACHE: cache, HF_HOME: cache, ...env },
    progress: { write: (t: string) => out.push(t) },
    ...opts,
  });
}

async function rejection(p: Promise<unknown>): Promise<HubError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HubError);
  return err as HubError;
}

beforeAll(async () => {
  hub = await FakeHub.start([
    {
      id: 'acme/tiny',
      files: { ...tiny, 'README.md': '# tiny\n', 'pytorch_model.bin': 'not fetched', 'chat_template.jinja': '{{ messages }}' },
      branches: ['v1'],
    },
    { id: 'acme/tiny-sharded', files: shardModel(tiny, 3) },
    { id: 'acme/gated', files: tiny, token: TOKEN },
    { id: 'acme/bin-only', files: { 'config.json': tiny['config.json'], 'tokenizer.json': tiny['tokenizer.json'], 'pytorch_model.bin': 'x' } },
    { id: 'acme/tiny-GGUF', files: { 'config.json': tiny['config.json'], 'tiny.Q4_K_M.gguf': 'x', 'README.md': '' } },
    { id: 'acme/mamba', files: { ...tiny, 'config.json': JSON.stringify({ ...JSON.parse(tiny['config.json'] as string), model_type: 'mamba' }) } },
  ]);
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
  deadEndpoint = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((ok) => probe.close(ok));
});
afterAll(() => hub.close());
beforeEach(async () => {
  cache = await mkdtemp(join(tmpdir(), 'hub-cache-'));
  out = [];
  hub.log.length = 0;
  hub.cut = null;
  hub.tamper = null;
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(cache, { recursive: true, force: true });
});

describe('Hub models through the Hugging Face cache', () => {
  it('downloads the files a model needs into the cache layout huggingface_hub uses', async () => {
    const r = await resolve('acme/tiny');
    const repo = join(cache, 'models--acme--tiny');
    const commit = commitOf('acme/tiny');
    expect(r.commit).toBe(commit);
    expect(r.dir).toBe(join(repo, 'snapshots', commit));
    expect(await readFile(join(repo, 'refs', 'main'), 'utf8')).toBe(commit);
    expect((await readdir(r.dir)).sort()).toEqual([
      'chat_template.jinja',
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    // Snapshot entries are relative links to blobs named by ETag (sha256 for LFS files, git sha1 otherwise).
    expect(await readlink(join(r.dir, 'model.safetensors'))).toBe(`../../blobs/${WEIGHTS_ETAG}`);
    expect(await readlink(join(r.dir, 'config.json'))).toBe(`../../blobs/${etagOf('config.json', tiny['config.json'])}`);
    expect(
      createHash('sha256')
        .update(await readFile(join(r.dir, 'model.safetensors')))
        .digest('hex'),
    ).toBe(WEIGHTS_ETAG);
    expect((await readdir(join(repo, 'blobs'))).some((f) => f.endsWith('.incomplete'))).toBe(false);
    // Nothing but the model's files: no README, no .bin.
    const fetched = hub.log.filter((q) => q.method === 'GET' && q.path.includes('/resolve/')).map((q) => q.path.split('/').pop());
    expect(fetched.sort()).toEqual(['chat_template.jinja', 'config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json']);
    expect(hub.log.filter((q) => q.path.startsWith('/cdn/'))).toHaveLength(1);
    // Progress: the file list and total first, then per file and total with rate and ETA.
    const text = out.join('');
    expect(text).toMatch(/^acme\/tiny \([0-9a-f]{7}\): downloading config\.json, .*model\.safetensors: [\d.]+ KiB into .*models--acme--tiny\n/);
    expect(text).toMatch(/ {2}model\.safetensors {2}[\d.]+ KiB \/ [\d.]+ KiB {2}[\d.]+ (B|KiB|MiB)\/s {2}ETA \d+ s {2}\| total [\d.]+ KiB \/ [\d.]+ KiB/);
  });

  it('a second run makes no request; the model loads from the snapshot, named by its id', async () => {
    await resolve('acme/tiny');
    const before = hub.log.length;
    const again = await resolve('acme/tiny');
    expect(again.requests).toBe(0);
    expect(hub.log.length).toBe(before);
    vi.stubEnv('HF_ENDPOINT', hub.url);
    vi.stubEnv('HF_HUB_CACHE', cache);
    const bundle = await loadModel('acme/tiny');
    expect(hub.log.length).toBe(before);
    expect(bundle.name).toBe('acme/tiny');
    const ref = await loadModel('tiny');
    expect(bundle.model.weights.get('model.embed_tokens.weight')).toEqual(ref.model.weights.get('model.embed_tokens.weight'));
    expect(bundle.tokenizer.encode('hello world')).toEqual(ref.tokenizer.encode('hello world'));
  });

  it('fetches the index of a sharded model first, then the shards it names; a branch gets its own ref', async () => {
    const r = await resolve('acme/tiny-sharded');
    expect(r.downloaded.sort()).toEqual([
      'config.json',
      'generation_config.json',
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
      'model.safetensors.index.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    vi.stubEnv('HF_ENDPOINT', deadEndpoint); // unreachable: only the cache may answer
    vi.stubEnv('HF_HUB_CACHE', cache);
    const bundle = await loadModel('acme/tiny-sharded');
    expect(bundle.model.weights.size).toBe((await loadModel('tiny')).model.weights.size);
    const v1 = await resolve('acme/tiny@v1', {}, { need: 'config' });
    expect(v1.downloaded).toEqual(['config.json']);
    expect(await readFile(join(cache, 'models--acme--tiny', 'refs', 'v1'), 'utf8')).toBe(commitOf('acme/tiny'));
  });

  it('HF_HUB_OFFLINE=1 uses the cache only and says what to do when the model is missing', async () => {
    const err = await rejection(resolve('acme/tiny', { HF_HUB_OFFLINE: '1' }));
    expect(err.kind).toBe('offline-missing');
    expect(err.message).toBe(
      `acme/tiny: it is not in the Hugging Face cache (${cache}), and HF_HUB_OFFLINE is set, so nothing is downloaded: unset HF_HUB_OFFLINE to download it (or fetch it with \`hf download acme/tiny\`)`,
    );
    expect(hub.log).toHaveLength(0);
    await resolve('acme/tiny', {}, { need: 'config' });
    const partial = await rejection(resolve('acme/tiny', { HF_HUB_OFFLINE: '1' }));
    expect(partial.message).toMatch(/^acme\/tiny: its cached snapshot [0-9a-f]{7} lacks tokenizer\.json, model\.safetensors, and HF_HUB_OFFLINE/);
    await resolve('acme/tiny');
    const n = hub.log.length;
    expect((await resolve('acme/tiny', { HF_HUB_OFFLINE: 'true' })).commit).toBe(commitOf('acme/tiny'));
    expect(hub.log.length).toBe(n);
  });

  it('follows a renamed repo (relative redirects) and caches it under the id asked for', async () => {
    hub.renamed.set('acme/old-tiny', 'acme/tiny');
    try {
      const r = await resolve('acme/old-tiny');
      expect(r.dir).toBe(join(cache, 'models--acme--old-tiny', 'snapshots', commitOf('acme/tiny')));
      expect(r.downloaded).toContain('model.safetensors');
      expect(hub.log.filter((q) => q.path.startsWith('/acme/old-tiny/resolve/')).length).toBeGreaterThan(0);
    } finally {
      hub.renamed.clear();
    }
  });

  it('reuses a cache written by transformers / hf download with no request', async () => {
    const commit = 'abcdef0123456789abcdef0123456789abcdef01';
    const repo = join(cache, 'models--someone--cached');
    await mkdir(join(repo, 'blobs'), { recursive: true });
    await mkdir(join(repo, 'snapshots', commit), { recursive: true });
    await mkdir(join(repo, 'refs'));
    await writeFile(join(repo, 'refs', 'main'), commit); // huggingface_hub writes no newline
    for (const [f, v] of Object.entries(tiny)) {
      await writeFile(join(repo, 'blobs', etagOf(f, v)), v);
      await symlink(`../../blobs/${etagOf(f, v)}`, join(repo, 'snapshots', commit, f));
    }
    const r = await resolve('someone/cached', { HF_ENDPOINT: deadEndpoint });
    expect(r).toMatchObject({ dir: join(repo, 'snapshots', commit), requests: 0, downloaded: [] });
    expect((await resolve(`someone/cached@${commit}`, { HF_ENDPOINT: deadEndpoint })).requests).toBe(0);
    expect(hub.log).toHaveLength(0);
  });

  it('resumes a file the connection dropped halfway, with a Range request', async () => {
    const size = (tiny['model.safetensors'] as Uint8Array).length;
    const half = Math.floor(size / 2);
    hub.cut = { file: 'model.safetensors', at: half, times: 1 };
    const err = await rejection(resolve('acme/tiny'));
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(
      /^acme\/tiny\/model\.safetensors: the connection was lost after [\d.]+ KiB of [\d.]+ KiB \(.+\): run the command again to resume from there$/,
    );
    const repo = join(cache, 'models--acme--tiny');
    const part = join(repo, 'blobs', `${WEIGHTS_ETAG}.incomplete`);
    // What arrived before the cut is kept (all of it, or less when the client dropped its buffered tail).
    const kept = (await stat(part)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(half);
    // Nothing looks complete: no blob, no snapshot entry, no ref.
    expect(existsSync(join(repo, 'blobs', WEIGHTS_ETAG))).toBe(false);
    expect(existsSync(join(repo, 'snapshots', commitOf('acme/tiny'), 'model.safetensors'))).toBe(false);
    expect(existsSync(join(repo, 'refs', 'main'))).toBe(false);
    const n = hub.log.length;
    const r = await resolve('acme/tiny');
    const cdn = hub.log.slice(n).filter((q) => q.path.startsWith('/cdn/'));
    expect(cdn).toEqual([{ method: 'GET', path: `/cdn/${WEIGHTS_ETAG}`, range: `bytes=${kept}-`, auth: false }]);
    expect(out.join('')).toContain(`model.safetensors: resuming at`);
    expect(r.downloaded).toEqual(['model.safetensors']);
    expect(Buffer.compare(await readFile(join(r.dir, 'model.safetensors')), Buffer.from(tiny['model.safetensors'] as Uint8Array))).toBe(0);
    expect(existsSync(part)).toBe(false);
  });

  it('deletes a file whose bytes do not match the sha256 ETag, and the next run fetches it afresh', async () => {
    hub.tamper = 'model.safetensors';
    const err = await rejection(resolve('acme/tiny'));
    expect(err.kind).toBe('integrity');
    expect(err.message).toBe(
      `acme/tiny/model.safetensors: the downloaded file is corrupt (sha256 ${err.message.match(/sha256 ([0-9a-f]{64})/)![1]} where the Hub said ${WEIGHTS_ETAG}); it was deleted: run the command again to download it afresh`,
    );
    expect(await readdir(join(cache, 'models--acme--tiny', 'blobs'))).not.toContain(`${WEIGHTS_ETAG}.incomplete`);
    hub.tamper = null;
    expect((await resolve('acme/tiny')).downloaded).toEqual(['model.safetensors']);
  });

  it('waits while another live process downloads the same blob, and takes over a lock whose process is gone', async () => {
    const locks = join(cache, '.locks', 'models--acme--tiny');
    await mkdir(locks, { recursive: true });
    const lock = join(locks, `${WEIGHTS_ETAG}.mindprint.lock`);
    await writeFile(lock, String(process.pid)); // a live holder
    const pending = resolve('acme/tiny');
    await new Promise((ok) => setTimeout(ok, 800));
    expect(out.join('')).toContain(`  model.safetensors: waiting for process ${process.pid}, which is downloading it into the same cache`);
    expect(hub.log.some((q) => q.path.startsWith('/cdn/'))).toBe(false);
    await rm(lock);
    expect((await pending).downloaded).toContain('model.safetensors');
    expect(existsSync(lock)).toBe(false);
    await rm(join(cache, 'models--acme--tiny'), { recursive: true });
    await writeFile(lock, String(spawnSync('true').pid)); // a holder that has exited
    expect((await resolve('acme/tiny')).downloaded).toContain('model.safetensors');
    expect(existsSync(lock)).toBe(false);
  });

  it('a gated model: one sentence that says to accept the licence and give a token; the token is never shown', async () => {
    const none = await rejection(resolve('acme/gated'));
    expect(none.kind).toBe('gated');
    expect(none.message).toBe(
      `acme/gated is a gated model (HTTP 401): accept the licence on the model page (${hub.url}/acme/gated), then give a token with HF_TOKEN or --token`,
    );
    const wrong = await rejection(resolve('acme/gated', { HF_TOKEN: 'hf_wrong_token' }));
    expect(wrong.message).toBe(
      `acme/gated: the Hub refused the token given for this gated model (HTTP 403): accept the licence on the model page (${hub.url}/acme/gated) with the account the token belongs to, then give a token with HF_TOKEN or --token`,
    );
    expect(wrong.message).not.toContain('hf_wrong_token');
    const n = hub.log.length;
    const r = await resolve('acme/gated', {}, { token: TOKEN });
    expect(r.downloaded).toContain('model.safetensors');
    expect(
      hub.log
        .slice(n)
        .filter((q) => q.path.includes('/resolve/'))
        .every((q) => q.auth),
    ).toBe(true);
    expect(out.join('')).not.toContain(TOKEN);
    // The token file `hf auth login` writes counts too.
    await rm(join(cache, 'models--acme--gated'), { recursive: true });
    await writeFile(join(cache, 'token'), `${TOKEN}\n`);
    expect((await resolve('acme/gated')).downloaded).toContain('model.safetensors');
  });

  it('unknown repos and revisions, and repos without safetensors, say what to do', async () => {
    const repo = await rejection(resolve('acme/nope'));
    expect(repo.kind).toBe('repo-not-found');
    expect(repo.message).toBe(
      `acme/nope: no such model on ${hub.url} (HTTP 404): check the id (ORG/NAME, as on the model page), and give a token with HF_TOKEN or --token if it is private`,
    );
    const rev = await rejection(resolve('acme/tiny@v9'));
    expect(rev.message).toBe('acme/tiny@v9: no such revision (HTTP 404): give a branch, tag or commit of the repo, or leave out @v9 for main');
    const bin = await rejection(resolve('acme/bin-only'));
    expect(bin.kind).toBe('no-safetensors');
    expect(bin.message).toBe(
      'acme/bin-only: the repo has no safetensors weights, only .bin files; this tool loads model.safetensors (or shards with model.safetensors.index.json): pick a repo that ships them (often ORG/NAME without a -GGUF suffix), or convert the weights to safetensors',
    );
    expect((await rejection(resolve('acme/tiny-GGUF'))).message).toMatch(/^acme\/tiny-GGUF: the repo has no safetensors weights, only \.gguf files;/);
    // plan needs the config alone, which the .bin repo has.
    expect((await resolve('acme/bin-only', {}, { need: 'config' })).downloaded).toEqual(['config.json']);
    const down = await rejection(resolve('acme/tiny', { HF_ENDPOINT: deadEndpoint }));
    expect(down.kind).toBe('network');
    expect(down.message).toBe(
      `cannot reach ${deadEndpoint} (ECONNREFUSED): check the network or HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only the cached models`,
    );
    vi.stubEnv('HF_ENDPOINT', hub.url);
    vi.stubEnv('HF_HUB_CACHE', cache);
    await expect(loadModel('acme/nope')).rejects.toThrow('acme/nope: no such model on');
  });

  it('an architecture this tool does not train is refused on config.json, before any weights come', async () => {
    vi.stubEnv('HF_ENDPOINT', hub.url);
    vi.stubEnv('HF_HUB_CACHE', cache);
    vi.stubEnv('HF_HOME', cache);
    const err = await rejection(loadModel('acme/mamba'));
    expect(err.kind).toBe('unsupported');
    expect(err.message).toMatch(
      /config\.json: model_type 'mamba' is not supported \(supported: .*\); nothing more of acme\/mamba was downloaded: pick a model of a supported architecture$/,
    );
    expect(hub.log.filter((q) => q.method === 'GET' && q.path.includes('/resolve/')).map((q) => q.path.split('/').pop())).toEqual(['config.json']);
    expect(hub.log.some((q) => q.path.startsWith('/cdn/'))).toBe(false);
  });

  it.skipIf(!existsSync('/dev/full'))('a full disk stops the download and leaves every cached file whole', async () => {
    await resolve('acme/tiny', {}, { need: 'config' });
    const repo = join(cache, 'models--acme--tiny');
    const configBlob = join(repo, 'blobs', etagOf('config.json', tiny['config.json']));
    const before = await readFile(configBlob);
    // The weights' partial file is /dev/full: every write to it fails with ENOSPC.
    await symlink('/dev/full', join(repo, 'blobs', `${WEIGHTS_ETAG}.incomplete`));
    const err = await rejection(resolve('acme/tiny'));
    expect(err.kind).toBe('disk-full');
    expect(err.message).toMatch(
      /model\.safetensors|\.incomplete: the disk is full after 0 B of [\d.]+ KiB \([\d.]+ KiB more needed\): free space or point HF_HUB_CACHE at a larger disk, then run again to resume; the files already cached are intact$/,
    );
    expect(Buffer.compare(await readFile(configBlob), before)).toBe(0);
    expect(existsSync(join(repo, 'blobs', WEIGHTS_ETAG))).toBe(false);
    expect((await lstat(join(repo, 'snapshots', commitOf('acme/tiny'), 'config.json'))).isSymbolicLink()).toBe(true);
    expect(existsSync(join(repo, 'snapshots', commitOf('acme/tiny'), 'model.safetensors'))).toBe(false);
  });
});
