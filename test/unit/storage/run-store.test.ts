// The run store: state with its version check (and the version-1 migration), metrics.jsonl beside it,
// mid-phase progress written with the state and checked against it, options, outputs, clearing a run.
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsStore } from '../../../src/storage/fs-store.ts';
import { IdbStore } from '../../../src/storage/idb-store.ts';
import { parseRunState, RUN_FILES, RUN_STATE_VERSION, RunStore } from '../../../src/storage/run-store.ts';
import type { ArtifactStore } from '../../../src/storage/store.ts';
import type { RunState } from '../../../src/training/run-types.ts';

function state(over: Partial<RunState> = {}): RunState {
  return {
    version: RUN_STATE_VERSION,
    seed: 1,
    modelName: 'tiny',
    alignment: 'ppo',
    phases: ['sft'],
    cursor: 0,
    attemptPhase: null,
    topics: [],
    exams: [],
    folded: [],
    unitParts: {},
    merged: [],
    metrics: [{ topicId: 't', attempt: 0, phase: 'sft', step: 1, loss: 2 }],
    progress: null,
    finished: false,
    ...over,
  };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
let dbNo = 0;
const stores: [string, () => Promise<ArtifactStore>][] = [
  [
    'FsStore',
    async () => {
      const d = mkdtempSync(join(tmpdir(), 'mindprint-runstore-'));
      dirs.push(d);
      return FsStore.open(d);
    },
  ],
  ['IdbStore', () => IdbStore.open(`run-store-test-${dbNo++}`)],
];

describe.each(stores)('RunStore on %s', (_name, open) => {
  it('writes the state with metrics.jsonl and reads it back', async () => {
    const runs = new RunStore(await open());
    expect(await runs.readState()).toBeNull();
    await runs.writeState(state());
    expect(await runs.readState()).toEqual(state());
    expect(await runs.store.getText(RUN_FILES.metrics)).toBe('{"topicId":"t","attempt":0,"phase":"sft","step":1,"loss":2}\n');
  });

  it('saves progress tensors with the state, checks them against it, and drops them when the phase is done', async () => {
    const runs = new RunStore(await open());
    const p = { phase: 'ppo' as const, topicId: 'unit-01/t', attempt: 1, step: 3, position: { cursor: 2 } };
    const tensors = { 'policy.params': new Float32Array([1, 2, 3]), 'value.m': new Float32Array([0.5]) };
    await runs.writeState(state({ progress: p }), tensors);
    const back = await runs.readState();
    expect(back?.progress).toEqual(p);
    expect(await runs.readProgress(p)).toEqual(tensors);
    await expect(runs.readProgress({ ...p, step: 4 })).rejects.toThrow(`${RUN_FILES.progress} holds step "3", ${RUN_FILES.state} expects "4"`);
    await expect(runs.readProgress({ ...p, phase: 'dpo' })).rejects.toThrow('holds phase "ppo"');
    await runs.writeState(state());
    expect(await runs.store.has(RUN_FILES.progress)).toBe(false);
    await expect(runs.readProgress(p)).rejects.toThrow(`${RUN_FILES.progress} is missing although ${RUN_FILES.state} says ppo of unit-01/t stopped at step 3`);
    await expect(runs.writeState(state(), tensors)).rejects.toThrow('state.progress is null');
  });

  it('clears everything a run wrote and nothing else', async () => {
    const store = await open();
    const runs = new RunStore(store);
    await runs.writeState(state());
    await runs.writeOptions({ seed: 1 });
    await runs.writeOutputs({ passRate: 1 }, '# report');
    await store.put('adapters/t/sft_adapter/adapter_config.json', '{}');
    await store.put('merged_adapters/unit-01_merged/adapter_config.json', '{}');
    await store.put('settings/keep.json', '{}');
    expect(await runs.readOptions()).toEqual({ seed: 1 });
    expect(await runs.readReport()).toBe('# report');
    expect(await store.getText(RUN_FILES.summary)).toBe('{\n  "passRate": 1\n}\n');
    await runs.clear();
    expect(await store.list()).toEqual(['settings/keep.json']);
  });
});

describe('parseRunState', () => {
  it('reads a version-1 state: its SFT progress becomes the phase progress', () => {
    const { progress: _p, ...v2 } = state();
    const v1 = { ...v2, version: 1, sftProgress: { topicId: 't', attempt: 0, step: 50 } };
    expect(parseRunState(JSON.stringify(v1)).progress).toEqual({ phase: 'sft', topicId: 't', attempt: 0, step: 50, legacyKey: 'run/progress/sft.safetensors' });
    expect(parseRunState(JSON.stringify({ ...v1, sftProgress: null })).progress).toBeNull();
    expect(parseRunState(JSON.stringify(v1)).version).toBe(RUN_STATE_VERSION);
  });

  it('names the file and the field that is wrong', () => {
    expect(() => parseRunState('{"version": 2,')).toThrow(/^run\/state\.json: not valid JSON \(.+\); delete it to start the run again$/);
    expect(() => parseRunState('[]')).toThrow('run/state.json: expected a JSON object, got an array');
    expect(() => parseRunState(JSON.stringify({ ...state(), version: 7 }))).toThrow('run/state.json: state version 7; this build reads versions 1 and 2');
    expect(() => parseRunState(JSON.stringify({ ...state(), topics: {} }))).toThrow('run/state.json: topics: expected an array, got {}');
    const { seed: _s, ...noSeed } = state();
    expect(() => parseRunState(JSON.stringify(noSeed))).toThrow('run/state.json: seed: expected a number, got nothing');
    expect(() => parseRunState(JSON.stringify({ ...state(), progress: { step: 1 } }))).toThrow(
      'run/state.json: progress: expected null or { phase, topicId, attempt, step }',
    );
  });
});
