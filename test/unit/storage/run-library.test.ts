// The run history on both stores: runs kept side by side under runs/{id}, listed oldest first with their
// pass rate and topics, deleted one at a time; a view of one run that cannot reach outside it; and the
// migration of the single run a store held before the history (paused progress included, cut short too).
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FsStore } from '../../../src/storage/fs-store.ts';
import { IdbStore } from '../../../src/storage/idb-store.ts';
import { RunLibrary, runIdAt } from '../../../src/storage/run-library.ts';
import { RUN_FILES, RUN_STATE_VERSION, RunStore } from '../../../src/storage/run-store.ts';
import { ScopedStore } from '../../../src/storage/scoped-store.ts';
import type { ArtifactStore } from '../../../src/storage/store.ts';
import type { RunState, TopicRecord } from '../../../src/training/run-types.ts';

function topic(id: string, score: number | null, passed: boolean): TopicRecord {
  return { id, trainable: true, threshold: 0.8, score, passed, phasesRun: ['sft', 'eval'], attempts: [] } as unknown as TopicRecord;
}

function state(over: Partial<RunState> = {}): RunState {
  return {
    version: RUN_STATE_VERSION,
    seed: 1,
    modelName: 'tiny',
    alignment: 'ppo',
    phases: ['sft', 'eval'],
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
      const d = mkdtempSync(join(tmpdir(), 'mindprint-library-'));
      dirs.push(d);
      return FsStore.open(d);
    },
  ],
  ['IdbStore', () => IdbStore.open(`run-library-test-${dbNo++}`, { chunkBytes: 64 })],
];

const T0 = Date.UTC(2026, 11, 1, 9, 30, 5);

describe.each(stores)('RunLibrary on %s', (_name, open) => {
  it('keeps runs side by side, lists them oldest first with pass rate and topics, and deletes one', async () => {
    const store = await open();
    const lib = new RunLibrary(store);
    expect(await lib.ids()).toEqual([]);
    expect(await lib.latest()).toBeNull();
    const a = await lib.newId(T0);
    await lib.run(a).writeOptions({ startedAt: T0, modelName: 'tiny', dataFingerprint: 'ab12' });
    await lib.run(a).writeState(state({ finished: true, topics: [topic('t1', 0.9, true), topic('t2', 0.5, false)] }));
    const b = await lib.newId(T0); // same second: still a new id, after a
    expect(b > a).toBe(true);
    await lib.run(b).writeOptions({ startedAt: T0 + 1000, modelName: 'tiny' });
    await lib.run(b).writeState(state({ topics: [topic('t1', 0.85, true)] }));
    await lib.scope(b).put('adapters/t1/sft_adapter/adapter_config.json', '{}');
    expect(await lib.ids()).toEqual([a, b]);
    expect(await lib.latest()).toBe(b);
    const [sa, sb] = await lib.list();
    expect(sa).toMatchObject({ id: a, startedAt: T0, status: 'finished', dataFingerprint: 'ab12', passRate: { passed: 1, trained: 2, rate: 0.5 } });
    expect(sa.topics.map((t) => [t.id, t.score, t.passed])).toEqual([
      ['t1', 0.9, true],
      ['t2', 0.5, false],
    ]);
    expect(sb).toMatchObject({ id: b, status: 'unfinished', adapters: 1, passRate: { passed: 1, trained: 1, rate: 1 } });
    // Each run's files are its own: the first run's state is untouched by the second.
    expect((await lib.run(a).readState())?.topics).toHaveLength(2);
    expect(await lib.delete(a)).toBeGreaterThan(0);
    expect(await lib.ids()).toEqual([b]);
    await expect(lib.delete(a)).rejects.toThrow(`no run '${a}' is stored`);
    await expect(lib.delete('../x')).rejects.toThrow('run id "../x"');
    expect(() => lib.scope('a/b')).toThrow("contains '/'");
    await store.close();
  });

  it('a scoped view reads and writes only under its folder', async () => {
    const store = await open();
    await store.put('outside', 'x');
    const v = new ScopedStore(store, 'runs/r1');
    await v.putMany([
      ['a/b', 'one'],
      ['c', new Uint8Array([1, 2])],
    ]);
    expect(await store.list()).toEqual(['outside', 'runs/r1/a/b', 'runs/r1/c']);
    expect(await v.list()).toEqual(['a/b', 'c']);
    expect(await v.list('a')).toEqual(['a/b']);
    expect(await v.getText('a/b')).toBe('one');
    expect(await v.has('outside')).toBe(false);
    await expect(v.get('../outside')).rejects.toThrow("'..'");
    expect(await v.delete('a')).toBe(1);
    await v.close();
    await expect(v.get('c')).rejects.toThrow('closed');
    expect(await store.getText('outside')).toBe('x'); // the store itself stays open
    await store.close();
  });

  it('migrates the one run stored before the history, paused mid-phase, so it is listed and resumes where it stopped', async () => {
    const store = await open();
    const old = new RunStore(store);
    const progress = { phase: 'sft' as const, topicId: 't1', attempt: 0, step: 2 };
    const tensors = { 'lora.params': new Float32Array([1, 2, 3]) };
    await old.writeOptions({ startedAt: T0, modelName: 'tiny' });
    await old.writeState(state({ progress, topics: [topic('t1', null, false)] }), tensors);
    await store.put('adapters/t0/sft_adapter/adapter_config.json', '{"r": 4}');
    await store.put('settings/keep.json', 'kept'); // not the run's: stays where it is
    const lib = new RunLibrary(store);
    const id = await lib.migrate();
    expect(id).toBe(runIdAt(T0, 'saved'));
    expect(await store.list()).toEqual([
      `runs/${id}/adapters/t0/sft_adapter/adapter_config.json`,
      `runs/${id}/${RUN_FILES.metrics}`,
      `runs/${id}/${RUN_FILES.options}`,
      `runs/${id}/${RUN_FILES.progress}`,
      `runs/${id}/${RUN_FILES.state}`,
      'settings/keep.json',
    ]);
    expect(await lib.latest()).toBe(id);
    const moved = lib.run(id!);
    const st = await moved.readState();
    expect(st?.progress).toEqual(progress);
    expect(await moved.readProgress(st!.progress!)).toEqual(tensors);
    expect((await lib.summary(id!)).status).toBe('unfinished');
    expect(await lib.migrate()).toBeNull(); // nothing left at the root
    await store.close();
  });

  it('a migration cut short is finished by the next one, under the same id, with nothing lost or doubled', async () => {
    const store = await open();
    const old = new RunStore(store);
    await old.writeOptions({ startedAt: T0 });
    await old.writeState(state({ finished: true }));
    await old.writeOutputs({ passRate: 1 }, '# report');
    let deletes = 0;
    const failing: ArtifactStore = new Proxy(store, {
      get(target, prop) {
        if (prop === 'delete')
          return async (k: string) => {
            if (++deletes === 2) throw new Error('tab closed');
            return target.delete(k);
          };
        const v = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    await expect(new RunLibrary(failing).migrate()).rejects.toThrow('tab closed');
    const lib = new RunLibrary(store);
    const id = await lib.migrate();
    expect(await lib.ids()).toEqual([id]);
    expect(await lib.run(id!).readReport()).toBe('# report');
    expect((await lib.run(id!).readState())?.finished).toBe(true);
    expect((await store.list()).every((k) => k.startsWith(`runs/${id}/`))).toBe(true);
    await store.close();
  });
});
