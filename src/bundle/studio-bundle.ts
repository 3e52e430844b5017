// The studio's bundle: the curriculum rebuilt from what the studio keeps in IndexedDB (its files in
// load order, the voice markers, the per-topic overrides), as the analysis worker restores them after
// a reload, then buildBundle. Plain TypeScript over the store's reading methods, so Node tests run it.
import { adaptTopics } from '../analysis/adaptive.ts';
import { analyzeDataset } from '../analysis/analyze.ts';
import { MarkerState, type SavedMarkers } from '../analysis/marker-state.ts';
import type { PipelineConfig } from '../config/pipeline-config.ts';
import { DatasetBuilder } from '../data/builder.ts';
import type { DatasetStore } from '../storage/dataset-store.ts';
import type { OverrideMap } from '../workers/protocol.ts';
import { buildBundle, type BundleFile } from './bundle.ts';

/** What the bundle reads of the studio's DatasetStore. */
export type BundleSource = Pick<DatasetStore, 'listFiles' | 'readChunks' | 'getSetting'>;

/** The settings StudioSession saves (src/analysis/studio-session.ts); a test holds the two together. */
export const STUDIO_SETTINGS = { markers: 'voiceMarkers', overrides: 'overrides' } as const;

export interface StudioBundleOptions {
  /** Hugging Face id (or a folder on the GPU machine) of the base model train.py loads. */
  model: string;
  alignment: 'ppo' | 'dpo';
}

export async function studioBundle(store: BundleSource, pipeline: PipelineConfig, o: StudioBundleOptions): Promise<BundleFile[]> {
  if (!/\S/.test(o.model)) throw new Error('Base model: give a Hugging Face id (ORG/NAME) or a folder on the GPU machine');
  const stored = [...(await store.listFiles())].sort((a, b) => a.order - b.order);
  if (!stored.length) throw new Error('No curriculum files are saved in this browser yet: drop the files and wait until they are saved');
  const builder = new DatasetBuilder();
  for (const f of stored) await builder.addFile(f.name, store.readChunks(f.name), f.kind ?? undefined);
  const dataset = builder.build();
  const markers = new MarkerState();
  const saved = await store.getSetting<SavedMarkers>(STUDIO_SETTINGS.markers);
  if (saved) markers.restore(saved);
  markers.pairsChanged(dataset.preference);
  const overrides = (await store.getSetting<OverrideMap>(STUDIO_SETTINGS.overrides)) ?? {};
  const analysis = analyzeDataset(dataset, markers.markers, markers.source);
  const config: PipelineConfig = { ...pipeline, alignment: o.alignment };
  return buildBundle({
    dataset,
    config,
    topicConfigs: adaptTopics(analysis, config, overrides),
    markersInUse: analysis.markers,
    voiceMarkers: markers.markers,
    model: o.model.trim(),
    alignment: o.alignment,
  });
}
