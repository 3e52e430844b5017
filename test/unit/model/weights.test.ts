// Model folder loading: the tiny model, sharded folders and their index, dtypes, and errors for bad folders.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTinyModel, tinyModelFiles, writeTinyModel } from '../../../src/model/tiny-model.ts';
import { parseSafetensors, readTensorF32, writeSafetensors, type WritableTensor } from '../../../src/model/safetensors.ts';
import {
  decoderTensorName,
  expectedTensorShapes,
  lmHeadWeight,
  loadModelFolder,
  memoryModelFiles,
  nodeModelFiles,
  storedEmbedScale,
} from '../../../src/model/weights.ts';
import { parseModelConfig } from '../../../src/model/hf-config.ts';

const tiny = buildTinyModel(7);
const tinyTensors = parseSafetensors(tiny['model.safetensors'] as Uint8Array);
const asWritable = (dtype: 'F32' | 'F16' | 'BF16', pick: (name: string) => boolean = () => true) => {
  const out: Record<string, WritableTensor> = {};
  for (const [name, e] of tinyTensors) if (pick(name)) out[name] = { dtype, shape: e.shape, data: readTensorF32(e) };
  return out;
};
const withFiles = (changes: Record<string, string | Uint8Array | undefined>) => {
  const files: Record<string, string | Uint8Array> = { ...tiny };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete files[k];
    else files[k] = v;
  }
  return memoryModelFiles(files, 'm');
};

describe('loadModelFolder', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mindprint-weights-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('loads the tiny model from disk with every expected tensor at its shape', async () => {
    await writeTinyModel(tmp, 7);
    const m = await loadModelFolder(nodeModelFiles(tmp));
    expect(m.config.modelType).toBe('llama');
    const expected = expectedTensorShapes(m.config);
    expect(expected.size).toBe(1 + 2 * 9 + 2);
    expect([...m.weights.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, shape] of expected) {
      expect(m.shapes.get(name)).toEqual(shape);
      expect(m.weights.get(name)!.length).toBe(shape.reduce((a, b) => a * b, 1));
    }
    expect(m.weights.get('model.layers.1.mlp.down_proj.weight')).toEqual(readTensorF32(tinyTensors.get('model.layers.1.mlp.down_proj.weight')!));
    expect(m.tokenizerJson).not.toBeNull();
    expect(m.tokenizerConfig?.chat_template).toContain('<|im_start|>');
    expect(m.generationConfig?.eos_token_id).toEqual(m.config.eosTokenIds);
    expect(m.ignoredTensors).toEqual([]);
  });

  it('loads sharded weights through the index, in F16 and BF16', async () => {
    const shard1 = asWritable('F16', (n) => n.includes('layers.0') || n.startsWith('model.embed'));
    const shard2 = asWritable('BF16', (n) => !(n.includes('layers.0') || n.startsWith('model.embed')));
    const weightMap: Record<string, string> = {};
    for (const n of Object.keys(shard1)) weightMap[n] = 'model-00001-of-00002.safetensors';
    for (const n of Object.keys(shard2)) weightMap[n] = 'model-00002-of-00002.safetensors';
    const files = withFiles({
      'model.safetensors': undefined,
      'model-00001-of-00002.safetensors': writeSafetensors(shard1),
      'model-00002-of-00002.safetensors': writeSafetensors(shard2),
      'model.safetensors.index.json': JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }),
    });
    // By default each 16-bit matrix stays in its stored format (packed); f32 reads them as floats.
    const stored = await loadModelFolder(files);
    expect(stored.packed.get('model.layers.0.self_attn.q_proj.weight')!.format).toEqual({ kind: 'f16' });
    expect(stored.packed.get('lm_head.weight')!.format).toEqual({ kind: 'bf16' });
    const m = await loadModelFolder(files, { precision: 'f32' });
    expect(m.sourceDtypes.get('model.layers.0.self_attn.q_proj.weight')).toBe('F16');
    expect(m.sourceDtypes.get('lm_head.weight')).toBe('BF16');
    const exact = readTensorF32(tinyTensors.get('lm_head.weight')!);
    const got = m.weights.get('lm_head.weight')!;
    for (let i = 0; i < exact.length; i++) expect(Math.abs(got[i] - exact[i])).toBeLessThanOrEqual(Math.abs(exact[i]) * 2 ** -8);
  });

  it('rejects an index that does not cover the shards, or lists tensors a shard lacks', async () => {
    const all = asWritable('F32');
    const names = Object.keys(all);
    const half = names.slice(0, 10);
    const rest = names.slice(10);
    const pick = (list: string[]) => Object.fromEntries(list.map((n) => [n, all[n]]));
    const shards = {
      'model.safetensors': undefined,
      'model-00001-of-00002.safetensors': writeSafetensors(pick(half)),
      'model-00002-of-00002.safetensors': writeSafetensors(pick(rest)),
    };
    const map = (f: (n: string) => string | undefined) => JSON.stringify({ weight_map: Object.fromEntries(names.flatMap((n) => (f(n) ? [[n, f(n)]] : []))) });
    const file = (n: string) => (half.includes(n) ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors');
    await expect(loadModelFolder(withFiles({ ...shards, 'model.safetensors.index.json': map((n) => (n === rest[0] ? undefined : file(n))) }))).rejects.toThrow(
      `m/model-00002-of-00002.safetensors: tensor '${rest[0]}' is missing from the weight_map in model.safetensors.index.json`,
    );
    await expect(
      loadModelFolder(withFiles({ ...shards, 'model.safetensors.index.json': map((n) => (n === half[0] ? 'model-00002-of-00002.safetensors' : file(n))) })),
    ).rejects.toThrow(`tensor '${half[0]}' is mapped to model-00002-of-00002.safetensors`);
    await expect(
      loadModelFolder(withFiles({ ...shards, 'model.safetensors.index.json': map((n) => (n === half[0] ? 'model-00003-of-00003.safetensors' : file(n))) })),
    ).rejects.toThrow('weight_map.' + half[0] + " names 'model-00003-of-00003.safetensors', which is not in the folder");
    await expect(
      loadModelFolder(withFiles({ ...shards, 'model.safetensors.index.json': map((n) => (half.includes(n) ? undefined : file(n))) })),
    ).rejects.toThrow('shard model-00001-of-00002.safetensors is not referenced by model.safetensors.index.json');
    await expect(loadModelFolder(withFiles(shards))).rejects.toThrow('need model.safetensors.index.json, which is missing');
  });

  it('names missing and misshaped tensors', async () => {
    const noNorm = asWritable('F32', (n) => n !== 'model.layers.1.post_attention_layernorm.weight');
    await expect(loadModelFolder(withFiles({ 'model.safetensors': writeSafetensors(noNorm) }))).rejects.toThrow(
      'm: 1 expected tensor(s) missing: model.layers.1.post_attention_layernorm.weight [64]',
    );
    const bad = asWritable('F32');
    bad['model.layers.0.self_attn.k_proj.weight'] = { dtype: 'F32', shape: [64, 64], data: new Float32Array(64 * 64) };
    await expect(loadModelFolder(withFiles({ 'model.safetensors': writeSafetensors(bad) }))).rejects.toThrow(
      "m/model.safetensors: tensor 'model.layers.0.self_attn.k_proj.weight' has shape [64, 64], expected [32, 64] from config.json",
    );
  });

  it('tied embeddings need no lm_head (and ignore one that is present); Qwen2 needs q/k/v biases', async () => {
    const cfg = JSON.parse(tiny['config.json'] as string);
    const tied = await loadModelFolder(withFiles({ 'config.json': JSON.stringify({ ...cfg, tie_word_embeddings: true }) }));
    expect(tied.weights.has('lm_head.weight')).toBe(false);
    expect(tied.ignoredTensors).toEqual(['lm_head.weight']);
    expect(lmHeadWeight(tied)).toBe(tied.weights.get('model.embed_tokens.weight'));
    const untied = await loadModelFolder(tinyModelFiles(7));
    expect(lmHeadWeight(untied)).toBe(untied.weights.get('lm_head.weight'));
    const qwen = { ...cfg, model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'] };
    await expect(loadModelFolder(withFiles({ 'config.json': JSON.stringify(qwen) }))).rejects.toThrow(
      /6 expected tensor\(s\) missing: model\.layers\.0\.self_attn\.q_proj\.bias \[64\]/,
    );
    const biased = asWritable('F32');
    for (const [name, shape] of expectedTensorShapes(parseModelConfig(qwen))) {
      if (name.endsWith('.bias')) biased[name] = { dtype: 'F32', shape, data: new Float32Array(shape[0]).fill(0.5) };
    }
    const q = await loadModelFolder(withFiles({ 'config.json': JSON.stringify(qwen), 'model.safetensors': writeSafetensors(biased) }));
    expect(q.weights.get('model.layers.1.self_attn.v_proj.bias')).toEqual(new Float32Array(32).fill(0.5));
  });

  it('reports a missing config, weights, or an unreadable directory clearly', async () => {
    await expect(loadModelFolder(withFiles({ 'config.json': undefined }))).rejects.toThrow('m: config.json is missing');
    await expect(loadModelFolder(withFiles({ 'model.safetensors': undefined }))).rejects.toThrow(
      'm: no model.safetensors or model.safetensors.index.json (found: config.json, generation_config.json, tokenizer.json, tokenizer_config.json)',
    );
    await expect(loadModelFolder(withFiles({ 'config.json': '{"model_type": "llama",' }))).rejects.toThrow('m/config.json: not valid JSON');
    await expect(loadModelFolder(nodeModelFiles(join(tmp, 'nope')))).rejects.toThrow(/ENOENT/);
    expect(readFileSync(join(tmp, 'config.json'), 'utf8')).toBe(tiny['config.json']);
  });
});

describe('Gemma 3 layouts and its embedding scale', () => {
  it("reads a multimodal checkpoint's decoder under the Llama names and skips its vision tower", () => {
    expect(decoderTensorName('language_model.model.layers.0.self_attn.q_proj.weight')).toBe('model.layers.0.self_attn.q_proj.weight');
    expect(decoderTensorName('model.language_model.embed_tokens.weight')).toBe('model.embed_tokens.weight');
    expect(decoderTensorName('language_model.lm_head.weight')).toBe('lm_head.weight');
    expect(decoderTensorName('vision_tower.vision_model.encoder.layers.0.mlp.fc1.weight')).toBeNull();
    expect(decoderTensorName('model.multi_modal_projector.mm_input_projection_weight')).toBeNull();
    expect(decoderTensorName('model.layers.3.mlp.up_proj.weight')).toBe('model.layers.3.mlp.up_proj.weight');
  });

  it("casts √hidden to the embedding's stored dtype, as transformers does (bf16: 62.0 for 3840)", () => {
    expect(storedEmbedScale(Math.sqrt(3840), 'BF16')).toBe(62);
    expect(storedEmbedScale(Math.sqrt(3840), 'F16')).toBe(61.96875);
    expect(storedEmbedScale(Math.sqrt(3840), 'F32')).toBe(Math.fround(Math.sqrt(3840)));
    expect(storedEmbedScale(Math.sqrt(1152), 'BF16')).toBe(34);
  });
});

describe('a folder of links (a Hugging Face cache snapshot)', () => {
  it('loads as a model folder: its files are symlinks to the blobs', async () => {
    const { mkdirSync, symlinkSync, writeFileSync } = await import('node:fs');
    const root = mkdtempSync(join(tmpdir(), 'mindprint-snapshot-'));
    mkdirSync(join(root, 'blobs'));
    mkdirSync(join(root, 'snapshot'));
    for (const [name, content] of Object.entries(buildTinyModel(3))) {
      writeFileSync(join(root, 'blobs', name), content);
      symlinkSync(join('..', 'blobs', name), join(root, 'snapshot', name));
    }
    const m = await loadModelFolder(nodeModelFiles(join(root, 'snapshot')));
    expect(m.config.hiddenSize).toBe(64);
    rmSync(root, { recursive: true, force: true });
  });
});
