// Loading a model straight onto a backend: each tensor is uploaded the moment it has been read and converted,
// so the host holds one tensor at a time rather than the model (uploads go through buffers mapped at creation,
// which keep no reference to the host array). The embedding and LM head stay on the host when one binding
// cannot hold them: the decoder uploads those in row parts.
import type { Backend, Tensor } from '../engine/backend.ts';
import { loadModelFolder, type LoadedModel, type LoadOptions, type ModelFiles } from './weights.ts';
import type { HostTensor } from './base-precision.ts';

export interface DeviceModel<T> {
  model: LoadedModel;
  /** The tensors already on the backend, by HF name; pass as `device` to the Decoder, which takes them over. */
  device: Map<string, T>;
}

function bytesOf(t: HostTensor): number {
  return 'f32' in t ? t.f32.byteLength : t.packed.words.byteLength;
}

const VOCAB = new Set(['model.embed_tokens.weight', 'lm_head.weight']);

/** Loads a model folder onto `be` tensor by tensor; on failure nothing it uploaded stays on the backend. */
export async function loadOntoBackend<T extends Tensor>(be: Backend<T>, files: ModelFiles, opts: LoadOptions = {}): Promise<DeviceModel<T>> {
  const device = new Map<string, T>();
  const sink = async (name: string, host: HostTensor, shape: number[]): Promise<boolean> => {
    if (VOCAB.has(name) && bytesOf(host) > be.maxTensorBytes) return false; // split by the decoder
    device.set(name, 'f32' in host ? be.upload(host.f32, shape) : be.uploadPacked(host.packed.words, shape, host.packed.format));
    return true;
  };
  try {
    const model = await loadModelFolder(files, { ...opts, sink });
    return { model, device };
  } catch (err) {
    for (const t of device.values()) be.release(t);
    throw err;
  }
}
