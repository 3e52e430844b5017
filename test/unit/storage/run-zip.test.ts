// A run's zip, written by fflate as a stream and read back by our own importer: every phase adapter and
// unit merge a valid PEFT adapter for the model, the reward head present, run.json, report.md and
// metrics.jsonl; one adapter's zip; and the importer's errors on what does not fit or is not an adapter.
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/model/hf-config.ts';
import { initLora, type LoraAdapter, type LoraConfig } from '../../../src/model/lora-types.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { importAdapters, unzipFiles, type ImportFile } from '../../../src/storage/adapter-import.ts';
import { listImported, saveImported } from '../../../src/storage/adapter-imports.ts';
import { loadAdapter } from '../../../src/storage/adapter-store.ts';
import { FsStore } from '../../../src/storage/fs-store.ts';
import { IdbStore } from '../../../src/storage/idb-store.ts';
import { exportPeft } from '../../../src/storage/peft.ts';
import { RunLibrary } from '../../../src/storage/run-library.ts';
import { RUN_STATE_VERSION } from '../../../src/storage/run-store.ts';
import { writeAdapterZip, writeRunZip } from '../../../src/storage/run-zip.ts';
import type { ArtifactStore } from '../../../src/storage/store.ts';
import type { RunState, TopicRecord } from '../../../src/training/run-types.ts';
import { Rng } from '../../../src/util/rng.ts';

const model = parseModelConfig(JSON.parse(buildTinyModel(0)['config.json'] as string));
const qwen = parseModelConfig(JSON.parse(buildTinyModel(0, 'qwen3')['config.json'] as string));
const lora: LoraConfig = { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj'], useRslora: false };

function trained(seed: number, cfg = model): LoraAdapter {
  const rng = new Rng(seed);
  const a = initLora(cfg, lora, rng, 'tiny');
  for (const l of a.layers.values()) for (let i = 0; i < l.B.length; i++) l.B[i] = rng.normal();
  return a;
}

const T1 = 'unit-01/chapter-01/topic-01';
const T2 = 'unit-01/chapter-01/topic-02';
const topic = (id: string, score: number, passed: boolean) =>
  ({ id, trainable: true, threshold: 0.8, score, passed, phasesRun: ['sft', 'reward', 'ppo', 'eval'], attempts: [] }) as unknown as TopicRecord;
const state: RunState = {
  version: RUN_STATE_VERSION,
  seed: 3,
  modelName: 'tiny',
  alignment: 'ppo',
  phases: ['sft', 'reward', 'ppo', 'eval'],
  cursor: 4,
  attemptPhase: null,
  topics: [topic(T1, 0.82, true), topic(T2, 0.4, false)],
  exams: [],
  folded: [],
  unitParts: {},
  merged: [],
  metrics: [
    { topicId: T1, attempt: 0, phase: 'sft', step: 1, loss: 2.5 },
    { topicId: T1, attempt: 0, phase: 'sft', step: 2, loss: 2.25 },
  ],
  progress: null,
  finished: false,
};

async function zipBytes(write: (sink: (c: Uint8Array) => void) => Promise<unknown>) {
  const chunks: Uint8Array[] = [];
  await write((c) => void chunks.push(c.slice()));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return { bytes: out, chunks };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
let dbNo = 0;
const stores: [string, () => Promise<ArtifactStore>][] = [
  [
    'FsStore',
    async () => {
      const d = mkdtempSync(join(tmpdir(), 'mindprint-zip-'));
      dirs.push(d);
      return FsStore.open(d);
    },
  ],
  ['IdbStore', () => IdbStore.open(`run-zip-test-${dbNo++}`)],
];

describe.each(stores)('run zip on %s', (_name, open) => {
  it('holds every adapter (valid PEFT for the model, reward head included), run.json, report.md and metrics.jsonl', async () => {
    const store = await open();
    const lib = new RunLibrary(store);
    const id = await lib.newId(Date.UTC(2026, 5, 1));
    const runs = lib.run(id);
    await runs.writeOptions({ startedAt: 1, modelName: 'tiny', similarityUsed: { name: 'lexical', reason: 'test' } });
    await runs.writeState(state);
    const sft = trained(1);
    const reward = trained(2);
    const score = new Float32Array(model.hiddenSize).map((_, i) => i / 10);
    await runs.saveAdapter(T1, 'sft', sft, { loss: 1 });
    await runs.saveAdapter(T1, 'reward', reward, { accuracy: 0.75 }, { 'score.weight': { shape: [1, model.hiddenSize], data: score } });
    await runs.saveAdapter(T1, 'ppo', trained(3), {});
    await runs.saveMerged('unit-01', trained(4), { parts: 2 });
    await store.put('runs/other/run/state.json', '{}'); // another run: not in this zip

    const { bytes, chunks } = await zipBytes((sink) => writeRunZip(lib.scope(id), `mindprint-run-${id}`, sink));
    expect(chunks.length).toBeGreaterThan(10); // streamed a piece at a time, not one buffer
    const files = new Map(unzipFiles(bytes, 'run.zip').map((f) => [f.path, f.bytes]));
    const top = `mindprint-run-${id}`;
    const names = [...files.keys()].map((p) => p.slice(top.length + 1)).sort();
    expect(names).toEqual(
      [
        'run.json',
        'report.md',
        'metrics.jsonl',
        'run/options.json',
        ...['sft', 'reward', 'ppo'].flatMap((ph) => [
          `adapters/${T1}/${ph}_adapter/adapter_config.json`,
          `adapters/${T1}/${ph}_adapter/adapter_model.safetensors`,
          `adapters/${T1}/${ph}_adapter/metrics.json`,
        ]),
        'merged_adapters/unit-01_merged/adapter_config.json',
        'merged_adapters/unit-01_merged/adapter_model.safetensors',
        'merged_adapters/unit-01_merged/metrics.json',
      ].sort(),
    );
    const text = (p: string) => new TextDecoder().decode(files.get(`${top}/${p}`));
    // An unfinished run: run.json and report.md are written from its state.
    expect(JSON.parse(text('run.json')).passRate).toEqual({ passed: 1, trained: 2, rate: 0.5 });
    expect(text('report.md')).toContain(T2);
    expect(
      text('metrics.jsonl')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).loss),
    ).toEqual([2.5, 2.25]);

    const imported = importAdapters([{ path: 'run.zip', bytes }], model, 'tiny', 'run.zip');
    expect(imported.map((a) => a.folder.slice(top.length + 1))).toEqual([
      `adapters/${T1}/ppo_adapter`,
      `adapters/${T1}/reward_adapter`,
      `adapters/${T1}/sft_adapter`,
      'merged_adapters/unit-01_merged',
    ]);
    const back = imported.find((a) => a.folder.endsWith('sft_adapter'))!;
    for (const [path, l] of sft.layers) expect(back.adapter.layers.get(path)!.B).toEqual(l.B);
    expect(back.score).toBeNull();
    expect(back.metrics).toEqual({ loss: 1 });
    expect(imported.find((a) => a.folder.endsWith('reward_adapter'))!.score).toEqual(score);

    // Kept as imports, they load again as stored adapters with their head.
    const keys = await saveImported(store, imported, 'run.zip');
    expect(await listImported(store)).toEqual(keys.sort());
    const rewardKey = keys.find((k) => k.endsWith('reward_adapter'))!;
    expect(rewardKey).toBe(`imports/run/${top}/adapters/unit-01/chapter-01/topic-01/reward_adapter`);
    expect((await loadAdapter(store, rewardKey, model)).head?.['score.weight'].data).toEqual(score);
    await expect(saveImported(store, imported, 'run.zip')).rejects.toThrow('is imported already');

    // One adapter as its own zip.
    const one = await zipBytes((sink) => writeAdapterZip(lib.scope(id), `adapters/${T1}/sft_adapter`, 'topic-01_sft_adapter', sink));
    const single = importAdapters([{ path: 'a.zip', bytes: one.bytes }], model, 'tiny', 'a.zip');
    expect(single.map((a) => a.folder)).toEqual(['topic-01_sft_adapter']);
    await store.close();
  });
});

describe('importing adapters', () => {
  const peft = exportPeft(trained(5), 'tiny');
  const folder = (over: Partial<Record<string, string | Uint8Array>> = {}): ImportFile[] =>
    Object.entries({
      'my_adapter/adapter_config.json': peft['adapter_config.json'],
      'my_adapter/adapter_model.safetensors': peft['adapter_model.safetensors'],
      ...over,
    })
      .filter(([, v]) => v !== undefined)
      .map(([path, v]) => ({ path, bytes: typeof v === 'string' ? strToU8(v) : v! }));

  it('takes a picked folder as it is, noting another base model name', () => {
    const [a] = importAdapters(folder(), model, 'tiny', 'my_adapter');
    expect(a.folder).toBe('my_adapter');
    expect(a.notes).toEqual([]);
    const [b] = importAdapters(folder(), model, 'other/name', 'my_adapter');
    expect(b.notes[0]).toContain("made for 'tiny'");
  });

  it('refuses an adapter of another architecture, naming the tensor, the shapes and the model', () => {
    const other = exportPeft(trained(6, qwen), 'tiny-qwen3');
    const files = folder({ 'my_adapter/adapter_model.safetensors': other['adapter_model.safetensors'] });
    expect(() => importAdapters(files, model, 'tiny', 'x.zip')).toThrow(
      /^my_adapter\/adapter_model\.safetensors: tensor '.*' has shape \[\d+, \d+\], expected \[\d+, \d+\].* this adapter does not fit tiny \(LlamaForCausalLM, \d+ layers, hidden \d+\)/,
    );
  });

  it('names a missing weights file, a pickle-only adapter, an unknown target, a non-zip and an empty import', () => {
    expect(() => importAdapters(folder({ 'my_adapter/adapter_model.safetensors': undefined }), model, 'tiny', 'd')).toThrow(
      'my_adapter: adapter_model.safetensors is missing beside adapter_config.json',
    );
    expect(() =>
      importAdapters(folder({ 'my_adapter/adapter_model.safetensors': undefined, 'my_adapter/adapter_model.bin': 'x' }), model, 'tiny', 'd'),
    ).toThrow('only adapter_model.bin, a pickle');
    const cfg = JSON.parse(peft['adapter_config.json']);
    cfg.target_modules = ['q_proj', 'lm_head'];
    expect(() => importAdapters(folder({ 'my_adapter/adapter_config.json': JSON.stringify(cfg) }), model, 'tiny', 'd')).toThrow(
      "my_adapter/adapter_config.json: target_modules: unknown module 'lm_head'",
    );
    expect(() => importAdapters(folder({ 'my_adapter/adapter_config.json': '{nope' }), model, 'tiny', 'd')).toThrow('adapter_config.json: not valid JSON');
    expect(() => importAdapters([{ path: 'notes.zip', bytes: strToU8('hello') }], model, 'tiny', 'notes.zip')).toThrow(
      "notes.zip: not a zip file (it does not start with 'PK')",
    );
    const truncated = zipSync({ 'a/adapter_config.json': strToU8('{}') }).slice(0, 30);
    expect(() => importAdapters([{ path: 't.zip', bytes: truncated }], model, 'tiny', 't.zip')).toThrow('t.zip: the zip cannot be read');
    const noAdapter = zipSync({ 'readme.md': strToU8('hi') });
    expect(() => importAdapters([{ path: 'r.zip', bytes: noAdapter }], model, 'tiny', 'r.zip')).toThrow('r.zip: no PEFT adapter found');
  });
});
