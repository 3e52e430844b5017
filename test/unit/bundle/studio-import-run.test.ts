// The studio's run import: a TRL bundle output, picked as a folder (Blobs) or a zip (plan.json inside the
// output or beside it), becomes a finished run of the RunLibrary over IndexedDB (fake-indexeddb) listed
// with its pass rate and per-topic scores; a bad output (an adapter of another shape) or a write that
// fails half-way leaves the library as it was, with one error naming the file and the field.
import 'fake-indexeddb/auto';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importRunInto, type PickedFile } from '../../../src/bundle/studio-import-run.ts';
import { IdbStore } from '../../../src/storage/idb-store.ts';
import { RunLibrary } from '../../../src/storage/run-library.ts';
import type { StoreValue, WriteOptions } from '../../../src/storage/store.ts';
import { importRunPicked, runZip } from '../../../src/workers/history-handlers.ts';
import { T1, T2, tinyConfig, trlAdapter, writeTrlOutput, type OutputEdit } from '../../helpers/trl-output.ts';
import { filesUnder, tmpDir } from './helpers.ts';
import { FsStore } from '../../../src/storage/fs-store.ts';

/** The output folder's files as the folder picker gives them: paths start with the folder's name. */
async function pickedOutput(edit: OutputEdit = {}, folder = 'output'): Promise<PickedFile[]> {
  const dir = await tmpDir('trl-out');
  await writeTrlOutput(await FsStore.open(dir), edit);
  return [...(await filesUnder(dir))].map(([p, b]) => ({ path: `${folder}/${p}`, data: new Blob([new Uint8Array(b)]) }));
}

const open = async (name: string) => new RunLibrary(await IdbStore.open(name));
const base = { modelConfig: tinyConfig(), modelName: 'tiny', modelChoice: { kind: 'tiny' } };

describe('importing a TRL bundle output into the studio', () => {
  it('lists the picked folder as a finished run with its pass rate, scores, adapters and options', async () => {
    const lib = await open('import-run-ok');
    const r = await importRunInto(lib, { ...base, name: 'output', files: await pickedOutput(), now: Date.UTC(2026, 11, 3, 8) });
    expect(r).toMatchObject({ topics: 2, passRate: { passed: 1, trained: 2, rate: 0.5 }, notes: [] });
    expect(r.adapters).toHaveLength(7);
    const [s] = await lib.list();
    expect(s).toMatchObject({ id: r.runId, status: 'finished', modelName: 'tiny', passRate: { passed: 1, trained: 2, rate: 0.5 }, adapters: 7 });
    expect(s.startedAt).toBe(Date.UTC(2026, 11, 3, 8));
    expect(s.importedFrom).toBe('output');
    expect(s.topics.map((t) => [t.id, t.score, t.passed])).toEqual([
      [T1, 0.82, true],
      [T2, 0.61, false],
    ]);
    const runs = lib.run(r.runId);
    expect(await runs.readOptions()).toMatchObject({ phases: ['sft', 'reward', 'ppo', 'eval'], seed: 42, maxSteps: null, model: { kind: 'tiny' } });
    expect((await runs.readSummary())?.importedFrom).toEqual({ trainer: 'trl', folder: 'output' });
    // Zipped like any run: our adapter importer reads its adapters back.
    expect((await runZip(lib, r.runId)).files).toBeGreaterThan(7 * 2);
  });

  it('reads a zip of the whole bundle, with plan.json beside the output, through the worker handler', async () => {
    const files = await pickedOutput({}, 'bundle/output');
    const plan = files.find((f) => f.path === 'bundle/output/plan.json')!;
    const entries: Record<string, Uint8Array> = {};
    for (const f of files) if (f !== plan) entries[f.path] = new Uint8Array(await (f.data as Blob).arrayBuffer());
    entries['bundle/plan.json'] = new Uint8Array(await (plan.data as Blob).arrayBuffer());
    const zip = new Blob([zipSync(entries)]);
    const lib = await open('import-run-zip');
    const r = await importRunPicked(lib, { name: 'bundle.zip', files: [{ path: 'bundle.zip', file: zip }], model: { kind: 'tiny' } });
    expect(r.passRate).toEqual({ passed: 1, trained: 2, rate: 0.5 });
    expect(await lib.ids()).toEqual([r.runId]);
  });

  it('keeps the library unchanged when an adapter has another shape, naming the file and the tensor', async () => {
    const lib = await open('import-run-bad');
    const first = await importRunInto(lib, { ...base, name: 'output', files: await pickedOutput() });
    const keys = await lib.store.list();
    const bad = await pickedOutput({ sft1: trlAdapter(10, { arch: 'qwen3' }) });
    await expect(importRunInto(lib, { ...base, name: 'output', files: bad })).rejects.toThrow(
      `output/adapters/${T1}/sft_adapter/adapter_model.safetensors: tensor 'base_model.model.model.layers.0.self_attn.o_proj.lora_A.weight' has shape [8, 96], expected [8, 64]`,
    );
    expect(await lib.store.list()).toEqual(keys);
    expect(await lib.ids()).toEqual([first.runId]);
    const noPlan = (await pickedOutput()).filter((f) => !f.path.endsWith('plan.json'));
    await expect(importRunInto(lib, { ...base, name: 'output', files: noPlan })).rejects.toThrow('output: output/plan.json: not found, nor beside the output');
    const noRun = (await pickedOutput()).filter((f) => !f.path.endsWith('run.json'));
    await expect(importRunInto(lib, { ...base, name: 'output', files: noRun })).rejects.toThrow('output: no run.json found');
    expect(await lib.store.list()).toEqual(keys);
  });

  it('removes the fresh run again when a write fails after the checks', async () => {
    const store = await IdbStore.open('import-run-fails');
    const failing = Object.create(store) as IdbStore;
    failing.put = (key: string, value: StoreValue, o?: WriteOptions) =>
      key.endsWith('run/options.json') ? Promise.reject(new Error('QuotaExceededError: the disk is full')) : store.put(key, value, o);
    const lib = new RunLibrary(failing);
    await expect(importRunInto(lib, { ...base, name: 'output', files: await pickedOutput() })).rejects.toThrow('the disk is full');
    expect(await store.list()).toEqual([]);
  });
});
