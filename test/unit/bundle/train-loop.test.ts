// The bundle's own train.py, its model stack and TRL phases replaced by fakes (fixtures/fake_trl.py),
// runs its curriculum loop under python3: killed during PPO it resumes at PPO, a retry that scores the
// same stops the retries, a finished run re-run changes nothing, its evaluation scores a topic as the
// studio's evaluateTopicWith does for the same answers, and `mindprint import-run` brings the output
// back with the pass rate train.py printed. Skipped (with a message) where python3 is absent.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adaptTopics } from '../../../src/analysis/adaptive.ts';
import { analyzeDataset } from '../../../src/analysis/analyze.ts';
import { loadDefaultMarkers } from '../../../src/analysis/node-defaults.ts';
import { buildBundle } from '../../../src/bundle/bundle.ts';
import { SAMPLE_DATA_DIR } from '../../../src/cli/commands/analyze.ts';
import { writeBundle } from '../../../src/cli/commands/export-bundle.ts';
import { loadDataset } from '../../../src/data/node-files.ts';
import { choiceOptions } from '../../../src/training/eval-scoring.ts';
import { evaluateTopicWith } from '../../../src/training/evaluate.ts';
import { lexicalSimilarity } from '../../../src/training/similarity.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../helpers/default-config.ts';
import { cli, PYTHON, tmpDir } from './helpers.ts';

const FAKE = path.join(import.meta.dirname, 'fixtures', 'fake_trl.py');
const T1 = 'unit-01/chapter-01/topic-01';
const T2 = 'unit-01/chapter-01/topic-02';

function train(bundle: string, ...extra: string[]): { status: number | null; lines: string[]; calls: string[] } {
  const r = spawnSync(PYTHON!, [FAKE, path.join(bundle, 'train.py'), ...extra, '--', '--topics', `${T1},${T2}`, '--max-steps', '1'], { encoding: 'utf8' });
  const lines = r.stdout.split('\n').filter((l) => l);
  const calls = JSON.parse(lines.find((l) => l.startsWith('CALLS '))?.slice(6) ?? 'null');
  if (!calls) throw new Error(`fake_trl.py printed no CALLS: ${r.stderr}`);
  return { status: r.status, lines, calls };
}

describe.skipIf(!PYTHON)("train.py's curriculum loop (fake TRL) and its way back through import-run", () => {
  it('resumes, retries, scores as the studio and imports with its pass rate', async () => {
    const ds = await loadDataset([SAMPLE_DATA_DIR]);
    const markers = await loadDefaultMarkers();
    const analysis = analyzeDataset(ds, markers);
    const topicConfigs = adaptTopics(analysis, DEFAULT_PIPELINE_CONFIG);
    const bundle = await tmpDir('loop');
    const inputs = { dataset: ds, config: DEFAULT_PIPELINE_CONFIG, topicConfigs, voiceMarkers: markers, model: 'tiny', alignment: 'ppo' as const };
    await writeBundle(bundle, buildBundle(inputs));

    const killed = train(bundle, '--crash-ppo-once', path.join(bundle, 'crashed'));
    expect(killed.status).not.toBe(0);
    expect(killed.calls).toEqual([`sft:${T1}:0`, `reward:${T1}:0`, `ppo:${T1}:0`]);
    const resumed = train(bundle);
    expect(resumed.status).toBe(0);
    // PPO of the killed attempt first (SFT and the reward model were saved), then the rest.
    expect(resumed.calls.slice(0, 2)).toEqual([`ppo:${T1}:0`, `sft:${T2}:0`]);
    expect(resumed.lines.filter((l) => / (sft|reward|ppo|eval): /.test(l)).length).toBeGreaterThan(4);

    const run = JSON.parse(await fs.readFile(path.join(bundle, 'output', 'run.json'), 'utf8'));
    const [t1, t2] = run.topics;
    expect([t1.passed, t2.passed]).toEqual([true, false]);
    expect(run.passRate).toEqual({ passed: 1, trained: 2, rate: 0.5 });
    expect(resumed.lines).toContain('pass rate: 1 of 2 topics (50.0%)');
    // topic-02 failed twice with the same score: the second retry was not run.
    expect(t2.attempts).toHaveLength(2);
    expect(t2.attempts[1].notes.at(-1)).toMatch(/the same as attempt 0: .* remaining 1 retry was not run/);
    expect([t1.merged, t2.merged, run.merged.map((m: { key: string }) => m.key)]).toEqual([true, false, ['merged_adapters/unit-01_merged']]);
    expect(t1.adapter).toBe(`adapters/${T1}/ppo_adapter`);

    // The same answers scored by the studio's evaluation: the same topic score.
    const quiz = ds.evalSets.find((s) => s.level === 'topic' && s.scopeId === T1)!;
    const known = new Set(ds.distinctions.map((d) => d.correct));
    for (const q of quiz.questions.filter((x) => x.type !== 'open')) {
      const c = choiceOptions(q);
      known.add(c.texts[c.correctIndex]);
    }
    const answers = new Map(quiz.questions.map((q) => [q.question, q.referenceAnswer]));
    const studio = await evaluateTopicWith(
      {
        answer: async (q) => answers.get(q) ?? 'I could not say.',
        answerLogLikelihoods: async (items) => items.map((it) => (known.has(it.answer) ? 0 : -1 - it.answer.length / 1000)),
      },
      { markers, distinctions: [], similarity: lexicalSimilarity() },
      {
        topicId: T1,
        quiz,
        seenQuestions: [],
        threshold: topicConfigs.find((t) => t.id === T1)!.passThreshold,
        distinctions: ds.distinctions.filter((d) => d.topicId === T1 || d.topicId === null),
      },
    );
    expect(t1.score).toBeCloseTo(studio.score, 12);
    expect(t1.passed).toBe(studio.passed);

    const before = await fs.readFile(path.join(bundle, 'output', 'run.json'));
    expect(train(bundle).calls).toEqual([]);
    expect((await fs.readFile(path.join(bundle, 'output', 'run.json'))).equals(before)).toBe(true);

    const target = path.join(await tmpDir('loop-import'), 'run');
    const imported = await cli('import-run', path.join(bundle, 'output'), '--out', target, '--model', 'tiny');
    expect(imported.err).toBe('');
    expect(imported.out).toContain('Pass rate: 1 of 2 topics (50.0%)');
    expect(imported.out).toContain(`adapters/${T1}/ppo_adapter`);
  });
});
