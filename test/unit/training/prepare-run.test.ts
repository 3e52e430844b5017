// The run preparation the CLI and the training worker share: options checked and applied to a copy of
// the config, and a run paused by its AbortSignal at a checkpoint that resumes to the finished outputs
// (CPU twin, tiny model, one topic); its metric records read as their phases' types.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cpuBackend } from '../../../src/engine/backend.ts';
import { loadDataset } from '../../../src/data/node-files.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../helpers/default-config.ts';
import { loadDefaultMarkers } from '../../../src/analysis/node-defaults.ts';
import { markerSource } from '../../../src/analysis/marker-source.ts';
import { SAMPLE_DATA_DIR } from '../../../src/cli/commands/analyze.ts';
import { loadModel } from '../../../src/model/load.ts';
import { FsStore } from '../../../src/storage/fs-store.ts';
import { lexicalSimilarity } from '../../../src/training/similarity.ts';
import { isStepMetric, phaseMetric } from '../../../src/training/metric-types.ts';
import { checkRunOptions, configureRun, prepareRun, runPrepared, type RunOptions } from '../../../src/training/prepare-run.ts';

const OPTIONS: RunOptions = {
  phases: ['sft', 'eval'],
  alignment: 'ppo',
  topics: ['unit-01/chapter-01/topic-01'],
  maxSteps: 1,
  maxSeqLength: 64,
  maxNewTokens: 2,
  seed: 3,
  retries: 0,
};

describe('prepareRun', () => {
  it('checks options, naming the field and the value', () => {
    expect(() => checkRunOptions({ ...OPTIONS, maxSteps: 0 })).toThrow('options.maxSteps: expected a whole number ≥ 1 or empty, got 0');
    expect(() => checkRunOptions({ ...OPTIONS, retries: -1 })).toThrow('options.retries: expected a whole number ≥ 0 or empty, got -1');
    expect(() => checkRunOptions({ ...OPTIONS, phases: [] })).toThrow('options.phases: choose at least one phase');
    expect(() => checkRunOptions({ ...OPTIONS, alignment: 'rlhf' as 'ppo' })).toThrow('options.alignment: expected ppo or dpo, got rlhf');
  });

  it('applies options to a copy of the config: max new tokens sets both the evaluation answers and the PPO rollouts', () => {
    const base = DEFAULT_PIPELINE_CONFIG;
    const long = { ...OPTIONS, maxNewTokens: base.ppo.max_new_tokens + 100 };
    expect(configureRun(base, long).ppo.max_new_tokens).toBe(long.maxNewTokens);
    expect(configureRun(base, long).evaluation.max_new_tokens).toBe(long.maxNewTokens);
    const c = configureRun(base, OPTIONS);
    expect([c.max_seq_length, c.retries, c.evaluation.max_new_tokens, c.ppo.max_new_tokens]).toEqual([64, 0, 2, 2]);
    expect(base.max_seq_length).not.toBe(64);
  });

  it('pauses at a checkpoint when its signal is aborted, and resumes to run.json and report.md', async () => {
    const dataset = await loadDataset([SAMPLE_DATA_DIR]);
    const markers = await loadDefaultMarkers();
    const statuses: string[] = [];
    const prepare = () =>
      prepareRun({
        options: OPTIONS,
        config: DEFAULT_PIPELINE_CONFIG,
        dataset,
        markers,
        markerSource: markerSource('file', markers, 'voice_markers.yaml'),
        loadModel: () => loadModel('tiny'),
        loadSimilarity: async () => ({ similarity: lexicalSimilarity(), reason: 'test' }),
        status: (m) => statuses.push(m),
      });
    const prepared = await prepare();
    expect(statuses).toEqual(['Analysing the curriculum']);
    expect(prepared.seed).toBe(3);
    expect(prepared.similarityUsed).toEqual({ name: lexicalSimilarity().name, reason: 'test' });

    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mindprint-prepare-'));
    const store = await FsStore.open(dir);
    const pause = new AbortController();
    let checkpoints = 0;
    const paused = await runPrepared(prepared, {
      be: cpuBackend(),
      store,
      resume: false,
      signal: pause.signal,
      afterCheckpoint: () => {
        checkpoints++;
        pause.abort(); // pressed during the first phase: the run stops at this checkpoint
      },
    });
    expect(paused.status).toBe('paused');
    expect(checkpoints).toBe(1);
    expect(paused.state.finished).toBe(false);
    expect(paused.report).toContain('voice_markers.yaml');
    expect(await store.has('run.json')).toBe(false);

    const done = await runPrepared(await prepare(), { be: cpuBackend(), store, resume: true });
    expect(done.status).toBe('finished');
    expect(done.state.finished).toBe(true);
    expect(await store.getText('report.md')).toBe(done.report);
    const run = JSON.parse((await store.getText('run.json'))!);
    expect(run).toMatchObject({ seed: 3, finished: true, similarity: { reason: 'test' }, markers: { origin: 'file' } });
    // Every record the phases wrote reads as its phase's type (training/metric-types.ts).
    const typed = done.state.metrics.map(phaseMetric);
    expect(typed.filter(isStepMetric).map((m) => [m.phase, typeof m.step, m.phase === 'ppo' ? typeof m.meanReward : typeof m.loss])).toContainEqual([
      'sft',
      'number',
      'number',
    ]);
    expect(typed.find((m) => m.phase === 'eval')).toMatchObject({ threshold: expect.any(Number), passed: expect.any(Boolean) });
    expect(() => phaseMetric({ topicId: 't', attempt: 0, phase: 'rlhf' as 'sft' })).toThrow('metric record of topic t: unknown phase "rlhf"');
    await store.close();
  });
});
