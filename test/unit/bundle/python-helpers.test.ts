// train.py's pure helpers run under python3 on fixture inputs and must give what the studio's TypeScript
// gives: seeds, the reward split, LR schedules, truncation, the lexical similarity, the score formula,
// choice scoring, exam bars, the reward verdict, retries and run.json's shape. Skipped (with a message)
// where python3 is absent.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDefaultMarkers } from '../../../src/analysis/node-defaults.ts';
import { writeBundle } from '../../../src/cli/commands/export-bundle.ts';
import { SAMPLE_DATA_DIR } from '../../../src/cli/commands/analyze.ts';
import { trainPy } from '../../../src/bundle/train-py.ts';
import { parseRunJson } from '../../../src/bundle/run-json.ts';
import { loadDataset } from '../../../src/data/node-files.ts';
import { loadModel } from '../../../src/model/load.ts';
import { buildSftExample } from '../../../src/model/tokenizer.ts';
import { choiceOptions, questionScore, scoreChoice, topicScore, voiceScore } from '../../../src/training/eval-scoring.ts';
import { summariseExam } from '../../../src/training/exams.ts';
import { judgeReward } from '../../../src/training/outcomes.ts';
import { splitPairs } from '../../../src/training/pairs.ts';
import { seedFor } from '../../../src/training/phases/phase.ts';
import { runJson } from '../../../src/training/run-report.ts';
import type { RunState } from '../../../src/training/run-types.ts';
import { lrAt, trainerSchedule } from '../../../src/training/schedule.ts';
import { lexicalSimilarity } from '../../../src/training/similarity.ts';
import { retryDecision } from '../../../src/training/topic-loop.ts';
import { PYTHON, tmpDir } from './helpers.ts';

/** Runs `calls` ([function name, ...args]) through train.py's helpers in one python3 process. */
async function py(calls: [string, ...unknown[]][]): Promise<unknown[]> {
  const dir = await tmpDir('py');
  await writeBundle(dir, [{ path: 'train.py', bytes: new TextEncoder().encode(trainPy()) }]);
  const script = [
    'import importlib.util, json, sys',
    `spec = importlib.util.spec_from_file_location("train", ${JSON.stringify(path.join(dir, 'train.py'))})`,
    'm = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
    'calls = json.load(sys.stdin)',
    'def call(name, args):',
    '    if name == "split_pairs": return m.split_pairs(*args)',
    '    if name == "rng_shuffle": return m.Rng(args[0]).shuffle(list(range(args[1])))',
    '    if name == "question_score": a, r, mk, d, w = args; return m.question_score(a, r, mk, d, m.lexical_similarity, w)',
    '    if name == "choice_options": return list(m.choice_options(args[0]))',
    '    if name == "score_choice": return m.score_choice([float("nan") if x is None else x for x in args[0]], args[1])',
    '    return getattr(m, name)(*args)',
    'print(json.dumps([call(c[0], c[1:]) for c in calls]))',
  ].join('\n');
  const r = spawnSync(PYTHON!, ['-c', script], { input: JSON.stringify(calls), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-12;

describe.skipIf(!PYTHON)("train.py's helpers give the studio's results", () => {
  it('seeds, the reward split and the learning-rate schedules', async () => {
    const seeds: [number, ...(string | number)[]][] = [
      [42, 'unit-01/chapter-01/topic-01', 0],
      [7, 'reward'],
      [3999999999, 'épisode-😀', 2],
    ];
    const splits: [number, number, number][] = [
      [1, 0.2, 5],
      [2, 0.2, 5],
      [7, 0.2, 123],
      [10, 0.25, 99],
      [23, 0.2, 4242],
    ];
    const sched: [string, number, number][] = [
      ['cosine', 30, 0.1],
      ['linear', 7, 0.1],
      ['constant', 5, 0.3],
      ['cosine', 1, 0.1],
    ];
    const calls: [string, ...unknown[]][] = [
      ...seeds.map(([b, ...p]) => ['seed_for', b, ...p] as [string, ...unknown[]]),
      ...splits.map((s) => ['split_pairs', ...s] as [string, ...unknown[]]),
      ...sched.flatMap(([k, total, ratio]) => Array.from({ length: total + 1 }, (_, s) => ['lr_factor', k, s, total, ratio] as [string, ...unknown[]])),
      ...sched.flatMap(([, total, ratio]) => Array.from({ length: total }, (_, s) => ['sft_lr_factor', s, total, ratio] as [string, ...unknown[]])),
    ];
    const out = await py(calls);
    let i = 0;
    for (const [b, ...p] of seeds) expect(out[i++]).toBe(seedFor(b, ...p));
    for (const [n, share, seed] of splits) {
      const ts = splitPairs(n, share, seed);
      expect(out[i++]).toEqual({ train: ts.train, val: ts.val, validated_on_train: ts.validatedOnTrain });
    }
    for (const [k, total, ratio] of sched)
      for (let s = 0; s <= total; s++) expect(close(out[i++] as number, lrAt(k as 'cosine', s, total, ratio, 1)), `${k} ${s}/${total}`).toBe(true);
    for (const [, total, ratio] of sched) {
      const ts = trainerSchedule({ kind: 'cosine', warmupRatio: ratio, ahead: true }, total, 1);
      for (let s = 0; s < total; s++) expect(close(out[i++] as number, ts(s)), `sft ${s}/${total}`).toBe(true);
    }
  });

  it('truncation of prompts and answers, on the tiny model tokenizer', async () => {
    const { tokenizer: tok } = await loadModel('tiny');
    const long = 'Mark me, ease the sheet until the luff just lifts and then hold her there. '.repeat(6);
    const cases: [string, string, number, boolean][] = [
      ['Why?', 'Because the wind says so.', 64, false],
      [long, 'Short answer.', 24, false],
      ['How do I gybe?', long, 40, false],
      ['How do I gybe?', long, 40, true],
      [long, long, 32, true],
    ];
    const calls = cases.map(([q, a, maxLen, keepEnd]): [string, ...unknown[]] => {
      const promptText = tok.applyChatTemplate([{ role: 'user', content: q }], { addGenerationPrompt: true });
      const full = tok.applyChatTemplate(
        [
          { role: 'user', content: q },
          { role: 'assistant', content: a },
        ],
        { addGenerationPrompt: false },
      );
      return ['build_example', tok.encode(promptText), tok.encode(full.slice(promptText.length)), maxLen, tok.bosId, tok.eosIds, keepEnd];
    });
    const out = (await py(calls)) as { ids: number[]; prompt_len: number; truncated: boolean; prompt_truncated: boolean }[];
    cases.forEach(([q, a, maxLen, keepEnd], k) => {
      const ts = buildSftExample(tok, q, a, maxLen, { keepEnd });
      expect(out[k].ids).toEqual(ts.ids);
      expect(out[k].prompt_len).toBe(ts.lossMask.indexOf(1));
      expect([out[k].truncated, out[k].prompt_truncated]).toEqual([ts.truncated, ts.promptTruncated]);
    });
    expect(out.some((o) => o.truncated) && out.some((o) => o.prompt_truncated)).toBe(true);
  });

  it('the score formula: lexical similarity, voice, violations, negatives, topic score, choices, exams', async () => {
    const markers = await loadDefaultMarkers();
    const ds = await loadDataset([SAMPLE_DATA_DIR]);
    const pyMarkers = { density_markers: markers.densityMarkers, categories: markers.categories, negative_patterns: markers.negativePatterns };
    const weights = { semantic: 0.5, voice: 0.3, distinctions: 0.1, negative: 0.1 };
    const distinctions = ds.distinctions.slice(0, 6).map((d) => ({ prompt: d.prompt, correct: d.correct, incorrect: d.incorrect }));
    const answers = [...ds.sft.slice(0, 6).map((r) => [r.output, ds.sft[0].output]), ...ds.preference.slice(0, 4).map((p) => [p.rejected, p.chosen])];
    answers.push(['You must always use a winch. Honestly the the.', 'Never use a winch'], ["It's the boat's wind", "it’s THE boat's wind!"], ['', '  ']);
    answers.push(...distinctions.map((d) => [d.incorrect, d.correct]));
    const choice = ds.evalSets.flatMap((s) => s.questions).filter((q) => q.type !== 'open');
    const pyQ = (q: (typeof choice)[number]) => ({
      question: q.question,
      reference_answer: q.referenceAnswer,
      type: q.type,
      options: q.options,
      correct_option: q.correctOption,
      correct_answer: q.correctAnswer,
    });
    const lls = [[-1, -2, -0.5], [Number.NaN, -3], [-2, -2, -1, -1], [-0.1]];
    const calls: [string, ...unknown[]][] = [
      ...answers.map(([a, b]): [string, ...unknown[]] => ['lexical_similarity', a, b]),
      ...answers.map(([a]): [string, ...unknown[]] => ['voice_score', a, pyMarkers]),
      ...answers.map(([a, b]): [string, ...unknown[]] => ['question_score', a, b, pyMarkers, distinctions, weights]),
      ...choice.map((q): [string, ...unknown[]] => ['choice_options', pyQ(q)]),
      ...lls.map((l): [string, ...unknown[]] => ['score_choice', l.map((x) => (Number.isNaN(x) ? null : x)), 0]),
    ];
    const out = await py(calls);
    let i = 0;
    const sim = lexicalSimilarity();
    for (const [a, b] of answers) expect(close(out[i++] as number, await sim.score(a, b)), `similarity of ${a.slice(0, 30)}`).toBe(true);
    for (const [a] of answers) expect((out[i++] as { score: number }).score).toBeCloseTo(voiceScore(a, markers).score, 12);
    let violations = 0;
    for (const [a, b] of answers) {
      const p = out[i++] as { score: number; passed: boolean; distinctionOk: boolean; negativeOk: boolean };
      const ts = await questionScore({ answer: a, reference: b, markers, distinctions: ds.distinctions.slice(0, 6), similarity: sim, weights });
      expect([p.passed, p.distinctionOk, p.negativeOk]).toEqual([ts.passed, ts.distinctionOk, ts.negativeOk]);
      expect(p.score).toBeCloseTo(ts.score, 12);
      if (!ts.distinctionOk || !ts.negativeOk) violations++;
    }
    expect(violations).toBeGreaterThan(0);
    for (const q of choice) {
      const ts = choiceOptions(q);
      expect(out[i++]).toEqual([ts.texts, ts.correctIndex]);
    }
    for (const l of lls) expect(out[i++]).toEqual(scoreChoice(l, 0));
  });

  it('topic and exam verdicts, the reward verdict, retries and the run.json shape', async () => {
    const topicCases: [number[], number, number][] = [
      [[0.8, 0.7], 0.75, 0],
      [[0.5, 0.5, 0.3, 0.1], 0.35, 1],
      [[], 0.75, 0],
      [[0.75], 0.75, 0],
    ];
    const examRows = [
      { passed: true, score: 0.8, voice: 0.9 },
      { passed: false, score: 0, voice: null },
      { passed: true, score: 1, voice: null },
    ];
    const rewardCases: [number | null, number | null][] = [
      [0.5, 0.75],
      [Math.LN2 + 0.0005, 0.9],
      [0.3, 0.5],
      [null, null],
    ];
    const retryCases = [
      { passed: false, evaluated: true, attempt: 0, retries: 2, score: 0.5, previousScore: null },
      { passed: false, evaluated: true, attempt: 1, retries: 2, score: 0.5, previousScore: 0.5 },
      { passed: false, evaluated: true, attempt: 2, retries: 2, score: 0.4, previousScore: 0.5 },
      { passed: false, evaluated: false, attempt: 0, retries: 2, score: null, previousScore: null },
    ];
    const state: RunState = {
      version: 2,
      seed: 42,
      modelName: 'ORG/model',
      alignment: 'ppo',
      phases: ['sft', 'reward', 'ppo', 'eval'],
      cursor: 3,
      attemptPhase: null,
      topics: [
        {
          id: 'u1/c1/t1',
          unit: 'u1',
          trainable: true,
          threshold: 0.8,
          attempts: [
            {
              attempt: 0,
              seed: 1,
              sftEpochs: 3,
              phases: ['sft', 'eval'],
              adapters: { sft: 'adapters/u1/c1/t1/sft_adapter' },
              score: 0.81,
              passed: true,
              notes: ['n'],
              warnings: [],
              rewardLearned: true,
              evaluation: { source: 'quiz' },
            },
          ],
          phasesRun: ['sft', 'eval'],
          score: 0.81,
          passed: true,
          finalAdapter: 'adapters/u1/c1/t1/sft_adapter',
          truncatedExamples: 1,
          identicalPairs: 2,
          warnings: [],
          merged: true,
        },
        {
          id: 'u1/c1/t2',
          unit: 'u1',
          trainable: false,
          untrainableReason: 'only 1 SFT example',
          threshold: 0.75,
          attempts: [],
          phasesRun: [],
          score: null,
          passed: false,
          finalAdapter: null,
          truncatedExamples: 0,
          merged: false,
        },
      ],
      exams: [],
      folded: [],
      unitParts: {},
      merged: [{ unit: 'u1', key: 'merged_adapters/u1_merged', rank: 8, relativeError: null }],
      metrics: [],
      progress: null,
      finished: true,
    };
    const similarity = { name: 'lexical:unigram+bigram-cosine', reason: 'none' };
    const calls: [string, ...unknown[]][] = [
      ...topicCases.map((c): [string, ...unknown[]] => ['topic_score', ...c]),
      ['summarise_exam', 'chapter', examRows],
      ['summarise_exam', 'final', examRows.slice(0, 1)],
      ...rewardCases.map((c): [string, ...unknown[]] => ['judge_reward', ...c]),
      ...retryCases.map((c): [string, ...unknown[]] => ['retry_decision', c.passed, c.evaluated, c.attempt, c.retries, c.score, c.previousScore]),
      ['run_json', state, similarity, { origin: 'folder' }],
    ];
    const out = await py(calls);
    let i = 0;
    for (const [scores, threshold, failures] of topicCases) {
      const ts = topicScore(
        scores.map((score) => ({ score })),
        threshold,
        failures,
      );
      expect(out[i++]).toEqual({ score: ts.score, passed: ts.passed });
    }
    const exam = (level: 'chapter' | 'final', rows: typeof examRows) =>
      summariseExam(
        level,
        rows.map((r, k) =>
          r.voice === null
            ? { question: `q${k}`, type: 'true_false' as const, result: { accuracy: r.passed ? 1 : 0, chosenIndex: 0, correctIndex: r.passed ? 0 : 1 } }
            : {
                question: `q${k}`,
                type: 'open' as const,
                result: { score: r.score, passed: r.passed, voice: r.voice, semantic: 0, distinctionOk: true, negativeOk: true, details: {} as never },
              },
        ),
      );
    for (const [level, rows] of [
      ['chapter', examRows],
      ['final', examRows.slice(0, 1)],
    ] as const) {
      const ts = exam(level, rows);
      expect(out[i++]).toEqual({ accuracy: ts.accuracy, meanVoice: ts.meanVoice, bars: ts.bars, passed: ts.passed });
    }
    for (const [loss, acc] of rewardCases) {
      const res = { bestValLoss: loss ?? Number.NaN, valAccuracy: acc ?? Number.NaN, skippedSteps: 0, steps: 5, trainSize: 8, valSize: 2 } as never;
      const ts = judgeReward(res, { pairs: 10, identicalPairs: 0, maxLen: 64, learningRate: 1e-5, headLearningRate: 1e-2 });
      expect(out[i++]).toBe(ts.learned);
    }
    for (const c of retryCases) {
      const ts = retryDecision(c);
      expect(out[i++]).toEqual([ts.finish, ts.note]);
    }
    const pyRun = out[i++] as Record<string, unknown>;
    expect(pyRun).toEqual(JSON.parse(JSON.stringify({ ...runJson(state, similarity), markers: { origin: 'folder' } })));
    expect(parseRunJson(JSON.stringify(pyRun), 'run.json').passRate).toEqual({ passed: 1, trained: 1, rate: 1 });
  });
});
