// Training checkpoints in an ArtifactStore: every float tensor (adapters, heads, AdamW m/v) in one
// safetensors file, everything else in state.json, made current by a small pointer written last.
import type { LoraAdapter, LoraConfig, LoraLayer } from '../model/lora-types.ts';
import { parseSafetensors, readTensorF32, writeSafetensors, type WritableTensor } from '../model/safetensors.ts';
import { checkKey, type ArtifactStore } from './store.ts';

export interface OptimizerState {
  step: number; // AdamW steps taken (bias correction)
  m: Float32Array; // (P) first moments
  v: Float32Array; // (P) second moments
}

export interface DataPosition {
  epoch: number;
  batchIndex: number; // next batch to run within the epoch
  order: number[]; // this epoch's shuffled example order
}

export interface CheckpointPosition {
  topicIndex: number; // position in curriculum order
  topicId: string;
  phase: string; // sft | reward | ppo | dpo | eval
  attempt: number;
  step: number; // optimizer steps done in this phase
}

export interface Checkpoint {
  position: CheckpointPosition;
  /** Trainable LoRA adapters by role (policy, reward, value, ...). */
  adapters: Record<string, LoraAdapter>;
  /** Other trainable tensors by name (scalar heads). */
  tensors: Record<string, { shape: number[]; data: Float32Array }>;
  /** AdamW state by optimizer name. */
  optimizers: Record<string, OptimizerState>;
  schedulerStep: number;
  /** Rng.state of each generator by name. */
  rng: Record<string, number>;
  data: DataPosition;
  /** Metric records logged so far (JSON). */
  metrics: unknown[];
  /** Any other JSON state: early stopping, the KL controller, completed topics. */
  extra: Record<string, unknown>;
}

export const STATE_FILE = 'state.json';
export const TENSORS_FILE = 'tensors.safetensors';
const FORMAT = 'mindprint-checkpoint';
const VERSION = 1;

/** 'checkpoints/{runId}': everything of one run's checkpoints. */
export function checkpointRoot(runId: string): string {
  checkKey(runId, 'checkpoint: run id');
  if (runId.includes('/')) throw new Error(`checkpoint: run id '${runId}': expected one path segment`);
  return `checkpoints/${runId}`;
}

/** The pointer naming the current checkpoint; written last, durably. */
export function currentKey(runId: string): string {
  return `${checkpointRoot(runId)}/current.json`;
}

interface Pointer {
  format: string;
  version: number;
  seq: number;
  dir: string;
  files: Record<string, { bytes: number; sha256: string }>;
  position: CheckpointPosition;
  savedAt: string;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The exact bytes of a Float32Array (a view on little-endian hosts, so NaN payloads survive). */
function rawF32(data: Float32Array): Float32Array | Uint8Array {
  return littleEndian ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function checkName(name: string, what: string): void {
  if (!name || name.includes('/')) throw new Error(`saveCheckpoint: ${what} name '${name}' must be non-empty and contain no '/'`);
}

/** Splits a checkpoint into its JSON state and its tensors (names: adapter/{role}/{module}/{A|B}, tensor/{name}, optimizer/{name}/{m|v}). */
function encode(ckpt: Checkpoint): { state: string; tensors: Uint8Array } {
  const tensors: Record<string, WritableTensor> = {};
  const adapters: Record<string, unknown> = {};
  for (const [role, a] of Object.entries(ckpt.adapters)) {
    checkName(role, 'adapter');
    const modules: Array<{ path: string; inFeatures: number; outFeatures: number }> = [];
    for (const [path, l] of a.layers) {
      const r = a.config.r;
      if (l.A.length !== r * l.inFeatures || l.B.length !== l.outFeatures * r) {
        throw new Error(`saveCheckpoint: adapter '${role}', ${path}: A has ${l.A.length} values, B ${l.B.length}; expected ${r * l.inFeatures} and ${l.outFeatures * r}`);
      }
      modules.push({ path, inFeatures: l.inFeatures, outFeatures: l.outFeatures });
      tensors[`adapter/${role}/${path}/A`] = { dtype: 'F32', shape: [r, l.inFeatures], data: rawF32(l.A) };
      tensors[`adapter/${role}/${path}/B`] = { dtype: 'F32', shape: [l.outFeatures, r], data: rawF32(l.B) };
    }
    adapters[role] = { config: a.config, baseModel: a.baseModel, modules };
  }
  const tensorShapes: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(ckpt.tensors)) {
    checkName(name, 'tensor');
    tensorShapes[name] = t.shape;
    tensors[`tensor/${name}`] = { dtype: 'F32', shape: t.shape, data: rawF32(t.data) };
  }
  const optimizers: Record<string, { step: number }> = {};
  for (const [name, o] of Object.entries(ckpt.optimizers)) {
    checkName(name, 'optimizer');
    if (o.m.length !== o.v.length) throw new Error(`saveCheckpoint: optimizer '${name}': m has ${o.m.length} values, v ${o.v.length}`);
    optimizers[name] = { step: o.step };
    tensors[`optimizer/${name}/m`] = { dtype: 'F32', shape: [o.m.length], data: rawF32(o.m) };
    tensors[`optimizer/${name}/v`] = { dtype: 'F32', shape: [o.v.length], data: rawF32(o.v) };
  }
  const state = {
    format: FORMAT, version: VERSION, position: ckpt.position, adapters, tensors: tensorShapes, optimizers,
    schedulerStep: ckpt.schedulerStep, rng: ckpt.rng, data: ckpt.data, metrics: ckpt.metrics, extra: ckpt.extra,
  };
  return { state: JSON.stringify(state), tensors: writeSafetensors(tensors, { format: FORMAT }) };
}

/** Reads `path` of the parsed state, throwing with the JSON path when it is not the expected kind. */
function need<T>(value: unknown, path: string, kind: 'object' | 'array' | 'int' | 'string' | 'number', where: string): T {
  const ok = kind === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value)
    : kind === 'array' ? Array.isArray(value)
    : kind === 'int' ? Number.isSafeInteger(value)
    : kind === 'number' ? typeof value === 'number'
    : typeof value === 'string';
  if (!ok) throw new Error(`${where}: ${path}: expected ${kind === 'int' ? 'an integer' : `a ${kind}`}, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return value as T;
}

function decode(stateText: string, tensorBytes: Uint8Array, where: string): Checkpoint {
  let s: Record<string, unknown>;
  try {
    s = JSON.parse(stateText) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${where}/${STATE_FILE}: not valid JSON: ${(e as Error).message}`);
  }
  const w = `${where}/${STATE_FILE}`;
  need(s, '$', 'object', w);
  if (s.format !== FORMAT || s.version !== VERSION) throw new Error(`${w}: format/version is ${JSON.stringify(s.format)}/${JSON.stringify(s.version)}, expected "${FORMAT}"/${VERSION}`);
  const parsed = parseSafetensors(tensorBytes, `${where}/${TENSORS_FILE}`);
  const used = new Set<string>();
  const tensor = (name: string, shape: number[]): Float32Array => {
    const e = parsed.get(name);
    if (!e) throw new Error(`${where}/${TENSORS_FILE}: tensor '${name}' is missing`);
    if (e.dtype !== 'F32' || e.shape.length !== shape.length || e.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${where}/${TENSORS_FILE}: tensor '${name}' is ${e.dtype} [${e.shape.join(', ')}], expected F32 [${shape.join(', ')}]`);
    }
    used.add(name);
    return readTensorF32(e, name);
  };
  const adapters: Record<string, LoraAdapter> = {};
  for (const [role, raw] of Object.entries(need<Record<string, unknown>>(s.adapters, '$.adapters', 'object', w))) {
    const a = need<{ config: LoraConfig; baseModel: string; modules: unknown }>(raw, `$.adapters.${role}`, 'object', w);
    const cfg = need<LoraConfig>(a.config, `$.adapters.${role}.config`, 'object', w);
    const r = need<number>(cfg.r, `$.adapters.${role}.config.r`, 'int', w);
    const layers = new Map<string, LoraLayer>();
    need<unknown[]>(a.modules, `$.adapters.${role}.modules`, 'array', w).forEach((m, i) => {
      const p = `$.adapters.${role}.modules[${i}]`;
      const mod = need<{ path: string; inFeatures: number; outFeatures: number }>(m, p, 'object', w);
      const path = need<string>(mod.path, `${p}.path`, 'string', w);
      const nIn = need<number>(mod.inFeatures, `${p}.inFeatures`, 'int', w);
      const nOut = need<number>(mod.outFeatures, `${p}.outFeatures`, 'int', w);
      layers.set(path, { A: tensor(`adapter/${role}/${path}/A`, [r, nIn]), B: tensor(`adapter/${role}/${path}/B`, [nOut, r]), inFeatures: nIn, outFeatures: nOut });
    });
    adapters[role] = { config: cfg, baseModel: need<string>(a.baseModel, `$.adapters.${role}.baseModel`, 'string', w), layers };
  }
  const tensors: Checkpoint['tensors'] = {};
  for (const [name, shape] of Object.entries(need<Record<string, number[]>>(s.tensors, '$.tensors', 'object', w))) {
    need(shape, `$.tensors.${name}`, 'array', w);
    tensors[name] = { shape, data: tensor(`tensor/${name}`, shape) };
  }
  const optimizers: Checkpoint['optimizers'] = {};
  for (const [name, raw] of Object.entries(need<Record<string, { step: number }>>(s.optimizers, '$.optimizers', 'object', w))) {
    const step = need<number>(need<{ step: number }>(raw, `$.optimizers.${name}`, 'object', w).step, `$.optimizers.${name}.step`, 'int', w);
    const n = parsed.get(`optimizer/${name}/m`)?.shape[0] ?? 0;
    optimizers[name] = { step, m: tensor(`optimizer/${name}/m`, [n]), v: tensor(`optimizer/${name}/v`, [n]) };
  }
  const unused = [...parsed.keys()].filter((k) => !used.has(k));
  if (unused.length) throw new Error(`${where}/${TENSORS_FILE}: tensor '${unused[0]}' is not described by ${STATE_FILE}`);
  const position = need<CheckpointPosition>(s.position, '$.position', 'object', w);
  for (const k of ['topicIndex', 'attempt', 'step'] as const) need(position[k], `$.position.${k}`, 'int', w);
  for (const k of ['topicId', 'phase'] as const) need(position[k], `$.position.${k}`, 'string', w);
  const data = need<DataPosition>(s.data, '$.data', 'object', w);
  need(data.epoch, '$.data.epoch', 'int', w);
  need(data.batchIndex, '$.data.batchIndex', 'int', w);
  need<unknown[]>(data.order, '$.data.order', 'array', w).forEach((x, i) => need(x, `$.data.order[${i}]`, 'int', w));
  const rng = need<Record<string, number>>(s.rng, '$.rng', 'object', w);
  for (const [k, v] of Object.entries(rng)) need(v, `$.rng.${k}`, 'int', w);
  return {
    position, adapters, tensors, optimizers, rng, data,
    schedulerStep: need<number>(s.schedulerStep, '$.schedulerStep', 'int', w),
    metrics: need<unknown[]>(s.metrics, '$.metrics', 'array', w),
    extra: need<Record<string, unknown>>(s.extra, '$.extra', 'object', w),
  };
}

/** Sequence numbers of the checkpoint folders stored for the run, ascending. */
async function storedSeqs(store: ArtifactStore, runId: string): Promise<number[]> {
  const root = checkpointRoot(runId);
  const seqs = new Set<number>();
  for (const key of await store.list(root)) {
    const m = /^(\d{6,})\//.exec(key.slice(root.length + 1));
    if (m) seqs.add(Number(m[1]));
  }
  return [...seqs].sort((a, b) => a - b);
}

async function readPointer(store: ArtifactStore, runId: string): Promise<Pointer | null> {
  const key = currentKey(runId);
  const text = await store.getText(key);
  if (text === null) return null;
  let p: Pointer;
  try {
    p = JSON.parse(text) as Pointer;
  } catch (e) {
    throw new Error(`${key}: not valid JSON: ${(e as Error).message}`);
  }
  if (p?.format !== FORMAT || !Number.isSafeInteger(p.seq) || typeof p.dir !== 'string' || typeof p.files !== 'object') {
    throw new Error(`${key}: not a checkpoint pointer (expected {format: "${FORMAT}", seq, dir, files})`);
  }
  return p;
}

/**
 * Saves a checkpoint of run `runId`: the data files (state.json, tensors.safetensors) into a new
 * numbered folder in one durable group, then the pointer current.json in its own durable write, so
 * a crash at any moment leaves the previous checkpoint current. Keeps the newest `keep` folders.
 * Returns the folder's key.
 */
export async function saveCheckpoint(store: ArtifactStore, runId: string, ckpt: Checkpoint, keep = 2): Promise<string> {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`saveCheckpoint: keep: expected an integer >= 1, got ${keep}`);
  const root = checkpointRoot(runId);
  const { state, tensors } = encode(ckpt);
  const stateBytes = new TextEncoder().encode(state);
  const pointer = await readPointer(store, runId).catch(() => null);
  const seq = Math.max(pointer?.seq ?? 0, ...(await storedSeqs(store, runId))) + 1;
  const dir = `${root}/${String(seq).padStart(6, '0')}`;
  await store.putMany([[`${dir}/${STATE_FILE}`, stateBytes], [`${dir}/${TENSORS_FILE}`, tensors]], { durable: true });
  const next: Pointer = {
    format: FORMAT, version: VERSION, seq, dir,
    files: {
      [STATE_FILE]: { bytes: stateBytes.length, sha256: await sha256(stateBytes) },
      [TENSORS_FILE]: { bytes: tensors.length, sha256: await sha256(tensors) },
    },
    position: ckpt.position,
    savedAt: new Date().toISOString(),
  };
  await store.put(currentKey(runId), JSON.stringify(next, null, 2), { durable: true });
  for (const old of await storedSeqs(store, runId)) {
    if (old <= seq - keep) await store.delete(`${root}/${String(old).padStart(6, '0')}`);
  }
  return dir;
}

/** The run's current checkpoint, verified against the pointer's sizes and SHA-256; null when there is none. */
export async function loadCheckpoint(store: ArtifactStore, runId: string): Promise<Checkpoint | null> {
  const pointer = await readPointer(store, runId);
  if (!pointer) return null;
  checkKey(pointer.dir, currentKey(runId));
  if (!pointer.dir.startsWith(`${checkpointRoot(runId)}/`)) throw new Error(`${currentKey(runId)}: dir '${pointer.dir}' is outside ${checkpointRoot(runId)}/`);
  const files: Record<string, Uint8Array> = {};
  for (const name of [STATE_FILE, TENSORS_FILE]) {
    const key = `${pointer.dir}/${name}`;
    const bytes = await store.get(key);
    const want = pointer.files[name];
    if (bytes === null) throw new Error(`loadCheckpoint: ${key} is missing (named by ${currentKey(runId)})`);
    if (!want || bytes.length !== want.bytes || (await sha256(bytes)) !== want.sha256) {
      throw new Error(`loadCheckpoint: ${key} is damaged: ${bytes.length} bytes, the pointer expects ${want?.bytes} bytes with SHA-256 ${want?.sha256}`);
    }
    files[name] = bytes;
  }
  return decode(new TextDecoder().decode(files[STATE_FILE]), files[TENSORS_FILE], pointer.dir);
}

/** The current checkpoint's position without loading its tensors; null when there is none. */
export async function checkpointPosition(store: ArtifactStore, runId: string): Promise<CheckpointPosition | null> {
  return (await readPointer(store, runId))?.position ?? null;
}

/** Deletes every checkpoint of the run (after it finished); returns how many files went. */
export async function clearCheckpoints(store: ArtifactStore, runId: string): Promise<number> {
  return store.delete(checkpointRoot(runId));
}
