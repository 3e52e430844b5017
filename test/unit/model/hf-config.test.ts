// HF config.json parsing: real configs of each supported family (fixtures), variant options, RoPE and clear errors.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countModelParams, parseModelConfig, ropeInvFreq } from '../../../src/model/hf-config.ts';

const dir = new URL('../../fixtures/model/configs/', import.meta.url);
const fixtures = readdirSync(dir).map((f) => ({
  file: f,
  ...(JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as {
    config: Record<string, unknown>;
    expect: Record<string, unknown>;
    params?: number;
    fullAttentionLayers?: number[];
  }),
}));

describe('parseModelConfig on real configs', () => {
  for (const fx of fixtures) {
    it(fx.file, () => {
      const cfg = parseModelConfig(fx.config, fx.file);
      expect(cfg).toMatchObject(fx.expect);
      expect(cfg.layerTypes).toHaveLength(cfg.numLayers);
      if (fx.params !== undefined) expect(countModelParams(cfg)).toBe(fx.params);
      if (fx.fullAttentionLayers) {
        expect(cfg.layerTypes.flatMap((t, i) => (t === 'full_attention' ? [i] : []))).toEqual(fx.fullAttentionLayers);
      }
    });
  }

  it('reads a multimodal Gemma 3 config through text_config', () => {
    const gemma = fixtures.find((f) => f.file.startsWith('gemma'))!.config;
    const cfg = parseModelConfig({
      model_type: 'gemma3',
      architectures: ['Gemma3ForConditionalGeneration'],
      text_config: { ...gemma, model_type: 'gemma3_text' },
    });
    expect(cfg.modelType).toBe('gemma3_text');
    expect(cfg.embedScale).toBeCloseTo(Math.sqrt(1152), 10);
    expect(cfg.architectures).toEqual(['Gemma3ForConditionalGeneration']);
  });
});

describe('parseModelConfig details', () => {
  const base = { model_type: 'llama', hidden_size: 64, intermediate_size: 128, num_attention_heads: 4, num_hidden_layers: 2, vocab_size: 100 };

  it('defaults: no head_dim → C/NH, no num_key_value_heads → MHA, untied, silu', () => {
    const cfg = parseModelConfig(base);
    expect(cfg).toMatchObject({
      headDim: 16,
      numKvHeads: 4,
      tieWordEmbeddings: false,
      hiddenAct: 'silu',
      attentionBias: false,
      bosTokenId: null,
      eosTokenIds: [],
    });
  });

  it('Llama attention_bias puts bias on q/k/v and o; soft-capping values are kept', () => {
    const cfg = parseModelConfig({ ...base, attention_bias: true, final_logit_softcapping: 30, attn_logit_softcapping: 50 });
    expect([cfg.attentionBias, cfg.oProjBias, cfg.finalLogitSoftcap, cfg.attnLogitSoftcap]).toEqual([true, true, 30, 50]);
  });

  it('Qwen2 with use_sliding_window slides from max_window_layers on', () => {
    const cfg = parseModelConfig({ ...base, model_type: 'qwen2', num_hidden_layers: 4, use_sliding_window: true, sliding_window: 256, max_window_layers: 2 });
    expect(cfg.slidingWindow).toBe(256);
    expect(cfg.layerTypes).toEqual(['full_attention', 'full_attention', 'sliding_attention', 'sliding_attention']);
  });

  it('errors name the file, the field and what was expected', () => {
    expect(() => parseModelConfig({ ...base, model_type: 'gpt2' }, 'm/config.json')).toThrow(
      "m/config.json: model_type 'gpt2' is not supported (supported: llama, qwen2, qwen3, mistral, gemma3_text, gemma3)",
    );
    expect(() => parseModelConfig({ ...base, model_type: undefined })).toThrow('config.json: model_type: missing');
    expect(() => parseModelConfig({ ...base, hidden_size: '64' })).toThrow('config.json: hidden_size: expected a positive integer, got "64"');
    expect(() => parseModelConfig({ ...base, num_key_value_heads: 3 })).toThrow('num_attention_heads (4) must be a multiple of num_key_value_heads (3)');
    expect(() => parseModelConfig({ ...base, hidden_size: 66 })).toThrow('hidden_size (66) is not divisible by num_attention_heads (4)');
    expect(() => parseModelConfig({ ...base, hidden_act: 'relu' })).toThrow("hidden_act 'relu' is not supported");
    expect(() => parseModelConfig({ ...base, eos_token_id: [1, 'x'] })).toThrow('eos_token_id: expected a token id or a list of token ids');
    expect(() => parseModelConfig({ ...base, tie_word_embeddings: 'yes' })).toThrow('tie_word_embeddings: expected true or false');
    expect(() => parseModelConfig('{"model_type":', 'x.json')).toThrow('x.json: not valid JSON');
    expect(() => parseModelConfig({ ...base, layer_types: ['full_attention'] })).toThrow('layer_types has 1 entries, expected num_hidden_layers = 2');
  });
});

describe('ropeInvFreq', () => {
  it('plain RoPE: theta^(-2i/HS)', () => {
    const cfg = parseModelConfig({
      model_type: 'llama',
      hidden_size: 64,
      intermediate_size: 128,
      num_attention_heads: 4,
      num_hidden_layers: 1,
      vocab_size: 10,
      rope_theta: 10000,
    });
    const inv = ropeInvFreq(cfg);
    expect(inv).toHaveLength(8);
    expect(inv[0]).toBe(1);
    expect(inv[1]).toBeCloseTo(10000 ** (-2 / 16), 15);
  });

  it('llama3 scaling leaves high frequencies, divides low ones by factor, blends the middle', () => {
    const fx = fixtures.find((f) => f.file.startsWith('llama'))!;
    const cfg = parseModelConfig(fx.config);
    const plain = ropeInvFreq({ ...cfg, ropeScaling: null });
    const scaled = ropeInvFreq(cfg);
    expect(scaled[0]).toBe(plain[0]); // wavelength 2π < 8192/4
    expect(scaled[31]).toBeCloseTo(plain[31] / 32, 15); // wavelength > 8192
    const mid = [...Array(32).keys()].filter((i) => scaled[i] !== plain[i] && Math.abs(scaled[i] - plain[i] / 32) > 1e-12);
    expect(mid.length).toBeGreaterThan(0);
    for (const i of mid) expect(scaled[i]).toBeLessThan(plain[i]);
  });

  it('Gemma 3 sliding layers use the local theta without scaling', () => {
    const fx = fixtures.find((f) => f.file.startsWith('gemma'))!;
    const cfg = parseModelConfig({ ...fx.config, rope_scaling: { rope_type: 'linear', factor: 8 } });
    expect(ropeInvFreq(cfg, 0)[1]).toBeCloseTo(10000 ** (-2 / 256), 15);
    expect(ropeInvFreq(cfg, 5)[1]).toBeCloseTo(1e6 ** (-2 / 256) / 8, 15);
  });
});

describe('transformers 5 config layout', () => {
  it('reads rope_parameters per layer type and layer_types as the transformers 4 fields they replace', () => {
    const v4 = JSON.parse(readFileSync(new URL('../../fixtures/hf-configs/google--gemma-3-12b-it.json', import.meta.url), 'utf8'));
    const text = { ...v4.text_config };
    delete text.rope_theta;
    delete text.rope_scaling;
    delete text.rope_local_base_freq;
    delete text.sliding_window_pattern;
    const layerTypes = Array.from({ length: 48 }, (_, i) => ((i + 1) % 6 === 0 ? 'full_attention' : 'sliding_attention'));
    const v5 = {
      ...v4,
      text_config: {
        ...text,
        layer_types: layerTypes,
        rope_parameters: {
          full_attention: { rope_type: 'linear', factor: 8.0, rope_theta: 1000000.0 },
          sliding_attention: { rope_type: 'default', rope_theta: 10000.0 },
        },
      },
    };
    expect(parseModelConfig(v5)).toEqual(parseModelConfig(v4));
    const flat = parseModelConfig({
      model_type: 'llama',
      hidden_size: 64,
      intermediate_size: 128,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      vocab_size: 100,
      rope_parameters: { rope_type: 'default', rope_theta: 500000 },
    });
    expect([flat.ropeTheta, flat.ropeScaling]).toEqual([500000, null]);
  });
});
