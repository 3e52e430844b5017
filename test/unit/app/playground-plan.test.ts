// The playground's rules: the policy an adapter answers in, stop sequences, and the sampling checks.
import { describe, expect, it } from 'vitest';
import { answeringAdapters, checkSampling, DEFAULT_SAMPLING, parseStopList, policyContext, stopIndex } from '../../../src/workers/playground-plan.ts';
import { loadRunLog, saveRunLog } from '../../../src/app/run-log.ts';

const key = (t: string, p = 'sft') => `adapters/${t}/${p}_adapter`;

describe('policyContext', () => {
  const history = { topics: [{ id: 'u1/c1/t1' }, { id: 'u1/c1/t2' }, { id: 'u1/c1/t3' }], folded: [key('u1/c1/t1', 'ppo'), key('u1/c1/t2')] };

  it('stacks the adapters folded before the topic, in order', () => {
    expect(policyContext(history, key('u1/c1/t3', 'ppo'))).toEqual([key('u1/c1/t1', 'ppo'), key('u1/c1/t2')]);
    expect(policyContext(history, key('u1/c1/t2'))).toEqual([key('u1/c1/t1', 'ppo')]);
    expect(policyContext(history, key('u1/c1/t1'))).toEqual([]);
  });

  it('takes a unit merge as it is (it sums the folds already), and a topic of no run alone', () => {
    expect(policyContext(history, 'merged_adapters/u1_merged')).toEqual([]);
    expect(policyContext(history, key('other'))).toEqual([]);
    expect(policyContext(null, key('u1/c1/t3'))).toEqual([]);
  });

  it('names a key that is no adapter', () => {
    expect(() => policyContext(history, 'run/state.json')).toThrow(/'run\/state\.json' is not an adapter key/);
  });
});

describe('stop sequences', () => {
  it('finds the earliest stop sequence', () => {
    expect(stopIndex('Hello. World\nBye', ['\n', '.'])).toBe(5);
    expect(stopIndex('Hello', ['\n'])).toBe(-1);
    expect(stopIndex('Hello', [])).toBe(-1);
  });

  it('reads one per line, with \\n for a newline', () => {
    expect(parseStopList('###\n\n\\n\\nUser:\n  ')).toEqual(['###', '\n\nUser:']);
  });
});

describe('checkSampling', () => {
  it('accepts the defaults and names each bad field with its value', () => {
    expect(() => checkSampling(DEFAULT_SAMPLING)).not.toThrow();
    expect(() => checkSampling({ ...DEFAULT_SAMPLING, temperature: -1 })).toThrow('temperature: expected a number >= 0, got -1');
    expect(() => checkSampling({ ...DEFAULT_SAMPLING, topP: 0 })).toThrow('top-p: expected a number in (0, 1], got 0');
    expect(() => checkSampling({ ...DEFAULT_SAMPLING, maxTokens: 1.5 })).toThrow('max tokens: expected an integer from 1 to 2048, got 1.5');
    expect(() => checkSampling({ ...DEFAULT_SAMPLING, seed: -2 })).toThrow('seed: expected an integer');
    expect(() => checkSampling({ ...DEFAULT_SAMPLING, stop: ['ok', ''] })).toThrow('stop sequence 2 is empty');
  });
});

describe('answeringAdapters', () => {
  it('offers topic policies and merges, not reward models', () => {
    const all = [
      { key: key('t', 'sft'), kind: 'topic' as const, topicId: 't', phase: 'sft' as const },
      { key: key('t', 'reward'), kind: 'topic' as const, topicId: 't', phase: 'reward' as const },
      { key: 'merged_adapters/u_merged', kind: 'merged' as const, unit: 'u' },
    ];
    expect(answeringAdapters(all).map((a) => a.key)).toEqual([key('t', 'sft'), 'merged_adapters/u_merged']);
  });
});

describe('run log across reloads', () => {
  it('saves and reads back the lines, and reads [] from nothing or from junk', () => {
    const mem = new Map<string, string>();
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    expect(loadRunLog(storage)).toEqual([]);
    saveRunLog(['a', 'b'], storage);
    expect(loadRunLog(storage)).toEqual(['a', 'b']);
    mem.set('mindprint-run-log', '{not json');
    expect(loadRunLog(storage)).toEqual([]);
    expect(() =>
      saveRunLog(['x'], {
        setItem: () => {
          throw new Error('QuotaExceededError');
        },
      }),
    ).not.toThrow();
  });
});
