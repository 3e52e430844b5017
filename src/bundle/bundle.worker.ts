// Worker entry of the studio's "Export for a GPU cluster": reads the curriculum the studio saved in
// IndexedDB, builds the TRL bundle and zips it off the main thread. One request per worker; the zip's
// buffer is transferred, not copied. (It lives beside the bundle builder it wraps, not in src/workers,
// because the analysis and training workers' protocols do not carry it.)
import pipelineYaml from '../../configs/training_pipeline.yaml?raw';
import { parsePipelineConfig } from '../config/pipeline-config.ts';
import { DatasetStore } from '../storage/dataset-store.ts';
import { studioBundle, type StudioBundleOptions } from './studio-bundle.ts';
import { zipBundle } from './zip.ts';

export type BundleRequest = StudioBundleOptions;
export type BundleReply = { ok: true; zip: Uint8Array; files: number } | { ok: false; error: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (e: MessageEvent<BundleRequest>) => {
  try {
    const pipeline = parsePipelineConfig(pipelineYaml, 'configs/training_pipeline.yaml');
    const files = await studioBundle(await DatasetStore.open(), pipeline, e.data);
    const zip = zipBundle(files);
    scope.postMessage({ ok: true, zip, files: files.length } satisfies BundleReply, [zip.buffer]);
  } catch (err) {
    scope.postMessage({ ok: false, error: (err as Error).message } satisfies BundleReply);
  }
};
