// `mindprint import-run`: a bundle output in train.py's layout (adapters written by our own PEFT export,
// run.json in the studio's shape, plan.json from the bundle builder) comes back as a finished run with
// the right pass rate and loadable adapters; bad input is one error naming the file and the field, and
// nothing is written.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adaptTopics } from '../../../src/analysis/adaptive.ts';
import { analyzeDataset } from '../../../src/analysis/analyze.ts';
import { loadDefaultMarkers } from '../../../src/analysis/node-defaults.ts';
import { planJson } from '../../../src/bundle/plan-json.ts';
import { SAMPLE_DATA_DIR } from '../../../src/cli/commands/analyze.ts';
import { loadDataset } from '../../../src/data/node-files.ts';
import { parseModelConfig, type ModelConfig } from '../../../src/model/hf-config.ts';
import { initLora, type LoraAdapter, type LoraTarget } from '../../../src/model/lora-types.ts';
import { buildTinyModel, type TinyArch } from '../../../src/model/tiny-model.ts';
import { saveAdapter, saveMerged } from '../../../src/storage/adapter-store.ts';
import { FsStore } from '../../../src/storage/fs-store.ts';
import { importPeftFolder } from '../../../src/storage/peft.ts';
import { RunStore } from '../../../src/storage/run-store.ts';
import { mergeAdapters } from '../../../src/training/merge.ts';
import { runJson } from '../../../src/training/run-report.ts';
import type { RunState, TopicRecord } from '../../../src/training/run-types.ts';
import { Rng } from '../../../src/util/rng.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../helpers/default-config.ts';
import { cli, tmpDir } from './helpers.ts';

const T1 = 'unit-01/chapter-01/topic-01';
const T2 = 'unit-01/chapter-01/topic-02';
const ds = await loadDataset([SAMPLE_DATA_DIR]);
const markers = await loadDefaultMarkers();
const topicConfigs = adaptTopics(analyzeDataset(ds, markers), DEFAULT_PIPELINE_CONFIG);
const config = (arch: TinyArch = 'llama'): ModelConfig => parseModelConfig(JSON.parse(buildTinyModel(0, arch)['config.json'] as string));
const lora = DEFAULT_PIPELINE_CONFIG.lora;

/** A trained-looking adapter: PEFT's init, B filled too, so the bytes carry real values. */
function adapter(seed: number, o: { arch?: TinyArch; r?: number } = {}): LoraAdapter {
  const rng = new Rng(seed);
  const a = initLora(
    config(o.arch),
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

/** A bundle output folder as train.py leaves it; `edit` changes run.json or the adapters before it is written. */
async function bundleOutput(edit: { run?: (r: Record<string, unknown>) => void; sft1?: LoraAdapter } = {}): Promise<string> {
  const dir = await tmpDir('trl-out');
  const store = await FsStore.open(dir);
  const keys: Record<string, Partial<Record<'sft' | 'reward' | 'ppo', string>>> = {};
  for (const [i, id] of [T1, T2].entries()) {
    const head = { 'score.weight': { shape: [1, 64], data: Float32Array.from({ length: 64 }, (_, k) => Math.sin(k + i)) } };
    keys[id] = {
      sft: await saveAdapter(store, id, 'sft', i === 0 && edit.sft1 ? edit.sft1 : adapter(10 + i), { phase: 'sft' }),
      reward: await saveAdapter(store, id, 'reward', adapter(20 + i), { phase: 'reward' }, head),
      ppo: await saveAdapter(store, id, 'ppo', adapter(30 + i), { phase: 'ppo' }),
    };
  }
  const mergedKey = await saveMerged(store, 'unit-01', mergeAdapters([adapter(30)]), { unit: 'unit-01' });
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
  return dir;
}

async function importInto(dir: string, ...extra: string[]) {
  const target = path.join(await tmpDir('imported'), 'run');
  return { target, ...(await cli('import-run', dir, '--out', target, '--model', 'tiny', ...extra)) };
}

describe('mindprint import-run', () => {
  it('records the run with its pass rate, and every adapter loads as it was written', async () => {
    const dir = await bundleOutput();
    const r = await importInto(dir);
    expect(r.err).toBe('');
    expect(r.rc).toBe(0);
    expect(r.out).toContain('Pass rate: 1 of 2 topics (50.0%)');
    const runs = new RunStore(await FsStore.open(r.target));
    const state = (await runs.readState())!;
    expect(state.finished).toBe(true);
    expect(state.topics.map((t) => [t.id, t.score, t.passed])).toEqual([
      [T1, 0.82, true],
      [T2, 0.61, false],
    ]);
    expect(state.folded).toEqual([`adapters/${T1}/ppo_adapter`]);
    const summary = JSON.parse(await fs.readFile(path.join(r.target, 'run.json'), 'utf8'));
    expect(summary.passRate).toEqual({ passed: 1, trained: 2, rate: 0.5 });
    expect(summary.importedFrom).toEqual({ trainer: 'trl', folder: dir });
    expect((await runs.listAdapters()).map((a) => a.key)).toEqual([
      `adapters/${T1}/ppo_adapter`,
      `adapters/${T1}/reward_adapter`,
      `adapters/${T1}/sft_adapter`,
      `adapters/${T2}/ppo_adapter`,
      `adapters/${T2}/reward_adapter`,
      `adapters/${T2}/sft_adapter`,
      'merged_adapters/unit-01_merged',
    ]);
    const back = await runs.loadAdapter(`adapters/${T1}/sft_adapter`, config(), 'tiny');
    const want = adapter(10);
    for (const [p, l] of want.layers) expect([...back.adapter.layers.get(p)!.B]).toEqual([...l.B]);
    expect((await runs.loadAdapter(`adapters/${T2}/reward_adapter`, config())).head!['score.weight'].shape).toEqual([1, 64]);
    // What `mindprint eval --adapter` reads: the PEFT folder, checked against the model.
    expect((await importPeftFolder(path.join(r.target, `adapters/${T1}/ppo_adapter`), config(), 'tiny')).layers.size).toBe(2 * 3); // 2 layers × q, v, o
    expect(await fs.readFile(path.join(r.target, 'report.md'), 'utf8')).toContain('**Pass rate: 1 of 2 topics (50.0%)**');
    // A second import into the same run needs --force.
    const again = await cli('import-run', dir, '--out', r.target, '--model', 'tiny');
    expect(again).toMatchObject({ rc: 2, err: expect.stringContaining('already holds a run') });
    expect((await cli('import-run', dir, '--out', r.target, '--model', 'tiny', '--force')).rc).toBe(0);
  });

  it('names the file and the field of bad input, and writes nothing', async () => {
    const noRun = await bundleOutput();
    await fs.rm(path.join(noRun, 'run.json'));
    const cases: [string, string][] = [
      [noRun, `${noRun}/run.json: missing`],
      [
        await bundleOutput({ sft1: adapter(10, { arch: 'qwen3' }) }),
        `${T1}/sft_adapter/adapter_model.safetensors: tensor 'base_model.model.model.layers.0.self_attn.o_proj.lora_A.weight' has shape [8, 96], expected [8, 64]`,
      ],
      [await bundleOutput({ sft1: adapter(10, { r: 4 }) }), `${T1}/sft_adapter/adapter_config.json: r: expected 8`],
      [
        await bundleOutput({ run: (r) => ((r.topics as { id: string }[])[1].id = 'unit-09/chapter-01/topic-01') }),
        "run.json: topics[1].id: unknown topic 'unit-09/chapter-01/topic-01'",
      ],
      [
        await bundleOutput({ run: (r) => ((r.topics as { score: unknown }[])[0].score = 'high') }),
        'run.json: topics[0].score: expected a number or null, got "high"',
      ],
      [await bundleOutput({ run: (r) => ((r.passRate as { passed: number }).passed = 2) }), 'run.json: passRate: says 2 of 2, but its topics say 1 of 2'],
      [await bundleOutput({ run: (r) => (r.finished = false) }), 'run.json: finished: false: train.py stopped before the end'],
    ];
    for (const [dir, message] of cases) {
      const r = await importInto(dir);
      expect(r.rc, message).toBe(2);
      expect(r.err).toContain(message);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(await new RunStore(await FsStore.open(r.target)).readState()).toBeNull();
      expect(await fs.readdir(r.target).catch(() => [])).toEqual([]);
    }
    const gone = await bundleOutput();
    await fs.rm(path.join(gone, `adapters/${T2}/reward_adapter/adapter_model.safetensors`));
    const r = await importInto(gone);
    expect(r.err).toContain(
      `adapters/${T2}/reward_adapter/adapter_model.safetensors: missing (${gone}/run.json: topics[1].attempts[0].adapters.reward names this adapter)`,
    );
  });
});
