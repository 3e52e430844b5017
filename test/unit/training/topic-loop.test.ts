// The topic loop's pure decisions (phase order, where a resumed topic starts, what to do with an attempt
// on record, new attempts, folding) and PPO's options, every one read from the config.
import { describe, expect, it } from 'vitest';
import type { TopicConfig } from '../../../src/analysis/adaptive.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../helpers/default-config.ts';
import { PPO_DEFAULTS } from '../../../src/training/ppo.ts';
import { ppoOptions } from '../../../src/training/phases/ppo.ts';
import { attemptAction, attemptPhases, firstAttempt, foldsIntoBase, newAttempt } from '../../../src/training/topic-loop.ts';
import type { AttemptRecord, TopicRecord } from '../../../src/training/run-types.ts';

const attempt = (over: Partial<AttemptRecord>): AttemptRecord => ({
  attempt: 0,
  seed: 1,
  sftEpochs: 3,
  phases: [],
  adapters: {},
  score: null,
  passed: false,
  notes: [],
  ...over,
});

describe('the topic loop', () => {
  it('runs SFT, the alignment, then evaluation', () => {
    expect(attemptPhases('ppo')).toEqual(['sft', 'reward', 'ppo', 'eval']);
    expect(attemptPhases('dpo')).toEqual(['sft', 'dpo', 'eval']);
  });

  it('starts a resumed topic at its last attempt on record', () => {
    expect(firstAttempt({ attempts: [] } as unknown as TopicRecord)).toBe(0);
    expect(firstAttempt({ attempts: [attempt({ attempt: 0 }), attempt({ attempt: 1 })] } as unknown as TopicRecord)).toBe(1);
  });

  it('runs a new or interrupted attempt, moves past a finished failed one, stops after a passed one', () => {
    const o = { evaluated: true, inProgress: false };
    expect(attemptAction(undefined, o)).toBe('run');
    expect(attemptAction(attempt({ score: 0.4 }), o)).toBe('next');
    expect(attemptAction(attempt({ score: 0.9, passed: true }), o)).toBe('stop');
    expect(attemptAction(attempt({ score: null }), o)).toBe('run'); // killed before its evaluation
    expect(attemptAction(attempt({ score: 0.4 }), { ...o, inProgress: true })).toBe('run'); // the saved state says it is in progress
    expect(attemptAction(attempt({}), { ...o, evaluated: false })).toBe('next');
  });

  it("a new attempt: one more SFT epoch per retry, and the data's notes", () => {
    const ar = newAttempt({ attempt: 2, seed: 9, sftEpochs: 3, promptsCut: 1, identicalPairs: 2, maxLen: 64 });
    expect(ar).toMatchObject({ attempt: 2, seed: 9, sftEpochs: 5, score: null, passed: false });
    expect(ar.notes).toEqual([
      '1 prompt(s) cut from the left to leave their answers room within 64 tokens',
      '2 pair(s) identical after truncation at 64 tokens: raise max_seq_length',
    ]);
    expect(newAttempt({ attempt: 0, seed: 9, sftEpochs: 3, promptsCut: 0, identicalPairs: 0, maxLen: 64 }).notes).toEqual([]);
  });

  it('folds a finished topic when it passed, when failed ones merge too, or without evaluation; never without an adapter', () => {
    const o = { passed: false, mergeFailed: false, evaluated: true };
    expect(foldsIntoBase('k', o)).toBe(false);
    expect(foldsIntoBase('k', { ...o, passed: true })).toBe(true);
    expect(foldsIntoBase('k', { ...o, mergeFailed: true })).toBe(true);
    expect(foldsIntoBase('k', { ...o, evaluated: false })).toBe(true);
    expect(foldsIntoBase(null, { ...o, passed: true })).toBe(false);
  });
});

describe('ppoOptions', () => {
  const tc = { ppoSteps: 40, ppoLearningRate: 3e-5 } as TopicConfig;
  it("with the default config: the trainer's own defaults, the topic's steps and LR, --max-steps as a cap", () => {
    const o = ppoOptions(DEFAULT_PIPELINE_CONFIG, tc, { seed: 7, maxSteps: 3 });
    expect(o).toMatchObject({ steps: 3, learningRate: 3e-5, seed: 7, maxNewTokens: 128, batchSize: 4, ppoEpochs: 4 });
    for (const [k, v] of Object.entries(PPO_DEFAULTS)) if (k in o) expect(o[k as keyof typeof o], k).toEqual(v);
    expect(ppoOptions(DEFAULT_PIPELINE_CONFIG, tc, { seed: 7 }).steps).toBe(40);
  });

  it('reads every option from the config (no literal of its own)', () => {
    const c = structuredClone(DEFAULT_PIPELINE_CONFIG);
    Object.assign(c.ppo, {
      adaptive_kl: false,
      kl_horizon: 500,
      top_p: 0.9,
      kl_stop: 0,
      kl_stop_patience: 5,
      kl_coef: 0.3,
      kl_target: 0.1,
      clip_range: 0.3,
      vf_coef: 0.5,
      gamma: 0.99,
      lam: 0.9,
      temperature: 0.7,
    });
    c.ppo.max_grad_norm = 0.5;
    c.sft.max_grad_norm = 2; // SFT's own limit no longer leaks into PPO
    expect(ppoOptions(c, tc, { seed: 1 })).toMatchObject({
      adaptiveKl: false,
      klHorizon: 500,
      topP: 0.9,
      klStop: 0,
      klStopPatience: 5,
      klCoef: 0.3,
      klTarget: 0.1,
      clipRange: 0.3,
      clipRangeValue: 0.3,
      vfCoef: 0.5,
      gamma: 0.99,
      lam: 0.9,
      temperature: 0.7,
      maxGradNorm: 0.5,
    });
  });
});
