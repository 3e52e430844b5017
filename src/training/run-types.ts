// The curriculum run's records: what it is given (PipelineInputs), what it tells the caller (PipelineEvent),
// and what it saves after every phase (RunState, with its topics, attempts, exams and metrics).
import type { Backend, Tensor } from '../engine/backend.ts';
import type { Dataset } from '../data/types.ts';
import type { TopicConfig } from '../analysis/adaptive.ts';
import type { PipelineConfig } from '../config/pipeline-config.ts';
import type { VoiceMarkers } from '../analysis/markers.ts';
import type { LoadedModel } from '../model/weights.ts';
import type { Tokenizer } from '../model/tokenizer.ts';
import type { ArtifactStore } from '../storage/store.ts';
import type { AdapterPhase } from '../storage/adapter-store.ts';
import type { PhaseProgress } from '../storage/run-store.ts';
import type { Similarity } from './similarity.ts';

export type Phase = 'sft' | 'reward' | 'ppo' | 'dpo' | 'eval';

export interface PipelineInputs<T extends Tensor> {
  be: Backend<T>;
  dataset: Dataset;
  topicConfigs: TopicConfig[]; // adaptive, in curriculum order
  config: PipelineConfig;
  model: LoadedModel;
  /** The model was loaded for this run alone: its host weights are dropped as they are uploaded (no second copy). */
  releaseHostWeights?: boolean;
  /** Weights already on `be` (the model was loaded onto it); the decoder takes them over. */
  deviceWeights?: Map<string, Tensor>;
  modelName: string;
  tokenizer: Tokenizer;
  markers: VoiceMarkers;
  similarity: { similarity: Similarity; reason: string };
  store: ArtifactStore;
  phases: Phase[];
  alignment: 'ppo' | 'dpo';
  topicFilter?: string[];
  maxSteps?: number; // caps every phase's optimizer steps (quick runs, CI)
  seed: number;
  resume: boolean;
  onEvent?: (e: PipelineEvent) => void;
  /** Every phase saves its trainable state every this many optimizer steps (default 50; the reward model at
   *  the first epoch end after that), so a kill loses at most that. */
  checkpointEvery?: number;
  /** Called after every durable checkpoint write (tests inject crashes here). */
  afterCheckpoint?: (state: RunState) => void | Promise<void>;
}

export type PipelineEvent =
  | { type: 'topic'; topicId: string; index: number; total: number; attempt: number; retries: number }
  | { type: 'phase'; topicId: string; phase: Phase; status: 'start' | 'done' | 'skipped'; message?: string }
  | { type: 'metric'; record: MetricRecord }
  | { type: 'exam'; result: ExamRecord }
  | { type: 'merge'; unit: string; key: string; rank: number; relativeError: number | null }
  | { type: 'warning'; topicId: string; phase: Phase; message: string }
  /** Questions answered so far in a topic's evaluation (topicId) or an exam (topicId null). */
  | { type: 'questions'; what: string; topicId: string | null; done: number; total: number }
  | { type: 'log'; message: string };

export interface MetricRecord {
  topicId: string;
  attempt: number;
  phase: Phase;
  [key: string]: unknown;
}

export interface AttemptRecord {
  attempt: number;
  seed: number;
  sftEpochs: number;
  phases: Phase[];
  adapters: Partial<Record<AdapterPhase, string>>;
  score: number | null;
  passed: boolean;
  notes: string[];
  /** What a phase ran without learning (a reward model at chance, an unchanged adapter, skipped steps). */
  warnings?: string[];
  /** The reward model's verdict (undefined until it ran): PPO is skipped after false when the config says so. */
  rewardLearned?: boolean;
  evaluation?: unknown;
}

export interface TopicRecord {
  id: string;
  unit: string;
  trainable: boolean;
  untrainableReason?: string;
  threshold: number;
  attempts: AttemptRecord[];
  phasesRun: Phase[];
  score: number | null;
  passed: boolean;
  finalAdapter: string | null;
  truncatedExamples: number;
  /** Preference pairs left out because chosen and rejected were identical within max_seq_length. */
  identicalPairs?: number;
  /** The warnings of the topic's last attempt (see AttemptRecord.warnings). */
  warnings?: string[];
  merged: boolean;
}

export interface ExamRecord {
  level: 'chapter' | 'unit' | 'final';
  scopeId: string;
  title: string;
  accuracy: number;
  meanVoice: number | null;
  passed: boolean;
  bars: unknown;
  questions: number;
}

/** Everything needed to resume: saved after each phase and each mid-phase save as run/state.json (durable). */
export interface RunState {
  version: 2;
  seed: number;
  modelName: string;
  alignment: 'ppo' | 'dpo';
  phases: Phase[];
  cursor: number; // index of the next plan step
  attemptPhase: { topicId: string; attempt: number; done: Phase[] } | null;
  topics: TopicRecord[];
  exams: ExamRecord[];
  folded: string[]; // adapter keys folded into the base, in order
  unitParts: Record<string, string[]>; // unit → adapter keys to merge at its boundary
  merged: { unit: string; key: string; rank: number; relativeError: number | null }[];
  metrics: MetricRecord[];
  /** The phase in flight, when it saved mid-phase state (its tensors in run/progress.safetensors). */
  progress: PhaseProgress | null;
  finished: boolean;
}
