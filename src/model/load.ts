// Loads a model and its tokenizer by name: 'tiny' (the generated tiny model, in memory), a local
// Hugging Face folder, or a Hub id `ORG/NAME[@REV]` (Node: from the Hugging Face cache, downloading
// what is missing). Browser-safe: Node modules are only reached through dynamic imports.
import { parseHubId } from '../hub/hub-id.ts';
import { parseModelConfig } from './hf-config.ts';
import { TINY_ARCHS, tinyModelFiles, type TinyArch } from './tiny-model.ts';
import { Tokenizer } from './tokenizer.ts';
import { loadModelFolder, nodeModelFiles, type LoadedModel, type ModelFiles } from './weights.ts';
import type { PrecisionOptions } from './base-precision.ts';
import type { Backend, Tensor } from '../engine/backend.ts';
import { loadOntoBackend } from './device-load.ts';

export const TINY_MODEL_NAME = 'tiny';

export interface ModelBundle {
  model: LoadedModel;
  tokenizer: Tokenizer;
  /** The name adapters record as base_model_name_or_path: 'tiny' or the folder path as given. */
  name: string;
  /** Weights already uploaded to the backend the model was loaded for (loadOntoBackend); the decoder takes them over. */
  device?: Map<string, Tensor>;
}

/** How a model is loaded: its weights' precision, and optionally the backend to upload them to while reading. */
export interface ModelLoadOptions extends PrecisionOptions {
  /** Upload each tensor to this backend as soon as it is read: the host never holds the whole model. */
  backend?: Backend<Tensor>;
}

/** Weights and tokenizer from any ModelFiles source (browser file maps, OPFS, memory). */
export async function loadModelFiles(files: ModelFiles, name = files.label, opts: ModelLoadOptions = {}): Promise<ModelBundle> {
  const { backend, ...precision } = opts;
  const tokenizer = await Tokenizer.fromFiles(files);
  if (!backend) return { model: await loadModelFolder(files, precision), tokenizer, name };
  const { model, device } = await loadOntoBackend(backend, files, precision);
  return { model, tokenizer, name, device };
}

/** How a Hub id is fetched (Node). */
export interface HubLoadOptions {
  /** An access token for gated or private models (else HF_TOKEN, else the `hf auth login` token file). */
  token?: string;
}

/**
 * 'tiny' (or 'tiny-qwen3', ...) → the generated tiny model of that architecture (seed 0); a local HF
 * model folder (Node); else `ORG/NAME[@REV]` → the Hub model through the Hugging Face cache (Node).
 */
export async function loadModel(dirOrTiny: string, hub: HubLoadOptions = {}, precision: ModelLoadOptions = {}): Promise<ModelBundle> {
  if (dirOrTiny === TINY_MODEL_NAME) return loadModelFiles(tinyModelFiles(0), TINY_MODEL_NAME, precision);
  const arch = dirOrTiny.startsWith(`${TINY_MODEL_NAME}-`) ? dirOrTiny.slice(TINY_MODEL_NAME.length + 1) : null;
  if (arch && (TINY_ARCHS as readonly string[]).includes(arch)) return loadModelFiles(tinyModelFiles(0, arch as TinyArch), dirOrTiny, precision);
  const dir = dirOrTiny.replace(/(.)\/+$/, '$1');
  const fs = await import('node:fs/promises');
  const stat = await fs.stat(dir).catch(() => null);
  const hubId = stat ? null : parseHubId(dirOrTiny);
  if (hubId) {
    // A local folder of that name wins; otherwise the id goes to the Hub (cache first).
    const { resolveHubModel, snapshotModelFiles } = await import('../hub/resolve.ts');
    // The architecture is checked on config.json before any weights are fetched.
    const { dir: snapshot } = await resolveHubModel(hubId, { token: hub.token, checkConfig: (json, file) => void parseModelConfig(json, file) });
    return loadModelFiles(snapshotModelFiles(snapshot), hubId.repoId, precision);
  }
  if (!stat)
    throw new Error(`${dir}: no such model folder (give a Hugging Face model folder, a Hub id ORG/NAME[@REVISION], or 'tiny' for the generated tiny model)`);
  if (!stat.isDirectory()) throw new Error(`${dir}: not a folder (a Hugging Face model folder holds config.json, *.safetensors and tokenizer files)`);
  return loadModelFiles(nodeModelFiles(dir), dir, precision);
}
