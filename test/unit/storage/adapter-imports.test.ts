// Imported adapters merged exactly: the merged adapter's delta is the sum of the parts' deltas for every
// module, at the summed rank; a reward model, a single adapter or a key outside imports/ is refused.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/model/hf-config.ts';
import { initLora, loraDelta, type LoraAdapter } from '../../../src/model/lora-types.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { importAdapters } from '../../../src/storage/adapter-import.ts';
import { listImported, mergeImported, saveImported } from '../../../src/storage/adapter-imports.ts';
import { loadAdapter } from '../../../src/storage/adapter-store.ts';
import { IdbStore } from '../../../src/storage/idb-store.ts';
import { exportPeft } from '../../../src/storage/peft.ts';
import { Rng } from '../../../src/util/rng.ts';

const tiny = parseModelConfig(JSON.parse(buildTinyModel(0)['config.json'] as string));

function trained(seed: number, r: number, targets: LoraAdapter['config']['targetModules']): LoraAdapter {
  const rng = new Rng(seed);
  const a = initLora(tiny, { r, alpha: 2 * r, dropout: 0, targetModules: targets, useRslora: false }, rng, 'tiny');
  for (const l of a.layers.values()) for (let i = 0; i < l.B.length; i++) l.B[i] = rng.normal();
  return a;
}

const asFolder = (name: string, a: LoraAdapter, score?: Float32Array) => {
  const peft = exportPeft(a, 'tiny', score);
  return [
    { path: `${name}/adapter_config.json`, bytes: new TextEncoder().encode(peft['adapter_config.json']) },
    { path: `${name}/adapter_model.safetensors`, bytes: peft['adapter_model.safetensors'] },
  ];
};

describe('merging imported adapters', () => {
  it('is exact: the merged delta is the sum of the parts, at the summed rank', async () => {
    const store = await IdbStore.open('imports-merge-test');
    const a = trained(1, 2, ['q_proj', 'v_proj']);
    const b = trained(2, 4, ['q_proj', 'o_proj']);
    const [ka] = await saveImported(store, importAdapters(asFolder('a', a), tiny, 'tiny', 'a'), 'a');
    const [kb] = await saveImported(store, importAdapters(asFolder('b', b), tiny, 'tiny', 'b'), 'b');
    const key = await mergeImported(store, [ka, kb], tiny, 'ab');
    expect(key).toBe('imports/merged/ab');
    expect(await listImported(store)).toEqual([ka, kb, key].sort());
    const m = await loadAdapter(store, key, tiny);
    expect(m.adapter.config.r).toBe(6);
    expect(m.metrics).toMatchObject({ mergedFrom: [ka, kb], rank: 6, exact: true });
    for (const path of new Set([...a.layers.keys(), ...b.layers.keys()])) {
      const want = new Float32Array(loraDelta(m.adapter, path).length);
      if (a.layers.has(path)) loraDelta(a, path).forEach((x, i) => (want[i] += x));
      if (b.layers.has(path)) loraDelta(b, path).forEach((x, i) => (want[i] += x));
      const got = loraDelta(m.adapter, path);
      let maxDiff = 0;
      for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
      expect(maxDiff, path).toBeLessThan(1e-5);
    }
    await expect(mergeImported(store, [ka, kb], tiny, 'ab')).rejects.toThrow("'imports/merged/ab' exists already");
    await store.close();
  });

  it('refuses a reward model, one adapter, or a key that is not an import', async () => {
    const store = await IdbStore.open('imports-merge-refuse');
    const score = new Float32Array(tiny.hiddenSize).fill(0.5);
    const [kr] = await saveImported(store, importAdapters(asFolder('rm', trained(3, 2, ['q_proj']), score), tiny, 'tiny', 'rm'), 'rm');
    const [ks] = await saveImported(store, importAdapters(asFolder('s', trained(4, 2, ['q_proj'])), tiny, 'tiny', 's'), 's');
    await expect(mergeImported(store, [ks, kr], tiny, 'x')).rejects.toThrow(`${kr} is a reward model`);
    await expect(mergeImported(store, [ks], tiny, 'x')).rejects.toThrow('choose at least two imported adapters to merge, got 1');
    await expect(mergeImported(store, [ks, 'adapters/t/sft_adapter'], tiny, 'x')).rejects.toThrow("'adapters/t/sft_adapter' is not an imported adapter");
    expect(await listImported(store)).toEqual([kr, ks]);
    await store.close();
  });
});
