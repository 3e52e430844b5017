// The studio's "Export for a GPU cluster": the bundle rebuilt from what a StudioSession saved in
// IndexedDB (fake-indexeddb) holds the session's own per-topic config (the user's overrides included)
// and the same data files as the CLI's bundle, and zips to the same bytes every time.
import 'fake-indexeddb/auto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { adaptTopics } from '../../../src/analysis/adaptive.ts';
import { analyzeDataset } from '../../../src/analysis/analyze.ts';
import { configToJson } from '../../../src/analysis/json.ts';
import { loadDefaultMarkers } from '../../../src/analysis/node-defaults.ts';
import { StudioSession } from '../../../src/analysis/studio-session.ts';
import { buildBundle } from '../../../src/bundle/bundle.ts';
import { studioBundle } from '../../../src/bundle/studio-bundle.ts';
import { zipBundle } from '../../../src/bundle/zip.ts';
import { SAMPLE_DATA_DIR } from '../../../src/cli/commands/analyze.ts';
import { loadDataset } from '../../../src/data/node-files.ts';
import { DatasetStore } from '../../../src/storage/dataset-store.ts';
import { DEFAULT_PIPELINE_CONFIG } from '../../helpers/default-config.ts';

const MODEL = 'Qwen/Qwen2.5-0.5B-Instruct';
const T2 = 'unit-01/chapter-01/topic-02';
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

describe("the studio's bundle", () => {
  it('is built from the saved session, overrides included, and zips deterministically', async () => {
    const db = 'bundle-studio-test';
    const session = new StudioSession(DEFAULT_PIPELINE_CONFIG, () => DatasetStore.open(db));
    await session.init(() => {});
    const names = (await fs.readdir(SAMPLE_DATA_DIR)).filter((n) => !n.endsWith('.md')).sort();
    const files = await Promise.all(names.map(async (name) => ({ name, bytes: new Uint8Array(await fs.readFile(path.join(SAMPLE_DATA_DIR, name))).buffer })));
    await session.load(files, () => {});
    await session.setOverrides({ [T2]: { sftEpochs: 9, passThreshold: 0.7 } });
    expect((await session.persist(() => {})).ok).toBe(true);
    const result = session.result()!;

    const bundle = await studioBundle(await DatasetStore.open(db), DEFAULT_PIPELINE_CONFIG, { model: MODEL, alignment: 'dpo' });
    const byPath = new Map(bundle.map((f) => [f.path, f.bytes]));
    const plan = JSON.parse(text(byPath.get('plan.json')));
    expect(plan.topics).toEqual(JSON.parse(JSON.stringify(configToJson(result.configs).topics)));
    expect(plan.topics.find((t: { id: string }) => t.id === T2)).toMatchObject({
      sftEpochs: 9,
      passThreshold: 0.7,
      overridden: ['sftEpochs', 'passThreshold'],
    });
    expect(plan.markers).toEqual(JSON.parse(JSON.stringify(result.analysis.markers)));
    expect([plan.model, plan.alignment, plan.phases]).toEqual([MODEL, 'dpo', ['sft', 'dpo', 'eval']]);

    // The data files are the CLI's, byte for byte.
    const ds = await loadDataset([SAMPLE_DATA_DIR]);
    const markers = await loadDefaultMarkers();
    const cliFiles = buildBundle({
      dataset: ds,
      config: DEFAULT_PIPELINE_CONFIG,
      topicConfigs: adaptTopics(analyzeDataset(ds, markers), DEFAULT_PIPELINE_CONFIG),
      voiceMarkers: markers,
      model: MODEL,
      alignment: 'dpo',
    }).filter((f) => f.path.startsWith('data/'));
    expect(cliFiles.length).toBeGreaterThan(10);
    for (const f of cliFiles) expect(text(byPath.get(f.path)), f.path).toBe(text(f.bytes));

    const zip = zipBundle(bundle);
    expect(Buffer.from(zipBundle(bundle)).equals(Buffer.from(zip))).toBe(true);
    const unzipped = unzipSync(zip);
    expect(Object.keys(unzipped)).toEqual(bundle.map((f) => `mindprint-trl-bundle/${f.path}`));
    expect(text(unzipped['mindprint-trl-bundle/train.py'])).toBe(text(byPath.get('train.py')));

    await expect(studioBundle(await DatasetStore.open('bundle-empty-db'), DEFAULT_PIPELINE_CONFIG, { model: MODEL, alignment: 'ppo' })).rejects.toThrow(
      'No curriculum files are saved in this browser yet',
    );
    await expect(studioBundle(await DatasetStore.open(db), DEFAULT_PIPELINE_CONFIG, { model: ' ', alignment: 'ppo' })).rejects.toThrow('Base model:');
  });
});
