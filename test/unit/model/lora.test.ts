// LoRA types: scale rule, module naming and dimensions, seeded init (B = 0, A kaiming-uniform), counts.
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/model/hf-config.ts';
import { countParams, initLora, loraModulePath, loraScale, targetDims, validateLoraConfig, type LoraConfig } from '../../../src/model/lora-types.ts';
import { Rng } from '../../../src/util/rng.ts';

const model = parseModelConfig({
  model_type: 'llama',
  hidden_size: 64,
  intermediate_size: 128,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  num_hidden_layers: 2,
  vocab_size: 512,
});
const cfg: LoraConfig = { r: 8, alpha: 16, dropout: 0.05, targetModules: ['v_proj', 'q_proj', 'down_proj'], useRslora: false };

describe('LoRA', () => {
  it('scale is alpha/r, or alpha/√r with rsLoRA', () => {
    expect(loraScale(cfg)).toBe(2);
    expect(loraScale({ ...cfg, useRslora: true })).toBeCloseTo(16 / Math.sqrt(8), 15);
  });

  it('names modules as PEFT paths and knows their dimensions under GQA', () => {
    expect(loraModulePath(1, 'k_proj')).toBe('layers.1.self_attn.k_proj');
    expect(loraModulePath(0, 'gate_proj')).toBe('layers.0.mlp.gate_proj');
    expect(targetDims(model, 'q_proj')).toEqual({ inFeatures: 64, outFeatures: 64 });
    expect(targetDims(model, 'k_proj')).toEqual({ inFeatures: 64, outFeatures: 32 });
    expect(targetDims(model, 'o_proj')).toEqual({ inFeatures: 64, outFeatures: 64 });
    expect(targetDims(model, 'up_proj')).toEqual({ inFeatures: 64, outFeatures: 128 });
    expect(targetDims(model, 'down_proj')).toEqual({ inFeatures: 128, outFeatures: 64 });
  });

  it('init: B = 0, A ~ U(±1/√in) from the seeded Rng, reproducible, counted', () => {
    const a = initLora(model, cfg, new Rng(1), 'tiny');
    const b = initLora(model, cfg, new Rng(1), 'tiny');
    const c = initLora(model, cfg, new Rng(2), 'tiny');
    expect([...a.layers.keys()]).toEqual([
      'layers.0.self_attn.q_proj',
      'layers.0.self_attn.v_proj',
      'layers.0.mlp.down_proj',
      'layers.1.self_attn.q_proj',
      'layers.1.self_attn.v_proj',
      'layers.1.mlp.down_proj',
    ]);
    expect(a.config.targetModules).toEqual(['q_proj', 'v_proj', 'down_proj']);
    for (const [path, l] of a.layers) {
      expect(l.B.every((v) => v === 0)).toBe(true);
      expect(l.A.length).toBe(8 * l.inFeatures);
      expect(l.B.length).toBe(l.outFeatures * 8);
      const bound = 1 / Math.sqrt(l.inFeatures);
      expect(l.A.every((v) => Math.abs(v) <= bound)).toBe(true);
      // spread over the interval, not bunched near zero: variance ≈ bound²/3
      const variance = l.A.reduce((s, v) => s + v * v, 0) / l.A.length;
      expect(variance).toBeGreaterThan(((bound * bound) / 3) * 0.8);
      expect(variance).toBeLessThan(((bound * bound) / 3) * 1.2);
      expect(b.layers.get(path)!.A).toEqual(l.A);
      expect(c.layers.get(path)!.A).not.toEqual(l.A);
    }
    expect(countParams(a)).toBe(2 * (8 * 64 + 64 * 8 + 8 * 64 + 32 * 8 + 8 * 128 + 64 * 8));
  });

  it('rejects bad configs, naming the field', () => {
    expect(() => validateLoraConfig({ ...cfg, r: 0 })).toThrow('r: expected a positive integer, got 0');
    expect(() => validateLoraConfig({ ...cfg, dropout: 1 })).toThrow('dropout: expected a number in [0, 1), got 1');
    expect(() => validateLoraConfig({ ...cfg, targetModules: [] })).toThrow('targetModules: expected at least one');
    expect(() => validateLoraConfig({ ...cfg, targetModules: ['qkv_proj' as never] })).toThrow("unknown module 'qkv_proj'");
  });
});
