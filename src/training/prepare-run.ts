// What `mindprint train` and the studio's training worker both do around the curriculum pipeline:
// check the run options, apply them to the pipeline config, analyse and adapt the topics, load the base
// model and the similarity (prepareRun); run it with a pause signal (runPrepared); write run.json and
// report.md (finishRun). Where the dataset, markers, model and store come from is the caller's.
import type { Tensor, Backend } from '../engine/backend.ts';
import type { Dataset } from '../data/types.ts';
import { analyzeDataset } from '../analysis/analyze.ts';
import { adaptTopics, type TopicConfig, type TopicOverrides } from '../analysis/adaptive.ts';
import type { PipelineConfig } from '../config/pipeline-config.ts';
import type { VoiceMarkers } from '../analysis/markers.ts';
import { withMarkersLine, type MarkerSource } from '../analysis/marker-source.ts';
import type { ModelBundle } from '../model/load.ts';
import type { ArtifactStore } from '../storage/store.ts';
import type { ResolvedSimilarity } from './embedder.ts';
import { runCurriculum, type Phase, type PipelineEvent, type PipelineInputs, type RunState } from './pipeline.ts';
import { renderRunReport, runJson } from './run-report.ts';
import { RunStore } from '../storage/run-store.ts';

/** What a run is asked to do. Null numbers keep the config's (configs/training_pipeline.yaml) values. */
export interface RunOptions {
  phases: Phase[];
  alignment: 'ppo' | 'dpo';
  /** Topic ids to train (curriculum order is kept); empty: every topic. */
  topics: string[];
  /** Caps every phase's optimizer steps (quick runs). */
  maxSteps: number | null;
  /** Tokens per example; longer answers are cut (and counted in the report). */
  maxSeqLength: number | null;
  /** Longest generated answer in evaluation and longest PPO rollout, in tokens. */
  maxNewTokens: number | null;
  seed: number | null;
  /** Extra attempts for a topic that fails evaluation (0: none); null keeps the config's. */
  retries: number | null;
}

/** What a run takes from its config when the caller says nothing else: the model it names, its alignment's phases, its seed, every topic. */
export function runDefaults(config: PipelineConfig): { model: string; options: RunOptions & { seed: number } } {
  const alignment = config.alignment;
  const phases: Phase[] = alignment === 'dpo' ? ['sft', 'dpo', 'eval'] : ['sft', 'reward', 'ppo', 'eval'];
  return {
    model: config.model,
    options: { phases, alignment, topics: [], maxSteps: null, maxSeqLength: null, maxNewTokens: null, seed: config.seed, retries: null },
  };
}

/** Throws naming the bad option and the value received. */
export function checkRunOptions(o: RunOptions): void {
  const positive = (v: number | null, name: string) => {
    if (v !== null && (!Number.isInteger(v) || v <= 0)) throw new Error(`options.${name}: expected a whole number ≥ 1 or empty, got ${v}`);
  };
  positive(o.maxSteps, 'maxSteps');
  positive(o.maxSeqLength, 'maxSeqLength');
  positive(o.maxNewTokens, 'maxNewTokens');
  if (o.retries !== null && o.retries !== undefined && (!Number.isInteger(o.retries) || o.retries < 0))
    throw new Error(`options.retries: expected a whole number ≥ 0 or empty, got ${o.retries}`);
  if (o.seed !== null && (!Number.isInteger(o.seed) || o.seed < 0)) throw new Error(`options.seed: expected a whole number ≥ 0 or empty, got ${o.seed}`);
  if (!o.phases.length) throw new Error('options.phases: choose at least one phase');
  if (o.alignment !== 'ppo' && o.alignment !== 'dpo') throw new Error(`options.alignment: expected ppo or dpo, got ${o.alignment}`);
}

/**
 * The config with the options applied (the given config is not changed). maxNewTokens is both the
 * longest evaluation answer and the longest PPO rollout, in the CLI and the studio alike.
 */
export function configureRun(base: PipelineConfig, o: RunOptions): PipelineConfig {
  const config = structuredClone(base);
  if (o.maxSeqLength) config.max_seq_length = o.maxSeqLength;
  if (o.retries !== null && o.retries !== undefined) config.retries = o.retries;
  if (o.maxNewTokens) {
    config.evaluation.max_new_tokens = o.maxNewTokens;
    config.ppo.max_new_tokens = o.maxNewTokens;
  }
  return config;
}

export interface PrepareInputs {
  options: RunOptions;
  /** The base config; the options are applied to a copy. */
  config: PipelineConfig;
  dataset: Dataset;
  markers: VoiceMarkers;
  markerSource: MarkerSource;
  overrides?: Record<string, Partial<TopicOverrides>>;
  loadModel: () => Promise<ModelBundle>;
  loadSimilarity: () => Promise<ResolvedSimilarity>;
  /** What is being done now, for a status line. */
  status?: (message: string) => void;
}

/** Everything a run needs but the backend and the store. */
export interface PreparedRun {
  options: RunOptions;
  config: PipelineConfig;
  seed: number;
  dataset: Dataset;
  topicConfigs: TopicConfig[];
  bundle: ModelBundle;
  similarity: ResolvedSimilarity;
  /** Which similarity scores the evaluation, and why (run.json, the report). */
  similarityUsed: { name: string; reason: string };
  markers: VoiceMarkers;
  markerSource: MarkerSource;
}

export async function prepareRun(inp: PrepareInputs): Promise<PreparedRun> {
  const o = inp.options;
  checkRunOptions(o);
  const config = configureRun(inp.config, o);
  inp.status?.('Analysing the curriculum');
  const topicConfigs = adaptTopics(analyzeDataset(inp.dataset, inp.markers, inp.markerSource), config, inp.overrides);
  const bundle = await inp.loadModel();
  const similarity = await inp.loadSimilarity();
  return {
    options: o,
    config,
    seed: o.seed ?? config.seed,
    dataset: inp.dataset,
    topicConfigs,
    bundle,
    similarity,
    similarityUsed: { name: similarity.similarity.name, reason: similarity.reason },
    markers: inp.markers,
    markerSource: inp.markerSource,
  };
}

export interface RunSession<T extends Tensor> {
  be: Backend<T>;
  store: ArtifactStore;
  resume: boolean;
  onEvent?: (e: PipelineEvent) => void;
  /** After every durable checkpoint (the worker posts the state). */
  afterCheckpoint?: (state: RunState) => void;
  /** Pause: once aborted, the run stops at its next checkpoint (its state saved) and returns 'paused'. */
  signal?: AbortSignal;
}

export interface RunOutcome {
  status: 'finished' | 'paused';
  state: RunState;
  report: string;
}

/** report.md for a state: the run report with the voice markers named. */
export function runReport(p: PreparedRun, state: RunState): string {
  return withMarkersLine(renderRunReport(state, p.similarityUsed), p.markerSource);
}

/** Writes run.json and report.md; returns the report. */
export async function finishRun(store: ArtifactStore, p: PreparedRun, state: RunState): Promise<string> {
  const reportMd = runReport(p, state);
  await new RunStore(store).writeOutputs({ ...runJson(state, p.similarityUsed), markers: p.markerSource }, reportMd);
  return reportMd;
}

/** Runs (or resumes) the prepared curriculum, then writes its outputs (finishRun). */
export async function runPrepared<T extends Tensor>(p: PreparedRun, s: RunSession<T>): Promise<RunOutcome> {
  const { store, signal } = s;
  const o = p.options;
  const inputs: PipelineInputs<T> = {
    be: s.be,
    dataset: p.dataset,
    topicConfigs: p.topicConfigs,
    config: p.config,
    model: p.bundle.model,
    releaseHostWeights: true,
    deviceWeights: p.bundle.device,
    modelName: p.bundle.name,
    tokenizer: p.bundle.tokenizer,
    markers: p.markers,
    similarity: p.similarity,
    store,
    phases: o.phases,
    alignment: o.alignment,
    topicFilter: o.topics.length ? o.topics : undefined,
    maxSteps: o.maxSteps ?? undefined,
    seed: p.seed,
    resume: s.resume,
    onEvent: s.onEvent,
    afterCheckpoint: (state) => {
      s.afterCheckpoint?.(state);
      // The pipeline stops only by a throw; the checkpoint just written is where a resume continues.
      if (!state.finished) signal?.throwIfAborted();
    },
  };
  let state: RunState;
  try {
    state = await runCurriculum(inputs);
  } catch (e) {
    if (!signal?.aborted || e !== signal.reason) throw e;
    const saved = await new RunStore(store).readState();
    if (!saved) throw new Error('Paused, but the run state was not found in the store');
    return { status: 'paused', state: saved, report: runReport(p, saved) };
  }
  return { status: 'finished', state, report: await finishRun(store, p, state) };
}
