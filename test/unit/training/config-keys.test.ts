// Config that tells the truth: every key the schema accepts is read while a run is prepared and run on
// the CPU twin (the PPO path and the DPO path), so no key is validated and then ignored.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../../src/engine/backend.ts';
import { loadDataset } from '../../../src/data/node-files.ts';
import { analyzeDataset } from '../../../src/analysis/analyze.ts';
import { adaptTopics } from '../../../src/analysis/adaptive.ts';
import { PIPELINE_SCHEMA, type PipelineConfig } from '../../../src/config/pipeline-config.ts';
import { loadSampleMarkers } from '../../../src/analysis/node-defaults.ts';
import type { Schema } from '../../../src/config/schema.ts';
import { SAMPLE_DATA_DIR } from '../../../src/cli/commands/analyze.ts';
import { loadModel } from '../../../src/model/load.ts';
import { FsStore } from '../../../src/storage/fs-store.ts';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCurriculum } from '../../../src/training/pipeline.ts';
import { configureRun, runDefaults } from '../../../src/training/prepare-run.ts';
import { lexicalSimilarity } from '../../../src/training/similarity.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../helpers/default-config.ts';

/** Every leaf key path of the schema ('ppo.kl_coef', 'evaluation.weights.voice', 'topics'). */
function schemaKeys(s: Schema, prefix = ''): string[] {
  if (s.kind === 'object' && 'fields' in s && s.fields) {
    return Object.entries(s.fields).flatMap(([k, f]) => schemaKeys(f as Schema, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

/** A view of `obj` that records the path of every property read (nested objects included). */
function tracked<T extends object>(obj: T, seen: Set<string>, prefix = ''): T {
  return new Proxy(obj, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof key !== 'string') return value;
      const path = prefix ? `${prefix}.${key}` : key;
      seen.add(path);
      return value && typeof value === 'object' && !Array.isArray(value) ? tracked(value as object, seen, path) : value;
    },
  });
}

const dataset = await loadDataset([SAMPLE_DATA_DIR]);
const markers = await loadSampleMarkers();
const tiny = await loadModel('tiny');

/** Prepares and runs a short curriculum the way prepareRun does, recording the config keys read. */
async function keysRead(over: (c: PipelineConfig) => void): Promise<Set<string>> {
  const seen = new Set<string>();
  const base = structuredClone(DEFAULT_PIPELINE_CONFIG);
  over(base);
  const { options } = runDefaults(tracked(base, seen)); // what the CLI takes from the config
  const config = configureRun(base, { ...options, maxSteps: 2, maxSeqLength: 64, maxNewTokens: 2 });
  const cfg = tracked(config, seen);
  const topicConfigs = adaptTopics(analyzeDataset(dataset, markers), cfg);
  await runCurriculum({
    be: cpuBackend(),
    dataset,
    topicConfigs,
    config: cfg,
    model: tiny.model,
    modelName: 'tiny',
    tokenizer: tiny.tokenizer,
    markers,
    similarity: { similarity: lexicalSimilarity(), reason: 'test' },
    store: await FsStore.open(await fs.mkdtemp(path.join(os.tmpdir(), 'mindprint-keys-'))),
    phases: options.phases,
    alignment: options.alignment,
    topicFilter: ['unit-01/chapter-01/topic-01'],
    maxSteps: 2,
    seed: options.seed ?? 0,
    resume: false,
  });
  return seen;
}

describe('pipeline config keys', () => {
  it('every schema key is read during a CPU run (PPO and DPO paths)', async () => {
    const ppo = await keysRead((c) => {
      c.retries = 1; // a retry decision is taken
      c.reward.if_not_learned = 'warn'; // one-step reward models cannot learn: run PPO anyway
      c.merge.merge_failed = true; // the unit merges
    });
    const dpo = await keysRead((c) => void (c.alignment = 'dpo'));
    const read = new Set([...ppo, ...dpo]);
    const unread = schemaKeys(PIPELINE_SCHEMA).filter((k) => !read.has(k));
    expect(unread, 'keys validated but never read').toEqual([]);
  }, 240_000);
});
