// Every key and format of a training run, in one place: the run state (version-checked), metrics.jsonl,
// the options a run was started with, the mid-phase progress of the phase in flight, the topic and merged
// adapters (PEFT folders, reward heads as score.weight) and the run's outputs (run.json, report.md).
// The pipeline, the training worker and the CLI all go through it; nothing else knows a run's keys.
import type { ModelConfig } from '../model/hf-config.ts';
import type { LoraAdapter } from '../model/lora-types.ts';
import { parseSafetensors, readSafetensorsMetadata, readTensorF32, writeSafetensors } from '../model/safetensors.ts';
import type { Phase, RunState } from '../training/run-types.ts';
import {
  ADAPTERS_ROOT,
  deleteAdapter,
  listAdapters,
  loadAdapter,
  MERGED_ROOT,
  saveAdapter,
  saveMerged,
  type AdapterEntry,
  type AdapterPhase,
  type HeadTensors,
  type JsonObject,
  type StoredAdapter,
} from './adapter-store.ts';
import { ADAPTER_CONFIG } from './peft.ts';
import type { ArtifactStore } from './store.ts';

/** The state format this build writes; it reads this one and version 1 (SFT-only progress). */
export const RUN_STATE_VERSION = 2;

/** The run's own files (adapters live under adapters/ and merged_adapters/). */
export const RUN_FILES = {
  state: 'run/state.json',
  options: 'run/options.json',
  /** The per-topic config the run trained with (adapted, with the user's overrides). */
  config: 'run/config.json',
  progress: 'run/progress.safetensors',
  metrics: 'metrics.jsonl',
  summary: 'run.json',
  report: 'report.md',
} as const;

/** Where version 1 kept SFT's mid-phase tensors (params, m, v). */
const LEGACY_SFT_PROGRESS = 'run/progress/sft.safetensors';

/** Every top-level key a run writes: what a new run clears. */
export const RUN_ROOTS = ['run', ADAPTERS_ROOT, MERGED_ROOT, RUN_FILES.metrics, RUN_FILES.summary, RUN_FILES.report];

/** Where the phase in flight stands: saved in the state, its tensors in run/progress.safetensors. */
export interface PhaseProgress {
  phase: Phase;
  topicId: string;
  attempt: number;
  step: number; // last completed optimizer step (reward model: of the last completed epoch)
  /** The trainer's own position (RNG states, schedule counters, early stopping), JSON. */
  position?: unknown;
  /** A run saved by version 1: its SFT tensors are in this file, named params, m and v. */
  legacyKey?: string;
}

export type ProgressTensors = Record<string, Float32Array>;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parses and checks run/state.json; a version-1 state (SFT-only progress) is read as version 2. */
export function parseRunState(text: string, where: string = RUN_FILES.state): RunState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message}); delete it to start the run again`);
  }
  if (!isObject(parsed)) throw new Error(`${where}: expected a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}`);
  let raw: Record<string, unknown> = parsed;
  if (raw.version !== 1 && raw.version !== RUN_STATE_VERSION) {
    throw new Error(
      `${where}: state version ${JSON.stringify(raw.version)}; this build reads versions 1 and ${RUN_STATE_VERSION} (was it written by a newer Mindprint?)`,
    );
  }
  const want: [string, 'number' | 'string' | 'array' | 'object' | 'boolean'][] = [
    ['seed', 'number'],
    ['modelName', 'string'],
    ['alignment', 'string'],
    ['phases', 'array'],
    ['cursor', 'number'],
    ['topics', 'array'],
    ['exams', 'array'],
    ['folded', 'array'],
    ['unitParts', 'object'],
    ['merged', 'array'],
    ['metrics', 'array'],
    ['finished', 'boolean'],
  ];
  for (const [field, kind] of want) {
    const v = raw[field];
    const ok = kind === 'array' ? Array.isArray(v) : kind === 'object' ? isObject(v) : typeof v === kind;
    if (!ok)
      throw new Error(
        `${where}: ${field}: expected ${kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`}, got ${v === undefined ? 'nothing' : JSON.stringify(v).slice(0, 60)}`,
      );
  }
  if (raw.version === 1) {
    const sft = raw.sftProgress as { topicId: string; attempt: number; step: number } | null | undefined;
    delete raw.sftProgress;
    // Version 1 kept SFT's tensors as params/m/v in run/progress/sft.safetensors, without metadata.
    raw.progress = sft ? { phase: 'sft', topicId: sft.topicId, attempt: sft.attempt, step: sft.step, legacyKey: LEGACY_SFT_PROGRESS } : null;
    raw.version = RUN_STATE_VERSION;
    // In the order a new state is written, so the migrated state saves as a version-2 run would.
    const order = [
      'version',
      'seed',
      'modelName',
      'alignment',
      'phases',
      'cursor',
      'attemptPhase',
      'topics',
      'exams',
      'folded',
      'unitParts',
      'merged',
      'metrics',
      'progress',
      'finished',
    ];
    raw = Object.fromEntries([...order.filter((k) => k in raw).map((k) => [k, raw[k]]), ...Object.entries(raw).filter(([k]) => !order.includes(k))]);
  }
  const p = raw.progress;
  if (p !== null && p !== undefined && !(isObject(p) && typeof p.phase === 'string' && typeof p.topicId === 'string' && typeof p.step === 'number')) {
    throw new Error(`${where}: progress: expected null or { phase, topicId, attempt, step }, got ${JSON.stringify(p).slice(0, 80)}`);
  }
  raw.progress ??= null;
  return raw as unknown as RunState;
}

/** metrics.jsonl: one record per line. */
export function metricsJsonl(state: RunState): string {
  return state.metrics.map((m) => JSON.stringify(m)).join('\n') + (state.metrics.length ? '\n' : '');
}

const progressMeta = (p: PhaseProgress): Record<string, string> => ({ phase: p.phase, topicId: p.topicId, attempt: String(p.attempt), step: String(p.step) });

export class RunStore {
  constructor(readonly store: ArtifactStore) {}

  /** The saved run state, or null when there is none. */
  async readState(): Promise<RunState | null> {
    const text = await this.store.getText(RUN_FILES.state);
    return text === null ? null : parseRunState(text);
  }

  /**
   * Saves the state and metrics.jsonl durably as one group; with `progress`, the tensors of the phase in
   * flight (state.progress) go in the same group, so the state never points at other steps' tensors.
   * A state without progress removes the progress file afterwards.
   */
  async writeState(state: RunState, progress?: ProgressTensors): Promise<void> {
    const entries: [string, string | Uint8Array][] = [
      [RUN_FILES.state, JSON.stringify(state)],
      [RUN_FILES.metrics, metricsJsonl(state)],
    ];
    if (progress) {
      if (!state.progress) throw new Error('RunStore.writeState: progress tensors given, but state.progress is null');
      const tensors = Object.fromEntries(Object.entries(progress).map(([k, data]) => [k, { dtype: 'F32' as const, shape: [data.length], data }]));
      entries.push([RUN_FILES.progress, writeSafetensors(tensors, progressMeta(state.progress))]);
    }
    await this.store.putMany(entries, { durable: true });
    if (!state.progress?.legacyKey && (await this.store.has(LEGACY_SFT_PROGRESS))) await this.store.delete(LEGACY_SFT_PROGRESS);
    if (!state.progress && (await this.store.has(RUN_FILES.progress))) await this.store.delete(RUN_FILES.progress);
  }

  /** The tensors saved with `p`; throws when they are missing or belong to another phase or step. */
  async readProgress(p: PhaseProgress): Promise<ProgressTensors> {
    if (p.legacyKey) return this.readLegacyProgress(p.legacyKey);
    const where = RUN_FILES.progress;
    const bytes = await this.store.get(where);
    if (!bytes) throw new Error(`resume: ${where} is missing although ${RUN_FILES.state} says ${p.phase} of ${p.topicId} stopped at step ${p.step}`);
    const parsed = parseSafetensors(bytes, where);
    const meta = readSafetensorsMetadata(bytes);
    const want = progressMeta(p);
    for (const [k, v] of Object.entries(want)) {
      if (meta[k] !== v) throw new Error(`resume: ${where} holds ${k} ${JSON.stringify(meta[k])}, ${RUN_FILES.state} expects ${JSON.stringify(v)}`);
    }
    const out: ProgressTensors = {};
    for (const [name, t] of parsed) out[name] = readTensorF32(t, `${where}: ${name}`);
    return out;
  }

  /** A version-1 SFT save, its tensors renamed as today's SFT phase reads them (lora.params, lora.m, lora.v). */
  private async readLegacyProgress(key: string): Promise<ProgressTensors> {
    const bytes = await this.store.get(key);
    if (!bytes) throw new Error(`resume: ${key} is missing although ${RUN_FILES.state} (written by an earlier version) points to it`);
    const out: ProgressTensors = {};
    for (const [name, t] of parseSafetensors(bytes, key)) out[`lora.${name}`] = readTensorF32(t, `${key}: ${name}`);
    return out;
  }

  async readOptions<O>(): Promise<O | null> {
    const text = await this.store.getText(RUN_FILES.options);
    if (text === null) return null;
    try {
      return JSON.parse(text) as O;
    } catch (e) {
      throw new Error(`${RUN_FILES.options}: not valid JSON (${(e as Error).message})`);
    }
  }

  async writeOptions(options: unknown): Promise<void> {
    await this.store.put(RUN_FILES.options, JSON.stringify(options, null, 2), { durable: true });
  }

  async readConfig<C>(): Promise<C | null> {
    const text = await this.store.getText(RUN_FILES.config);
    return text === null ? null : (JSON.parse(text) as C);
  }

  async writeConfig(config: unknown): Promise<void> {
    await this.store.put(RUN_FILES.config, JSON.stringify(config, null, 2), { durable: true });
  }

  /** run.json as written at the end of the run, or null before. */
  async readSummary(): Promise<Record<string, unknown> | null> {
    const text = await this.store.getText(RUN_FILES.summary);
    return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
  }

  /** run.json and report.md, written together. */
  async writeOutputs(summary: unknown, reportMd: string): Promise<void> {
    await this.store.putMany(
      [
        [RUN_FILES.summary, JSON.stringify(summary, null, 2) + '\n'],
        [RUN_FILES.report, reportMd],
      ],
      { durable: true },
    );
  }

  readReport(): Promise<string | null> {
    return this.store.getText(RUN_FILES.report);
  }

  /** Deletes everything a run wrote (before a new run starts in the same store). */
  async clear(): Promise<void> {
    for (const k of RUN_ROOTS) await this.store.delete(k);
  }

  saveAdapter(topicId: string, phase: AdapterPhase, adapter: LoraAdapter, metrics: JsonObject, head?: HeadTensors): Promise<string> {
    return saveAdapter(this.store, topicId, phase, adapter, metrics, head);
  }

  saveMerged(unit: string, adapter: LoraAdapter, metrics: JsonObject): Promise<string> {
    return saveMerged(this.store, unit, adapter, metrics);
  }

  loadAdapter(key: string, modelConfig: ModelConfig, expectedBase?: string): Promise<StoredAdapter> {
    return loadAdapter(this.store, key, modelConfig, expectedBase);
  }

  /** True when an adapter folder is stored under `key`. */
  hasAdapter(key: string): Promise<boolean> {
    return this.store.has(`${key}/${ADAPTER_CONFIG}`);
  }

  listAdapters(): Promise<AdapterEntry[]> {
    return listAdapters(this.store);
  }

  deleteAdapter(key: string): Promise<number> {
    return deleteAdapter(this.store, key);
  }
}
