// The generated tiny model: byte-identical per seed, HF-valid files, non-flat logits, and the CLI command.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { command } from '../../../src/cli/commands/tiny-model.ts';
import { UsageError } from '../../../src/cli/command.ts';
import { buildTinyModel, byteToUnicode, trainByteLevelBpe } from '../../../src/model/tiny-model.ts';
import { loadModelFolder, memoryModelFiles } from '../../../src/model/weights.ts';

const same = (a: string | Uint8Array, b: string | Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe('buildTinyModel', () => {
  it('same seed → byte-identical files; another seed changes only the weights', () => {
    const a = buildTinyModel(3);
    const b = buildTinyModel(3);
    const c = buildTinyModel(4);
    expect(Object.keys(a).sort()).toEqual(['config.json', 'generation_config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
    for (const name of Object.keys(a)) expect(same(a[name], b[name])).toBe(true);
    expect(same(a['model.safetensors'], c['model.safetensors'])).toBe(false);
    for (const name of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) expect(same(a[name], c[name])).toBe(true);
  });

  it('has the HF Llama layout the issue asks for', async () => {
    const m = await loadModelFolder(memoryModelFiles(buildTinyModel(0)));
    expect(m.config).toMatchObject({
      modelType: 'llama',
      architectures: ['LlamaForCausalLM'],
      hiddenSize: 64,
      numLayers: 2,
      numHeads: 4,
      numKvHeads: 2,
      headDim: 16,
      intermediateSize: 128,
      ropeTheta: 10000,
      rmsNormEps: 1e-5,
      maxPositionEmbeddings: 512,
      tieWordEmbeddings: false,
      torchDtype: 'float32',
      vocabSize: 512,
      bosTokenId: 507,
      eosTokenIds: [508, 510],
    });
    const tj = m.tokenizerJson as {
      model: { type: string; vocab: Record<string, number>; merges: unknown[] };
      pre_tokenizer: { type: string };
      decoder: { type: string };
      added_tokens: Array<{ content: string; id: number }>;
    };
    expect([tj.model.type, tj.pre_tokenizer.type, tj.decoder.type]).toEqual(['BPE', 'ByteLevel', 'ByteLevel']);
    expect(Object.keys(tj.model.vocab)).toHaveLength(507);
    expect(tj.model.merges).toHaveLength(251);
    expect(tj.added_tokens.map((t) => t.content)).toEqual(['<|begin_of_text|>', '<|end_of_text|>', '<|im_start|>', '<|im_end|>', '<|pad|>']);
    const ids = new Set([...Object.values(tj.model.vocab), ...tj.added_tokens.map((t) => t.id)]);
    expect(ids.size).toBe(512);
    expect(Math.max(...ids)).toBe(511);
  });

  it('logits are not flat: one token through final norm + LM head spreads out', async () => {
    const m = await loadModelFolder(memoryModelFiles(buildTinyModel(0)));
    const C = 64;
    const emb = m.weights.get('model.embed_tokens.weight')!;
    const head = m.weights.get('lm_head.weight')!;
    const g = m.weights.get('model.norm.weight')!;
    for (const token of [0, 100, 300]) {
      const x = emb.subarray(token * C, token * C + C);
      const rms = Math.sqrt(x.reduce((s, v) => s + v * v, 0) / C + 1e-5);
      const logits = Array.from({ length: 512 }, (_, v) => {
        let s = 0;
        for (let c = 0; c < C; c++) s += head[v * C + c] * g[c] * (x[c] / rms);
        return s;
      });
      const mean = logits.reduce((a, b) => a + b, 0) / logits.length;
      const std = Math.sqrt(logits.reduce((a, b) => a + (b - mean) ** 2, 0) / logits.length);
      expect(std).toBeGreaterThan(0.4);
    }
  });
});

describe('byte-level BPE trainer', () => {
  it('maps all 256 bytes to distinct printable characters, as GPT-2 does', () => {
    const t = byteToUnicode();
    expect(new Set(t).size).toBe(256);
    expect(t[32]).toBe('Ġ');
    expect(t[10]).toBe('Ċ');
    expect(t[65]).toBe('A');
  });

  it('merges the most frequent pair first, ties to the smallest pair', () => {
    const { merges, vocab } = trainByteLevelBpe('aaab aaab aaab', 259);
    // pairs: "Ġa"×2, "aa"×6 (two per word), "ab"×3 → "aa" first
    expect(merges[0]).toEqual(['a', 'a']);
    expect(vocab.get('aa')).toBe(256);
    expect(vocab.size).toBe(259);
  });

  it('stops when no pair occurs twice', () => {
    const { merges } = trainByteLevelBpe('abc', 400);
    expect(merges).toEqual([]);
  });
});

describe('mindprint tiny-model', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mindprint-tiny-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('writes the files of buildTinyModel(seed)', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const out = join(tmp, 'm');
    expect(await command.run(['--out', out, '--seed', '5'])).toBe(0);
    log.mockRestore();
    const want = buildTinyModel(5);
    expect(readdirSync(out).sort()).toEqual(Object.keys(want).sort());
    for (const [name, content] of Object.entries(want)) expect(same(readFileSync(join(out, name)), content)).toBe(true);
  });

  it('rejects a missing --out and a bad --seed as usage errors', async () => {
    await expect(command.run([])).rejects.toThrow(UsageError);
    await expect(command.run(['--out', tmp, '--seed=-1'])).rejects.toThrow("--seed: expected an integer from 0 to 4294967295, got '-1'");
    await expect(command.run(['--out', tmp, '--seed', '1.5'])).rejects.toThrow("got '1.5'");
  });
});
