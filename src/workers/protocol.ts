// The analysis worker's methods and progress, carried by the shared envelope (src/util/rpc.ts):
// typed, versioned requests with ids, answered by `progress`* then exactly one `return` or `throw`.
import type { FileKind, ParsedFile, Topic } from '../data/types.ts';
import type { CurriculumTree } from '../data/curriculum.ts';
import type { Analysis } from '../analysis/analysis-types.ts';
import type { TopicOverrides } from '../config/pipeline-config.ts';
import type { TopicConfig } from '../analysis/adaptive.ts';
import type { MarkerDiscovery, MarkerSuggestion } from '../analysis/marker-discovery.ts';
import type { QualityHistogram } from '../analysis/quality-histogram.ts';
import type { RpcReply, RpcRequest, WireError } from '../util/rpc.ts';

/** Per-topic overrides the user set in the studio: topic id → the values that differ. */
export type OverrideMap = Record<string, Partial<TopicOverrides>>;

export const PROTOCOL_VERSION = 1;

/** A file handed to the worker: a File/Blob (read as a stream there) or bytes (transferred). */
export type FileInput = { name: string; file: Blob } | { name: string; bytes: ArrayBuffer };

export interface Progress {
  phase: 'read' | 'analyse' | 'save' | 'restore';
  /** The file being read or saved. */
  file?: string;
  /** Bytes done / total over the whole operation (0 / 0 for phases without bytes). */
  bytes: number;
  totalBytes: number;
}

export interface FileSummary extends ParsedFile {
  size: number;
  /** The kind the user chose for this file, or null when detected. */
  kindOverride: FileKind | null;
}

export interface DatasetSummary {
  files: FileSummary[];
  topics: Topic[];
  counts: { sft: number; preference: number; distinctions: number; evalSets: number; evalQuestions: number };
}

export type { QualityHistogram };

/** Everything the studio shows: plain data, structured-clone safe. */
export interface StudioResult {
  dataset: DatasetSummary;
  analysis: Analysis;
  configs: TopicConfig[];
  tree: CurriculumTree;
  /** Per topic id, and '*' for all pairs. */
  histograms: Record<string, QualityHistogram>;
  report: string;
  /** The markers YAML in use (where it came from: analysis.markers). */
  markersYaml: string;
  /** What "Reset" restores: the curriculum's own voice_markers.yaml, else provisional markers (or none). */
  baseMarkersYaml: string;
  /** Markers discovered in the curriculum's preference pairs; null without pairs. */
  suggestions: SuggestionList | null;
  overrides: OverrideMap;
  /** The base config's values (configs/training_pipeline.yaml) the rules adapt from. */
  base: BaseValues;
}

/** Discovery's suggestions, each with the density marker in use that already counts it (or null). */
export type SuggestionList = Omit<MarkerDiscovery, 'suggestions'> & { suggestions: (MarkerSuggestion & { coveredBy: string | null })[] };

export type BaseValues = Pick<
  TopicConfig,
  'sftEpochs' | 'batchSize' | 'learningRate' | 'rewardEpochs' | 'rewardLearningRate' | 'rewardBatchSize' | 'ppoSteps' | 'ppoLearningRate' | 'passThreshold'
>;

export interface PersistStatus {
  ok: boolean;
  savedFiles: number;
  savedBytes: number;
  /** Why saving failed (quota or other), with the file named. */
  error?: string;
  quota?: boolean;
}

export interface InitResult {
  /** Null when nothing was stored. */
  result: StudioResult | null;
  markersYaml: string;
  /** What "Reset" restores (see StudioResult.baseMarkersYaml). */
  defaultMarkersYaml: string;
  overrides: OverrideMap;
}

/** Method name → params and result. */
export interface Methods {
  /** Restores stored files, markers and overrides (and analyses them). */
  init: { params: Record<string, never>; result: InitResult };
  /** Adds files (same name replaces; a voice_markers.yaml becomes the curriculum's markers), parses everything, analyses. */
  load: { params: { files: FileInput[] }; result: StudioResult };
  /** Saves files not yet stored to IndexedDB. Never throws for quota: reports it. */
  persist: { params: Record<string, never>; result: PersistStatus };
  /** Sets a file's kind (null: detect) and re-parses. */
  setKind: { params: { file: string; kind: FileKind | null }; result: StudioResult };
  removeFile: { params: { file: string }; result: StudioResult | null };
  /** Parses the YAML (throws on a bad field, keeping the last good markers) and re-analyses without re-reading files. */
  setMarkers: { params: { yaml: string }; result: StudioResult | null };
  /** Back to the curriculum's own markers (its voice_markers.yaml, else provisional ones from its pairs). */
  resetMarkers: { params: Record<string, never>; result: StudioResult | null };
  /**
   * Accepts a suggestion into (or removes a phrase from) the given markers YAML, or keeps provisional
   * markers as they are (the user's now); then as setMarkers.
   */
  editSuggestion: { params: { yaml: string; action: 'accept' | 'remove' | 'keep'; phrase: string; category: string | null }; result: StudioResult | null };
  setOverrides: { params: { overrides: OverrideMap }; result: StudioResult | null };
  /** Forgets every file and stored setting. */
  clear: { params: Record<string, never>; result: { defaultMarkersYaml: string } };
}

export type Method = keyof Methods;

export type Request<M extends Method = Method> = RpcRequest<Methods, M>;
export type Reply = RpcReply<Progress>;
export type { WireError };
