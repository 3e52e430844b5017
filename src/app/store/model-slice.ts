// The Model tab's state: the WebGPU adapter found on load (or why none), the chosen base model's
// summary (tiny, a checked folder, a Hub model), the Hub download (inspect → size and plan → download
// with progress → cached), the models cached in this browser, and the memory plan's settings. The
// choice itself is the training slice's trainModel, which Start sends to the worker.
import type { StateCreator } from 'zustand';
import { HubError } from '../../hub/errors.ts';
import { HUB_CACHE_DIR, type CachedModel } from '../../hub/browser/hub-cache.ts';
import { localHubService, type HubService } from '../../hub/browser/hub-service.ts';
import { workerHubService } from '../../hub/browser/hub-protocol.ts';
import { parseHubId } from '../../hub/hub-id.ts';
import type { HubInspection } from '../../hub/browser/hub-download.ts';
import { type BlobDir, MemoryBlobDir } from '../../hub/browser/blob-dir.ts';
import { OpfsBlobDir } from '../../hub/browser/opfs-dir.ts';
import { hasToken, hubRequestSettings, normaliseEndpoint, readEndpoint, saveEndpoint, saveToken } from '../../hub/browser/settings.ts';
import type { TransferSnapshot } from '../../hub/browser/transfer-meter.ts';
import type { WeightPrecision } from '../../model/memory-plan.ts';
import { checkModelFolder, describeModel, type ModelSummary } from '../model-check.ts';
import { probeGpu, type GpuProbe } from '../gpu-probe.ts';
import type { StudioState } from './types.ts';

export type HubPhase = 'idle' | 'inspecting' | 'ready' | 'downloading' | 'done' | 'error';

export interface HubView {
  endpoint: string;
  /** Whether a token is saved (the token itself is never in the store). */
  tokenSaved: boolean;
  phase: HubPhase;
  inspection: HubInspection | null;
  progress: TransferSnapshot | null;
  error: string | null;
}

/** 'stored': the checkpoint's own precision (the engine's default); else the base weights converted on load. */
export type PlanPrecision = 'stored' | WeightPrecision;

export interface PlanSettings {
  precision: PlanPrecision;
  rank: number;
  batch: number;
  seq: number;
}

export interface ModelSlice {
  gpu: GpuProbe | null;
  /** The chosen model's summary; null while it is read. */
  modelSummary: ModelSummary | null;
  modelCheck: { busy: boolean; error: string | null };
  hub: HubView;
  cachedModels: CachedModel[] | null;
  planSettings: PlanSettings;
  /** On load: the GPU probe, the cached models, and the Hub model chosen before the reload (from the cache, no request). */
  initModel: () => Promise<void>;
  chooseTiny: () => Promise<void>;
  /** Builds the tiny model's summary for the panel without choosing it (the default before anything is chosen). */
  showTinySummary: () => Promise<void>;
  chooseFolder: (label: string, files: File[]) => Promise<void>;
  chooseCached: (m: CachedModel) => Promise<void>;
  setHubEndpoint: (text: string) => string | null;
  setHubToken: (token: string) => void;
  inspectHub: (idText: string) => Promise<void>;
  downloadHub: () => Promise<void>;
  cancelHub: () => void;
  refreshCached: () => Promise<void>;
  deleteCached: (repoId: string) => Promise<void>;
  setPlanSettings: (p: Partial<PlanSettings>) => void;
}

type Set = Parameters<StateCreator<StudioState>>[0];
type Get = () => StudioState;

let service: HubService | null = null;
/**
 * The model cache's operations: in the Hub worker where the browser has workers (fetching, hashing and
 * writing off the main thread), else in place over OPFS, or memory where there is none (Node tests).
 */
export function hubService(): HubService {
  if (service) return service;
  if (typeof Worker !== 'undefined')
    return (service = workerHubService(new Worker(new URL('../../workers/hub.worker.ts', import.meta.url), { type: 'module', name: 'hub' })));
  let dir: Promise<BlobDir> | null = null;
  return (service = localHubService(() => (dir ??= OpfsBlobDir.open(HUB_CACHE_DIR).then((d) => d ?? new MemoryBlobDir()))));
}

/** Set by Cancel: the download's rejection then means "cancelled", not an error. */
let cancelled = false;

const message = (e: unknown) => (e instanceof HubError || e instanceof Error ? e.message : String(e));

async function tinySummary(): Promise<ModelSummary> {
  const { buildTinyModel } = await import('../../model/tiny-model.ts');
  const files = buildTinyModel(0);
  return describeModel(JSON.parse(files['config.json'] as string), 'tiny', {
    name: 'tiny (generated, for demos)',
    weightFiles: ['model.safetensors'],
    dtypes: ['F32'],
    tokenizer: true,
    chatTemplate: true,
  });
}

/** The summary of a Hub model from its inspection (config.json and the file list). */
export function hubSummary(insp: HubInspection): ModelSummary {
  const names = new Set(insp.files.map((f) => f.name));
  const weightFiles = insp.files.filter((f) => f.name.endsWith('.safetensors')).map((f) => f.name);
  const label = insp.id.pinned ? `${insp.id.repoId}@${insp.id.revision}` : insp.id.repoId;
  return describeModel(insp.config, label, { name: label, weightFiles, dtypes: [], tokenizer: names.has('tokenizer.json'), chatTemplate: insp.chatTemplate });
}

function hubActions(set: Set, get: Get) {
  const patchHub = (p: Partial<HubView>) => set((s) => ({ hub: { ...s.hub, ...p } }));
  const inspectHub = async (idText: string) => {
    patchHub({ phase: 'inspecting', error: null, inspection: null, progress: null });
    try {
      const insp = await hubService().inspect(idText, hubRequestSettings());
      set({ modelSummary: hubSummary(insp) });
      patchHub({ phase: insp.cached ? 'done' : 'ready', inspection: insp });
      if (insp.cached) selectHub(set, insp);
      await get().refreshCached();
    } catch (e) {
      patchHub({ phase: 'error', error: message(e) });
    }
  };
  const downloadHub = async () => {
    const insp = get().hub.inspection;
    if (!insp) return;
    cancelled = false;
    patchHub({ phase: 'downloading', error: null });
    let outcome: Partial<HubView>;
    try {
      // The service reports at most ~10 times a second.
      await hubService().download(insp, hubRequestSettings(), (p) => patchHub({ progress: p }));
      outcome = { phase: 'done', inspection: { ...insp, haveBytes: insp.totalBytes, cached: true } };
    } catch (e) {
      outcome = {
        phase: cancelled ? 'ready' : 'error',
        error: cancelled ? 'Download cancelled; what arrived is kept, and Download resumes from there.' : message(e),
      };
    }
    // What is in the cache now (after a cut or Cancel: what arrived) is read before the outcome shows, so the
    // error and the Download button's remaining size appear together (never the size from before the try).
    await get()
      .refreshCached()
      .catch(() => {}); // the list stays as it was; the outcome still shows
    if (outcome.phase !== 'done') {
      const m = get().cachedModels?.find((c) => c.repoId === insp.id.repoId && c.commit === insp.commit);
      const now = get().hub.inspection;
      if (m && now?.commit === insp.commit) outcome.inspection = { ...now, haveBytes: m.bytes };
    }
    patchHub(outcome);
    if (outcome.phase === 'done') selectHub(set, insp);
  };
  return { inspectHub, downloadHub, patchHub };
}

const CHOICE_KEY = 'mindprint.model.choice';

/** The chosen Hub model's id, remembered across reloads (null: the tiny model or a folder, which cannot be restored). */
function rememberChoice(label: string | null): void {
  try {
    if (label) localStorage.setItem(CHOICE_KEY, label);
    else localStorage.removeItem(CHOICE_KEY);
  } catch {
    /* storage blocked by the browser's settings: the choice is not remembered */
  }
}

function rememberedChoice(): string | null {
  try {
    return localStorage.getItem(CHOICE_KEY);
  } catch {
    return null;
  }
}

function selectHub(set: Set, insp: HubInspection): void {
  const label = insp.id.pinned ? `${insp.id.repoId}@${insp.id.revision}` : insp.id.repoId;
  set({ trainModel: { kind: 'hub', repoId: insp.id.repoId, revision: insp.id.revision, commit: insp.commit, label } });
  rememberChoice(label);
}

/** Restores the Hub model chosen before a reload when it is still cached complete (the tiny model's summary waits for the Model tab: building it costs the page ~0.1 s). */
async function initModel(set: Set, get: Get): Promise<void> {
  const probe = probeGpu().then((gpu) => set({ gpu }));
  await get().refreshCached();
  const saved = rememberedChoice();
  const id = saved ? parseHubId(saved) : null;
  if (id && (await hubService().isCached(id.repoId, id.revision))) await get().inspectHub(saved!);
  await probe;
}

/** The plan's precision, passed into the run options as the training worker reads them (dtype, or quantize q4; none: as stored). */
const precisionOptions = (p: PlanPrecision) =>
  p === 'q4' ? { quantize: 'q4' as const, dtype: undefined } : p === 'stored' ? { dtype: undefined, quantize: undefined } : { dtype: p, quantize: undefined };

/** The precision a checkpoint's weights stay in when kept as stored: 16-bit when its files are, else f32. */
export function storedPrecision(dtype: string): WeightPrecision {
  if (/BF16|bfloat16/i.test(dtype)) return 'bf16';
  if (/\bF16\b|float16/i.test(dtype)) return 'f16';
  return 'f32';
}

export function createModelSlice(set: Set, get: Get): ModelSlice {
  const { inspectHub, downloadHub, patchHub } = hubActions(set, get);
  return {
    gpu: null,
    modelSummary: null,
    modelCheck: { busy: false, error: null },
    hub: { endpoint: readEndpoint(), tokenSaved: hasToken(), phase: 'idle', inspection: null, progress: null, error: null },
    cachedModels: null,
    planSettings: { precision: 'stored', rank: 8, batch: 1, seq: 128 },
    initModel: () => initModel(set, get),
    chooseTiny: async () => {
      rememberChoice(null);
      set({ trainModel: { kind: 'tiny' } });
      await get().showTinySummary();
    },
    // Only the summary: opening the Model tab before a reload's Hub choice is restored must not forget that choice.
    showTinySummary: async () => {
      set({ modelCheck: { busy: true, error: null } });
      const summary = await tinySummary();
      if (get().trainModel.kind === 'tiny') set({ modelSummary: summary, modelCheck: { busy: false, error: null } });
      else set({ modelCheck: { busy: false, error: null } });
    },
    chooseFolder: async (label, files) => {
      set({ modelCheck: { busy: true, error: null } });
      try {
        const summary = await checkModelFolder(label, new Map(files.map((f) => [f.name, f as Blob])));
        rememberChoice(null);
        set({ modelSummary: summary, modelCheck: { busy: false, error: null } });
        set({ trainModel: { kind: 'files', label, files: files.map((f) => ({ name: f.name, file: f })) } });
      } catch (e) {
        set({ modelCheck: { busy: false, error: message(e) } });
      }
    },
    chooseCached: (m) => inspectHub(m.revisions.includes('main') ? m.repoId : `${m.repoId}@${m.revisions[0] ?? m.commit}`),
    setHubEndpoint: (text) => {
      const n = normaliseEndpoint(text);
      if ('error' in n) return n.error;
      saveEndpoint(n.endpoint);
      patchHub({ endpoint: n.endpoint });
      return null;
    },
    setHubToken: (token) => {
      saveToken(token);
      patchHub({ tokenSaved: hasToken() });
    },
    inspectHub,
    downloadHub,
    cancelHub: () => {
      cancelled = true;
      void hubService().cancel();
    },
    refreshCached: async () => set({ cachedModels: await hubService().list() }),
    deleteCached: async (repoId) => {
      await hubService().remove(repoId);
      const t = get().trainModel;
      if (t.kind === 'hub' && t.repoId === repoId) await get().chooseTiny();
      await get().refreshCached();
    },
    setPlanSettings: (p) =>
      set((s) => ({
        planSettings: { ...s.planSettings, ...p },
        trainOptions: p.precision ? { ...s.trainOptions, ...precisionOptions(p.precision) } : s.trainOptions,
      })),
  };
}
