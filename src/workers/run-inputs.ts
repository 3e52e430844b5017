// A studio run's inputs in the browser: the curriculum the studio saved in IndexedDB (or the files
// given), its voice markers and overrides; the base model the user chose; the similarity asked for.
import defaultMarkersYaml from '../../configs/voice_markers.yaml?raw';
import { DatasetBuilder } from '../data/builder.ts';
import { chunksOf, streamChunks } from '../data/line-reader.ts';
import { parseMarkers } from '../analysis/markers.ts';
import { markerSource } from '../analysis/marker-source.ts';
import { DatasetStore } from '../storage/dataset-store.ts';
import { loadModelFiles, TINY_MODEL_NAME, type ModelBundle, type ModelLoadOptions } from '../model/load.ts';
import { tinyModelFiles } from '../model/tiny-model.ts';
import { blobModelFiles } from '../model/weights.ts';
import { lexicalSimilarity } from '../training/similarity.ts';
import { resolveSimilarity, type ResolvedSimilarity } from '../training/embedder.ts';
import type { OverrideMap } from './protocol.ts';
import type { HubModelChoice, ModelChoice, StartParams, TrainOptions } from './training-protocol.ts';
import { OpfsBlobDir } from '../hub/browser/opfs-dir.ts';
import { HUB_CACHE_DIR, snapshotModelFiles } from '../hub/browser/hub-cache.ts';
import type { PrecisionOptions } from '../model/base-precision.ts';

/** The files given, else the curriculum the studio saved (with its markers and overrides). */
export async function readInputs(p: StartParams, status: (message: string) => void) {
  const ds = await DatasetStore.open();
  try {
    const builder = new DatasetBuilder();
    if (p.files?.length) {
      for (const f of p.files) {
        status(`Reading ${f.name}`);
        await builder.addFile(f.name, 'bytes' in f ? chunksOf(new Uint8Array(f.bytes)) : streamChunks(f.file.stream() as ReadableStream<Uint8Array>));
      }
    } else {
      const stored = await ds.listFiles();
      if (!stored.length) throw new Error('No curriculum is saved in this browser: load your files (or the sample) in the Files tab first');
      for (const f of stored) {
        status(`Reading ${f.name} from this browser`);
        await builder.addFile(f.name, ds.readChunks(f.name), f.kind ?? undefined);
      }
    }
    const markers = parseMarkers(p.markersYaml ?? (await ds.getSetting<string>('markersYaml')) ?? defaultMarkersYaml, 'voice markers');
    const overrides = p.overrides ?? (await ds.getSetting<OverrideMap>('overrides')) ?? {};
    return {
      dataset: builder.build(),
      markers,
      markerSource: p.markerSource ?? { ...markerSource('edited', markers), label: 'saved in this browser' },
      overrides,
    };
  } finally {
    ds.close();
  }
}

/** The precision the run options ask the base weights in (the Model tab's choice); none: as stored. */
export function precisionOf(o: Pick<TrainOptions, 'dtype' | 'quantize'>): PrecisionOptions {
  return o.quantize === 'q4' ? { precision: 'q4' } : o.dtype ? { precision: o.dtype } : {};
}

export function loadModelChoice(model: ModelChoice, status: (message: string) => void, precision: ModelLoadOptions = {}): Promise<ModelBundle> {
  if (model.kind === 'tiny') {
    status('Generating the tiny model');
    return loadModelFiles(tinyModelFiles(0), TINY_MODEL_NAME, precision);
  }
  if (model.kind === 'hub') return loadHubChoice(model, status, precision);
  status(`Loading ${model.label} (${model.files.length} files)`);
  return loadModelFiles(blobModelFiles(new Map(model.files.map((f) => [f.name, f.file])), model.label), model.label, precision);
}

/** A Hub model from this browser's cache (OPFS), as the Model tab downloaded it; nothing is fetched here. */
async function loadHubChoice(model: HubModelChoice, status: (message: string) => void, precision: ModelLoadOptions): Promise<ModelBundle> {
  const dir = await OpfsBlobDir.open(HUB_CACHE_DIR);
  if (!dir) throw new Error(`${model.label}: this browser has no private file storage (OPFS) for the model cache: pick the model's folder instead`);
  status(`Loading ${model.label} from this browser's model cache`);
  return loadModelFiles(await snapshotModelFiles(dir, model.repoId, model.commit), model.repoId, precision);
}

export async function loadSimilarityChoice(choice: TrainOptions['similarity'], status: (message: string) => void): Promise<ResolvedSimilarity> {
  if (choice === 'lexical') {
    return {
      similarity: lexicalSimilarity(),
      reason: 'lexical similarity (cosine of word unigram+bigram counts, stopwords removed), chosen in the run options',
    };
  }
  status('Loading the sentence-embedding model (all-MiniLM-L6-v2; downloaded once, then cached)');
  return resolveSimilarity({ allowRemote: true });
}
