// The studio's analysis state, kept between requests (the analysis worker holds one): the loaded
// files, the Dataset built from them, the voice markers, the per-topic overrides, and the result the
// studio shows. It keeps the Dataset, so a marker edit re-analyses and an override re-adapts without
// re-reading any file. Each method is one request of the analysis protocol (src/workers/protocol.ts).
// Files and settings persist in a SessionStore (IndexedDB's DatasetStore in the browser); plain
// TypeScript otherwise, so it runs in Node for tests.
import type { Dataset, FileKind } from '../data/types.ts';
import { DatasetBuilder } from '../data/builder.ts';
import { chunksOf, streamChunks } from '../data/line-reader.ts';
import { curriculumTree } from '../data/curriculum.ts';
import { analyzeDataset, type Analysis } from './analyze.ts';
import { phrasePattern } from './marker-discovery.ts';
import { acceptSuggestion, coveringMarker, keepSuggestions, removeSuggestion } from './marker-source.ts';
import { MarkerState } from './marker-state.ts';
import { qualityHistograms, type QualityHistogram } from './quality-histogram.ts';
import type { PipelineConfig } from '../config/pipeline-config.ts';
import { adaptTopics } from './adaptive.ts';
import { renderReport } from './report.ts';
import { isMarkersFile } from './marker-source.ts';
import type { SavedMarkers } from './marker-state.ts';
import { StorageQuotaError, isQuotaError, type DatasetStore } from '../storage/dataset-store.ts';
import type { DatasetSummary, FileInput, InitResult, Methods, OverrideMap, PersistStatus, Progress, StudioResult } from '../workers/protocol.ts';

/** Where the session keeps files and settings: the parts of DatasetStore it uses. */
export type SessionStore = Pick<DatasetStore, 'listFiles' | 'readChunks' | 'putFile' | 'setKind' | 'removeFile' | 'getSetting' | 'setSetting' | 'clear'>;

/** The markers YAML in use (the training worker reads it when the page sends none). */
const MARKERS_KEY = 'markersYaml';
/** Markers with their origin and the curriculum's own file (SavedMarkers). */
const MARKER_STATE_KEY = 'voiceMarkers';
const OVERRIDES_KEY = 'overrides';

/** A loaded file: where its bytes are (a Blob, bytes in memory, or only in the caller's store). */
export interface Source {
  name: string;
  size: number;
  kind: FileKind | null;
  data: Blob | Uint8Array | 'stored';
  saved: boolean;
  order: number;
}

export type Report = (p: Progress) => void;

export class StudioSession {
  readonly sources = new Map<string, Source>();
  readonly markers = new MarkerState();
  overrides: OverrideMap = {};
  private dataset: Dataset | null = null;
  private analysis: Analysis | null = null;
  private histograms: Record<string, QualityHistogram> = {};

  private store: SessionStore | null = null;
  private storeError: string | null = null;

  /** `openStore` is tried once; when it fails the session works in memory and persist says why. */
  constructor(
    private readonly pipeline: PipelineConfig,
    private readonly openStore: () => Promise<SessionStore>,
  ) {}

  private async stored(): Promise<SessionStore | null> {
    if (this.store || this.storeError) return this.store;
    try {
      this.store = await this.openStore();
    } catch (e) {
      this.storeError = `IndexedDB is not available: ${(e as Error).message}`;
    }
    return this.store;
  }

  // ------------------------------------------------------------ requests

  /** Restores stored files, markers and overrides (and analyses them). */
  async init(report: Report): Promise<InitResult> {
    const st = await this.stored();
    if (st) {
      const saved = await st.getSetting<SavedMarkers>(MARKER_STATE_KEY);
      if (saved) this.markers.restore(saved); // one that no longer parses is dropped
      this.overrides = (await st.getSetting<OverrideMap>(OVERRIDES_KEY)) ?? {};
      this.addStored(await st.listFiles());
      if (this.sources.size) await this.reload(report, 'restore');
    }
    return { result: this.result(), markersYaml: this.markers.yaml, defaultMarkersYaml: this.markers.base().yaml, overrides: this.overrides };
  }

  /** Adds files (a voice_markers.yaml becomes the curriculum's markers), parses everything, analyses. */
  async load(files: FileInput[], report: Report): Promise<StudioResult> {
    // A curriculum's own voice_markers.yaml is checked first: a bad field fails the load, naming it.
    const markerFiles = files.filter((f) => isMarkersFile(f.name));
    for (const f of markerFiles) this.markers.loadFolderFile(f.name, 'bytes' in f ? new TextDecoder().decode(f.bytes) : await f.file.text());
    if (markerFiles.length) await this.saveMarkers();
    if (markerFiles.length === files.length && this.sources.size === 0) {
      throw new Error(`${markerFiles.map((f) => f.name).join(', ')}: read as the curriculum's voice markers; now add its data files (.jsonl, .json)`);
    }
    this.add(files.filter((f) => !isMarkersFile(f.name)).map((f) => ({ name: f.name, data: 'bytes' in f ? new Uint8Array(f.bytes) : f.file })));
    await this.reload(report);
    return this.requireResult();
  }

  /** Saves files not yet stored, and the settings. Never throws for quota: reports it. */
  async persist(report: Report): Promise<PersistStatus> {
    const st = await this.stored();
    const pending = [...this.sources.values()].filter((s) => !s.saved);
    const status: PersistStatus = { ok: true, savedFiles: 0, savedBytes: 0 };
    if (!st) return { ...status, ok: false, error: this.storeError ?? 'IndexedDB is not available' };
    const totalBytes = pending.reduce((n, s) => n + s.size, 0);
    let done = 0;
    try {
      for (const s of pending) {
        if (s.data === 'stored') continue;
        await st.putFile(s.name, s.data, { kind: s.kind, order: s.order }, (b) => report({ phase: 'save', file: s.name, bytes: done + b, totalBytes }));
        done += s.size;
        s.saved = true;
        status.savedFiles++;
        status.savedBytes += s.size;
      }
      await st.setSetting(MARKERS_KEY, this.markers.yaml);
      await st.setSetting(MARKER_STATE_KEY, this.markers.saved());
      await st.setSetting(OVERRIDES_KEY, this.overrides);
    } catch (e) {
      return { ...status, ok: false, quota: e instanceof StorageQuotaError || isQuotaError(e), error: (e as Error).message };
    }
    return status;
  }

  async setKind(file: string, kind: FileKind | null, report: Report): Promise<StudioResult> {
    const s = this.source(file);
    s.kind = kind;
    if (s.saved) await (await this.stored())?.setKind(file, kind);
    await this.reload(report);
    return this.requireResult();
  }

  async removeFile(file: string, report: Report): Promise<StudioResult | null> {
    if (!this.remove(file)) throw new Error(`No loaded file named ${file}`);
    await (await this.stored())?.removeFile(file);
    if (this.sources.size) await this.reload(report);
    return this.result();
  }

  /** A marker edit (a bad field throws, naming it; the markers in use stay), then a re-analysis. */
  async setMarkers(yaml: string, report: Report): Promise<StudioResult | null> {
    this.markers.edit(yaml);
    return this.markersChanged(report);
  }

  async editSuggestion(params: Methods['editSuggestion']['params'], report: Report): Promise<StudioResult | null> {
    const { yaml, action, phrase, category } = params;
    const s = { phrase: phrase.trim(), category, pattern: phrasePattern(phrase) };
    if (!s.phrase && action !== 'keep') throw new Error('voice markers: a suggestion needs a phrase');
    this.markers.edit(action === 'accept' ? acceptSuggestion(yaml, s) : action === 'remove' ? removeSuggestion(yaml, s) : keepSuggestions(yaml));
    return this.markersChanged(report);
  }

  async resetMarkers(report: Report): Promise<StudioResult | null> {
    this.markers.reset();
    return this.markersChanged(report);
  }

  async setOverrides(overrides: OverrideMap): Promise<StudioResult | null> {
    this.overrides = overrides;
    await this.saveSetting(OVERRIDES_KEY, overrides);
    return this.result();
  }

  /** Forgets every file and stored setting. */
  async clear(): Promise<{ defaultMarkersYaml: string }> {
    this.sources.clear();
    this.dataset = this.analysis = null;
    this.overrides = {};
    this.markers.clear();
    await (await this.stored())?.clear();
    return { defaultMarkersYaml: this.markers.yaml };
  }

  // ------------------------------------------------------------ state

  private async markersChanged(report: Report): Promise<StudioResult | null> {
    await this.saveMarkers();
    this.analyse(report);
    return this.result();
  }

  /** Saves a small setting; a failure (quota) is not the edit's fault, so it is not raised here: the
   *  next persist reports storage problems. */
  private async saveSetting(key: string, value: unknown): Promise<void> {
    await (await this.stored())?.setSetting(key, value).catch(() => undefined);
  }

  private async saveMarkers(): Promise<void> {
    await this.saveSetting(MARKERS_KEY, this.markers.yaml);
    await this.saveSetting(MARKER_STATE_KEY, this.markers.saved());
  }

  /** Adds files in memory (same name replaces, keeping its place and chosen kind). */
  private add(files: { name: string; data: Blob | Uint8Array }[]): void {
    let order = Math.max(-1, ...[...this.sources.values()].map((s) => s.order)) + 1;
    for (const { name, data } of files) {
      const size = data instanceof Uint8Array ? data.byteLength : data.size;
      const prev = this.sources.get(name);
      this.sources.set(name, { name, size, kind: prev?.kind ?? null, data, saved: false, order: prev?.order ?? order++ });
    }
  }

  /** Files already in the caller's store, read from there when parsed. */
  private addStored(files: { name: string; size: number; kind: FileKind | null; order: number }[]): void {
    for (const { name, size, kind, order } of files) this.sources.set(name, { name, size, kind, order, data: 'stored', saved: true });
  }

  private source(name: string): Source {
    const s = this.sources.get(name);
    if (!s) throw new Error(`No loaded file named ${name}`);
    return s;
  }

  /** Forgets a file; false when there was none of that name. With no files left, nothing is loaded. */
  private remove(name: string): boolean {
    if (!this.sources.delete(name)) return false;
    if (this.sources.size === 0) this.dataset = this.analysis = null;
    return true;
  }

  private async *chunks(s: Source): AsyncGenerator<Uint8Array> {
    if (s.data === 'stored') {
      const st = await this.stored();
      if (!st) throw new Error(`${s.name} is stored in IndexedDB, which is not available: ${this.storeError}`);
      yield* st.readChunks(s.name);
    } else if (s.data instanceof Uint8Array) yield* chunksOf(s.data);
    else yield* streamChunks(s.data.stream() as ReadableStream<Uint8Array>);
  }

  /** Reads every file (streaming) into a fresh Dataset, then analyses; progress counts bytes over all files. */
  private async reload(report: Report, phase: Progress['phase'] = 'read'): Promise<void> {
    const list = [...this.sources.values()].sort((a, b) => a.order - b.order);
    const totalBytes = list.reduce((n, s) => n + s.size, 0);
    let bytes = 0;
    const builder = new DatasetBuilder();
    for (const s of list) {
      report({ phase, file: s.name, bytes, totalBytes });
      const chunks = this.chunks(s);
      const counted = async function* () {
        for await (const chunk of chunks) {
          bytes += chunk.byteLength;
          report({ phase, file: s.name, bytes, totalBytes });
          yield chunk;
        }
      };
      await builder.addFile(s.name, counted(), s.kind ?? undefined);
    }
    this.dataset = builder.build();
    this.markers.pairsChanged(this.dataset.preference);
    this.analyse(report);
  }

  /** Re-analyses the Dataset with the markers in use (no file is read). */
  private analyse(report: Report): void {
    if (!this.dataset) return;
    report({ phase: 'analyse', bytes: 0, totalBytes: 0 });
    this.analysis = analyzeDataset(this.dataset, this.markers.markers, this.markers.source);
    this.histograms = qualityHistograms(this.dataset.preference, this.markers.markers);
  }

  /** Everything the studio shows; null before any data is loaded. */
  result(): StudioResult | null {
    const { dataset, analysis, pipeline, markers } = this;
    if (!dataset || !analysis) return null;
    return {
      dataset: this.summary(dataset),
      analysis,
      configs: adaptTopics(analysis, pipeline, this.overrides),
      tree: curriculumTree(dataset.topics),
      histograms: this.histograms,
      report: renderReport(analysis),
      markersYaml: markers.yaml,
      baseMarkersYaml: markers.base().yaml,
      suggestions: markers.discovery && {
        ...markers.discovery,
        suggestions: markers.discovery.suggestions.map((s) => ({ ...s, coveredBy: coveringMarker(markers.markers, s.phrase) })),
      },
      overrides: this.overrides,
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

  private requireResult(): StudioResult {
    const r = this.result();
    if (!r) throw new Error('No data loaded: drop curriculum files first');
    return r;
  }

  private summary(ds: Dataset): DatasetSummary {
    const files = ds.files.map((f) => {
      const s = this.sources.get(f.path);
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
}
