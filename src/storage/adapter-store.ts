// Adapters in an ArtifactStore under the curriculum's keys, each a PEFT folder (adapter_config.json +
// adapter_model.safetensors) plus metrics.json, and head.safetensors for non-LoRA tensors (scalar heads).
import type { ModelConfig } from '../model/hf-config.ts';
import type { LoraAdapter } from '../model/lora-types.ts';
import { parseSafetensors, readTensorF32, writeSafetensors, type WritableTensor } from '../model/safetensors.ts';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS, exportPeft, importPeft, readPeftScore, type PeftFiles } from './peft.ts';
import { checkKey, type ArtifactStore } from './store.ts';

export const ADAPTER_PHASES = ['sft', 'reward', 'ppo', 'dpo'] as const;
export type AdapterPhase = (typeof ADAPTER_PHASES)[number];

export const METRICS_FILE = 'metrics.json';
export const HEAD_FILE = 'head.safetensors';
export const ADAPTERS_ROOT = 'adapters';
export const MERGED_ROOT = 'merged_adapters';

/** Non-LoRA trainable tensors saved beside an adapter, e.g. a reward/value head `score.weight` (1, C). */
export type HeadTensors = Record<string, { shape: number[]; data: Float32Array }>;

export type JsonObject = Record<string, unknown>;

export interface StoredAdapter {
  key: string;
  adapter: LoraAdapter;
  metrics: JsonObject;
  head: HeadTensors | null;
}

export type AdapterEntry = { key: string; kind: 'topic'; topicId: string; phase: AdapterPhase } | { key: string; kind: 'merged'; unit: string };

const TOPIC_RE = new RegExp(`^${ADAPTERS_ROOT}/(.+)/(${ADAPTER_PHASES.join('|')})_adapter$`);
const MERGED_RE = new RegExp(`^${MERGED_ROOT}/([^/]+)_merged$`);

/** 'adapters/{source path}/{phase}_adapter', e.g. adapters/unit-01/chapter-01/topic-01/sft_adapter. */
export function adapterKey(topicId: string, phase: AdapterPhase): string {
  checkKey(topicId, 'adapterKey: topic id');
  if (!(ADAPTER_PHASES as readonly string[]).includes(phase)) throw new Error(`adapterKey: phase '${phase}': expected one of ${ADAPTER_PHASES.join(', ')}`);
  if (/(^|\/)[a-z]+_adapter$/.test(topicId))
    throw new Error(`adapterKey: topic id '${topicId}' ends in an '*_adapter' segment, which would be read back as a phase`);
  return `${ADAPTERS_ROOT}/${topicId}/${phase}_adapter`;
}

/** 'merged_adapters/{unit}_merged'; the unit is one path segment such as 'unit-01'. */
export function mergedKey(unit: string): string {
  checkKey(unit, 'mergedKey: unit');
  if (unit.includes('/')) throw new Error(`mergedKey: unit '${unit}': expected one path segment (e.g. 'unit-01')`);
  return `${MERGED_ROOT}/${unit}_merged`;
}

function encodeHead(head: HeadTensors, key: string): Uint8Array {
  const tensors: Record<string, WritableTensor> = {};
  for (const [name, t] of Object.entries(head)) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (!(t.data instanceof Float32Array) || t.data.length !== count) {
      throw new Error(`saveAdapter: ${key}/${HEAD_FILE}: tensor '${name}' has ${t.data?.length} values, shape [${t.shape.join(', ')}] needs ${count}`);
    }
    tensors[name] = { dtype: 'F32', shape: t.shape, data: t.data };
  }
  return writeSafetensors(tensors, { format: 'pt' });
}

/**
 * Writes the adapter folder `key` in one durable group: the two PEFT files (pure PEFT, loadable by
 * PEFT as they are), metrics.json and, when given, head.safetensors. A head left from an earlier
 * save of the same key is removed when none is given now.
 */
export async function saveAdapterAt(store: ArtifactStore, key: string, adapter: LoraAdapter, metrics: JsonObject, head?: HeadTensors): Promise<void> {
  checkKey(key, 'saveAdapter');
  // A scalar head's score.weight goes into the PEFT files (SEQ_CLS, loadable by transformers); anything
  // else (none today) stays in head.safetensors.
  const { 'score.weight': score, ...rest } = head ?? {};
  if (score && (score.shape.length !== 2 || score.shape[0] !== 1 || score.data.length !== score.shape[1])) {
    throw new Error(`saveAdapter: ${key}: score.weight has shape [${score.shape.join(', ')}], expected [1, C]`);
  }
  head = Object.keys(rest).length ? rest : undefined;
  const peft = exportPeft(adapter, adapter.baseModel, score?.data);
  const entries: Array<[string, string | Uint8Array]> = [
    [`${key}/${ADAPTER_CONFIG}`, peft[ADAPTER_CONFIG]],
    [`${key}/${ADAPTER_WEIGHTS}`, peft[ADAPTER_WEIGHTS]],
    [`${key}/${METRICS_FILE}`, JSON.stringify(metrics, null, 2)],
  ];
  if (head && Object.keys(head).length) entries.push([`${key}/${HEAD_FILE}`, encodeHead(head, key)]);
  await store.putMany(entries, { durable: true });
  if (!head && (await store.has(`${key}/${HEAD_FILE}`))) await store.delete(`${key}/${HEAD_FILE}`);
}

/** Saves a topic's phase adapter under adapterKey(topicId, phase); returns the key. */
export async function saveAdapter(
  store: ArtifactStore,
  topicId: string,
  phase: AdapterPhase,
  adapter: LoraAdapter,
  metrics: JsonObject,
  head?: HeadTensors,
): Promise<string> {
  const key = adapterKey(topicId, phase);
  await saveAdapterAt(store, key, adapter, metrics, head);
  return key;
}

/** Saves a unit's merged adapter under mergedKey(unit); returns the key. */
export async function saveMerged(store: ArtifactStore, unit: string, adapter: LoraAdapter, metrics: JsonObject): Promise<string> {
  const key = mergedKey(unit);
  await saveAdapterAt(store, key, adapter, metrics);
  return key;
}

/** The two PEFT files of a stored adapter (what a download or `writePeftFolder` needs). */
export async function loadPeftFiles(store: ArtifactStore, key: string): Promise<PeftFiles> {
  checkKey(key, 'loadPeftFiles');
  const [config, weights] = await Promise.all([store.getText(`${key}/${ADAPTER_CONFIG}`), store.get(`${key}/${ADAPTER_WEIGHTS}`)]);
  if (config === null || weights === null) {
    const have = await store.list(key);
    if (have.length === 0) throw new Error(`loadAdapter: no adapter stored at '${key}'`);
    throw new Error(
      `loadAdapter: '${key}' is incomplete: ${config === null ? ADAPTER_CONFIG : ADAPTER_WEIGHTS} is missing (found ${have.map((k) => k.slice(key.length + 1)).join(', ')})`,
    );
  }
  return { [ADAPTER_CONFIG]: config, [ADAPTER_WEIGHTS]: weights };
}

/**
 * Loads and validates the adapter at `key` against the model (see importPeft), with its metrics
 * ({} when metrics.json is absent, e.g. an imported adapter) and head (null when absent).
 */
export async function loadAdapter(store: ArtifactStore, key: string, modelConfig: ModelConfig, expectedBase?: string): Promise<StoredAdapter> {
  const files = await loadPeftFiles(store, key);
  const adapter = importPeft(files, modelConfig, expectedBase, key);
  const score = readPeftScore(files, modelConfig, key);
  const metricsText = await store.getText(`${key}/${METRICS_FILE}`);
  let metrics: JsonObject = {};
  if (metricsText !== null) {
    try {
      metrics = JSON.parse(metricsText) as JsonObject;
    } catch (e) {
      throw new Error(`loadAdapter: ${key}/${METRICS_FILE}: not valid JSON: ${(e as Error).message}`);
    }
    if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics))
      throw new Error(`loadAdapter: ${key}/${METRICS_FILE}: expected a JSON object`);
  }
  const headBytes = await store.get(`${key}/${HEAD_FILE}`);
  let head: HeadTensors | null = null;
  if (headBytes !== null) {
    const where = `${key}/${HEAD_FILE}`;
    head = {};
    for (const [name, entry] of parseSafetensors(headBytes, where)) {
      head[name] = { shape: entry.shape, data: readTensorF32(entry, `${where}: tensor '${name}'`) };
    }
  }
  if (score) (head ??= {})['score.weight'] = { shape: [1, score.length], data: score };
  return { key, adapter, metrics, head };
}

/** Every stored topic and merged adapter (those with an adapter_config.json), sorted by key. */
export async function listAdapters(store: ArtifactStore): Promise<AdapterEntry[]> {
  const out: AdapterEntry[] = [];
  const suffix = `/${ADAPTER_CONFIG}`;
  const keys = [...(await store.list(ADAPTERS_ROOT)), ...(await store.list(MERGED_ROOT))];
  for (const file of keys) {
    if (!file.endsWith(suffix)) continue;
    const key = file.slice(0, -suffix.length);
    const t = TOPIC_RE.exec(key);
    if (t) {
      out.push({ key, kind: 'topic', topicId: t[1], phase: t[2] as AdapterPhase });
      continue;
    }
    const m = MERGED_RE.exec(key);
    if (m) out.push({ key, kind: 'merged', unit: m[1] });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Removes a stored adapter folder; returns how many files went. */
export async function deleteAdapter(store: ArtifactStore, key: string): Promise<number> {
  if (!TOPIC_RE.test(key) && !MERGED_RE.test(key))
    throw new Error(`deleteAdapter: '${key}' is not an adapter key (adapters/{source}/{phase}_adapter or merged_adapters/{unit}_merged)`);
  return store.delete(key);
}
