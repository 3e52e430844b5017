// An adapter ready to save from the browser: its PEFT folder as one ustar archive, plus the two files.
import { loadPeftFiles } from './adapter-store.ts';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS } from './peft.ts';
import type { ArtifactStore } from './store.ts';
import { tar } from './tar.ts';

/** `tar` holds `{folder}/adapter_config.json` and `{folder}/adapter_model.safetensors`; `files` the two as they are. */
export interface AdapterDownload {
  key: string;
  folder: string;
  tar: ArrayBuffer;
  files: { name: string; bytes: ArrayBuffer }[];
}

export async function adapterDownload(store: ArtifactStore, key: string): Promise<AdapterDownload> {
  const peft = await loadPeftFiles(store, key);
  // adapters/unit-01/chapter-01/topic-02/sft_adapter → unit-01_chapter-01_topic-02_sft_adapter
  const folder = key.replace(/^(adapters|merged_adapters)\//, '').replace(/\//g, '_');
  const config = new TextEncoder().encode(peft[ADAPTER_CONFIG]);
  const weights = peft[ADAPTER_WEIGHTS];
  const archive = tar([
    { name: `${folder}/${ADAPTER_CONFIG}`, bytes: config },
    { name: `${folder}/${ADAPTER_WEIGHTS}`, bytes: weights },
  ]);
  return {
    key,
    folder,
    tar: archive.buffer as ArrayBuffer,
    files: [
      { name: ADAPTER_CONFIG, bytes: config.buffer as ArrayBuffer },
      { name: ADAPTER_WEIGHTS, bytes: weights.slice().buffer as ArrayBuffer },
    ],
  };
}

/** The buffers to transfer (not copy) to the page. */
export const downloadBuffers = (d: AdapterDownload): ArrayBuffer[] => [d.tar, ...d.files.map((f) => f.bytes)];
