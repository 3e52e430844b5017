// The training worker's history side on fake IndexedDB: a browser that kept one run before the history
// opens with it migrated (listed, shown as the current run), a run zips into a Blob whose adapters our
// importer reads, an adapter zip imports back (checked against the tiny model), and a bad import keeps nothing.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/model/hf-config.ts';
import { initLora } from '../../../src/model/lora-types.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { importAdapters } from '../../../src/storage/adapter-import.ts';
import { IdbStore } from '../../../src/storage/idb-store.ts';
import { RUN_STATE_VERSION, RunStore } from '../../../src/storage/run-store.ts';
import type { RunState } from '../../../src/training/run-types.ts';
import { Rng } from '../../../src/util/rng.ts';
import { adapterZip, deleteImport, history, importPicked, listImports, runInfo, runZip } from '../../../src/workers/history-handlers.ts';

const tiny = parseModelConfig(JSON.parse(buildTinyModel(0)['config.json'] as string));
const TOPIC = 'unit-01/chapter-01/topic-01';

describe('the worker history', () => {
  it('migrates the one saved run on open, zips it, imports an adapter back and refuses a bad import', async () => {
    const legacy = new RunStore(await IdbStore.open('mindprint-run'));
    const state = {
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
      metrics: [],
      progress: null,
      finished: false,
    } as RunState;
    await legacy.writeOptions({ startedAt: Date.UTC(2026, 10, 5, 8), modelName: 'tiny' });
    await legacy.writeState(state);
    await legacy.saveAdapter(TOPIC, 'sft', initLora(tiny, { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj'], useRslora: false }, new Rng(1), 'tiny'), {});
    await legacy.store.close();

    const lib = await history();
    expect(await lib.ids()).toEqual(['20261105-080000-saved']);
    const info = await runInfo(lib, await lib.latest(), false);
    expect(info.runId).toBe('20261105-080000-saved');
    expect(info.state?.finished).toBe(false);
    expect(info.adapters.map((a) => a.key)).toEqual([`adapters/${TOPIC}/sft_adapter`]);

    const zip = await runZip(lib, info.runId!);
    expect(zip.name).toBe('mindprint-run-20261105-080000-saved.zip');
    expect(zip.blob.size).toBe(zip.bytes);
    const inZip = importAdapters([{ path: zip.name, bytes: new Uint8Array(await zip.blob.arrayBuffer()) }], tiny, 'tiny', zip.name);
    expect(inZip.map((a) => a.folder)).toEqual([`mindprint-run-20261105-080000-saved/adapters/${TOPIC}/sft_adapter`]);
    await expect(runZip(lib, 'nope')).rejects.toThrow("No run 'nope' is stored");

    const one = await adapterZip(lib, info.runId, `adapters/${TOPIC}/sft_adapter`);
    expect(one.name).toBe('unit-01_chapter-01_topic-01_sft_adapter.zip');
    const done = await importPicked(lib, { name: one.name, files: [{ path: one.name, file: one.blob }], model: { kind: 'tiny' } });
    expect(done.keys).toEqual(['imports/unit-01_chapter-01_topic-01_sft_adapter/unit-01_chapter-01_topic-01_sft_adapter']);
    expect(await listImports(lib)).toEqual(done.keys);

    const wrong = new Blob(['{"peft_type": "LORA"}']);
    await expect(importPicked(lib, { name: 'mine', files: [{ path: 'mine/adapter_config.json', file: wrong }], model: { kind: 'tiny' } })).rejects.toThrow(
      'mine: adapter_model.safetensors is missing',
    );
    expect(await listImports(lib)).toEqual(done.keys); // nothing kept from the bad import
    expect((await deleteImport(lib, done.keys[0])).deleted).toBeGreaterThan(0);
    expect(await listImports(lib)).toEqual([]);
  });
});
