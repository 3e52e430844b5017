// The analysis worker: reads curriculum files (streaming), builds the Dataset, analyses it with the
// curriculum's voice markers (its voice_markers.yaml, the user's edits, or provisional ones discovered
// in its pairs), adapts the per-topic config and persists the files in IndexedDB. It keeps the
// Dataset, so a marker edit re-analyses and an override re-adapts without re-reading any file.
import pipelineYaml from '../../configs/training_pipeline.yaml?raw';
import type { Dataset, FileKind } from '../data/types.ts';
import { DatasetBuilder } from '../data/builder.ts';
import { isJsonDocumentName } from '../data/detect.ts';
import { chunksOf, streamChunks } from '../data/line-reader.ts';
import { curriculumTree } from '../data/curriculum.ts';
import { analyzeDataset, type Analysis } from '../analysis/analyze.ts';
import { phrasePattern } from '../analysis/marker-discovery.ts';
import { acceptSuggestion, coveringMarker, isMarkersFile, keepSuggestions, removeSuggestion } from '../analysis/marker-source.ts';
import { voiceDensity } from '../analysis/markers.ts';
import { MarkerState, type SavedMarkers } from './marker-state.ts';
import { pairQuality } from '../analysis/stats.ts';
import { parsePipelineConfig, type PipelineConfig } from '../analysis/pipeline-config.ts';
import { adaptTopics } from '../analysis/adaptive.ts';
import { renderReport } from '../analysis/report.ts';
import { DatasetStore, StorageQuotaError, isQuotaError } from '../storage/dataset-store.ts';
import {
  PROTOCOL_VERSION,
  isRequest,
  type DatasetSummary,
  type FileInput,
  type InitResult,
  type Methods,
  type OverrideMap,
  type PersistStatus,
  type Progress,
  type QualityHistogram,
  type Reply,
  type Request,
  type StudioResult,
} from './protocol.ts';

const ctx = self as unknown as DedicatedWorkerGlobalScope;

/** A loaded file: where its bytes are (a Blob, bytes in memory, or only in IndexedDB). */
interface Source {
  name: string;
  size: number;
  kind: FileKind | null;
  data: Blob | Uint8Array | 'stored';
  saved: boolean;
  order: number;
}

/** The markers YAML in use (the training worker reads it when the page sends none). */
const MARKERS_KEY = 'markersYaml';
/** Markers with their origin and the curriculum's own file (SavedMarkers). */
const MARKER_STATE_KEY = 'voiceMarkers';
const OVERRIDES_KEY = 'overrides';
/** Pair-quality histogram bin edges; the first bin is < 0, the last ≥ 5. */
const QUALITY_EDGES = [0, 0.5, 1, 1.5, 2, 3, 5];

const sources = new Map<string, Source>();
let dataset: Dataset | null = null;
let analysis: Analysis | null = null;
const markerState = new MarkerState();
const pipeline: PipelineConfig = parsePipelineConfig(pipelineYaml, 'configs/training_pipeline.yaml');
let overrides: OverrideMap = {};
let store: DatasetStore | null = null;
let storeError: string | null = null;

async function openStore(): Promise<DatasetStore | null> {
  if (store || storeError) return store;
  try {
    store = await DatasetStore.open();
  } catch (e) {
    storeError = `IndexedDB is not available: ${(e as Error).message}`;
  }
  return store;
}

type Report = (p: Progress) => void;

/** Throttles progress to one message per 50 ms, always letting the last one of a phase through. */
function throttled(report: Report): Report {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last >= 50 || p.bytes >= p.totalBytes) {
      last = now;
      report(p);
    }
  };
}

async function* chunksOfSource(s: Source): AsyncGenerator<Uint8Array> {
  if (s.data === 'stored') {
    const st = await openStore();
    if (!st) throw new Error(`${s.name} is stored in IndexedDB, which is not available: ${storeError}`);
    yield* st.readChunks(s.name);
  } else if (s.data instanceof Uint8Array) yield* chunksOf(s.data);
  else yield* streamChunks(s.data.stream() as ReadableStream<Uint8Array>);
}

/** Reads every file (streaming) into a fresh Dataset; progress counts bytes over all files. */
async function parseAll(report: Report, phase: Progress['phase'] = 'read'): Promise<void> {
  const list = [...sources.values()].sort((a, b) => a.order - b.order);
  const totalBytes = list.reduce((n, s) => n + s.size, 0);
  let bytes = 0;
  const builder = new DatasetBuilder();
  for (const s of list) {
    report({ phase, file: s.name, bytes, totalBytes });
    const counted = async function* () {
      for await (const chunk of chunksOfSource(s)) {
        bytes += chunk.byteLength;
        report({ phase, file: s.name, bytes, totalBytes });
        yield chunk;
      }
    };
    const kind = s.kind ?? undefined;
    if (isJsonDocumentName(s.name)) {
      // A JSON document has to be whole before it is parsed; the builder decodes it chunk by chunk.
      await builder.addJsonChunks(s.name, counted(), kind);
    } else {
      await builder.addJsonl(s.name, counted(), kind);
    }
  }
  dataset = builder.build();
  markerState.pairsChanged(dataset.preference);
}

function histogram(values: number[]): QualityHistogram {
  const counts = new Array<number>(QUALITY_EDGES.length + 1).fill(0);
  for (const q of values) {
    let i = 0;
    while (i < QUALITY_EDGES.length && q >= QUALITY_EDGES[i]!) i++;
    counts[i]!++;
  }
  return { edges: QUALITY_EDGES, counts };
}

/** Pair-quality histograms per topic and over all pairs ('*'), with the analysis' own definition. */
function histograms(ds: Dataset): Record<string, QualityHistogram> {
  const byTopic = new Map<string, number[]>([['*', []]]);
  for (const p of ds.preference) {
    const m = markerState.markers;
    const q = pairQuality(p.chosen.length, p.rejected.length, voiceDensity(p.chosen, m), voiceDensity(p.rejected, m));
    byTopic.get('*')!.push(q);
    if (p.topicId !== null) {
      let list = byTopic.get(p.topicId);
      if (!list) byTopic.set(p.topicId, (list = []));
      list.push(q);
    }
  }
  return Object.fromEntries([...byTopic].map(([id, qs]) => [id, histogram(qs)]));
}

function summary(ds: Dataset): DatasetSummary {
  const files = ds.files.map((f) => {
    const s = sources.get(f.path);
    return { ...f, size: s?.size ?? 0, kindOverride: s?.kind ?? null };
  });
  return {
    files,
    topics: ds.topics,
    counts: {
      sft: ds.sft.length,
      preference: ds.preference.length,
      distinctions: ds.distinctions.length,
      evalSets: ds.evalSets.length,
      evalQuestions: ds.evalSets.reduce((n, s) => n + s.questions.length, 0),
    },
  };
}

let cachedHistograms: Record<string, QualityHistogram> = {};

function analyse(report: Report): void {
  if (!dataset) return;
  report({ phase: 'analyse', bytes: 0, totalBytes: 0 });
  analysis = analyzeDataset(dataset, markerState.markers, markerState.source);
  cachedHistograms = histograms(dataset);
}

function result(): StudioResult | null {
  if (!dataset || !analysis) return null;
  return {
    dataset: summary(dataset),
    analysis,
    configs: adaptTopics(analysis, pipeline, overrides),
    tree: curriculumTree(dataset.topics),
    histograms: cachedHistograms,
    report: renderReport(analysis),
    markersYaml: markerState.yaml,
    baseMarkersYaml: markerState.base().yaml,
    suggestions: markerState.discovery && {
      ...markerState.discovery,
      suggestions: markerState.discovery.suggestions.map((s) => ({ ...s, coveredBy: coveringMarker(markerState.markers, s.phrase) })),
    },
    overrides,
    base: {
      sftEpochs: pipeline.sft.epochs,
      batchSize: pipeline.sft.batch_size,
      learningRate: pipeline.sft.learning_rate,
      rewardEpochs: pipeline.reward.epochs,
      rewardLearningRate: pipeline.reward.learning_rate,
      rewardBatchSize: pipeline.reward.batch_size,
      ppoSteps: pipeline.ppo.steps,
      ppoLearningRate: pipeline.ppo.learning_rate,
      passThreshold: pipeline.evaluation.pass_threshold,
    },
  };
}

function requireResult(): StudioResult {
  const r = result();
  if (!r) throw new Error('No data loaded: drop curriculum files first');
  return r;
}

/** Saves a small setting; a failure (quota) is not the edit's fault, so it is not raised here: the
 *  next persist reports storage problems. */
async function saveSetting(key: string, value: unknown): Promise<void> {
  const st = await openStore();
  await st?.setSetting(key, value).catch(() => undefined);
}

async function saveMarkers(): Promise<void> {
  await saveSetting(MARKERS_KEY, markerState.yaml);
  await saveSetting(MARKER_STATE_KEY, markerState.saved());
}

/** Reads a file handed to the worker as text (a curriculum's voice_markers.yaml). */
async function textOf(f: FileInput): Promise<string> {
  return 'bytes' in f ? new TextDecoder().decode(f.bytes) : f.file.text();
}

const handlers: { [M in keyof Methods]: (p: Methods[M]['params'], report: Report) => Promise<Methods[M]['result']> } = {
  async init(_p, report): Promise<InitResult> {
    const st = await openStore();
    if (st) {
      const saved = await st.getSetting<SavedMarkers>(MARKER_STATE_KEY);
      if (saved) markerState.restore(saved); // one that no longer parses is dropped
      overrides = (await st.getSetting<OverrideMap>(OVERRIDES_KEY)) ?? {};
      for (const f of await st.listFiles()) {
        sources.set(f.name, { name: f.name, size: f.size, kind: f.kind, data: 'stored', saved: true, order: f.order });
      }
      if (sources.size) {
        await parseAll(report, 'restore');
        analyse(report);
      }
    }
    return { result: result(), markersYaml: markerState.yaml, defaultMarkersYaml: markerState.base().yaml, overrides };
  },

  async load({ files }, report) {
    // A curriculum's own voice_markers.yaml is checked first: a bad field fails the load, naming it.
    const markerFiles = (files as FileInput[]).filter((f) => isMarkersFile(f.name));
    for (const f of markerFiles) markerState.loadFolderFile(f.name, await textOf(f));
    if (markerFiles.length) await saveMarkers();
    if (markerFiles.length === files.length && sources.size === 0) {
      throw new Error(`${markerFiles.map((f) => f.name).join(', ')}: read as the curriculum's voice markers; now add its data files (.jsonl, .json)`);
    }
    let order = Math.max(-1, ...[...sources.values()].map((s) => s.order)) + 1;
    for (const f of (files as FileInput[]).filter((x) => !isMarkersFile(x.name))) {
      const data = 'bytes' in f ? new Uint8Array(f.bytes) : f.file;
      const size = data instanceof Uint8Array ? data.byteLength : data.size;
      const prev = sources.get(f.name);
      sources.set(f.name, { name: f.name, size, kind: prev?.kind ?? null, data, saved: false, order: prev?.order ?? order++ });
    }
    await parseAll(report);
    analyse(report);
    return requireResult();
  },

  async persist(_p, report): Promise<PersistStatus> {
    const st = await openStore();
    const pending = [...sources.values()].filter((s) => !s.saved);
    const status: PersistStatus = { ok: true, savedFiles: 0, savedBytes: 0 };
    if (!st) return { ...status, ok: false, error: storeError ?? 'IndexedDB is not available' };
    const totalBytes = pending.reduce((n, s) => n + s.size, 0);
    let done = 0;
    try {
      for (const s of pending) {
        if (s.data === 'stored') continue;
        await st.putFile(s.name, s.data, { kind: s.kind, order: s.order }, (b) =>
          report({ phase: 'save', file: s.name, bytes: done + b, totalBytes }),
        );
        done += s.size;
        s.saved = true;
        status.savedFiles++;
        status.savedBytes += s.size;
      }
      await st.setSetting(MARKERS_KEY, markerState.yaml);
      await st.setSetting(MARKER_STATE_KEY, markerState.saved());
      await st.setSetting(OVERRIDES_KEY, overrides);
    } catch (e) {
      return { ...status, ok: false, quota: e instanceof StorageQuotaError || isQuotaError(e), error: (e as Error).message };
    }
    return status;
  },

  async setKind({ file, kind }, report) {
    const s = sources.get(file);
    if (!s) throw new Error(`No loaded file named ${file}`);
    s.kind = kind;
    if (s.saved) await (await openStore())?.setKind(file, kind);
    await parseAll(report);
    analyse(report);
    return requireResult();
  },

  async removeFile({ file }, report) {
    if (!sources.delete(file)) throw new Error(`No loaded file named ${file}`);
    await (await openStore())?.removeFile(file);
    if (sources.size === 0) {
      dataset = analysis = null;
      return null;
    }
    await parseAll(report);
    analyse(report);
    return result();
  },

  async setMarkers({ yaml }, report) {
    markerState.edit(yaml); // throws with the bad field named; old markers stay
    await saveMarkers();
    analyse(report);
    return result();
  },

  async editSuggestion({ yaml, action, phrase, category }, report) {
    const s = { phrase: phrase.trim(), category, pattern: phrasePattern(phrase) };
    if (!s.phrase && action !== 'keep') throw new Error('voice markers: a suggestion needs a phrase');
    markerState.edit(action === 'accept' ? acceptSuggestion(yaml, s) : action === 'remove' ? removeSuggestion(yaml, s) : keepSuggestions(yaml));
    await saveMarkers();
    analyse(report);
    return result();
  },

  async resetMarkers(_p, report) {
    markerState.reset();
    await saveMarkers();
    analyse(report);
    return result();
  },

  async setOverrides({ overrides: next }) {
    overrides = next;
    await saveSetting(OVERRIDES_KEY, next);
    return result();
  },

  async clear() {
    sources.clear();
    dataset = analysis = null;
    overrides = {};
    markerState.clear();
    await (await openStore())?.clear();
    return { defaultMarkersYaml: markerState.yaml };
  },
};

function post(reply: Reply): void {
  ctx.postMessage(reply);
}

async function handle(req: Request): Promise<void> {
  const { id } = req;
  if (req.v !== PROTOCOL_VERSION) {
    post({ v: PROTOCOL_VERSION, id, kind: 'throw', error: { name: 'ProtocolError', message: `Page speaks protocol v${req.v}, worker v${PROTOCOL_VERSION}: reload the page` } });
    return;
  }
  const report = throttled((progress) => post({ v: PROTOCOL_VERSION, id, kind: 'progress', progress }));
  try {
    const handler = handlers[req.method] as (p: unknown, r: Report) => Promise<unknown>;
    if (!handler) throw new Error(`Unknown method ${req.method}`);
    const res = await handler(req.params, report);
    post({ v: PROTOCOL_VERSION, id, kind: 'return', result: res });
  } catch (e) {
    const err = e as Error;
    post({ v: PROTOCOL_VERSION, id, kind: 'throw', error: { name: err.name ?? 'Error', message: err.message ?? String(e), quota: isQuotaError(e) } });
  }
}

// Requests run one at a time, in order: each sees the state the previous one left.
let queue: Promise<void> = Promise.resolve();
ctx.addEventListener('message', (e: MessageEvent) => {
  if (!isRequest(e.data)) return;
  const req = e.data;
  queue = queue.then(() => handle(req));
});
