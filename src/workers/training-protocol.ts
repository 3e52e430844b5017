// The message protocol between the studio's main thread and the training worker: typed, versioned
// requests with ids, answered by `progress`* then exactly one `return` or `throw` (src/util/rpc.ts).
import type { FileInput, OverrideMap } from './protocol.ts';
import type { RpcReply, RpcRequest } from '../util/rpc.ts';
import type { RunOptions, RunOutcome } from '../training/prepare-run.ts';
import type { PhaseMetric } from '../training/metric-types.ts';
import type { ExamRecord, MetricRecord, Phase, PipelineEvent, RunState } from '../training/pipeline.ts';
import type { AdapterEntry } from '../storage/adapter-store.ts';
import type { RunSummary } from '../storage/run-library.ts';
import type { RunImportResult } from '../bundle/studio-import-run.ts';
import type { MarkerSource } from '../analysis/marker-source.ts';
import type { GenerateOutcome, GenerateParams, PlaygroundProgress, PlaygroundQuiz } from './playground.ts';

export const TRAINING_PROTOCOL_VERSION = 2;

/** The base model: the generated tiny model, the files of a Hugging Face folder the user picked, or a Hub model in this browser's cache. */
export type ModelChoice = { kind: 'tiny' } | { kind: 'files'; label: string; files: { name: string; file: Blob }[] } | HubModelChoice;

/** A Hub model downloaded in the Model tab (src/hub/browser/): the worker reads it from the browser's cache (OPFS). */
export interface HubModelChoice {
  kind: 'hub';
  repoId: string;
  revision: string;
  commit: string;
  label: string;
}

/** What a run is asked to do (RunOptions), and which similarity scores the evaluation. */
export interface TrainOptions extends RunOptions {
  /** 'auto': sentence embeddings (all-MiniLM, downloaded once), lexical when they do not load. */
  similarity: 'auto' | 'lexical';
  /** Precision of the frozen base weights on the GPU, chosen in the Model tab (absent: as stored). */
  dtype?: 'f32' | 'bf16' | 'f16';
  /** 4-bit group-wise base weights (QLoRA), chosen in the Model tab. */
  quantize?: 'q4';
}

/** Quick settings for the tiny model: a demo run finishes in minutes, even on software WebGPU. */
export const QUICK_OPTIONS: TrainOptions = {
  phases: ['sft', 'reward', 'ppo', 'eval'],
  alignment: 'ppo',
  topics: [],
  maxSteps: 4,
  maxSeqLength: 128,
  maxNewTokens: 8,
  seed: null,
  retries: 0,
  similarity: 'auto',
};

/** Saved beside the run state (run/options.json) so Resume after a reload repeats the same run. */
export interface StoredRunOptions extends TrainOptions {
  model: { kind: 'tiny' } | { kind: 'files'; label: string } | HubModelChoice;
  modelName: string;
  /** Which similarity scored the evaluation, and why (written into the report). */
  similarityUsed: { name: string; reason: string } | null;
  startedAt: number;
  /** sha-256 of the curriculum the run trained on (its normalised records), to tell runs on other data apart. */
  dataFingerprint?: string;
  /** Set when the run was imported from a TRL bundle's output (startedAt is then the import's time). */
  importedFrom?: { trainer: 'trl'; folder: string; at: number };
}

/** A zip for the page to save: built in the worker from streamed pieces, passed by reference. */
export interface ZipDownload {
  name: string;
  blob: Blob;
  bytes: number;
  files: number;
}

/** PEFT adapters to import: a picked folder's files (paths relative to it) or one zip, checked against `model`. */
export interface ImportParams {
  name: string;
  files: { path: string; file: Blob }[];
  model: ModelChoice;
}

/** An imported adapter's evaluation: each topic's score against its pass threshold (kept as evaluation.json beside it). */
export interface ImportEvaluation {
  key: string;
  model: string;
  similarity: string;
  at: number;
  topics: { id: string; score: number; threshold: number; passed: boolean; questions: number; source: 'quiz' | 'seen-questions' }[];
  passed: number;
}

export type { RunImportResult, RunSummary };

/** The run's saved state without the (long) metric list: sent after every checkpoint. */
export type RunSnapshot = Omit<RunState, 'metrics'>;

/** Progress while a run goes: the pipeline's events, metrics in batches (at most ~10 messages/s). */
export type TrainingProgress =
  | Exclude<PipelineEvent, { type: 'metric' }>
  | { type: 'metrics'; records: PhaseMetric[] }
  | { type: 'checkpoint'; state: RunSnapshot }
  | { type: 'status'; message: string }
  | { type: 'run'; options: StoredRunOptions; runId: string }
  | { type: 'similarity'; name: string; reason: string }
  | PlaygroundProgress;

export type { RunOutcome };

/** What the panel shows on open: the last run in this browser (nothing is lost on reload). */
export interface RunInfo {
  /** The run's id in the history (runs/{id}); null when no run is stored. */
  runId: string | null;
  state: RunState | null;
  options: StoredRunOptions | null;
  report: string | null;
  adapters: AdapterEntry[];
  /** True while this worker is running (or pausing) a run. */
  running: boolean;
}

export interface StartParams {
  /** Curriculum files; absent: the files the studio saved in IndexedDB (mindprint-datasets). */
  files?: FileInput[];
  /** Voice markers YAML; absent: the saved markers, else configs/voice_markers.yaml. */
  markersYaml?: string;
  /** Where the markers came from, named in the run report and run.json (the studio's analysis.markers). */
  markerSource?: MarkerSource;
  /** Per-topic overrides; absent: the saved overrides. */
  overrides?: OverrideMap;
  model: ModelChoice;
  options: TrainOptions;
}

/** Method name → params and result. */
export interface TrainingMethods {
  /** The newest run stored in this browser (the current one). */
  info: { params: Record<string, never>; result: RunInfo };
  /** Starts a new run in the history (earlier runs are kept). */
  start: { params: StartParams; result: RunOutcome };
  /** Continues the stored run from its last completed phase; a picked model folder must be given again. */
  resume: { params: { model?: ModelChoice; files?: FileInput[]; markersYaml?: string; overrides?: OverrideMap }; result: RunOutcome };
  /** Asks the running run to stop after its current phase (its state is saved); the run call then returns 'paused'. */
  pause: { params: Record<string, never>; result: { pausing: boolean } };
  listAdapters: { params: Record<string, never>; result: AdapterEntry[] };
  /** Every run in this browser, oldest first, with pass rate and per-topic scores. */
  listRuns: { params: Record<string, never>; result: RunSummary[] };
  /** One run of the history, read-only. */
  runInfo: { params: { id: string }; result: RunInfo };
  /** Deletes a run and its adapters (not the one training now). */
  deleteRun: { params: { id: string }; result: { deleted: number } };
  /** A run as a zip: adapters, merges, reward heads, run.json, report.md, metrics.jsonl. */
  downloadRun: { params: { id: string }; result: ZipDownload };
  /** One adapter as a zip: `key` in run `runId`, or an import (runId null). */
  downloadAdapterZip: { params: { runId: string | null; key: string }; result: ZipDownload };
  /** Imports PEFT adapters (folder or zip) after checking every one against the model; keeps all or none. */
  importAdapters: { params: ImportParams; result: { keys: string[]; notes: string[]; model: string } };
  listImports: { params: Record<string, never>; result: string[] };
  deleteImport: { params: { key: string }; result: { deleted: number } };
  /** Merges imported adapters exactly (rank = the sum of theirs) into a new import. */
  mergeImports: { params: { keys: string[]; model: ModelChoice }; result: { key: string } };
  /** Records a TRL bundle's output (folder or zip: run.json, adapters, plan.json) as a new finished run, every adapter checked against `model` first; refused while a run trains. */
  importRun: { params: ImportParams; result: RunImportResult };
  /** Evaluates an imported adapter on the saved curriculum's topic quizzes (refused while a run trains); status lines as progress. */
  evaluateImport: { params: Omit<StartParams, 'files'> & { key: string }; result: ImportEvaluation };
  /** The imports with their last evaluation (null when not evaluated). */
  importEvaluations: { params: Record<string, never>; result: Record<string, ImportEvaluation | null> };
  /** The curriculum's topic quizzes, for the playground. */
  playgroundQuizzes: { params: Record<string, never>; result: PlaygroundQuiz[] };
  /** The base model, then a stored adapter, answer a prompt (streamed as 'generated' progress); refused while a run trains. */
  generate: { params: GenerateParams; result: GenerateOutcome };
  /** Stops the answer being generated after its current token. */
  stopGenerate: { params: Record<string, never>; result: boolean };
}

export type { GenerateOutcome, GenerateParams, PlaygroundQuiz };

export type TrainingMethod = keyof TrainingMethods;

export type TrainingRequest<M extends TrainingMethod = TrainingMethod> = RpcRequest<TrainingMethods, M>;
export type TrainingReply = RpcReply<TrainingProgress>;

export type { ExamRecord, MetricRecord, Phase, PhaseMetric, RunState };
