// StudioSession in Node over DatasetStore on fake-indexeddb: load, re-analyse on a marker edit without
// re-reading files, overrides, persist and restore into a fresh session, remove, clear, no store.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioSession } from '../../../src/analysis/studio-session.ts';
import { loadDefaultPipelineConfig } from '../../../src/analysis/node-defaults.ts';
import { QUALITY_EDGES } from '../../../src/analysis/quality-histogram.ts';
import { DatasetStore } from '../../../src/storage/dataset-store.ts';
import { SAMPLE_DATA_DIR } from '../../../src/cli/commands/analyze.ts';
import type { FileInput, Progress } from '../../../src/workers/protocol.ts';

const NAMES = ['sft_data.jsonl', 'preference_data.jsonl', 'quiz_data.json', 'voice_markers.yaml'];
const files = (): FileInput[] => NAMES.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(SAMPLE_DATA_DIR, name))).buffer }));
let dbCount = 0;

async function session(db = `studio-session-${dbCount++}`) {
  return new StudioSession(await loadDefaultPipelineConfig(), () => DatasetStore.open(db));
}

describe('StudioSession', () => {
  it('loads files, re-analyses a marker edit without reading files again, and persists for a fresh session', async () => {
    const db = `studio-session-${dbCount++}`;
    const s = await session(db);
    const seen: Progress[] = [];
    const loaded = await s.load(files(), (p) => seen.push(p));
    expect(loaded.dataset.files.map((f) => f.path)).toEqual(NAMES.slice(0, 3));
    expect(loaded.analysis.markers?.origin).toBe('folder');
    expect(loaded.dataset.counts.preference).toBeGreaterThan(0);
    const all = loaded.histograms['*']!;
    expect(all.edges).toEqual(QUALITY_EDGES);
    expect(all.counts.reduce((a, b) => a + b, 0)).toBe(loaded.dataset.counts.preference);
    expect(seen.filter((p) => p.phase === 'read').at(-1)).toMatchObject({ bytes: seen.at(-2)!.totalBytes });
    expect(seen.at(-1)!.phase).toBe('analyse');

    const edited = 'density_markers:\n  - wind\n';
    const phases: string[] = [];
    const after = await s.setMarkers(edited, (p) => phases.push(p.phase));
    expect(phases).toEqual(['analyse']);
    expect(after!.markersYaml).toBe(edited);
    expect(after!.analysis.markers?.origin).toBe('edited');
    await expect(s.setMarkers('density_markers: [', () => undefined)).rejects.toThrow(/voice markers/);

    const topic = loaded.configs[0]!.id;
    const overridden = await s.setOverrides({ [topic]: { sftEpochs: 7 } });
    expect(overridden!.configs[0]!.sftEpochs).toBe(7);

    const saved = await s.persist(() => undefined);
    expect(saved).toMatchObject({ ok: true, savedFiles: 3 });

    const fresh = await session(db);
    const restored = await fresh.init(() => undefined);
    expect(restored.overrides).toEqual({ [topic]: { sftEpochs: 7 } });
    expect(restored.markersYaml).toBe(edited);
    expect(restored.result!.dataset.counts).toEqual(loaded.dataset.counts);
    expect(restored.result!.configs[0]!.sftEpochs).toBe(7);

    expect((await fresh.removeFile('quiz_data.json', () => undefined))!.dataset.files.map((f) => f.path)).toEqual(NAMES.slice(0, 2));
    await expect(fresh.removeFile('nope.jsonl', () => undefined)).rejects.toThrow('No loaded file named nope.jsonl');
    await fresh.clear();
    expect((await (await session(db)).init(() => undefined)).result).toBeNull();
  });

  it('works in memory when the store does not open, and says so on persist', async () => {
    const s = new StudioSession(await loadDefaultPipelineConfig(), () => Promise.reject(new Error('blocked')));
    expect((await s.init(() => undefined)).result).toBeNull();
    const r = await s.load(files().slice(0, 2), () => undefined);
    expect(r.dataset.counts.sft).toBeGreaterThan(0);
    expect(await s.persist(() => undefined)).toEqual({ ok: false, savedFiles: 0, savedBytes: 0, error: 'IndexedDB is not available: blocked' });
  });

  it('asks for data files when only voice markers are given', async () => {
    const s = await session();
    await expect(s.load(files().slice(3), () => undefined)).rejects.toThrow(
      /voice_markers\.yaml: read as the curriculum's voice markers; now add its data files/,
    );
  });
});
