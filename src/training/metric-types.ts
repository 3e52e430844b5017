// The metric records each phase writes (ctx.metric in training/phases): one type per phase, joined
// in PhaseMetric, so the charts, the status line and the CLI narrow by `phase` (and the reward model's
// `kind`) and read typed fields. The pipeline stores them as MetricRecord (run-types.ts); phaseMetric
// is the one place a stored record is read as its phase's type.
import type { SftStepMetrics } from './sft.ts';
import type { RewardBatchLog, RewardEpoch } from './reward.ts';
import type { PpoStepLog } from './ppo.ts';
import type { DpoStepMetrics } from './dpo.ts';
import type { MetricRecord, Phase } from './run-types.ts';

/** Which topic and attempt (0: first, 1: first retry) a record belongs to. */
interface MetricWhere {
  topicId: string;
  attempt: number;
}

export type SftMetric = MetricWhere & { phase: 'sft' } & SftStepMetrics;
/** Per optimizer step of the reward model. */
export type RewardBatchMetric = MetricWhere & { phase: 'reward'; kind: 'batch' } & RewardBatchLog;
/** Per epoch of the reward model: train and validation loss and accuracy. */
export type RewardEpochMetric = MetricWhere & { phase: 'reward'; kind: 'epoch' } & RewardEpoch;
export type PpoMetric = MetricWhere & { phase: 'ppo'; totalSteps: number } & PpoStepLog;
export type DpoMetric = MetricWhere & { phase: 'dpo' } & DpoStepMetrics;
/** The topic's evaluation against its pass threshold. */
export type EvalMetric = MetricWhere & { phase: 'eval'; score: number; threshold: number; passed: boolean; source: string };

export type PhaseMetric = SftMetric | RewardBatchMetric | RewardEpochMetric | PpoMetric | DpoMetric | EvalMetric;

const PHASES: readonly Phase[] = ['sft', 'reward', 'ppo', 'dpo', 'eval'];

/** A stored record as its phase's type; throws on a record no phase writes (names its phase). */
export function phaseMetric(r: MetricRecord): PhaseMetric {
  if (!PHASES.includes(r.phase))
    throw new Error(`metric record of topic ${r.topicId}: unknown phase ${JSON.stringify(r.phase)} (expected ${PHASES.join(', ')})`);
  return r as unknown as PhaseMetric;
}

/** The records of one optimizer step (`step`, and `totalSteps` but for the reward model's batches). */
export type StepMetric = SftMetric | RewardBatchMetric | PpoMetric | DpoMetric;

export function isStepMetric(m: PhaseMetric): m is StepMetric {
  return m.phase !== 'eval' && !(m.phase === 'reward' && m.kind === 'epoch');
}
