// The training pipeline's config: its types and the schema that validates configs/training_pipeline.yaml
// (the one place defaults are written) and a user's file over it, naming any bad field by its path.
import { parse } from 'yaml';
import { validate, type Schema } from './schema.ts';

/** Per-topic values a user may override (studio, or the config file's `topics:` map). */
export interface TopicOverrides {
  trainable: boolean;
  sftEpochs: number;
  batchSize: number;
  lrMultiplier: number;
  learningRate: number;
  rewardEpochs: number;
  rewardLearningRate: number;
  rewardBatchSize: number;
  ppoSteps: number;
  ppoLearningRate: number;
  passThreshold: number;
}

/** Field names mirror the YAML file (snake_case); `topics` is converted to TopicOverrides. */
export interface PipelineConfig {
  model: string;
  lora: { r: number; alpha: number; dropout: number; target_modules: string[]; use_rslora: boolean };
  sft: { epochs: number; learning_rate: number; batch_size: number; warmup_ratio: number; max_grad_norm: number; weight_decay: number };
  reward: {
    epochs: number;
    learning_rate: number;
    batch_size: number;
    validation_split: number;
    patience: number;
    min_delta: number;
    scheduler: 'cosine' | 'linear' | 'constant';
    warmup_ratio: number;
    max_grad_norm: number;
    log_every: number;
    head_learning_rate: number;
    min_steps: number;
    if_not_learned: 'skip_ppo' | 'warn';
  };
  ppo: {
    steps: number;
    learning_rate: number;
    batch_size: number;
    ppo_epochs: number;
    kl_coef: number;
    kl_target: number;
    clip_range: number;
    gamma: number;
    lam: number;
    vf_coef: number;
    max_new_tokens: number;
    temperature: number;
    adaptive_kl: boolean;
    kl_horizon: number;
    top_p: number;
    kl_stop: number;
    kl_stop_patience: number;
    max_grad_norm: number;
  };
  dpo: { beta: number; epochs: number; learning_rate: number; batch_size: number; label_smoothing: number; warmup_ratio: number; max_grad_norm: number };
  alignment: 'ppo' | 'dpo';
  evaluation: { pass_threshold: number; max_new_tokens: number; weights: { semantic: number; voice: number; distinctions: number; negative: number } };
  merge: { after_unit: boolean; merge_failed: boolean; compress_rank: number | null };
  retries: number;
  max_seq_length: number;
  seed: number;
  topics?: Record<string, Partial<TopicOverrides>>;
}

const int = (min: number, max?: number): Schema => ({ kind: 'number', integer: true, min, max });
const positive: Schema = { kind: 'number', min: 0, exclusiveMin: true };
const unit: Schema = { kind: 'number', min: 0, max: 1 };
const nonNegative: Schema = { kind: 'number', min: 0 };

/** YAML key (snake_case) → TopicOverrides key, with the schema of each per-topic override. */
const TOPIC_KEYS: Record<string, [keyof TopicOverrides, Schema]> = {
  trainable: ['trainable', { kind: 'boolean' }],
  sft_epochs: ['sftEpochs', int(1)],
  batch_size: ['batchSize', int(1)],
  lr_multiplier: ['lrMultiplier', positive],
  learning_rate: ['learningRate', positive],
  reward_epochs: ['rewardEpochs', int(1)],
  reward_learning_rate: ['rewardLearningRate', positive],
  reward_batch_size: ['rewardBatchSize', int(1)],
  ppo_steps: ['ppoSteps', int(1)],
  ppo_learning_rate: ['ppoLearningRate', positive],
  pass_threshold: ['passThreshold', unit],
};

const topicOverrideSchema: Schema = {
  kind: 'object',
  fields: Object.fromEntries(Object.entries(TOPIC_KEYS).map(([k, [, s]]) => [k, s])),
  optional: Object.keys(TOPIC_KEYS),
};

export const PIPELINE_SCHEMA: Schema = {
  kind: 'object',
  optional: ['topics'],
  fields: {
    model: { kind: 'string', nonEmpty: true },
    lora: {
      kind: 'object',
      fields: {
        r: int(1),
        alpha: positive,
        dropout: { kind: 'number', min: 0, max: 0.99 },
        target_modules: { kind: 'array', of: { kind: 'string', nonEmpty: true }, minItems: 1 },
        use_rslora: { kind: 'boolean' },
      },
    },
    sft: {
      kind: 'object',
      fields: { epochs: int(1), learning_rate: positive, batch_size: int(1), warmup_ratio: unit, max_grad_norm: positive, weight_decay: nonNegative },
    },
    reward: {
      kind: 'object',
      fields: {
        epochs: int(1),
        learning_rate: positive,
        batch_size: int(1),
        validation_split: { kind: 'number', min: 0, max: 0.9 },
        patience: int(1),
        min_delta: nonNegative,
        scheduler: { kind: 'enum', values: ['cosine', 'linear', 'constant'] },
        warmup_ratio: unit,
        max_grad_norm: positive,
        log_every: int(1),
        head_learning_rate: positive,
        min_steps: int(0),
        if_not_learned: { kind: 'enum', values: ['skip_ppo', 'warn'] },
      },
    },
    ppo: {
      kind: 'object',
      fields: {
        steps: int(1),
        learning_rate: positive,
        batch_size: int(1),
        ppo_epochs: int(1),
        kl_coef: nonNegative,
        kl_target: positive,
        clip_range: positive,
        gamma: unit,
        lam: unit,
        vf_coef: nonNegative,
        max_new_tokens: int(1),
        temperature: positive,
        adaptive_kl: { kind: 'boolean' },
        kl_horizon: positive,
        top_p: { kind: 'number', min: 0, max: 1, exclusiveMin: true },
        kl_stop: nonNegative,
        kl_stop_patience: int(1),
        max_grad_norm: positive,
      },
    },
    dpo: {
      kind: 'object',
      fields: {
        beta: positive,
        epochs: int(1),
        learning_rate: positive,
        batch_size: int(1),
        label_smoothing: { kind: 'number', min: 0, max: 0.5 },
        warmup_ratio: unit,
        max_grad_norm: positive,
      },
    },
    alignment: { kind: 'enum', values: ['ppo', 'dpo'] },
    evaluation: {
      kind: 'object',
      fields: {
        pass_threshold: unit,
        max_new_tokens: int(1),
        weights: { kind: 'object', fields: { semantic: unit, voice: unit, distinctions: unit, negative: unit } },
      },
    },
    merge: {
      kind: 'object',
      fields: { after_unit: { kind: 'boolean' }, merge_failed: { kind: 'boolean' }, compress_rank: { kind: 'number', integer: true, min: 1, nullable: true } },
    },
    retries: int(0),
    max_seq_length: int(16),
    seed: int(0),
    topics: { kind: 'map', of: topicOverrideSchema },
  },
};

/** Converts a validated `topics:` entry (snake_case keys) to TopicOverrides. */
function toOverrides(raw: Record<string, unknown>): Partial<TopicOverrides> {
  const out: Partial<Record<keyof TopicOverrides, unknown>> = {};
  for (const [k, v] of Object.entries(raw)) out[TOPIC_KEYS[k][0]] = v;
  return out as Partial<TopicOverrides>;
}

/**
 * Parses and validates a pipeline config YAML. Without `base` it is the defaults file
 * (configs/training_pipeline.yaml, the one source of every default) and must give every field; with
 * `base` (those defaults, parsed) a user's file gives only what differs. Throws an Error naming the
 * file and the field path, the expected type or range, and the value received.
 */
export function parsePipelineConfig(yamlText: string, file = 'training_pipeline.yaml', base?: PipelineConfig): PipelineConfig {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (err) {
    throw new Error(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) doc = {};
  const cfg = validate(PIPELINE_SCHEMA, doc, base, file) as PipelineConfig & { topics?: Record<string, Record<string, unknown>> };
  const w = cfg.evaluation.weights;
  const sum = w.semantic + w.voice + w.distinctions + w.negative;
  if (Math.abs(sum - 1) > 1e-6) {
    throw new Error(`${file}: evaluation.weights: expected weights summing to 1, got ${sum} (${JSON.stringify(w)})`);
  }
  if (cfg.topics) {
    const topics: Record<string, Partial<TopicOverrides>> = Object.create(null);
    for (const [id, raw] of Object.entries(cfg.topics)) topics[id] = toOverrides(raw);
    cfg.topics = topics as never;
  }
  return cfg as PipelineConfig;
}

/** TopicOverrides key → the snake_case key used in the config file's `topics:` map. */
export const TOPIC_OVERRIDE_YAML_KEYS: Record<keyof TopicOverrides, string> = Object.fromEntries(
  Object.entries(TOPIC_KEYS).map(([yamlKey, [key]]) => [key, yamlKey]),
) as Record<keyof TopicOverrides, string>;
