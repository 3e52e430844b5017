// A run paused before the history existed (one run at the store's root, killed mid-SFT) is migrated
// into runs/{id} and resumed there through the library's scoped store: it ends with the same bytes as
// an uninterrupted run (CPU twin, tiny model, one topic, a few steps).
import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cpuBackend, type CpuTensor } from '../../../src/engine/backend.ts';
import { loadDataset } from '../../../src/data/node-files.ts';
import { analyzeDataset } from '../../../src/analysis/analyze.ts';
import { adaptTopics } from '../../../src/analysis/adaptive.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../helpers/default-config.ts';
import { loadDefaultMarkers } from '../../../src/analysis/node-defaults.ts';
import { SAMPLE_DATA_DIR } from '../../../src/cli/commands/analyze.ts';
import { loadModel } from '../../../src/model/load.ts';
import { FsStore } from '../../../src/storage/fs-store.ts';
import { RunLibrary } from '../../../src/storage/run-library.ts';
import { runCurriculum, type PipelineInputs } from '../../../src/training/pipeline.ts';
import { lexicalSimilarity } from '../../../src/training/similarity.ts';

const TOPIC = 'unit-01/chapter-01/topic-01';

async function filesUnder(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(path.relative(root, path.join(e.parentPath, e.name)), await fs.readFile(path.join(e.parentPath, e.name)));
  }
  return out;
}

describe('a run saved before the history', () => {
  it('is migrated into runs/{id} and resumes there to the bytes of an uninterrupted run', async () => {
    const dataset = await loadDataset([SAMPLE_DATA_DIR]);
    const markers = await loadDefaultMarkers();
    const { model, tokenizer } = await loadModel('tiny');
    const cfg = structuredClone(DEFAULT_PIPELINE_CONFIG);
    cfg.max_seq_length = 48;
    cfg.retries = 0;
    cfg.evaluation.max_new_tokens = 2;
    const base = async (dir: string): Promise<PipelineInputs<CpuTensor>> => ({
      be: cpuBackend(),
      dataset,
      topicConfigs: adaptTopics(analyzeDataset(dataset, markers), cfg),
      config: cfg,
      model,
      modelName: 'tiny',
      tokenizer,
      markers,
      similarity: { similarity: lexicalSimilarity(), reason: 'test' },
      store: await FsStore.open(dir),
      phases: ['sft', 'eval'],
      alignment: 'ppo',
      topicFilter: [TOPIC],
      maxSteps: 3,
      checkpointEvery: 1,
      seed: 5,
      resume: false,
    });
    const wholeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mindprint-mig-whole-'));
    const oldDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mindprint-mig-old-'));
    await runCurriculum(await base(wholeDir));
    const old = await base(oldDir);
    const killed = runCurriculum({
      ...old,
      afterCheckpoint: (s) => {
        if (s.progress?.phase === 'sft' && s.progress.step === 2) throw new Error('killed');
      },
    });
    await expect(killed).rejects.toThrow('killed');
    await fs.writeFile(path.join(oldDir, 'run/options.json'), JSON.stringify({ startedAt: Date.UTC(2026, 0, 2) }));

    const lib = new RunLibrary(old.store);
    const id = await lib.migrate();
    expect(id).toBe('20260102-000000-saved');
    expect((await lib.summary(id!)).status).toBe('unfinished');
    const st = await lib.run(id!).readState();
    expect(st?.progress).toMatchObject({ phase: 'sft', step: 2 });
    const done = await runCurriculum({ ...old, store: lib.scope(id!), resume: true });
    expect(done.finished).toBe(true);

    const [a, b] = await Promise.all([filesUnder(wholeDir), filesUnder(path.join(oldDir, 'runs', id!))]);
    b.delete('run/options.json');
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [f, bytes] of a) expect(Buffer.compare(bytes, b.get(f)!), f).toBe(0);
    expect((await fs.readdir(oldDir)).filter((n) => !n.startsWith('.'))).toEqual(['runs']);
  }, 120_000);
});
