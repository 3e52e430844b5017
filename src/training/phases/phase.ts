// The one interface every phase of a topic attempt implements (SFT, reward model, PPO, DPO, evaluation):
// a gate that says whether it runs for this attempt (and why not, as a note), and a run that trains or
// evaluates, resumes from its own saved progress where it has any, and reports its outcome. The topic
// loop (topic-run.ts) records outcomes in the run state; phases never write the attempt's record.
import type { Tensor } from '../../engine/backend.ts';
import type { Decoder } from '../../model/decoder.ts';
import type { LoraParams } from '../../model/lora-params.ts';
import type { LoraConfig } from '../../model/lora-types.ts';
import type { TopicConfig } from '../../analysis/adaptive.ts';
import type { EvalContext } from '../evaluate.ts';
import type { AttemptRecord, MetricRecord, Phase, PipelineEvent, PipelineInputs, RunState } from '../run-types.ts';
import type { ProgressTensors, RunStore } from '../../storage/run-store.ts';
import type { TopicData } from './topic-data.ts';

/** What every phase of the run shares: the inputs, the decoder (base + folded adapters) and the run state. */
export interface RunContext<T extends Tensor> {
  inp: PipelineInputs<T>;
  dec: Decoder<T>;
  state: RunState;
  /** The run's keys and formats: state, progress, adapters. */
  runs: RunStore;
  loraCfg: LoraConfig;
  /** Longest training sequence: max_seq_length capped by the model's positions. */
  maxLen: number;
  /** The token that closes an answer in the chat template (a reward pair's last token). */
  endId: number;
  emit(e: PipelineEvent): void;
  /** Appends a metric record to the run and reports it. */
  metric(record: MetricRecord): void;
  /** Saves the run state durably (run/state.json and metrics.jsonl), with the phase's progress tensors when given. */
  checkpoint(progress?: ProgressTensors): Promise<void>;
  /** The evaluation context of a policy (null = the base with the folded adapters). */
  evalContext(lora: LoraParams<T> | null): EvalContext<T>;
  want(p: Phase): boolean;
}

/** One attempt at one topic, as a phase sees it. */
export interface TopicAttempt {
  topicId: string;
  tc: TopicConfig;
  attempt: number;
  seed: number;
  /** The attempt's record so far (read only: adapters of earlier phases, the reward model's verdict). */
  record: Readonly<AttemptRecord>;
  /** Phases of this attempt already completed (saved in the run state, so a resumed attempt skips them). */
  done: readonly Phase[];
  data: TopicData;
  /** The adapter the policy phases start from and evaluation evaluates (null: none yet). */
  policyKey: string | null;
}

/** What a phase reports; the topic loop records it. */
export interface PhaseOutcome {
  /** The adapter it saved (adapters/{topic}/{phase}_adapter), or null. */
  adapterKey: string | null;
  /** Facts about the run a user should read (e.g. "PPO stopped: ..."). */
  notes: string[];
  /** What it ran without learning (see outcomes.ts). */
  warnings: string[];
  /** A summary of the phase (steps, final loss, ...), as saved beside its adapter. */
  metrics: Record<string, unknown>;
  /** Reward phase: did the model learn? */
  rewardLearned?: boolean;
  /** Evaluation phase: the topic's score and verdict. */
  evaluation?: { score: number; passed: boolean; summary: Record<string, unknown> };
}

/** Whether a phase runs; when it does not, an optional note saying why (recorded once per attempt). */
export type PhaseGate = { run: true } | { run: false; note?: string };

export interface PhaseModule {
  phase: Phase;
  gate<T extends Tensor>(ctx: RunContext<T>, at: TopicAttempt): Promise<PhaseGate>;
  run<T extends Tensor>(ctx: RunContext<T>, at: TopicAttempt): Promise<PhaseOutcome>;
  /** For phases that produce the policy: its adapter key after the phase (run now or before), else null. */
  policyAfter?<T extends Tensor>(ctx: RunContext<T>, at: TopicAttempt): Promise<string | null>;
}

export const RUN: PhaseGate = { run: true };
export const PASS: PhaseGate = { run: false };

/** An empty outcome to fill in. */
export function outcome(adapterKey: string | null, metrics: Record<string, unknown> = {}): PhaseOutcome {
  return { adapterKey, notes: [], warnings: [], metrics };
}

/** Deterministic per-purpose seeds: FNV-1a over the parts, from the run's seed. */
export function seedFor(base: number, ...parts: (string | number)[]): number {
  let h = base >>> 0;
  for (const p of parts.join('|')) h = Math.imul(h ^ p.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** A phase's optimizer steps under the run's --max-steps cap. */
export function capSteps(n: number, maxSteps: number | undefined): number {
  return maxSteps ? Math.min(n, maxSteps) : n;
}
