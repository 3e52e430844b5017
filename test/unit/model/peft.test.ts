// PEFT adapters: export as save_pretrained writes, bit-identical re-import, validation errors, merge rule.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/model/hf-config.ts';
import { initLora, loraScale, type LoraAdapter, type LoraConfig } from '../../../src/model/lora-types.ts';
import { parseSafetensors, readSafetensorsMetadata, writeSafetensors, type WritableTensor } from '../../../src/model/safetensors.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { loadModelFolder, memoryModelFiles } from '../../../src/model/weights.ts';
import {
  exportPeft,
  importPeft,
  importPeftFolder,
  mergeLoraIntoWeights,
  readPeftScore,
  readPeftFolder,
  writePeftFolder,
  type PeftFiles,
} from '../../../src/storage/peft.ts';
import { Rng } from '../../../src/util/rng.ts';

const model = parseModelConfig(JSON.parse(buildTinyModel(0)['config.json'] as string));
const cfg: LoraConfig = { r: 4, alpha: 32, dropout: 0.05, targetModules: ['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'down_proj'], useRslora: true };

/** An adapter as after training: A and B both non-zero. */
function trained(seed = 3): LoraAdapter {
  const rng = new Rng(seed);
  const a = initLora(model, cfg, rng, 'mindprint/tiny-llama');
  for (const l of a.layers.values()) for (let i = 0; i < l.B.length; i++) l.B[i] = rng.normal() * 0.01;
  return a;
}
const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe('exportPeft', () => {
  const files = exportPeft(trained(), 'mindprint/tiny-llama');

  it('writes adapter_config.json with PEFT fields, sorted keys', () => {
    const c = JSON.parse(files['adapter_config.json']);
    expect(c).toMatchObject({
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      r: 4,
      lora_alpha: 32,
      lora_dropout: 0.05,
      bias: 'none',
      base_model_name_or_path: 'mindprint/tiny-llama',
      use_rslora: true,
      fan_in_fan_out: false,
      inference_mode: true,
      target_modules: ['down_proj', 'gate_proj', 'o_proj', 'q_proj', 'v_proj'],
      use_dora: false,
      modules_to_save: null,
    });
    expect(Object.keys(c)).toEqual([...Object.keys(c)].sort());
  });

  it('writes F32 tensors under PEFT keys with (r, in) and (out, r) shapes and format=pt', () => {
    const t = parseSafetensors(files['adapter_model.safetensors']);
    expect(t.size).toBe(2 * 2 * 5);
    expect(t.get('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight')).toMatchObject({ dtype: 'F32', shape: [4, 64] });
    expect(t.get('base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight')).toMatchObject({ dtype: 'F32', shape: [32, 4] });
    expect(t.get('base_model.model.model.layers.1.mlp.down_proj.lora_A.weight')).toMatchObject({ dtype: 'F32', shape: [4, 128] });
    expect(t.get('base_model.model.model.layers.1.mlp.gate_proj.lora_B.weight')).toMatchObject({ dtype: 'F32', shape: [128, 4] });
    expect(readSafetensorsMetadata(files['adapter_model.safetensors'])).toEqual({ format: 'pt' });
  });

  it('is deterministic', () => {
    const again = exportPeft(trained(), 'mindprint/tiny-llama');
    expect(again['adapter_config.json']).toBe(files['adapter_config.json']);
    expect(Buffer.from(again['adapter_model.safetensors']).equals(Buffer.from(files['adapter_model.safetensors']))).toBe(true);
  });
});

describe('importPeft', () => {
  const original = trained();
  const files = exportPeft(original, 'mindprint/tiny-llama');

  it('export → import is bit-identical', () => {
    const back = importPeft(files, model, 'mindprint/tiny-llama');
    expect(back.config).toEqual(original.config);
    expect(back.baseModel).toBe('mindprint/tiny-llama');
    expect([...back.layers.keys()]).toEqual([...original.layers.keys()]);
    for (const [path, l] of original.layers) {
      const b = back.layers.get(path)!;
      expect([b.inFeatures, b.outFeatures]).toEqual([l.inFeatures, l.outFeatures]);
      expect(bits(b.A)).toEqual(bits(l.A));
      expect(bits(b.B)).toEqual(bits(l.B));
    }
  });

  it('accepts the config PEFT 0.15 writes (extra fields, unsorted target list)', () => {
    const realConfig = readFileSync(new URL('../../fixtures/model/peft/adapter_config.peft-0.15.json', import.meta.url), 'utf8');
    const small = initLora(model, { r: 4, alpha: 32, dropout: 0.05, targetModules: ['q_proj', 'v_proj'], useRslora: false }, new Rng(9));
    const a = importPeft(
      { 'adapter_config.json': realConfig, 'adapter_model.safetensors': exportPeft(small, 'x')['adapter_model.safetensors'] },
      model,
      'mindprint/tiny-llama',
    );
    expect(a.config).toEqual({ r: 4, alpha: 32, dropout: 0.05, targetModules: ['q_proj', 'v_proj'], useRslora: false });
    expect(loraScale(a.config)).toBe(8);
  });

  const withConfig = (edit: (c: Record<string, unknown>) => void): PeftFiles => {
    const c = JSON.parse(files['adapter_config.json']);
    edit(c);
    return { ...files, 'adapter_config.json': JSON.stringify(c) };
  };
  const withTensors = (edit: (t: Record<string, WritableTensor>) => void): PeftFiles => {
    const t: Record<string, WritableTensor> = {};
    for (const [k, e] of parseSafetensors(files['adapter_model.safetensors'])) t[k] = { dtype: 'F32', shape: e.shape, data: e.data };
    edit(t);
    return { ...files, 'adapter_model.safetensors': writeSafetensors(t) };
  };
  const key = (layer: number, parent: string, mod: string, ab: string) => `base_model.model.model.layers.${layer}.${parent}.${mod}.lora_${ab}.weight`;

  const bad: Array<[string, () => PeftFiles, string]> = [
    [
      'peft_type',
      () =>
        withConfig((c) => {
          c.peft_type = 'IA3';
        }),
      'adapter/adapter_config.json: peft_type: expected "LORA", got "IA3"',
    ],
    [
      'task_type',
      () =>
        withConfig((c) => {
          c.task_type = 'TOKEN_CLS';
        }),
      'task_type: expected "CAUSAL_LM" (or "SEQ_CLS" for a reward model), got "TOKEN_CLS"',
    ],
    [
      'SEQ_CLS saving more than the head',
      () =>
        withConfig((c) => {
          c.task_type = 'SEQ_CLS';
          c.modules_to_save = ['score', 'lm_head'];
        }),
      'modules_to_save: expected null or a subset of ["classifier","score"]',
    ],
    [
      'r',
      () =>
        withConfig((c) => {
          c.r = 0;
        }),
      'r: expected a positive integer, got 0',
    ],
    [
      'bias',
      () =>
        withConfig((c) => {
          c.bias = 'all';
        }),
      'bias: expected "none"',
    ],
    [
      'DoRA',
      () =>
        withConfig((c) => {
          c.use_dora = true;
        }),
      'use_dora: expected false (DoRA is not supported)',
    ],
    [
      'rank_pattern',
      () =>
        withConfig((c) => {
          c.rank_pattern = { q_proj: 8 };
        }),
      'rank_pattern: expected an empty object',
    ],
    [
      'modules_to_save',
      () =>
        withConfig((c) => {
          c.modules_to_save = ['lm_head'];
        }),
      'modules_to_save: expected null',
    ],
    [
      'unknown target module',
      () =>
        withConfig((c) => {
          c.target_modules = ['q_proj', 'qkv_proj'];
        }),
      "target_modules: unknown module 'qkv_proj'",
    ],
    [
      'module not in target_modules',
      () =>
        withConfig((c) => {
          c.target_modules = ['q_proj'];
        }),
      "module 'down_proj' is not in target_modules [q_proj]",
    ],
    [
      'r mismatch',
      () =>
        withConfig((c) => {
          c.r = 8;
        }),
      `tensor '${key(0, 'mlp', 'down_proj', 'A')}' has shape [4, 128], expected [8, 128] (adapter_config.json says r = 8)`,
    ],
    ['bad JSON', () => ({ ...files, 'adapter_config.json': '{"r": 4' }), 'adapter/adapter_config.json: not valid JSON'],
    [
      'unknown key',
      () =>
        withTensors((t) => {
          t['base_model.model.lm_head.lora_A.weight'] = { dtype: 'F32', shape: [4, 64], data: new Float32Array(256) };
        }),
      "tensor 'base_model.model.lm_head.lora_A.weight' is not a LoRA key",
    ],
    [
      'unknown module key',
      () =>
        withTensors((t) => {
          t[key(0, 'self_attn', 'qkv_proj', 'A')] = { dtype: 'F32', shape: [4, 64], data: new Float32Array(256) };
        }),
      "unknown module 'qkv_proj'",
    ],
    [
      'wrong parent',
      () =>
        withTensors((t) => {
          t[key(0, 'mlp', 'q_proj', 'A')] = t[key(0, 'self_attn', 'q_proj', 'A')];
          delete t[key(0, 'self_attn', 'q_proj', 'A')];
        }),
      'q_proj belongs under self_attn, not mlp',
    ],
    [
      'layer out of range',
      () =>
        withTensors((t) => {
          t[key(2, 'self_attn', 'q_proj', 'A')] = t[key(0, 'self_attn', 'q_proj', 'A')];
        }),
      'layer 2 does not exist (the model has 2 layers)',
    ],
    [
      'missing B',
      () =>
        withTensors((t) => {
          delete t[key(1, 'mlp', 'down_proj', 'B')];
        }),
      'layers.1.mlp.down_proj has lora_A but no lora_B',
    ],
    [
      'missing A',
      () =>
        withTensors((t) => {
          delete t[key(0, 'self_attn', 'o_proj', 'A')];
        }),
      'layers.0.self_attn.o_proj has lora_B but no lora_A',
    ],
    [
      'shape vs model',
      () =>
        withTensors((t) => {
          t[key(0, 'self_attn', 'v_proj', 'B')] = { dtype: 'F32', shape: [64, 4], data: new Float32Array(256) };
        }),
      `tensor '${key(0, 'self_attn', 'v_proj', 'B')}' has shape [64, 4], expected [32, 4] (the model's v_proj is 32 × 64)`,
    ],
    [
      'empty',
      () =>
        withTensors((t) => {
          for (const k of Object.keys(t)) delete t[k];
        }),
      'contains no LoRA tensors',
    ],
    [
      'corrupt safetensors',
      () => ({ ...files, 'adapter_model.safetensors': files['adapter_model.safetensors'].slice(0, 100) }),
      'adapter/adapter_model.safetensors: ',
    ],
  ];
  for (const [name, make, message] of bad) {
    it(`rejects: ${name}`, () => {
      expect(() => importPeft(make(), model)).toThrow(message);
    });
  }

  it('a reward model round-trips as a SEQ_CLS adapter with score.weight, and a bad head shape is named', () => {
    const score = Float32Array.from({ length: model.hiddenSize }, (_, i) => i / 10);
    const seq = exportPeft(original, original.baseModel, score);
    const cfg = JSON.parse(seq['adapter_config.json']);
    expect([cfg.task_type, cfg.modules_to_save]).toEqual(['SEQ_CLS', ['score']]);
    expect(importPeft(seq, model).layers.size).toBe(original.layers.size);
    expect(Array.from(readPeftScore(seq, model)!)).toEqual(Array.from(score));
    expect(readPeftScore(files, model)).toBeNull();
    const wide = exportPeft(original, original.baseModel, new Float32Array(model.hiddenSize + 1));
    expect(() => readPeftScore(wide, model)).toThrow(
      `tensor 'base_model.model.score.weight' has shape [1, ${model.hiddenSize + 1}], expected [1, ${model.hiddenSize}]`,
    );
  });

  it('rejects an adapter trained on another base model', () => {
    expect(() => importPeft(files, model, 'Qwen/Qwen2.5-0.5B')).toThrow(
      "base_model_name_or_path is 'mindprint/tiny-llama', but this adapter is being loaded onto 'Qwen/Qwen2.5-0.5B'",
    );
    expect(importPeft(files, model, 'mindprint/tiny-llama/').layers.size).toBe(10);
  });

  it('rejects an adapter whose dimensions belong to another model', () => {
    const bigger = parseModelConfig({
      model_type: 'llama',
      hidden_size: 128,
      intermediate_size: 128,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      num_hidden_layers: 2,
      vocab_size: 512,
    });
    expect(() => importPeft(files, bigger)).toThrow(
      `tensor '${key(0, 'mlp', 'down_proj', 'B')}' has shape [64, 4], expected [128, 4] (the model's down_proj is 128 × 128)`,
    );
  });
});

describe('mergeLoraIntoWeights', () => {
  const one = (A: number[], B: number[], useRslora = false): LoraAdapter => ({
    config: { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj'], useRslora },
    baseModel: '',
    layers: new Map([['layers.0.self_attn.q_proj', { A: Float32Array.from(A), B: Float32Array.from(B), inFeatures: 3, outFeatures: 2 }]]),
  });
  const W = Float32Array.from([1, 2, 3, 4, 5, 6]); // (out 2, in 3)
  const A = [1, 0, 1, 0, 1, 0]; // (r 2, in 3)
  const B = [1, 2, 0, -1]; // (out 2, r 2); B·A = [[1, 2, 1], [0, -1, 0]]

  it('applies W += (alpha/r)·B·A on a hand-computed case, leaving the input untouched', () => {
    const other = Float32Array.from([7]);
    const base = new Map([
      ['model.layers.0.self_attn.q_proj.weight', W],
      ['model.norm.weight', other],
    ]);
    const merged = mergeLoraIntoWeights(base, one(A, B));
    expect(Array.from(merged.get('model.layers.0.self_attn.q_proj.weight')!)).toEqual([3, 6, 5, 4, 3, 6]);
    expect(Array.from(W)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(merged.get('model.norm.weight')).toBe(other);
  });

  it('uses alpha/√r with rsLoRA', () => {
    const s = 4 / Math.sqrt(2);
    const merged = mergeLoraIntoWeights(new Map([['model.layers.0.self_attn.q_proj.weight', W]]), one(A, B, true));
    const want = [1 + s, 2 + 2 * s, 3 + s, 4, 5 - s, 6];
    merged.get('model.layers.0.self_attn.q_proj.weight')!.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });

  it('merged weights give the live adapter output W·x + scale·B·(A·x) on the tiny model', async () => {
    const m = await loadModelFolder(memoryModelFiles(buildTinyModel(0)));
    const adapter = trained(11);
    const merged = mergeLoraIntoWeights(m.weights, adapter);
    const scale = loraScale(adapter.config);
    const rng = new Rng(5);
    let worst = 0;
    for (const [path, l] of adapter.layers) {
      const Wb = m.weights.get(`model.${path}.weight`)!;
      const Wm = merged.get(`model.${path}.weight`)!;
      const x = Float64Array.from({ length: l.inFeatures }, () => rng.normal());
      const ax = Array.from({ length: 4 }, (_, k) => x.reduce((s, xi, i) => s + l.A[k * l.inFeatures + i] * xi, 0));
      for (let o = 0; o < l.outFeatures; o++) {
        let base = 0;
        let fused = 0;
        for (let i = 0; i < l.inFeatures; i++) {
          base += Wb[o * l.inFeatures + i] * x[i];
          fused += Wm[o * l.inFeatures + i] * x[i];
        }
        const live = base + scale * ax.reduce((s, v, k) => s + l.B[o * 4 + k] * v, 0);
        worst = Math.max(worst, Math.abs(fused - live));
        expect(Math.abs(fused - live)).toBeLessThan(1e-4);
      }
    }
    expect(worst).toBeGreaterThan(0);
  });

  it('names a missing or misshaped base weight', () => {
    expect(() => mergeLoraIntoWeights(new Map(), one(A, B))).toThrow("base weight 'model.layers.0.self_attn.q_proj.weight' not found");
    expect(() => mergeLoraIntoWeights(new Map([['model.layers.0.self_attn.q_proj.weight', new Float32Array(4)]]), one(A, B))).toThrow(
      'has 4 values, the adapter expects 2 × 3',
    );
  });
});

describe('adapter folders on disk', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mindprint-peft-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('write → read gives the same files', async () => {
    const files = exportPeft(trained(), 'mindprint/tiny-llama');
    await writePeftFolder(join(tmp, 'adapters/unit-01/chapter-01/topic-01/sft_adapter'), files);
    const back = await readPeftFolder(join(tmp, 'adapters/unit-01/chapter-01/topic-01/sft_adapter'));
    expect(back['adapter_config.json']).toBe(files['adapter_config.json']);
    expect(Buffer.from(back['adapter_model.safetensors']).equals(Buffer.from(files['adapter_model.safetensors']))).toBe(true);
    await expect(readPeftFolder(join(tmp, 'nope'))).rejects.toThrow('adapter_config.json is missing');
    const adapter = await importPeftFolder(join(tmp, 'adapters/unit-01/chapter-01/topic-01/sft_adapter'), model, 'mindprint/tiny-llama');
    expect(adapter.layers.size).toBe(10);
  });

  it('refuses to export a module path PEFT could not name', () => {
    const a = trained();
    a.layers.set('layers.0.attn.q', a.layers.get('layers.0.self_attn.q_proj')!);
    expect(() => exportPeft(a, 'x')).toThrow("exportPeft: 'layers.0.attn.q' is not a module path");
  });
});
