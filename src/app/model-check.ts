// What a picked model folder (or a Hub model's config and file list) is, checked when it is chosen,
// not at Start: name, architecture, parameters, dtype, tokenizer and chat template; one sentence on
// what is missing otherwise. Reads only config.json, the tokenizer config and the safetensors headers.
import { countModelParams, parseModelConfig, type ModelConfig } from '../model/hf-config.ts';

export interface ModelSummary {
  name: string;
  architecture: string;
  config: ModelConfig;
  parameters: number;
  /** The weights' stored dtype(s), e.g. 'BF16', from the safetensors headers (or config torch_dtype). */
  dtype: string;
  tokenizer: boolean;
  chatTemplate: boolean;
  /** Weight files: model.safetensors, or the shards the index names. */
  weightFiles: string[];
  /** What keeps it from training, one sentence each; empty when it can train. */
  problems: string[];
}

/** config.json's torch_dtype in the safetensors spelling the headers use. */
const TORCH_DTYPES: Record<string, string> = { float32: 'F32', bfloat16: 'BF16', float16: 'F16' };

const SHARD = /^model-\d{5}-of-\d{5}\.safetensors$/;

async function json(blob: Blob, where: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await blob.text()) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
}

/** The dtypes named in a safetensors header (reads the first 8 bytes and the header only). */
export async function safetensorsDtypes(blob: Blob, where: string): Promise<string[]> {
  const head = new DataView(await blob.slice(0, 8).arrayBuffer());
  if (head.byteLength < 8) throw new Error(`${where}: shorter than a safetensors header (${blob.size} bytes)`);
  const n = Number(head.getBigUint64(0, true));
  if (n > 100_000_000 || 8 + n > blob.size)
    throw new Error(`${where}: the header length (${n}) does not fit the file (${blob.size} bytes): not a safetensors file`);
  const header = await json(blob.slice(8, 8 + n), `${where} header`);
  const dtypes = new Set<string>();
  for (const [k, v] of Object.entries(header)) if (k !== '__metadata__') dtypes.add(String((v as { dtype?: unknown }).dtype));
  return [...dtypes].sort();
}

/** The summary of a model from its config.json object and what else is known about its files. */
export function describeModel(
  configJson: unknown,
  where: string,
  known: { name: string; weightFiles: string[]; dtypes: string[]; tokenizer: boolean; chatTemplate: boolean; problems?: string[] },
): ModelSummary {
  const config = parseModelConfig(configJson, `${where}/config.json`);
  const problems = [...(known.problems ?? [])];
  if (!known.weightFiles.length) problems.push(`${where} has no safetensors weights (model.safetensors, or shards with model.safetensors.index.json).`);
  if (!known.tokenizer) problems.push(`${where} has no tokenizer.json (the fast tokenizer's file), which training needs.`);
  if (!known.chatTemplate)
    problems.push(`${where} has no chat template (in tokenizer_config.json or chat_template.jinja): pick an instruct or chat model, which ships one.`);
  return {
    name: known.name,
    architecture: config.architectures[0] ?? config.modelType,
    config,
    parameters: countModelParams(config),
    dtype: known.dtypes.length ? known.dtypes.join(', ') : (TORCH_DTYPES[config.torchDtype ?? ''] ?? config.torchDtype ?? 'not stated'),
    tokenizer: known.tokenizer,
    chatTemplate: known.chatTemplate,
    weightFiles: known.weightFiles,
    problems,
  };
}

/** Checks a picked folder's files (by name). Throws one sentence when it is not a model folder at all. */
export async function checkModelFolder(label: string, files: Map<string, Blob>): Promise<ModelSummary> {
  const config = files.get('config.json');
  if (!config) throw new Error(`${label} has no config.json: pick the folder of a Hugging Face model (the one holding config.json and *.safetensors).`);
  const problems: string[] = [];
  let weightFiles: string[] = [];
  if (files.has('model.safetensors')) weightFiles = ['model.safetensors'];
  else if (files.has('model.safetensors.index.json')) {
    const index = await json(files.get('model.safetensors.index.json')!, `${label}/model.safetensors.index.json`);
    const named = [...new Set(Object.values((index.weight_map ?? {}) as Record<string, string>))];
    const missing = named.filter((f) => !files.has(f));
    if (missing.length) problems.push(`${label} lacks ${missing.join(', ')}, named in model.safetensors.index.json.`);
    weightFiles = named.filter((f) => files.has(f));
  } else weightFiles = [...files.keys()].filter((f) => SHARD.test(f));
  const dtypes = new Set<string>();
  for (const f of weightFiles.slice(0, 64)) for (const d of await safetensorsDtypes(files.get(f)!, `${label}/${f}`)) dtypes.add(d);
  const tc = files.get('tokenizer_config.json');
  const tcJson = tc ? await json(tc, `${label}/tokenizer_config.json`) : null;
  const chatTemplate = files.has('chat_template.jinja') || (tcJson?.chat_template !== undefined && tcJson.chat_template !== null);
  const cfg = await json(config, `${label}/config.json`);
  const name = typeof cfg._name_or_path === 'string' && cfg._name_or_path && !cfg._name_or_path.startsWith('/') ? cfg._name_or_path : label;
  return describeModel(cfg, label, { name, weightFiles, dtypes: [...dtypes], tokenizer: files.has('tokenizer.json'), chatTemplate, problems });
}
