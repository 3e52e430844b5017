// The curriculum pipeline end to end on the tiny model: the whole sample curriculum through the CLI
// (every adapter exists and loads, merges equal the sum of their parts, run.json and report.md), and a
// killed run that resumes to the same bytes as an uninterrupted one.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { command as train } from '../../src/cli/commands/train.ts';
import { loadModel } from '../../src/model/load.ts';
import { importPeftFolder } from '../../src/storage/peft.ts';
import { loraDelta } from '../../src/model/lora-types.ts';
import { loadDataset } from '../../src/data/node-files.ts';
import { analyzeDataset } from '../../src/analysis/analyze.ts';
import { adaptTopics } from '../../src/analysis/adaptive.ts';
import { loadDefaultMarkers, loadDefaultPipelineConfig } from '../../src/analysis/node-defaults.ts';
import { SAMPLE_DATA_DIR } from '../../src/cli/commands/analyze.ts';
import { GpuRuntime } from '../../src/engine/runtime.ts';
import { gpuBackend } from '../../src/engine/backend.ts';
import { FsStore } from '../../src/storage/fs-store.ts';
import { runCurriculum, type PipelineInputs } from '../../src/training/pipeline.ts';
import { lexicalSimilarity } from '../../src/training/similarity.ts';
import type { GpuTensor } from '../../src/engine/op.ts';

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string) {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(path.relative(root, p));
    }
  }
  await walk(root);
  return out.sort();
}

async function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await fn();
  } finally {
    process.stderr.write = write;
  }
}

describe('curriculum pipeline', () => {
  it('trains the whole sample curriculum on the tiny model: adapters, merges, run.json, report.md', { timeout: 2_400_000 }, async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'mindprint-run-'));
    // The tiny random model passes no topic, so merge failed topics too: the merges are what is checked.
    // One reward step cannot learn; PPO runs anyway (if_not_learned: warn) so every phase is exercised,
    // and the run must say so.
    const configFile = path.join(out, '..', `${path.basename(out)}-config.yaml`);
    await fs.writeFile(configFile, 'merge:\n  merge_failed: true\nreward:\n  if_not_learned: warn\n');
    const code = await quiet(() =>
      train.run([
        '--out',
        out,
        '--model',
        'tiny',
        '--config',
        configFile,
        '--max-steps',
        '1',
        '--retries',
        '0',
        '--max-seq-length',
        '64',
        '--max-new-tokens',
        '2',
        '--seed',
        '7',
      ]),
    );
    expect(code).toBe(0);
    const run = JSON.parse(await fs.readFile(path.join(out, 'run.json'), 'utf8'));
    const report = await fs.readFile(path.join(out, 'report.md'), 'utf8');
    expect(run.finished).toBe(true);
    expect(run.topics).toHaveLength(18);
    expect(report).toContain(`Pass rate: ${run.passRate.passed} of ${run.passRate.trained} topics`);
    const untrainable = run.topics.filter((t: { trainable: boolean }) => !t.trainable);
    expect(untrainable.map((t: { id: string }) => t.id)).toEqual(['unit-02/chapter-02/topic-02']);
    expect(run.passRate.trained).toBe(17);
    expect(run.exams.map((e: { level: string }) => e.level).sort()).toEqual([...Array(6).fill('chapter'), 'final', ...Array(3).fill('unit')]);

    // Every phase adapter of every trained topic exists and loads in PEFT format.
    const { model } = await loadModel('tiny');
    for (const t of run.topics.filter((x: { trainable: boolean }) => x.trainable)) {
      for (const phase of ['sft', 'reward', 'ppo']) {
        const dir = path.join(out, 'adapters', t.id, `${phase}_adapter`);
        const adapter = await importPeftFolder(dir, model.config);
        expect(adapter.layers.size).toBeGreaterThan(0);
      }
      // The reward model loads in transformers + PEFT as a sequence classifier: the head is score.weight.
      const rmConfig = JSON.parse(await fs.readFile(path.join(out, 'adapters', t.id, 'reward_adapter', 'adapter_config.json'), 'utf8'));
      expect(rmConfig.task_type).toBe('SEQ_CLS');
    }
    // Merged adapters equal the sum of their parts (the previous merge plus the unit's topic adapters).
    expect(run.merged.map((m: { unit: string }) => m.unit)).toEqual(['unit-01', 'unit-02', 'unit-03']);
    for (const m of run.merged) {
      const meta = JSON.parse(await fs.readFile(path.join(out, m.key, 'metrics.json'), 'utf8'));
      const merged = await importPeftFolder(path.join(out, m.key), model.config);
      const parts = await Promise.all(meta.parts.map((k: string) => importPeftFolder(path.join(out, k), model.config)));
      for (const mod of merged.layers.keys()) {
        const got = loraDelta(merged, mod);
        const want = new Float32Array(got.length);
        for (const p of parts) if (p.layers.has(mod)) loraDelta(p, mod).forEach((v, i) => (want[i] += v));
        let diff = 0,
          scale = 0;
        got.forEach((v, i) => {
          diff = Math.max(diff, Math.abs(v - want[i]));
          scale = Math.max(scale, Math.abs(want[i]));
        });
        expect(diff).toBeLessThanOrEqual(1e-5 * Math.max(scale, 1e-12));
      }
    }
    const metrics = (await fs.readFile(path.join(out, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    for (const phase of ['sft', 'reward', 'ppo', 'eval']) expect(metrics.some((m) => m.phase === phase)).toBe(true);
    // Nothing finished silently: a reward model that did not learn is named on its topic and in the report.
    const warned = run.topics.filter((t: { warnings: string[] }) => t.warnings.some((w) => w.startsWith('reward model did not learn')));
    expect(warned.length).toBeGreaterThan(0);
    expect(report).toContain('## Phases that did not learn');
  });

  it('DPO replaces reward model + PPO with --alignment dpo', async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'mindprint-dpo-'));
    const code = await quiet(() =>
      train.run([
        '--out',
        out,
        '--alignment',
        'dpo',
        '--topics',
        'unit-01/chapter-01/topic-03',
        '--max-steps',
        '2',
        '--retries',
        '0',
        '--max-seq-length',
        '64',
        '--max-new-tokens',
        '2',
      ]),
    );
    expect(code).toBe(0);
    const run = JSON.parse(await fs.readFile(path.join(out, 'run.json'), 'utf8'));
    expect(run.topics[0].phasesRun).toEqual(['sft', 'dpo', 'eval']);
    const { model } = await loadModel('tiny');
    const dpo = await importPeftFolder(path.join(out, 'adapters/unit-01/chapter-01/topic-03/dpo_adapter'), model.config);
    const sft = await importPeftFolder(path.join(out, 'adapters/unit-01/chapter-01/topic-03/sft_adapter'), model.config);
    // DPO moved the policy away from its SFT start.
    const mod = [...dpo.layers.keys()][0];
    expect(dpo.layers.get(mod)!.B).not.toEqual(sft.layers.get(mod)!.B);
    const metrics = (await fs.readFile(path.join(out, 'metrics.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(metrics.filter((m) => m.phase === 'dpo')).toHaveLength(2);
  });

  it('a killed run resumes to the same adapters and metrics as an uninterrupted run', { timeout: 1_800_000 }, async () => {
    const markers = await loadDefaultMarkers();
    const config = await loadDefaultPipelineConfig();
    config.max_seq_length = 64;
    config.retries = 0;
    config.evaluation.max_new_tokens = 2;
    config.ppo.max_new_tokens = 2;
    const dataset = await loadDataset([SAMPLE_DATA_DIR]);
    const topicConfigs = adaptTopics(analyzeDataset(dataset, markers), config);
    const { model, tokenizer } = await loadModel('tiny');
    const rt = await GpuRuntime.create();
    const base = async (dir: string): Promise<PipelineInputs<GpuTensor>> => ({
      be: gpuBackend(rt),
      dataset,
      topicConfigs,
      config,
      model,
      modelName: 'tiny',
      tokenizer,
      markers,
      similarity: { similarity: lexicalSimilarity(), reason: 'test' },
      store: await FsStore.open(dir),
      phases: ['sft', 'reward', 'ppo', 'eval'],
      alignment: 'ppo',
      topicFilter: ['unit-01/chapter-01/topic-03', 'unit-01/chapter-01'],
      maxSteps: 3,
      seed: 3,
      resume: false,
      checkpointEvery: 1,
    });
    const a = await fs.mkdtemp(path.join(os.tmpdir(), 'mindprint-a-'));
    const b = await fs.mkdtemp(path.join(os.tmpdir(), 'mindprint-b-'));
    await runCurriculum(await base(a));
    // Kill the second run inside SFT (its second mid-phase save), inside the reward model (an epoch's
    // save) and inside PPO (its first step's save), resuming after each, then run it to the end.
    const killAt = async (phase: string, step: number | null, resume: boolean) => {
      const run = runCurriculum({
        ...(await base(b)),
        resume,
        afterCheckpoint: (s) => {
          if (s.progress?.phase === phase && (step === null || s.progress.step === step)) throw new Error(`killed in ${phase} after step ${s.progress.step}`);
        },
      });
      await expect(run).rejects.toThrow(`killed in ${phase}`);
    };
    await killAt('sft', 2, false);
    await killAt('reward', null, true); // at its first save (an epoch end)
    await killAt('ppo', 1, true);
    const resumed = await runCurriculum({ ...(await base(b)), resume: true });
    expect(resumed.finished).toBe(true);
    const fa = await filesUnder(a);
    const fb = await filesUnder(b);
    expect(fb).toEqual(fa);
    for (const f of fa.filter((x) => x.startsWith('adapters/') || x.startsWith('merged_adapters/') || x === 'metrics.jsonl' || x === 'run/state.json')) {
      const [x, y] = await Promise.all([fs.readFile(path.join(a, f)), fs.readFile(path.join(b, f))]);
      expect(Buffer.compare(x, y), f).toBe(0);
    }
    rt.destroy();
  });
});
