// The curriculum loop over the phase modules on the CPU twin with the tiny model, in seconds: phases in
// order with their events and records, folds and the unit merge, exams after their part, DPO instead of
// reward + PPO, retries, and a run killed at every phase boundary that resumes to the same bytes.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { cpuBackend, type CpuTensor } from '../../../src/engine/backend.ts';
import { loadDataset } from '../../../src/data/node-files.ts';
import { analyzeDataset } from '../../../src/analysis/analyze.ts';
import { adaptTopics } from '../../../src/analysis/adaptive.ts';
import type { PipelineConfig } from '../../../src/config/pipeline-config.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../helpers/default-config.ts';
import { loadDefaultMarkers } from '../../../src/analysis/node-defaults.ts';
import { SAMPLE_DATA_DIR } from '../../../src/cli/commands/analyze.ts';
import { loadModel } from '../../../src/model/load.ts';
import { FsStore } from '../../../src/storage/fs-store.ts';
import { parseSafetensors, readTensorF32, writeSafetensors } from '../../../src/model/safetensors.ts';
import { runCurriculum, type PipelineEvent, type PipelineInputs } from '../../../src/training/pipeline.ts';
import { lexicalSimilarity } from '../../../src/training/similarity.ts';

const TOPICS = ['unit-01/chapter-01/topic-01', 'unit-01/chapter-01/topic-02'];
const dataset = await loadDataset([SAMPLE_DATA_DIR]);
const markers = await loadDefaultMarkers();
const { model, tokenizer } = await loadModel('tiny');
const others = { qwen3: await loadModel('tiny-qwen3'), gemma3: await loadModel('tiny-gemma3') };

function config(over: (c: PipelineConfig) => void = () => {}): PipelineConfig {
  const c = structuredClone(DEFAULT_PIPELINE_CONFIG);
  c.max_seq_length = 64;
  c.retries = 0;
  c.evaluation.max_new_tokens = 2;
  c.ppo.max_new_tokens = 2;
  c.reward.if_not_learned = 'warn'; // one reward step cannot learn; run PPO anyway so every phase runs
  c.merge.merge_failed = true; // the tiny model passes nothing: merge anyway, so folds and merges run
  over(c);
  return c;
}

async function inputs(
  cfg: PipelineConfig,
  over: Partial<PipelineInputs<CpuTensor>> = {},
): Promise<PipelineInputs<CpuTensor> & { dir: string; events: PipelineEvent[] }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mindprint-loop-'));
  const events: PipelineEvent[] = [];
  return {
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
    phases: ['sft', 'reward', 'ppo', 'eval'],
    alignment: 'ppo',
    topicFilter: TOPICS,
    maxSteps: 1,
    seed: 5,
    resume: false,
    onEvent: (e) => void events.push(e),
    ...over,
    dir,
    events,
  };
}

async function filesUnder(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(path.relative(root, path.join(e.parentPath, e.name)), await fs.readFile(path.join(e.parentPath, e.name)));
  }
  return out;
}

describe('the curriculum loop over phase modules (CPU twin, tiny model)', () => {
  it("runs each topic's phases in order, records them, folds the adapters, merges the unit and takes the exams", async () => {
    const inp = await inputs(config());
    const st = await runCurriculum(inp);
    expect(st.finished).toBe(true);
    const phaseEvents = inp.events.filter((e) => e.type === 'phase' && e.topicId === TOPICS[0]).map((e) => e.type === 'phase' && `${e.phase}:${e.status}`);
    expect(phaseEvents).toEqual(['sft:start', 'sft:done', 'reward:start', 'reward:done', 'ppo:start', 'ppo:done', 'eval:start', 'eval:done']);
    for (const t of st.topics) {
      expect(t.phasesRun).toEqual(['sft', 'reward', 'ppo', 'eval']);
      expect(t.attempts[0].adapters).toEqual({
        sft: `adapters/${t.id}/sft_adapter`,
        reward: `adapters/${t.id}/reward_adapter`,
        ppo: `adapters/${t.id}/ppo_adapter`,
      });
      expect(t.finalAdapter).toBe(`adapters/${t.id}/ppo_adapter`); // evaluation evaluates the PPO policy
      expect(t.attempts[0].score).not.toBeNull();
      expect(t.attempts[0].rewardLearned).toBe(false);
      expect(t.warnings).toContain('PPO ran on a reward model that did not learn (reward.if_not_learned: warn)');
      expect(t.merged).toBe(true);
    }
    expect(st.folded).toEqual(TOPICS.map((t) => `adapters/${t}/ppo_adapter`));
    expect(st.merged.map((m) => m.unit)).toEqual(['unit-01']);
    expect(st.exams.map((e) => e.level)).toEqual(['chapter', 'unit']); // a filtered run takes no final assessment
    for (const phase of ['sft', 'reward', 'ppo', 'eval']) expect(st.metrics.some((m) => m.phase === phase)).toBe(true);
    expect(inp.events.filter((e) => e.type === 'warning').length).toBeGreaterThan(0);
  }, 120_000);

  /** Runs once uninterrupted, then again killed at every checkpoint in turn (resuming each time); returns both folders and where it was killed. */
  async function killEverywhere(over: Partial<PipelineInputs<CpuTensor>>) {
    const cfg = config();
    const one = { topicFilter: [TOPICS[0]], checkpointEvery: 1, maxSteps: 3, ...over };
    const whole = await inputs(cfg, one);
    let total = 0;
    await runCurriculum({ ...whole, afterCheckpoint: () => void total++ });
    const killed = await inputs(cfg, one);
    const killedAt: string[] = [];
    for (let n = 1; n < total; n++) {
      let seen = 0;
      const run = runCurriculum({
        ...killed,
        resume: n > 1,
        afterCheckpoint: (s) => {
          if (++seen === 1) {
            killedAt.push(s.progress ? `${s.progress.phase}@${s.progress.step}` : 'boundary');
            throw new Error('killed');
          }
        },
      });
      await expect(run).rejects.toThrow('killed');
    }
    expect((await runCurriculum({ ...killed, resume: true })).finished).toBe(true);
    const [a, b] = await Promise.all([filesUnder(whole.dir), filesUnder(killed.dir)]);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [f, bytes] of a) expect(Buffer.compare(bytes, b.get(f)!), f).toBe(0);
    return killedAt;
  }

  it('a run killed at every checkpoint (inside SFT, the reward model and PPO, and between phases) resumes to the same bytes', async () => {
    const killedAt = await killEverywhere({});
    // The reward model saves at its first epoch end (2 steps: 4 training pairs, 2 per batch).
    for (const at of ['sft@1', 'sft@2', 'reward@2', 'ppo@1', 'ppo@2', 'boundary']) expect(killedAt).toContain(at);
  }, 300_000);

  it('a run saved mid-SFT by the previous version (state v1, run/progress/sft.safetensors) resumes to the same bytes', async () => {
    const cfg = config();
    const one = { topicFilter: [TOPICS[0]], checkpointEvery: 1, maxSteps: 3 };
    const whole = await inputs(cfg, one);
    await runCurriculum(whole);
    const old = await inputs(cfg, one);
    await expect(
      runCurriculum({
        ...old,
        afterCheckpoint: (s) => {
          if (s.progress?.phase === 'sft' && s.progress.step === 2) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    // Rewrite the save as version 1 wrote it.
    const state = JSON.parse(await fs.readFile(path.join(old.dir, 'run/state.json'), 'utf8'));
    const { phase: _phase, position: _position, ...sft } = state.progress;
    await fs.writeFile(path.join(old.dir, 'run/state.json'), JSON.stringify({ ...state, version: 1, progress: undefined, sftProgress: sft }));
    const tensors = parseSafetensors(await fs.readFile(path.join(old.dir, 'run/progress.safetensors')));
    const legacy = Object.fromEntries(
      [...tensors].map(([name, t]) => [name.replace(/^lora\./, ''), { dtype: 'F32' as const, shape: t.shape, data: readTensorF32(t) }]),
    );
    await fs.mkdir(path.join(old.dir, 'run/progress'));
    await fs.writeFile(path.join(old.dir, 'run/progress/sft.safetensors'), writeSafetensors(legacy));
    await fs.rm(path.join(old.dir, 'run/progress.safetensors'));
    expect((await runCurriculum({ ...old, resume: true })).finished).toBe(true);
    const [a, b] = await Promise.all([filesUnder(whole.dir), filesUnder(old.dir)]);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [f, bytes] of a) expect(Buffer.compare(bytes, b.get(f)!), f).toBe(0);
  }, 120_000);

  it('with alignment dpo: a run killed at every checkpoint (inside SFT and DPO too) resumes to the same bytes', async () => {
    const killedAt = await killEverywhere({ alignment: 'dpo', phases: ['sft', 'dpo', 'eval'] });
    for (const at of ['sft@1', 'dpo@1', 'dpo@2', 'boundary']) expect(killedAt).toContain(at);
  }, 300_000);

  it.each(['qwen3', 'gemma3'] as const)(
    'runs every phase on a tiny %s model: SFT, reward, PPO, evaluation; and SFT, DPO',
    async (arch) => {
      const { model: m, tokenizer: tok } = others[arch];
      for (const [alignment, phases] of [
        ['ppo', ['sft', 'reward', 'ppo', 'eval']],
        ['dpo', ['sft', 'dpo', 'eval']],
      ] as const) {
        const inp = await inputs(config(), {
          model: m,
          tokenizer: tok,
          modelName: `tiny-${arch}`,
          alignment,
          phases: [...phases],
          topicFilter: [TOPICS[0]],
          maxSteps: 2,
        });
        const st = await runCurriculum(inp);
        expect(st.topics[0].phasesRun).toEqual(phases);
        expect(st.topics[0].warnings?.filter((w) => w.includes('did not change'))).toEqual([]);
      }
    },
    120_000,
  );

  it('with alignment dpo: SFT, DPO, evaluation; no reward model', async () => {
    const inp = await inputs(
      config((c) => (c.dpo.label_smoothing = 0.1)),
      { alignment: 'dpo', phases: ['sft', 'dpo', 'eval'], topicFilter: [TOPICS[0]], maxSteps: 3 },
    );
    const st = await runCurriculum(inp);
    expect(st.topics[0].phasesRun).toEqual(['sft', 'dpo', 'eval']);
    expect(st.topics[0].finalAdapter).toBe(`adapters/${TOPICS[0]}/dpo_adapter`);
    expect(Object.keys(st.topics[0].attempts[0].adapters)).toEqual(['sft', 'dpo']);
    expect(st.topics[0].warnings).not.toContain('DPO: the adapter did not change (zero gradients or a learning rate of 0)');
  }, 120_000);

  it('reads dpo.label_smoothing: at ε = 0.5 the gradient at z = 0 (policy = reference) is zero, so DPO never moves', async () => {
    const inp = await inputs(
      config((c) => (c.dpo.label_smoothing = 0.5)),
      { alignment: 'dpo', phases: ['sft', 'dpo'], topicFilter: [TOPICS[0]], maxSteps: 3 },
    );
    const st = await runCurriculum(inp);
    expect(st.topics[0].warnings).toContain('DPO: the adapter did not change (zero gradients or a learning rate of 0)');
  }, 120_000);

  it('retries a failed topic with one more SFT epoch and a new seed, and stops when the retries are used up', async () => {
    const inp = await inputs(
      config((c) => (c.retries = 1)),
      { phases: ['sft', 'eval'], topicFilter: [TOPICS[0]] },
    );
    const st = await runCurriculum(inp);
    const t = st.topics[0];
    expect(t.passed).toBe(false); // the tiny random model passes nothing
    expect(t.attempts.map((a) => a.attempt)).toEqual([0, 1]);
    expect(t.attempts[1].sftEpochs).toBe(t.attempts[0].sftEpochs + 1);
    expect(t.attempts[1].seed).not.toBe(t.attempts[0].seed);
    expect(t.attempts[0].notes.at(-1)).toMatch(/^attempt 0 failed \(score [\d.]+ < [\d.]+\); retry 1 of 1 with one more SFT epoch and a new seed$/);
    expect(inp.events.filter((e) => e.type === 'topic').map((e) => e.type === 'topic' && e.attempt)).toEqual([0, 1]);
  }, 120_000);

  it('without evaluation: no exams, no retries, every finished topic folded', async () => {
    const inp = await inputs(
      config((c) => (c.retries = 2)),
      { phases: ['sft'], topicFilter: TOPICS },
    );
    const st = await runCurriculum(inp);
    expect(st.topics.map((t) => t.attempts.length)).toEqual([1, 1]);
    expect(st.exams).toEqual([]);
    expect(st.folded).toEqual(TOPICS.map((t) => `adapters/${t}/sft_adapter`));
    expect(st.merged.map((m) => m.unit)).toEqual(['unit-01']);
    expect(inp.events.some((e) => e.type === 'log' && /: not taken \(evaluation is not among the phases\)$/.test(e.message))).toBe(true);
  }, 120_000);
});
