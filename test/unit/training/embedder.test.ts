// The real sentence-embedding path (transformers.js feature-extraction on onnxruntime-node) on a
// tiny BERT-style model generated here, and the fallback to the lexical similarity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dot, loadEmbedder, resolveSimilarity } from '../../../src/training/embedder.ts';
import { tinyEmbedderReference, writeTinyEmbedder, type TinyEmbedder } from '../../helpers/tiny-embedder.ts';
import { questionScore } from '../../../src/training/eval-scoring.ts';
import { parseMarkers } from '../../../src/analysis/markers.ts';

let root: string;
let tiny: TinyEmbedder;
let emb: Awaited<ReturnType<typeof loadEmbedder>>;

/** Token ids the tiny model's WordPiece tokenizer gives a text of whole in-vocabulary words. */
function ids(text: string): number[] {
  const v = tiny.weights.vocab;
  return [v.indexOf('[CLS]'), ...text.split(' ').map((w) => v.indexOf(w)), v.indexOf('[SEP]')];
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mindprint-embedder-'));
  tiny = await writeTinyEmbedder(join(root, 'tiny'));
  emb = await loadEmbedder({ localDir: tiny.dir, batchSize: 2 });
}, 60_000);

afterAll(async () => {
  await emb?.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('loadEmbedder on the generated tiny model', () => {
  it('returns the same mean-pooled, normalised embedding as the model maths in TypeScript', async () => {
    const [e] = await emb.embedBatch!(['the market is fear']);
    const ref = tinyEmbedderReference(tiny.weights, ids('the market is fear'));
    expect(e.length).toBe(tiny.weights.hidden);
    let maxDiff = 0;
    for (let i = 0; i < e.length; i++) maxDiff = Math.max(maxDiff, Math.abs(e[i] - ref[i]));
    expect(maxDiff).toBeLessThan(1e-5);
  });

  it('normalises every embedding, and batching with padding does not change them', async () => {
    const texts = ['the cat sat', 'always cut losses and let winners run', 'fear', 'Market PRICE risk!', 'stocks'];
    const batched = await emb.embedBatch!(texts);
    for (const e of batched) expect(dot(e, e)).toBeCloseTo(1, 5);
    const fresh = await loadEmbedder({ localDir: tiny.dir, batchSize: 1 });
    const single = await fresh.embedBatch!(texts);
    await fresh.dispose();
    for (let t = 0; t < texts.length; t++) {
      for (let i = 0; i < single[t].length; i++) expect(batched[t][i]).toBeCloseTo(single[t][i], 5);
    }
    // Lower-casing and WordPiece: "stocks" = stock + ##s.
    const ref = tinyEmbedderReference(tiny.weights, [2, tiny.weights.vocab.indexOf('stock'), tiny.weights.vocab.indexOf('##s'), 3]);
    expect(dot(batched[4], ref)).toBeCloseTo(1, 5);
  });

  it('scores identical texts 1 and texts sharing words above unrelated ones', async () => {
    const a = 'the market price and risk of the trade';
    expect(await emb.score(a, a)).toBeCloseTo(1, 5);
    const shared = await emb.score(a, 'market price risk trade discipline');
    const unrelated = await emb.score(a, 'cat sat in garden with flower');
    expect(shared).toBeGreaterThan(unrelated + 0.2);
    expect(emb.kind).toBe('embedding');
    expect(emb.name).toContain(tiny.dir);
  });

  it('drives questionScore end to end', async () => {
    const markers = parseMarkers('categories:\n  psychology: { expected: 1, patterns: [fear] }\n');
    const r = await questionScore({ answer: 'fear and greed', reference: 'fear and greed', markers, distinctions: [], similarity: emb });
    // semantic 1, voice 0.35 (psychology only): 0.5 + 0.105 + 0.2
    expect(r.semantic).toBeCloseTo(1, 5);
    expect(r.score).toBeCloseTo(0.805, 5);
    expect(r.details.similarity).toBe(emb.name);
  });
});

describe('resolveSimilarity', () => {
  it('uses the embedder when its folder loads and says so', async () => {
    const r = await resolveSimilarity({ localDir: tiny.dir });
    expect(r.similarity.kind).toBe('embedding');
    expect(r.reason).toContain('sentence embeddings');
    expect(r.reason).toContain(tiny.dir);
    expect(r.reason).toMatch(/on onnxruntime-node \d+\.\d+/); // the native CPU backend runs here
  });

  it('falls back to lexical with the reason when the folder is missing', async () => {
    const missing = join(root, 'no-such-model');
    const r = await resolveSimilarity({ localDir: missing });
    expect(r.similarity.kind).toBe('lexical');
    expect(r.reason).toContain('lexical fallback');
    expect(r.reason).toContain(missing);
    expect(r.reason).toContain('config.json');
    expect(await r.similarity.score('market risk', 'market risk')).toBeCloseTo(1, 12);
  });

  it('names the missing file of an incomplete folder', async () => {
    const partial = await writeTinyEmbedder(join(root, 'partial'));
    await unlink(join(partial.dir, 'tokenizer.json'));
    await expect(loadEmbedder({ localDir: partial.dir })).rejects.toThrow(/missing tokenizer\.json/);
  });

  it('never goes to the network without allowRemote: an unknown hub id falls back', async () => {
    const saved = process.env.HF_HUB_CACHE;
    process.env.HF_HUB_CACHE = join(root, 'empty-hub');
    try {
      const r = await resolveSimilarity({ modelId: 'mindprint-test/absent-model', cacheDir: join(root, 'empty-cache') });
      expect(r.similarity.kind).toBe('lexical');
      expect(r.reason).toMatch(/network not allowed/);
    } finally {
      if (saved === undefined) delete process.env.HF_HUB_CACHE;
      else process.env.HF_HUB_CACHE = saved;
    }
  });

  it('finds a model in the Hugging Face hub cache layout', async () => {
    const hub = join(root, 'hub');
    const repo = join(hub, 'models--mindprint-test--tiny');
    await writeTinyEmbedder(join(repo, 'snapshots', 'aaa000'), { seed: 1 });
    await writeTinyEmbedder(join(repo, 'snapshots', 'bbb111'), { seed: 2 });
    await mkdir(join(repo, 'refs'), { recursive: true });
    await writeFile(join(repo, 'refs', 'main'), 'bbb111\n');
    const saved = process.env.HF_HUB_CACHE;
    process.env.HF_HUB_CACHE = hub;
    try {
      const r = await resolveSimilarity({ modelId: 'mindprint-test/tiny' });
      expect(r.similarity.kind).toBe('embedding');
      expect(r.reason).toContain('Hugging Face cache');
      expect(r.reason).toContain('bbb111'); // the revision refs/main names, not the first listed
      expect(await r.similarity.score('fear', 'fear')).toBeCloseTo(1, 5);
    } finally {
      if (saved === undefined) delete process.env.HF_HUB_CACHE;
      else process.env.HF_HUB_CACHE = saved;
    }
  });
});
