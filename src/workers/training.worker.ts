// The training worker: owns the WebGPU device, rebuilds the dataset/analysis/topic configs from the
// stored curriculum, runs the curriculum pipeline with IndexedDB ('mindprint-run') as its artifact
// store, and posts the pipeline's events to the page. Pause stops after the current phase (the
// pipeline has just checkpointed); Resume continues from run/state.json, also after a reload.
import defaultMarkersYaml from '../../configs/voice_markers.yaml?raw';
import pipelineYaml from '../../configs/training_pipeline.yaml?raw';
import type { Dataset, FileKind } from '../data/types.ts';
import { DatasetBuilder } from '../data/builder.ts';
import { chunksOf, streamChunks } from '../data/line-reader.ts';
import { analyzeDataset } from '../analysis/analyze.ts';
import { parseMarkers } from '../analysis/markers.ts';
import { markerSource, withMarkersLine, type MarkerSource } from '../analysis/marker-source.ts';
import { parsePipelineConfig, type PipelineConfig } from '../analysis/pipeline-config.ts';
import { adaptTopics } from '../analysis/adaptive.ts';
import { DatasetStore } from '../storage/dataset-store.ts';
import { IdbStore } from '../storage/idb-store.ts';
import { listAdapters, loadPeftFiles } from '../storage/adapter-store.ts';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS } from '../storage/peft.ts';
import { GpuRuntime, DeviceLostError } from '../engine/runtime.ts';
import { gpuBackend } from '../engine/backend.ts';
import { loadModelFiles, TINY_MODEL_NAME, type ModelBundle } from '../model/load.ts';
import { tinyModelFiles } from '../model/tiny-model.ts';
import { blobModelFiles } from '../model/weights.ts';
import { runCurriculum, STATE_KEY, type MetricRecord, type PipelineEvent, type RunState } from '../training/pipeline.ts';
import { renderRunReport, runJson } from '../training/run-report.ts';
import { lexicalSimilarity } from '../training/similarity.ts';
import { resolveSimilarity } from '../training/embedder.ts';
import type { FileInput, OverrideMap } from './protocol.ts';
import {
  TRAINING_PROTOCOL_VERSION,
  isTrainingRequest,
  type AdapterDownload,
  type ModelChoice,
  type RunInfo,
  type RunOutcome,
  type StoredRunOptions,
  type TrainOptions,
  type TrainingMethods,
  type TrainingProgress,
  type TrainingReply,
  type TrainingRequest,
} from './training-protocol.ts';

const ctx = self as unknown as DedicatedWorkerGlobalScope;

export const RUN_DB = 'mindprint-run';
const OPTIONS_KEY = 'run/options.json';
/** Everything a run writes; a fresh start removes it. */
const RUN_KEYS = ['run', 'adapters', 'merged_adapters', 'metrics.jsonl', 'run.json', 'report.md'];
/** Metric batches go out at most this often (ms): ~10 messages per second. */
const METRIC_FLUSH_MS = 100;

/** Thrown from the checkpoint hook when the user asked to pause; the run stops there, state saved. */
class PauseSignal extends Error {
  override name = 'PauseSignal';
}

let store: IdbStore | null = null;
let running = false;
let pauseRequested = false;
/** Where the run is, for error messages (device loss names the topic and phase). */
let where = '';

async function runStore(): Promise<IdbStore> {
  store ??= await IdbStore.open(RUN_DB);
  return store;
}

type Report = (p: TrainingProgress) => void;

// ---------------------------------------------------------------- inputs

async function readStoredInputs(): Promise<{ ds: DatasetStore; files: { name: string; kind: FileKind | null }[] }> {
  const ds = await DatasetStore.open();
  const files = (await ds.listFiles()).map((f) => ({ name: f.name, kind: f.kind }));
  return { ds, files };
}

/** The Dataset from the given files, or from the files the studio saved in IndexedDB. */
async function buildDataset(files: FileInput[] | undefined, report: Report): Promise<Dataset> {
  const builder = new DatasetBuilder();
  const add = async (name: string, chunks: AsyncIterable<Uint8Array>, kind: FileKind | undefined) => {
    if (/\.json$/i.test(name)) {
      const decoder = new TextDecoder('utf-8');
      let text = '';
      for await (const c of chunks) text += decoder.decode(c, { stream: true });
      builder.addJson(name, text + decoder.decode(), kind);
    } else await builder.addJsonl(name, chunks, kind);
  };
  if (files?.length) {
    for (const f of files) {
      report({ type: 'status', message: `Reading ${f.name}` });
      await add(f.name, 'bytes' in f ? chunksOf(new Uint8Array(f.bytes)) : streamChunks(f.file.stream() as ReadableStream<Uint8Array>), undefined);
    }
  } else {
    const { ds, files: stored } = await readStoredInputs();
    try {
      if (!stored.length) throw new Error('No curriculum is saved in this browser: load your files (or the sample) in the Files tab first');
      for (const f of stored) {
        report({ type: 'status', message: `Reading ${f.name} from this browser` });
        await add(f.name, ds.readChunks(f.name), f.kind ?? undefined);
      }
    } finally {
      ds.close();
    }
  }
  return builder.build();
}

async function storedSetting<T>(key: string): Promise<T | undefined> {
  const ds = await DatasetStore.open();
  try {
    return await ds.getSetting<T>(key);
  } finally {
    ds.close();
  }
}

function pipelineConfig(o: TrainOptions): PipelineConfig {
  const config = parsePipelineConfig(pipelineYaml, 'configs/training_pipeline.yaml');
  if (o.maxSeqLength) config.max_seq_length = o.maxSeqLength;
  if (o.retries !== null && o.retries !== undefined) config.retries = o.retries;
  if (o.maxNewTokens) {
    config.evaluation.max_new_tokens = o.maxNewTokens;
    config.ppo.max_new_tokens = Math.min(config.ppo.max_new_tokens, o.maxNewTokens);
  }
  return config;
}

async function loadBaseModel(model: ModelChoice, report: Report): Promise<ModelBundle> {
  if (model.kind === 'tiny') {
    report({ type: 'status', message: 'Generating the tiny model' });
    return loadModelFiles(tinyModelFiles(0), TINY_MODEL_NAME);
  }
  report({ type: 'status', message: `Loading ${model.label} (${model.files.length} files)` });
  return loadModelFiles(blobModelFiles(new Map(model.files.map((f) => [f.name, f.file])), model.label), model.label);
}

async function similarityFor(o: TrainOptions, report: Report) {
  if (o.similarity === 'lexical') {
    return { similarity: lexicalSimilarity(), reason: 'lexical similarity (cosine of word unigram+bigram counts, stopwords removed), chosen in the run options' };
  }
  report({ type: 'status', message: 'Loading the sentence-embedding model (all-MiniLM-L6-v2; downloaded once, then cached)' });
  return resolveSimilarity({ allowRemote: true });
}

// ---------------------------------------------------------------- the run

function checkOptions(o: TrainOptions): void {
  const positive = (v: number | null, name: string) => {
    if (v !== null && (!Number.isInteger(v) || v <= 0)) throw new Error(`options.${name}: expected a whole number ≥ 1 or empty, got ${v}`);
  };
  positive(o.maxSteps, 'maxSteps');
  positive(o.maxSeqLength, 'maxSeqLength');
  positive(o.maxNewTokens, 'maxNewTokens');
  if (o.retries !== null && o.retries !== undefined && (!Number.isInteger(o.retries) || o.retries < 0)) throw new Error(`options.retries: expected a whole number ≥ 0 or empty, got ${o.retries}`);
  if (o.seed !== null && (!Number.isInteger(o.seed) || o.seed < 0)) throw new Error(`options.seed: expected a whole number ≥ 0 or empty, got ${o.seed}`);
  if (!o.phases.length) throw new Error('options.phases: choose at least one phase');
  if (o.alignment !== 'ppo' && o.alignment !== 'dpo') throw new Error(`options.alignment: expected ppo or dpo, got ${o.alignment}`);
}

async function run(
  params: { files?: FileInput[]; markersYaml?: string; markerSource?: MarkerSource; overrides?: OverrideMap; model: ModelChoice; options: TrainOptions },
  resume: boolean,
  report: Report,
): Promise<RunOutcome> {
  if (running) throw new Error('A run is already going in this tab: pause it or wait for it to finish');
  running = true;
  pauseRequested = false;
  where = 'preparing the run';
  let rt: GpuRuntime | null = null;
  const st = await runStore();
  // Metrics are batched; any other event flushes the batch first so the page sees them in order.
  let batch: MetricRecord[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (batch.length) report({ type: 'metrics', records: batch });
    batch = [];
  };
  try {
    const o = params.options;
    checkOptions(o);
    const config = pipelineConfig(o);
    const seed = o.seed ?? config.seed;
    const markersYaml = params.markersYaml ?? (await storedSetting<string>('markersYaml')) ?? defaultMarkersYaml;
    const markers = parseMarkers(markersYaml, 'voice markers');
    const markersFrom = params.markerSource ?? { ...markerSource('edited', markers), label: 'saved in this browser' };
    const overrides = params.overrides ?? (await storedSetting<OverrideMap>('overrides')) ?? {};
    const dataset = await buildDataset(params.files, report);
    report({ type: 'status', message: 'Analysing the curriculum' });
    const topicConfigs = adaptTopics(analyzeDataset(dataset, markers, markersFrom), config, overrides);
    const bundle = await loadBaseModel(params.model, report);
    const sim = await similarityFor(o, report);
    const similarityUsed = { name: sim.similarity.name, reason: sim.reason };
    report({ type: 'similarity', ...similarityUsed });

    if (!resume) for (const k of RUN_KEYS) await st.delete(k);
    const stored: StoredRunOptions = {
      ...o, seed, model: params.model.kind === 'tiny' ? { kind: 'tiny' } : { kind: 'files', label: params.model.label },
      modelName: bundle.name, similarityUsed, startedAt: Date.now(),
    };
    if (resume) stored.startedAt = (await readOptions(st))?.startedAt ?? stored.startedAt;
    await st.put(OPTIONS_KEY, JSON.stringify(stored, null, 2), { durable: true });
    report({ type: 'run', options: stored });

    report({ type: 'status', message: 'Starting WebGPU' });
    rt = await GpuRuntime.create();
    const onEvent = (e: PipelineEvent) => {
      if (e.type === 'metric') {
        batch.push(e.record);
        timer ??= setTimeout(flush, METRIC_FLUSH_MS);
        return;
      }
      if (e.type === 'topic') where = `topic ${e.topicId}`;
      if (e.type === 'phase' && e.status === 'start') where = `topic ${e.topicId}, ${e.phase}`;
      flush();
      report(e);
    };
    let state: RunState;
    try {
      state = await runCurriculum({
        be: gpuBackend(rt), dataset, topicConfigs, config, model: bundle.model, modelName: bundle.name, tokenizer: bundle.tokenizer, markers,
        similarity: sim, store: st, phases: o.phases, alignment: o.alignment, topicFilter: o.topics.length ? o.topics : undefined,
        maxSteps: o.maxSteps ?? undefined, seed, resume, onEvent,
        afterCheckpoint: (s) => {
          flush();
          const { metrics: _m, ...snapshot } = s;
          report({ type: 'checkpoint', state: snapshot }); // cloned by postMessage now
          if (pauseRequested && !s.finished) throw new PauseSignal('paused by the user');
        },
      });
    } catch (e) {
      if (e instanceof PauseSignal) {
        flush();
        const saved = await readState(st);
        if (!saved) throw new Error('Paused, but run/state.json was not found in IndexedDB');
        return { status: 'paused', state: saved, report: withMarkersLine(renderRunReport(saved, similarityUsed), markersFrom) };
      }
      throw e;
    }
    flush();
    const reportMd = withMarkersLine(renderRunReport(state, similarityUsed), markersFrom);
    const run = { ...runJson(state, similarityUsed), markers: markersFrom };
    await st.putMany([['run.json', JSON.stringify(run, null, 2) + '\n'], ['report.md', reportMd]], { durable: true });
    return { status: 'finished', state, report: reportMd };
  } catch (e) {
    flush();
    if (e instanceof DeviceLostError || rt?.isLost) {
      const err = new Error(
        `The WebGPU device was lost during ${where} (${(e as Error).message}). Everything up to the last completed phase is saved in this browser: press Resume to continue.`,
      );
      err.name = 'DeviceLostError';
      throw err;
    }
    throw e;
  } finally {
    if (timer) clearTimeout(timer);
    rt?.destroy();
    running = false;
    pauseRequested = false;
  }
}

async function readState(st: IdbStore): Promise<RunState | null> {
  const text = await st.getText(STATE_KEY);
  return text ? (JSON.parse(text) as RunState) : null;
}

async function readOptions(st: IdbStore): Promise<StoredRunOptions | null> {
  const text = await st.getText(OPTIONS_KEY);
  return text ? (JSON.parse(text) as StoredRunOptions) : null;
}

// ---------------------------------------------------------------- downloads

/** A ustar archive of plain files (no compression): one download holding a whole PEFT folder. */
function tar(files: { name: string; bytes: Uint8Array }[], mtime = Math.floor(Date.now() / 1000)): Uint8Array {
  const enc = new TextEncoder();
  const blocks = files.reduce((n, f) => n + 1 + Math.ceil(f.bytes.byteLength / 512), 2);
  const out = new Uint8Array(blocks * 512);
  let pos = 0;
  const field = (h: Uint8Array, off: number, len: number, s: string) => h.set(enc.encode(s).subarray(0, len), off);
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, '0') + '\0';
  for (const f of files) {
    let name = f.name;
    let prefix = '';
    if (enc.encode(name).length > 100) {
      const cut = name.lastIndexOf('/');
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
      if (cut < 0 || enc.encode(prefix).length > 155 || enc.encode(name).length > 100) throw new Error(`tar: the name ${f.name} is too long for a ustar header`);
    }
    const h = out.subarray(pos, pos + 512);
    field(h, 0, 100, name);
    field(h, 100, 8, '0000644\0');
    field(h, 108, 8, octal(0, 8));
    field(h, 116, 8, octal(0, 8));
    field(h, 124, 12, octal(f.bytes.byteLength, 12));
    field(h, 136, 12, octal(mtime, 12));
    field(h, 148, 8, '        ');
    field(h, 156, 1, '0');
    field(h, 257, 6, 'ustar\0');
    field(h, 263, 2, '00');
    field(h, 345, 155, prefix);
    const sum = h.reduce((a, b) => a + b, 0);
    field(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
    out.set(f.bytes, pos + 512);
    pos += 512 + Math.ceil(f.bytes.byteLength / 512) * 512;
  }
  return out; // ends with the two zero blocks already in place
}

async function downloadAdapter(key: string): Promise<AdapterDownload> {
  const peft = await loadPeftFiles(await runStore(), key);
  // adapters/unit-01/chapter-01/topic-02/sft_adapter → unit-01_chapter-01_topic-02_sft_adapter
  const folder = key.replace(/^(adapters|merged_adapters)\//, '').replace(/\//g, '_');
  const config = new TextEncoder().encode(peft[ADAPTER_CONFIG]);
  const weights = peft[ADAPTER_WEIGHTS];
  const archive = tar([{ name: `${folder}/${ADAPTER_CONFIG}`, bytes: config }, { name: `${folder}/${ADAPTER_WEIGHTS}`, bytes: weights }]);
  return {
    key, folder, tar: archive.buffer as ArrayBuffer,
    files: [{ name: ADAPTER_CONFIG, bytes: config.buffer as ArrayBuffer }, { name: ADAPTER_WEIGHTS, bytes: weights.slice().buffer as ArrayBuffer }],
  };
}

// ---------------------------------------------------------------- wiring

const handlers: { [M in keyof TrainingMethods]: (p: TrainingMethods[M]['params'], report: Report) => Promise<TrainingMethods[M]['result']> } = {
  async info(): Promise<RunInfo> {
    const st = await runStore();
    return { state: await readState(st), options: await readOptions(st), report: await st.getText('report.md'), adapters: await listAdapters(st), running };
  },
  start: (p, report) => run(p, false, report),
  async resume(p, report) {
    const st = await runStore();
    const saved = await readOptions(st);
    if (!saved || !(await st.has(STATE_KEY))) throw new Error('There is no saved run in this browser to resume: start one');
    let model: ModelChoice = { kind: 'tiny' };
    if (saved.model.kind === 'files') {
      if (!p.model || p.model.kind !== 'files') throw new Error(`This run trained ${saved.model.label}: pick that model folder again to resume`);
      model = p.model;
    }
    const { model: _m, modelName: _n, similarityUsed: _s, startedAt: _t, ...options } = saved;
    return run({ files: p.files, markersYaml: p.markersYaml, overrides: p.overrides, model, options }, true, report);
  },
  async pause() {
    if (running) pauseRequested = true;
    return { pausing: running };
  },
  async listAdapters() {
    return listAdapters(await runStore());
  },
  downloadAdapter: ({ key }) => downloadAdapter(key),
};

function post(reply: TrainingReply, transfer: Transferable[] = []): void {
  ctx.postMessage(reply, transfer);
}

async function handle(req: TrainingRequest): Promise<void> {
  const { id } = req;
  const v = TRAINING_PROTOCOL_VERSION;
  if (req.v !== v) {
    post({ v, id, kind: 'throw', error: { name: 'ProtocolError', message: `Page speaks training protocol v${req.v}, worker v${v}: reload the page` } });
    return;
  }
  const report: Report = (progress) => post({ v, id, kind: 'progress', progress });
  try {
    const handler = handlers[req.method] as (p: unknown, r: Report) => Promise<unknown>;
    if (!handler) throw new Error(`Unknown training method ${req.method}`);
    const res = await handler(req.params, report);
    const transfer = req.method === 'downloadAdapter' ? [(res as AdapterDownload).tar, ...(res as AdapterDownload).files.map((f) => f.bytes)] : [];
    post({ v, id, kind: 'return', result: res }, transfer);
  } catch (e) {
    const err = e as Error;
    post({ v, id, kind: 'throw', error: { name: err.name ?? 'Error', message: err.message ?? String(e), deviceLost: err.name === 'DeviceLostError' } });
  }
}

// Requests run concurrently: a pause or an adapter download must not wait for the run to end.
ctx.addEventListener('message', (e: MessageEvent) => {
  if (isTrainingRequest(e.data)) void handle(e.data);
});
