// The pipeline never finishes silently without learning, on the CPU twin: pairs identical after truncation
// are counted and reported, a reward model at chance is marked "did not learn" and PPO is skipped (or run
// with a warning, as the config says), and run.json / report.md carry every warning.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cpuBackend } from '../../../src/engine/backend.ts';
import { loadDataset } from '../../../src/data/node-files.ts';
import { analyzeDataset } from '../../../src/analysis/analyze.ts';
import { adaptTopics } from '../../../src/analysis/adaptive.ts';
import type { PipelineConfig } from '../../../src/config/pipeline-config.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../helpers/default-config.ts';
import { loadDefaultMarkers } from '../../../src/analysis/node-defaults.ts';
import { loadModel } from '../../../src/model/load.ts';
import { FsStore } from '../../../src/storage/fs-store.ts';
import { retryDecision, runCurriculum, type PipelineEvent } from '../../../src/training/pipeline.ts';
import { renderRunReport, runJson } from '../../../src/training/run-report.ts';
import { lexicalSimilarity } from '../../../src/training/similarity.ts';
import { voicePairs } from '../../helpers/voice-pairs.ts';

/** A one-topic curriculum of real-shaped answers: SFT = the chosen answers, pairs = chosen vs voice-stripped. */
async function curriculum(dir: string, n: number): Promise<void> {
  const pairs = voicePairs(n, 9, { from: 6 });
  const source = 'unit-01/chapter-01/topic-01';
  await fs.writeFile(
    path.join(dir, 'sft_data.jsonl'),
    pairs.map((p) => JSON.stringify({ instruction: p.prompt, input: '', output: p.chosen, source })).join('\n') + '\n',
  );
  await fs.writeFile(
    path.join(dir, 'preference_data.jsonl'),
    pairs.map((p) => JSON.stringify({ prompt: p.prompt, chosen: p.chosen, rejected: p.rejected })).join('\n') + '\n',
  );
}

async function run(config: PipelineConfig, phases: ('sft' | 'reward' | 'ppo')[]) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mindprint-outcomes-'));
  await curriculum(dir, 6);
  const dataset = await loadDataset([dir]);
  const markers = await loadDefaultMarkers();
  const topicConfigs = adaptTopics(analyzeDataset(dataset, markers), config);
  const { model, tokenizer } = await loadModel('tiny');
  const events: PipelineEvent[] = [];
  const state = await runCurriculum({
    be: cpuBackend(),
    dataset,
    topicConfigs,
    config,
    model,
    modelName: 'tiny',
    tokenizer,
    markers,
    similarity: { similarity: lexicalSimilarity(), reason: 'test' },
    store: await FsStore.open(path.join(dir, 'out')),
    phases,
    alignment: 'ppo',
    maxSteps: 2,
    seed: 1,
    resume: false,
    onEvent: (e) => void events.push(e),
  });
  const sim = { name: 'lexical', reason: 'test' };
  return {
    state,
    events,
    json: runJson(state, sim) as { topics: { identicalPairs: number; warnings: string[]; attempts: { notes: string[] }[] }[] },
    report: renderRunReport(state, sim),
  };
}

function config(over: (c: PipelineConfig) => void): PipelineConfig {
  const c = structuredClone(DEFAULT_PIPELINE_CONFIG);
  c.retries = 0;
  c.ppo.max_new_tokens = 4;
  c.ppo.steps = 2;
  over(c);
  return c;
}

describe('the pipeline says when a phase did not learn (CPU twin)', () => {
  it('pairs identical within max_seq_length: counted, reported, reward model and PPO skipped with the reason', async () => {
    const { state, json, report } = await run(
      config((c) => (c.max_seq_length = 96)),
      ['sft', 'reward', 'ppo'],
    );
    const t = json.topics[0];
    expect(t.identicalPairs).toBe(6);
    const notes = t.attempts[0].notes.join('\n');
    expect(notes).toContain('6 pair(s) identical after truncation at 96 tokens: raise max_seq_length');
    expect(notes).toContain(
      'reward model and PPO skipped: 0 usable preference pair(s), at least 2 needed (6 identical within 96 tokens: raise max_seq_length)',
    );
    expect(state.topics[0].phasesRun).toEqual(['sft']);
    expect(report).toContain('6 pair(s) were identical after truncation (raise max_seq_length)');
  }, 120_000);

  it('a reward model at chance: "did not learn" with its cause, PPO skipped; with if_not_learned: warn, PPO runs and says so', async () => {
    const at = (c: PipelineConfig) => {
      c.max_seq_length = 320;
      c.reward.learning_rate = 1e-7;
      c.reward.head_learning_rate = 1e-7;
    };
    const skip = await run(config(at), ['sft', 'reward', 'ppo']);
    const w = skip.json.topics[0].warnings;
    expect(w.some((x) => /^reward model did not learn: validation accuracy .*; likely cause: .*the loss barely moved in 2 steps/.test(x))).toBe(true);
    expect(skip.state.topics[0].phasesRun).toEqual(['sft', 'reward']);
    expect(skip.json.topics[0].attempts[0].notes.join('\n')).toContain('PPO skipped: the reward model did not learn');
    expect(skip.events.some((e) => e.type === 'warning' && e.phase === 'reward')).toBe(true);
    expect(skip.report).toContain('## Phases that did not learn');
    expect(skip.report).toMatch(/- unit-01\/chapter-01\/topic-01: reward model did not learn/);

    const warn = await run(
      config((c) => {
        at(c);
        c.reward.if_not_learned = 'warn';
      }),
      ['sft', 'reward', 'ppo'],
    );
    expect(warn.state.topics[0].phasesRun).toEqual(['sft', 'reward', 'ppo']);
    expect(warn.json.topics[0].warnings).toContain('PPO ran on a reward model that did not learn (reward.if_not_learned: warn)');
  }, 300_000);
});

describe('retries', () => {
  const base = { passed: false, evaluated: true, attempt: 0, retries: 2, score: 0.4, previousScore: null };
  it('retries a failed topic while retries remain, and stops when they are used up or it passed', () => {
    expect(retryDecision(base)).toEqual({ finish: false, note: null });
    expect(retryDecision({ ...base, attempt: 1, previousScore: 0.3 })).toEqual({ finish: false, note: null });
    expect(retryDecision({ ...base, attempt: 2, previousScore: 0.3 }).finish).toBe(true);
    expect(retryDecision({ ...base, passed: true }).finish).toBe(true);
    expect(retryDecision({ ...base, retries: 0 }).finish).toBe(true);
  });
  it('does not retry without evaluation (no pass/fail to act on)', () => {
    expect(retryDecision({ ...base, evaluated: false, score: null })).toEqual({ finish: true, note: null });
  });
  it('stops when an attempt scored the same as the one before, and says why', () => {
    expect(retryDecision({ ...base, attempt: 1, score: 0.412, previousScore: 0.412 })).toEqual({
      finish: true,
      note: 'attempt 1 scored 0.412, the same as attempt 0: the same recipe again would not change it, so the remaining 1 retry was not run',
    });
    expect(retryDecision({ ...base, retries: 4, attempt: 1, score: 0.5, previousScore: 0.5 }).note).toContain('the remaining 3 retries were not run');
  });
});
