// A TRL bundle's output as train.py leaves it (adapters written by our own PEFT export for the tiny
// model, run.json in the studio's shape, plan.json from the bundle builder), for the import-run tests:
// two topics of the sample (0.82 passes, 0.61 fails), their SFT, reward and PPO adapters, one unit merge.
import { adaptTopics } from '../../src/analysis/adaptive.ts';
import { analyzeDataset } from '../../src/analysis/analyze.ts';
import { loadDefaultMarkers } from '../../src/analysis/node-defaults.ts';
import { planJson } from '../../src/bundle/plan-json.ts';
import { SAMPLE_DATA_DIR } from '../../src/cli/commands/analyze.ts';
import { loadDataset } from '../../src/data/node-files.ts';
import { parseModelConfig, type ModelConfig } from '../../src/model/hf-config.ts';
import { initLora, type LoraAdapter, type LoraTarget } from '../../src/model/lora-types.ts';
import { buildTinyModel, type TinyArch } from '../../src/model/tiny-model.ts';
import { saveAdapter, saveMerged } from '../../src/storage/adapter-store.ts';
import type { ArtifactStore } from '../../src/storage/store.ts';
import { mergeAdapters } from '../../src/training/merge.ts';
import { runJson } from '../../src/training/run-report.ts';
import type { RunState, TopicRecord } from '../../src/training/run-types.ts';
import { Rng } from '../../src/util/rng.ts';
import { DEFAULT_PIPELINE_CONFIG } from './default-config.ts';

export const T1 = 'unit-01/chapter-01/topic-01';
export const T2 = 'unit-01/chapter-01/topic-02';
const ds = await loadDataset([SAMPLE_DATA_DIR]);
const markers = await loadDefaultMarkers();
const topicConfigs = adaptTopics(analyzeDataset(ds, markers), DEFAULT_PIPELINE_CONFIG);
export const tinyConfig = (arch: TinyArch = 'llama'): ModelConfig => parseModelConfig(JSON.parse(buildTinyModel(0, arch)['config.json'] as string));
export const lora = DEFAULT_PIPELINE_CONFIG.lora;

/** A trained-looking adapter: PEFT's init, B filled too, so the bytes carry real values. */
export function trlAdapter(seed: number, o: { arch?: TinyArch; r?: number } = {}): LoraAdapter {
  const rng = new Rng(seed);
  const a = initLora(
    tinyConfig(o.arch),
    { r: o.r ?? lora.r, alpha: lora.alpha, dropout: lora.dropout, targetModules: lora.target_modules as LoraTarget[], useRslora: false },
    rng,
    'tiny',
  );
  for (const l of a.layers.values()) for (let k = 0; k < l.B.length; k++) l.B[k] = rng.next() - 0.5;
  return a;
}

function topic(id: string, score: number, adapters: Partial<Record<'sft' | 'reward' | 'ppo', string>>): TopicRecord {
  const passed = score >= 0.8;
  return {
    id,
    unit: 'unit-01',
    trainable: true,
    threshold: 0.8,
    attempts: [{ attempt: 0, seed: 1, sftEpochs: 3, phases: ['sft', 'reward', 'ppo', 'eval'], adapters, score, passed, notes: [], warnings: [] }],
    phasesRun: ['sft', 'reward', 'ppo', 'eval'],
    score,
    passed,
    finalAdapter: adapters.ppo ?? null,
    truncatedExamples: 0,
    identicalPairs: 0,
    warnings: [],
    merged: passed,
  };
}

export interface OutputEdit {
  /** Changes run.json before it is written. */
  run?: (r: Record<string, unknown>) => void;
  /** The first topic's SFT adapter instead of a fitting one. */
  sft1?: LoraAdapter;
}

/** Writes the output (adapters/, merged_adapters/, run.json, plan.json) into `store`. */
export async function writeTrlOutput(store: ArtifactStore, edit: OutputEdit = {}): Promise<void> {
  const keys: Record<string, Partial<Record<'sft' | 'reward' | 'ppo', string>>> = {};
  for (const [i, id] of [T1, T2].entries()) {
    const head = { 'score.weight': { shape: [1, 64], data: Float32Array.from({ length: 64 }, (_, k) => Math.sin(k + i)) } };
    keys[id] = {
      sft: await saveAdapter(store, id, 'sft', i === 0 && edit.sft1 ? edit.sft1 : trlAdapter(10 + i), { phase: 'sft' }),
      reward: await saveAdapter(store, id, 'reward', trlAdapter(20 + i), { phase: 'reward' }, head),
      ppo: await saveAdapter(store, id, 'ppo', trlAdapter(30 + i), { phase: 'ppo' }),
    };
  }
  const mergedKey = await saveMerged(store, 'unit-01', mergeAdapters([trlAdapter(30)]), { unit: 'unit-01' });
  const state: RunState = {
    version: 2,
    seed: 42,
    modelName: 'tiny',
    alignment: 'ppo',
    phases: ['sft', 'reward', 'ppo', 'eval'],
    cursor: 0,
    attemptPhase: null,
    topics: [topic(T1, 0.82, keys[T1]), topic(T2, 0.61, keys[T2])],
    exams: [],
    folded: [],
    unitParts: {},
    merged: [{ unit: 'unit-01', key: mergedKey, rank: lora.r, relativeError: null }],
    metrics: [],
    progress: null,
    finished: true,
  };
  const run = runJson(state, { name: 'lexical:unigram+bigram-cosine', reason: 'no sentence embeddings' });
  edit.run?.(run);
  await store.put('run.json', JSON.stringify(run, null, 2));
  const plan = planJson({ dataset: ds, config: DEFAULT_PIPELINE_CONFIG, topicConfigs, voiceMarkers: markers, model: 'tiny', alignment: 'ppo' });
  await store.put('plan.json', JSON.stringify(plan));
}
