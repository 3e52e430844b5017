// Adapter keys, PEFT folders with metrics and heads, listing, on both store implementations.
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/model/hf-config.ts';
import { initLora, type LoraAdapter, type LoraConfig } from '../../../src/model/lora-types.ts';
import { parseSafetensors } from '../../../src/model/safetensors.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { adapterKey, deleteAdapter, listAdapters, loadAdapter, loadPeftFiles, mergedKey, saveAdapter, saveMerged } from '../../../src/storage/adapter-store.ts';
import { FsStore } from '../../../src/storage/fs-store.ts';
import { IdbStore } from '../../../src/storage/idb-store.ts';
import { exportPeft } from '../../../src/storage/peft.ts';
import type { ArtifactStore } from '../../../src/storage/store.ts';
import { Rng } from '../../../src/util/rng.ts';

const model = parseModelConfig(JSON.parse(buildTinyModel(0)['config.json'] as string));
const cfg: LoraConfig = { r: 4, alpha: 8, dropout: 0.05, targetModules: ['q_proj', 'v_proj'], useRslora: false };
const base = 'mindprint/tiny-llama';

function trained(seed: number): LoraAdapter {
  const rng = new Rng(seed);
  const a = initLora(model, cfg, rng, base);
  for (const l of a.layers.values()) for (let i = 0; i < l.B.length; i++) l.B[i] = rng.normal();
  return a;
}
const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('adapter keys', () => {
  it('follow the source path and phase', () => {
    expect(adapterKey('unit-01/chapter-01/topic-01', 'sft')).toBe('adapters/unit-01/chapter-01/topic-01/sft_adapter');
    expect(adapterKey('episode-2019-02-19', 'dpo')).toBe('adapters/episode-2019-02-19/dpo_adapter');
    expect(mergedKey('unit-01')).toBe('merged_adapters/unit-01_merged');
  });
  it('reject bad ids and phases', () => {
    expect(() => adapterKey('../x', 'sft')).toThrow(/topic id: bad key "\.\.\/x"/);
    expect(() => adapterKey('unit-01', 'rlhf' as never)).toThrow(/phase 'rlhf': expected one of sft, reward, ppo, dpo/);
    expect(() => mergedKey('unit-01/chapter-01')).toThrow(/expected one path segment/);
  });
});

describe.each([
  [
    'FsStore',
    async (): Promise<ArtifactStore> => {
      const d = mkdtempSync(join(tmpdir(), 'mp-ad-'));
      dirs.push(d);
      return FsStore.open(d);
    },
  ],
  ['IdbStore', async (): Promise<ArtifactStore> => IdbStore.open(`adapters-${Math.random()}`)],
])('%s', (_name, open) => {
  it('saves pure PEFT files plus metrics, and loads them back bit for bit', async () => {
    const store = await open();
    const a = trained(1);
    const key = await saveAdapter(store, 'unit-01/chapter-01/topic-01', 'sft', a, { loss: [2.1, 1.7], epochs: 2 });
    expect(key).toBe('adapters/unit-01/chapter-01/topic-01/sft_adapter');
    expect(await store.list(key)).toEqual([`${key}/adapter_config.json`, `${key}/adapter_model.safetensors`, `${key}/metrics.json`]);
    const peft = exportPeft(a);
    expect(await store.getText(`${key}/adapter_config.json`)).toBe(peft['adapter_config.json']);
    expect(Buffer.from((await store.get(`${key}/adapter_model.safetensors`))!).equals(Buffer.from(peft['adapter_model.safetensors']))).toBe(true);
    const back = await loadAdapter(store, key, model, base);
    expect(back.metrics).toEqual({ loss: [2.1, 1.7], epochs: 2 });
    expect(back.head).toBeNull();
    expect(back.adapter.config).toEqual(a.config);
    for (const [path, l] of a.layers) {
      expect(bits(back.adapter.layers.get(path)!.A)).toEqual(bits(l.A));
      expect(bits(back.adapter.layers.get(path)!.B)).toEqual(bits(l.B));
    }
    await store.close();
  });

  it('writes a reward head as transformers + PEFT load it (SEQ_CLS, score.weight), reads it back, drops it when re-saved without', async () => {
    const store = await open();
    const score = Float32Array.from({ length: model.hiddenSize }, (_, i) => Math.sin(i));
    const key = await saveAdapter(
      store,
      'unit-02',
      'reward',
      trained(2),
      { valAccuracy: 0.9 },
      { 'score.weight': { shape: [1, model.hiddenSize], data: score } },
    );
    const cfg = JSON.parse((await store.getText(`${key}/adapter_config.json`))!);
    expect(cfg.task_type).toBe('SEQ_CLS');
    expect(cfg.modules_to_save).toEqual(['score']);
    const weights = parseSafetensors((await store.get(`${key}/adapter_model.safetensors`))!);
    expect(weights.get('base_model.model.score.weight')!.shape).toEqual([1, model.hiddenSize]);
    expect([...weights.keys()].filter((k) => !k.includes('.lora_'))).toEqual(['base_model.model.score.weight']);
    expect(await store.has(`${key}/head.safetensors`)).toBe(false);
    const back = await loadAdapter(store, key, model);
    expect(back.head!['score.weight'].shape).toEqual([1, model.hiddenSize]);
    expect(bits(back.head!['score.weight'].data)).toEqual(bits(score));
    await saveAdapter(store, 'unit-02', 'reward', trained(3), {});
    expect(JSON.parse((await store.getText(`${key}/adapter_config.json`))!).task_type).toBe('CAUSAL_LM');
    expect((await loadAdapter(store, key, model)).head).toBeNull();
    await store.close();
  });

  it('lists topic and merged adapters; loads PEFT files for download; names what is missing', async () => {
    const store = await open();
    await saveAdapter(store, 'unit-01/chapter-01/topic-01', 'sft', trained(1), {});
    await saveAdapter(store, 'unit-01/chapter-01/topic-01', 'ppo', trained(2), {});
    await saveAdapter(store, 'episode-7', 'dpo', trained(3), {});
    await saveMerged(store, 'unit-01', trained(4), { parts: 2 });
    expect(await listAdapters(store)).toEqual([
      { key: 'adapters/episode-7/dpo_adapter', kind: 'topic', topicId: 'episode-7', phase: 'dpo' },
      { key: 'adapters/unit-01/chapter-01/topic-01/ppo_adapter', kind: 'topic', topicId: 'unit-01/chapter-01/topic-01', phase: 'ppo' },
      { key: 'adapters/unit-01/chapter-01/topic-01/sft_adapter', kind: 'topic', topicId: 'unit-01/chapter-01/topic-01', phase: 'sft' },
      { key: 'merged_adapters/unit-01_merged', kind: 'merged', unit: 'unit-01' },
    ]);
    const files = await loadPeftFiles(store, 'merged_adapters/unit-01_merged');
    expect(JSON.parse(files['adapter_config.json']).r).toBe(4);
    await expect(loadAdapter(store, 'adapters/none/sft_adapter', model)).rejects.toThrow(/no adapter stored at 'adapters\/none\/sft_adapter'/);
    await store.delete('adapters/episode-7/dpo_adapter/adapter_model.safetensors');
    await expect(loadAdapter(store, 'adapters/episode-7/dpo_adapter', model)).rejects.toThrow(
      /incomplete: adapter_model.safetensors is missing \(found adapter_config.json, metrics.json\)/,
    );
    await expect(loadAdapter(store, 'merged_adapters/unit-01_merged', model, 'other/base')).rejects.toThrow(
      /merged_adapters\/unit-01_merged\/adapter_config.json: base_model_name_or_path/,
    );
    expect(await deleteAdapter(store, 'merged_adapters/unit-01_merged')).toBe(3);
    await expect(deleteAdapter(store, 'checkpoints/x')).rejects.toThrow(/not an adapter key/);
    await store.close();
  });
});
