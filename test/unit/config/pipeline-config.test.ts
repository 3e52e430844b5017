import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../../../src/config/pipeline-config.ts';
import { configPath, loadDefaultPipelineConfig } from '../../../src/analysis/node-defaults.ts';

const defaultsText = readFileSync(configPath('training_pipeline.yaml'), 'utf8');
const DEFAULT_PIPELINE_CONFIG = parsePipelineConfig(defaultsText, 'training_pipeline.yaml');
/** A user's file over the defaults. */
const parseUser = (text: string, file?: string) => parsePipelineConfig(text, file, DEFAULT_PIPELINE_CONFIG);

describe('configs/training_pipeline.yaml', () => {
  it('is the one source of the defaults: every field is in it, and the CLI loads the same values', async () => {
    expect(await loadDefaultPipelineConfig()).toEqual(DEFAULT_PIPELINE_CONFIG);
    const withoutSeed = defaultsText.replace(/^# Seed of every random choice.*\nseed: \d+\n?/m, '');
    expect(withoutSeed).not.toBe(defaultsText);
    expect(() => parsePipelineConfig(withoutSeed, 'training_pipeline.yaml')).toThrow(
      /training_pipeline\.yaml: seed: expected an integer ≥ 0, got (nothing|undefined)/,
    );
  });

  it("states the issue's values", () => {
    const c = parsePipelineConfig(defaultsText);
    expect(c.lora).toMatchObject({ r: 8, alpha: 16, target_modules: ['q_proj', 'v_proj', 'o_proj'], use_rslora: false });
    expect(c.sft).toMatchObject({ epochs: 3, learning_rate: 1e-4, batch_size: 4 });
    expect(c.reward).toMatchObject({
      epochs: 3,
      learning_rate: 1e-5,
      batch_size: 8,
      validation_split: 0.2,
      patience: 3,
      min_delta: 0.01,
      scheduler: 'cosine',
      warmup_ratio: 0.1,
      max_grad_norm: 1.0,
      log_every: 5,
    });
    expect(c.ppo).toMatchObject({ steps: 100, learning_rate: 1e-5, batch_size: 4, ppo_epochs: 4, kl_coef: 0.2, kl_target: 0.05, clip_range: 0.2 });
    expect(c.dpo.beta).toBe(0.1);
    expect(c.alignment).toBe('ppo');
    expect(c.evaluation).toMatchObject({ pass_threshold: 0.85, max_new_tokens: 512 });
    expect(c.merge).toEqual({ after_unit: true, merge_failed: false, compress_rank: null });
    expect(c.retries).toBe(2);
  });

  it('has one comment line above every value', () => {
    const lines = defaultsText.split('\n');
    lines.forEach((line, i) => {
      if (/^\s*[a-z_]+:\s*\S/.test(line)) expect(lines[i - 1], `line ${i + 1}: ${line}`).toMatch(/^\s*#/);
    });
  });
});

describe('parsePipelineConfig', () => {
  it('fills absent fields from the defaults', () => {
    const c = parseUser('sft: {epochs: 5}\nalignment: dpo\n');
    expect(c.sft).toEqual({ ...DEFAULT_PIPELINE_CONFIG.sft, epochs: 5 });
    expect(c.alignment).toBe('dpo');
    expect(c.reward).toEqual(DEFAULT_PIPELINE_CONFIG.reward);
    expect(parseUser('')).toEqual(DEFAULT_PIPELINE_CONFIG);
    expect(parseUser('merge: {compress_rank: 16}').merge.compress_rank).toBe(16);
  });

  it.each([
    ['lora: {r: 0}', /c\.yaml: lora\.r: expected an integer ≥ 1, got 0/],
    ['lora: {r: 2.5}', /lora\.r: expected an integer ≥ 1, got 2\.5/],
    ['sft: {learning_rate: "fast"}', /sft\.learning_rate: expected a number > 0, got "fast"/],
    ['reward: {validation_split: 1.5}', /reward\.validation_split: expected a number ≥ 0 and ≤ 0\.9, got 1\.5/],
    ['reward: {scheduler: step}', /reward\.scheduler: expected one of cosine, linear, constant, got "step"/],
    ['alignment: rlhf', /alignment: expected one of ppo, dpo, got "rlhf"/],
    ['lora: {target_modules: []}', /lora\.target_modules: expected a list of at least 1/],
    ['lora: {target_modules: [q_proj, 3]}', /lora\.target_modules\[1\]: expected a non-empty string, got 3/],
    ['merge: {after_unit: yes please}', /merge\.after_unit: expected true or false/],
    ['merge: {compress_rank: 0}', /merge\.compress_rank: expected an integer ≥ 1 or null, got 0/],
    ['ppo: {stepz: 5}', /ppo\.stepz: expected no such field \(known: steps, /],
    ['evaluation: {pass_threshold: 2}', /evaluation\.pass_threshold: expected a number ≥ 0 and ≤ 1, got 2/],
    ['evaluation: {weights: {semantic: 0.9}}', /evaluation\.weights: expected weights summing to 1, got 1\.4/],
    ['sft: 3', /sft: expected a mapping with keys epochs, /],
    ['retries: -1', /retries: expected an integer ≥ 0, got -1/],
    ['topics: {unit-01: {sft_epochs: 0}}', /topics\["unit-01"\]\.sft_epochs: expected an integer ≥ 1, got 0/],
    ['topics: {unit-01: {epochs: 4}}', /topics\["unit-01"\]\.epochs: expected no such field \(known: trainable, sft_epochs/],
    ['topics: {u1: {pass_threshold: 1.2}}', /topics\.u1\.pass_threshold: expected a number ≥ 0 and ≤ 1/],
    ['topics: [a]', /topics: expected a mapping, got \["a"\]/],
    ['- a\n- b', /\(top level\): expected a mapping/],
    ['sft: {epochs: [', /c\.yaml: not valid YAML/],
  ])('%s → names the field', (text, message) => {
    expect(() => parseUser(text, 'c.yaml')).toThrow(message);
  });

  it('converts the topics map to camelCase overrides', () => {
    const c = parseUser('topics:\n  unit-01/chapter-02:\n    sft_epochs: 6\n    ppo_learning_rate: 2.0e-5\n    trainable: false\n');
    expect(c.topics).toEqual({ 'unit-01/chapter-02': { sftEpochs: 6, ppoLearningRate: 2e-5, trainable: false } });
  });
});

describe('topic ids that are Object property names', () => {
  it('__proto__ and constructor stay plain keys', () => {
    const c = parseUser('topics:\n  __proto__: {sft_epochs: 9}\n  constructor: {ppo_steps: 7}\n');
    expect(Object.keys(c.topics!).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(c.topics!, '__proto__')?.value).toEqual({ sftEpochs: 9 });
    expect(({} as { sftEpochs?: number }).sftEpochs).toBeUndefined();
  });
});
