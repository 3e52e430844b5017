// Hugging Face PEFT LoRA adapters: export as save_pretrained writes them, validated import, and merging into weights.
import type { ModelConfig } from '../model/hf-config.ts';
import {
  LORA_TARGETS,
  loraDelta,
  loraModulePath,
  targetDims,
  targetParent,
  type LoraAdapter,
  type LoraConfig,
  type LoraLayer,
  type LoraTarget,
} from '../model/lora-types.ts';
import { parseSafetensors, readTensorF32, writeSafetensors, type WritableTensor } from '../model/safetensors.ts';

export const ADAPTER_CONFIG = 'adapter_config.json';
export const ADAPTER_WEIGHTS = 'adapter_model.safetensors';

export interface PeftFiles {
  'adapter_config.json': string;
  'adapter_model.safetensors': Uint8Array;
}

/**
 * A reward model's scalar head as PEFT saves a LoRA on AutoModelForSequenceClassification (task_type
 * SEQ_CLS, the head in modules_to_save): `score.weight` (1, C), no bias, as Llama/Qwen/Gemma's
 * *ForSequenceClassification define it.
 */
export const SCORE_KEY = 'base_model.model.score.weight';
const HEAD_MODULES = ['classifier', 'score'];

const KEY_RE = /^base_model\.model\.model\.layers\.(\d+)\.(self_attn|mlp)\.([a-z_]+)\.lora_([AB])\.weight$/;

function peftKey(path: string, ab: 'A' | 'B'): string {
  return `base_model.model.model.${path}.lora_${ab}.weight`;
}

/** The adapter_config.json object PEFT's LoraConfig.save_pretrained writes (keys sorted, as json.dumps(sort_keys=True)). */
function adapterConfigObject(cfg: LoraConfig, baseModelName: string, seqCls = false): Record<string, unknown> {
  const obj: Record<string, unknown> = {
    alpha_pattern: {},
    auto_mapping: null,
    base_model_name_or_path: baseModelName,
    bias: 'none',
    eva_config: null,
    exclude_modules: null,
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    layer_replication: null,
    layers_pattern: null,
    layers_to_transform: null,
    loftq_config: {},
    lora_alpha: cfg.alpha,
    lora_bias: false,
    lora_dropout: cfg.dropout,
    megatron_config: null,
    megatron_core: 'megatron.core',
    modules_to_save: seqCls ? ['score'] : null,
    peft_type: 'LORA',
    r: cfg.r,
    rank_pattern: {},
    revision: null,
    target_modules: [...cfg.targetModules].sort(),
    task_type: seqCls ? 'SEQ_CLS' : 'CAUSAL_LM',
    use_dora: false,
    use_rslora: cfg.useRslora,
  };
  return Object.fromEntries(
    Object.keys(obj)
      .sort()
      .map((k) => [k, obj[k]]),
  );
}

/**
 * The two files of a PEFT adapter folder, byte-deterministic for the same adapter. With `score` (a
 * reward model's head, C values) the folder is a sequence-classification adapter: transformers'
 * AutoModelForSequenceClassification(num_labels=1) + PeftModel.from_pretrained loads LoRA and head.
 */
export function exportPeft(adapter: LoraAdapter, baseModelName = adapter.baseModel, score?: Float32Array): PeftFiles {
  const tensors: Record<string, WritableTensor> = {};
  const r = adapter.config.r;
  for (const [path, l] of adapter.layers) {
    if (!KEY_RE.test(peftKey(path, 'A'))) throw new Error(`exportPeft: '${path}' is not a module path of the form layers.{i}.{self_attn|mlp}.{module}`);
    if (l.A.length !== r * l.inFeatures || l.B.length !== l.outFeatures * r) {
      throw new Error(`exportPeft: ${path}: A has ${l.A.length} values, B ${l.B.length}; expected r·in = ${r * l.inFeatures} and out·r = ${l.outFeatures * r}`);
    }
    tensors[peftKey(path, 'A')] = { dtype: 'F32', shape: [r, l.inFeatures], data: l.A };
    tensors[peftKey(path, 'B')] = { dtype: 'F32', shape: [l.outFeatures, r], data: l.B };
  }
  if (score) tensors[SCORE_KEY] = { dtype: 'F32', shape: [1, score.length], data: score };
  return {
    'adapter_config.json': JSON.stringify(adapterConfigObject(adapter.config, baseModelName, !!score), null, 2),
    'adapter_model.safetensors': writeSafetensors(tensors, { format: 'pt' }),
  };
}

function field(cfg: Record<string, unknown>, key: string): unknown {
  return cfg[key];
}

function parseAdapterConfig(text: string, where: string): { config: LoraConfig; baseModel: string; targets: Set<string> | null; seqCls: boolean } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${where}: expected a JSON object`);
  const c = raw as Record<string, unknown>;
  const bad = (key: string, expected: string): never => {
    throw new Error(`${where}: ${key}: expected ${expected}, got ${JSON.stringify(field(c, key))}`);
  };
  if (c.peft_type !== 'LORA') bad('peft_type', '"LORA"');
  if (c.task_type !== 'CAUSAL_LM' && c.task_type !== 'SEQ_CLS') bad('task_type', '"CAUSAL_LM" (or "SEQ_CLS" for a reward model)');
  const seqCls = c.task_type === 'SEQ_CLS';
  const r = c.r;
  if (typeof r !== 'number' || !Number.isInteger(r) || r <= 0) bad('r', 'a positive integer');
  const alpha = c.lora_alpha ?? 8;
  if (typeof alpha !== 'number' || !(alpha > 0)) bad('lora_alpha', 'a positive number');
  const dropout = c.lora_dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) bad('lora_dropout', 'a number in [0, 1)');
  if ((c.bias ?? 'none') !== 'none') bad('bias', '"none" (bias training is not supported)');
  if (c.fan_in_fan_out === true) bad('fan_in_fan_out', 'false (Conv1D-style weights are not supported)');
  if (c.use_dora === true) bad('use_dora', 'false (DoRA is not supported)');
  for (const key of ['rank_pattern', 'alpha_pattern']) {
    const v = c[key];
    if (v !== undefined && v !== null && (typeof v !== 'object' || Object.keys(v as object).length))
      bad(key, 'an empty object (per-module ranks are not supported)');
  }
  const mts = c.modules_to_save;
  const headOnly = Array.isArray(mts) && mts.every((m) => HEAD_MODULES.includes(m as string));
  if (mts !== undefined && mts !== null && !(Array.isArray(mts) && mts.length === 0) && !(seqCls && headOnly)) {
    bad(
      'modules_to_save',
      seqCls
        ? `null or a subset of ${JSON.stringify(HEAD_MODULES)} (only the classification head may be trained in full)`
        : 'null (full-module training is not supported)',
    );
  }
  const rs = c.use_rslora ?? false;
  if (typeof rs !== 'boolean') bad('use_rslora', 'true or false');
  const base = c.base_model_name_or_path ?? '';
  if (typeof base !== 'string') bad('base_model_name_or_path', 'a string');
  let targets: Set<string> | null = null;
  const tm = c.target_modules;
  if (Array.isArray(tm)) {
    if (!tm.every((t) => typeof t === 'string')) bad('target_modules', 'a list of module names');
    for (const t of tm as string[]) {
      if (!(LORA_TARGETS as readonly string[]).includes(t)) {
        throw new Error(`${where}: target_modules: unknown module '${t}' (supported: ${LORA_TARGETS.join(', ')})`);
      }
    }
    targets = new Set(tm as string[]);
  } else if (typeof tm !== 'string') {
    bad('target_modules', 'a list of module names or a pattern string');
  }
  return {
    config: { r: r as number, alpha: alpha as number, dropout: dropout as number, targetModules: [], useRslora: rs as boolean },
    baseModel: base as string,
    targets,
    seqCls,
  };
}

function sameBase(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().replace(/\/+$/, '');
  return norm(a) === norm(b);
}

/**
 * Reads a PEFT LoRA adapter and checks it against the model: peft/task type, base model name,
 * every key a known module of an existing layer, A and B both present, shapes (r, in) / (out, r)
 * matching the model and the config's r. Throws on the first problem; returns nothing partial.
 */
export function importPeft(files: PeftFiles, modelConfig: ModelConfig, expectedBase?: string, label = 'adapter'): LoraAdapter {
  const cfgWhere = `${label}/${ADAPTER_CONFIG}`;
  const wWhere = `${label}/${ADAPTER_WEIGHTS}`;
  if (typeof files[ADAPTER_CONFIG] !== 'string') throw new Error(`${cfgWhere}: missing`);
  if (!(files[ADAPTER_WEIGHTS] instanceof Uint8Array)) throw new Error(`${wWhere}: missing`);
  const { config, baseModel, targets, seqCls } = parseAdapterConfig(files[ADAPTER_CONFIG], cfgWhere);
  if (expectedBase !== undefined && !sameBase(baseModel, expectedBase)) {
    throw new Error(`${cfgWhere}: base_model_name_or_path is '${baseModel}', but this adapter is being loaded onto '${expectedBase}'`);
  }
  const tensors = parseSafetensors(files[ADAPTER_WEIGHTS], wWhere);
  const halves = new Map<string, { A?: Float32Array; B?: Float32Array; target: LoraTarget }>();
  for (const [key, entry] of tensors) {
    if (key === SCORE_KEY && seqCls) continue; // the head: readPeftScore
    const m = KEY_RE.exec(key);
    if (!m)
      throw new Error(`${wWhere}: tensor '${key}' is not a LoRA key of the form base_model.model.model.layers.{i}.{self_attn|mlp}.{module}.lora_{A|B}.weight`);
    const layer = Number(m[1]);
    const parent = m[2];
    const target = m[3] as LoraTarget;
    const ab = m[4] as 'A' | 'B';
    if (!(LORA_TARGETS as readonly string[]).includes(target))
      throw new Error(`${wWhere}: tensor '${key}': unknown module '${target}' (supported: ${LORA_TARGETS.join(', ')})`);
    if (targetParent(target) !== parent) throw new Error(`${wWhere}: tensor '${key}': ${target} belongs under ${targetParent(target)}, not ${parent}`);
    if (layer >= modelConfig.numLayers)
      throw new Error(`${wWhere}: tensor '${key}': layer ${layer} does not exist (the model has ${modelConfig.numLayers} layers)`);
    if (targets && !targets.has(target))
      throw new Error(`${wWhere}: tensor '${key}': module '${target}' is not in target_modules [${[...targets].join(', ')}]`);
    const { inFeatures, outFeatures } = targetDims(modelConfig, target);
    const want = ab === 'A' ? [config.r, inFeatures] : [outFeatures, config.r];
    if (entry.shape.length !== 2 || entry.shape[0] !== want[0] || entry.shape[1] !== want[1]) {
      const rNote = ab === 'A' ? entry.shape[0] !== config.r : entry.shape[1] !== config.r;
      throw new Error(
        `${wWhere}: tensor '${key}' has shape [${entry.shape.join(', ')}], expected [${want.join(', ')}]` +
          (rNote ? ` (adapter_config.json says r = ${config.r})` : ` (the model's ${target} is ${outFeatures} × ${inFeatures})`),
      );
    }
    const path = loraModulePath(layer, target);
    const slot = halves.get(path) ?? { target };
    slot[ab] = readTensorF32(entry, `${wWhere}: tensor '${key}'`);
    halves.set(path, slot);
  }
  if (halves.size === 0) throw new Error(`${wWhere}: contains no LoRA tensors`);
  const layers = new Map<string, LoraLayer>();
  const used = new Set<LoraTarget>();
  for (const path of [...halves.keys()].sort(comparePaths)) {
    const h = halves.get(path)!;
    if (!h.A || !h.B) throw new Error(`${wWhere}: ${path} has lora_${h.A ? 'A' : 'B'} but no lora_${h.A ? 'B' : 'A'}`);
    const { inFeatures, outFeatures } = targetDims(modelConfig, h.target);
    layers.set(path, { A: h.A, B: h.B, inFeatures, outFeatures });
    used.add(h.target);
  }
  const targetModules = LORA_TARGETS.filter((t) => used.has(t) || targets?.has(t));
  return { config: { ...config, targetModules }, baseModel, layers };
}

/**
 * The scalar head of a sequence-classification adapter (score.weight as C values), null when the
 * adapter has none; checked against the model's hidden size and a single label.
 */
export function readPeftScore(files: PeftFiles, modelConfig: ModelConfig, label = 'adapter'): Float32Array | null {
  const wWhere = `${label}/${ADAPTER_WEIGHTS}`;
  const entry = parseSafetensors(files[ADAPTER_WEIGHTS], wWhere).get(SCORE_KEY);
  if (!entry) return null;
  const C = modelConfig.hiddenSize;
  if (entry.shape.length !== 2 || entry.shape[0] !== 1 || entry.shape[1] !== C) {
    throw new Error(
      `${wWhere}: tensor '${SCORE_KEY}' has shape [${entry.shape.join(', ')}], expected [1, ${C}] (one reward score over the model's hidden size)`,
    );
  }
  return readTensorF32(entry, `${wWhere}: tensor '${SCORE_KEY}'`);
}

/** Orders 'layers.{i}.{parent}.{target}' by layer number, then target order. */
function comparePaths(a: string, b: string): number {
  const [, la, , ta] = a.split('.');
  const [, lb, , tb] = b.split('.');
  return Number(la) - Number(lb) || LORA_TARGETS.indexOf(ta as LoraTarget) - LORA_TARGETS.indexOf(tb as LoraTarget);
}

/**
 * Base weights with the adapter fused in by PEFT's rule W += scale · B·A (W is (out, in)).
 * Returns a new map: merged projections are new arrays, the other entries are the same arrays.
 */
export function mergeLoraIntoWeights(weights: Map<string, Float32Array>, adapter: LoraAdapter): Map<string, Float32Array> {
  const out = new Map(weights);
  for (const [path, l] of adapter.layers) {
    const name = `model.${path}.weight`;
    const W = weights.get(name);
    if (!W) throw new Error(`mergeLoraIntoWeights: base weight '${name}' not found`);
    if (W.length !== l.outFeatures * l.inFeatures) {
      throw new Error(`mergeLoraIntoWeights: '${name}' has ${W.length} values, the adapter expects ${l.outFeatures} × ${l.inFeatures}`);
    }
    const merged = loraDelta(adapter, path);
    for (let j = 0; j < merged.length; j++) merged[j] += W[j];
    out.set(name, merged);
  }
  return out;
}

/** Node: writes adapter_config.json and adapter_model.safetensors into `dir` (created if needed). */
export async function writePeftFolder(dir: string, files: PeftFiles): Promise<void> {
  const fs = await import('node:fs/promises');
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(`${dir}/${ADAPTER_CONFIG}`, files[ADAPTER_CONFIG]);
  await fs.writeFile(`${dir}/${ADAPTER_WEIGHTS}`, files[ADAPTER_WEIGHTS]);
}

/** Node: reads the two adapter files from `dir`, naming the missing one when absent. */
export async function readPeftFolder(dir: string): Promise<PeftFiles> {
  const fs = await import('node:fs/promises');
  const read = async (name: string) => {
    try {
      return await fs.readFile(`${dir}/${name}`);
    } catch {
      throw new Error(`${dir}: ${name} is missing (a PEFT adapter folder holds ${ADAPTER_CONFIG} and ${ADAPTER_WEIGHTS})`);
    }
  };
  const [config, weights] = [await read(ADAPTER_CONFIG), await read(ADAPTER_WEIGHTS)];
  return { [ADAPTER_CONFIG]: config.toString('utf8'), [ADAPTER_WEIGHTS]: new Uint8Array(weights) };
}

/** Node: reads and validates the PEFT adapter folder `dir` against the model (see importPeft). */
export async function importPeftFolder(dir: string, modelConfig: ModelConfig, expectedBase?: string): Promise<LoraAdapter> {
  return importPeft(await readPeftFolder(dir), modelConfig, expectedBase, dir);
}
