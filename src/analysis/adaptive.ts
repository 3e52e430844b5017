// Adaptive per-topic hyperparameters: the base config adjusted to each topic's data by the
// curriculum's rules, every decision with a one-line rationale, user overrides applied last.
import type { Analysis, MarkersInUse, TopicAnalysis } from './analysis-types.ts';
import { markersName, notJudgedWhy } from './marker-source.ts';
import type { PipelineConfig, TopicOverrides } from '../config/pipeline-config.ts';

export type { TopicOverrides } from '../config/pipeline-config.ts';

/** Every overridable value (learningRate = SFT base × lrMultiplier), plus what the rules decided and why. */
export interface TopicConfig extends TopicOverrides {
  id: string;
  untrainableReason?: string;
  /** One line per decision, in the order the rules run. */
  rationale: string[];
  /** Keys of TopicOverrides set by the user (config `topics:` map or studio). */
  overridden: (keyof TopicOverrides)[];
  /** The figures the rules read. */
  sftExamples: number;
  pairs: number;
}

/** Rule thresholds (the curriculum's). */
export const RULES = {
  thinSft: 10, // n < 10: thin topic
  richSft: 25, // n > 25: rich topic
  lowPairQuality: 1.0, // mean pair quality < 1.0: weak preference signal
  minSft: 2, // n < 2: untrainable
  minOutputChars: 50, // mean output < 50 chars: untrainable
  highQuality: { minPairs: 15, maxPairs: 30, minOutputChars: 600, maxOutputChars: 1500, minDensity: 20, minQuality: 1.5 },
  lowDensity: 15, // density < 15: lenient threshold
  lowDensityThreshold: 0.75,
  defaultThreshold: 0.8,
} as const;

const fmt = (x: number) => Number(x.toPrecision(3)).toString();

/** Whether a topic meets every high-quality range (pairs, output length, density, pair quality). */
function isHighQuality(t: TopicAnalysis): boolean {
  const h = RULES.highQuality;
  const m = t.preference.pairs;
  const out = t.sft.outputChars.mean;
  return (
    m >= h.minPairs &&
    m <= h.maxPairs &&
    out >= h.minOutputChars &&
    out <= h.maxOutputChars &&
    t.sft.voiceDensity >= h.minDensity &&
    t.preference.meanQuality >= h.minQuality
  );
}

/** Whether a topic has enough SFT data to train, and if not, why. */
function trainability(n: number, meanOut: number, rationale: string[]): string[] {
  const reasons: string[] = [];
  if (n < RULES.minSft) reasons.push(`only ${n} SFT example${n === 1 ? '' : 's'} (needs at least ${RULES.minSft})`);
  if (n > 0 && meanOut < RULES.minOutputChars) reasons.push(`mean output ${fmt(meanOut)} chars (needs at least ${RULES.minOutputChars})`);
  rationale.push(reasons.length === 0 ? `Trainable: ${n} SFT examples, mean output ${fmt(meanOut)} chars.` : `Not trainable: ${reasons.join('; ')}.`);
  return reasons;
}

/** SFT epochs, batch size and LR multiplier by how many SFT examples the topic has. */
function sftRule(n: number, cfg: PipelineConfig, rationale: string[]): Pick<TopicConfig, 'sftEpochs' | 'batchSize' | 'lrMultiplier'> {
  let sftEpochs = cfg.sft.epochs;
  let batchSize = cfg.sft.batch_size;
  let lrMultiplier = 1;
  if (n < RULES.thinSft) {
    sftEpochs += 2;
    batchSize = 2;
    lrMultiplier = 0.5;
    rationale.push(`SFT: n = ${n} < ${RULES.thinSft} (thin): epochs ${cfg.sft.epochs}+2 = ${sftEpochs}, batch 2, LR ×0.5.`);
  } else if (n > RULES.richSft) {
    batchSize = 8;
    rationale.push(`SFT: n = ${n} > ${RULES.richSft} (rich): batch 8; epochs ${sftEpochs} and LR as base.`);
  } else {
    rationale.push(`SFT: n = ${n} within ${RULES.thinSft}-${RULES.richSft}: base epochs ${sftEpochs}, batch ${batchSize}, LR ×1.`);
  }
  return { sftEpochs, batchSize, lrMultiplier };
}

/** Reward-model epochs, LR and batch size by the topic's mean pair quality (when it is judged). */
function rewardRule(
  t: TopicAnalysis,
  cfg: PipelineConfig,
  mk: MarkersInUse | undefined,
  by: string,
  rationale: string[],
): Pick<TopicConfig, 'rewardEpochs' | 'rewardLearningRate' | 'rewardBatchSize'> {
  let rewardEpochs = cfg.reward.epochs;
  let rewardLearningRate = cfg.reward.learning_rate;
  let rewardBatchSize = cfg.reward.batch_size;
  const q = t.preference.meanQuality;
  if (t.preference.pairs === 0) {
    rationale.push('Reward: no preference pairs, so no quality to adapt to: base reward settings.');
  } else if (mk && !mk.judged) {
    rationale.push(`Reward: pair quality ${fmt(q)} not judged (${notJudgedWhy(mk)}): base reward settings.`);
  } else if (q < RULES.lowPairQuality) {
    rewardEpochs += 2;
    rewardLearningRate *= 0.5;
    rewardBatchSize = 4;
    rationale.push(
      `Reward: mean pair quality ${fmt(q)} < ${RULES.lowPairQuality} (weak signal)${by}: epochs ${cfg.reward.epochs}+2 = ${rewardEpochs}, LR ×0.5, batch 4.`,
    );
  } else {
    rationale.push(`Reward: mean pair quality ${fmt(q)} ≥ ${RULES.lowPairQuality}${by}: base epochs ${rewardEpochs}, LR, batch ${rewardBatchSize}.`);
  }
  return { rewardEpochs, rewardLearningRate, rewardBatchSize };
}

/** PPO steps and LR: more steps at half the LR for a thin topic. */
function ppoRule(n: number, cfg: PipelineConfig, rationale: string[]): Pick<TopicConfig, 'ppoSteps' | 'ppoLearningRate'> {
  let ppoSteps = cfg.ppo.steps;
  let ppoLearningRate = cfg.ppo.learning_rate;
  if (n < RULES.thinSft) {
    ppoSteps += 50;
    ppoLearningRate *= 0.5;
    rationale.push(`PPO: n = ${n} < ${RULES.thinSft} (thin): steps ${cfg.ppo.steps}+50 = ${ppoSteps}, LR ×0.5.`);
  } else {
    rationale.push(`PPO: n = ${n} ≥ ${RULES.thinSft}: base steps ${ppoSteps} and LR.`);
  }
  return { ppoSteps, ppoLearningRate };
}

/** Why a topic is not high quality: each figure outside its high-quality range. */
function highQualityMisses(t: TopicAnalysis): string[] {
  const h = RULES.highQuality;
  const m = t.preference.pairs;
  const meanOut = t.sft.outputChars.mean;
  const d = t.sft.voiceDensity;
  const q = t.preference.meanQuality;
  const misses: string[] = [];
  if (m < h.minPairs || m > h.maxPairs) misses.push(`${m} pairs not in ${h.minPairs}-${h.maxPairs}`);
  if (meanOut < h.minOutputChars || meanOut > h.maxOutputChars) misses.push(`mean output ${fmt(meanOut)} not in ${h.minOutputChars}-${h.maxOutputChars}`);
  if (d < h.minDensity) misses.push(`density ${fmt(d)} < ${h.minDensity}`);
  if (q < h.minQuality) misses.push(`mean quality ${fmt(q)} < ${h.minQuality}`);
  return misses;
}

/** The evaluation pass threshold: base for a high-quality topic, lenient for low voice density, else the default. */
function passThresholdRule(t: TopicAnalysis, cfg: PipelineConfig, mk: MarkersInUse | undefined, by: string, rationale: string[]): number {
  const d = t.sft.voiceDensity;
  if (mk && !mk.judged) {
    const passThreshold = RULES.defaultThreshold;
    rationale.push(
      `Pass threshold ${passThreshold}: voice density not judged (${notJudgedWhy(mk)}), so neither the high-quality nor the low-density rule applies.`,
    );
    return passThreshold;
  }
  if (isHighQuality(t)) {
    const passThreshold = cfg.evaluation.pass_threshold;
    rationale.push(
      `Pass threshold ${passThreshold} (base): high-quality topic (${t.preference.pairs} pairs, mean output ${fmt(t.sft.outputChars.mean)} chars, density ${fmt(d)}, mean quality ${fmt(t.preference.meanQuality)})${by}.`,
    );
    return passThreshold;
  }
  if (d < RULES.lowDensity) {
    const passThreshold = RULES.lowDensityThreshold;
    rationale.push(`Pass threshold ${passThreshold}: voice density ${fmt(d)} < ${RULES.lowDensity}${by}.`);
    return passThreshold;
  }
  const passThreshold = RULES.defaultThreshold;
  rationale.push(`Pass threshold ${passThreshold}: not high quality (${highQualityMisses(t).join('; ')})${by}.`);
  return passThreshold;
}

/** The rules alone, before overrides. The rules that read marker figures name the markers. */
function baseTopicConfig(t: TopicAnalysis, cfg: PipelineConfig, mk?: MarkersInUse): TopicConfig {
  const by = mk ? ` (markers: ${markersName(mk)})` : '';
  const n = t.sft.examples;
  const rationale: string[] = [];
  const reasons = trainability(n, t.sft.outputChars.mean, rationale);
  const trainable = reasons.length === 0;
  const sft = sftRule(n, cfg, rationale);
  const reward = rewardRule(t, cfg, mk, by, rationale);
  const ppo = ppoRule(n, cfg, rationale);
  const passThreshold = passThresholdRule(t, cfg, mk, by, rationale);
  return {
    id: t.id,
    trainable,
    ...(trainable ? {} : { untrainableReason: reasons.join('; ') }),
    sftEpochs: sft.sftEpochs,
    batchSize: sft.batchSize,
    lrMultiplier: sft.lrMultiplier,
    learningRate: cfg.sft.learning_rate * sft.lrMultiplier,
    rewardEpochs: reward.rewardEpochs,
    rewardLearningRate: reward.rewardLearningRate,
    rewardBatchSize: reward.rewardBatchSize,
    ppoSteps: ppo.ppoSteps,
    ppoLearningRate: ppo.ppoLearningRate,
    passThreshold,
    rationale,
    overridden: [],
    sftExamples: n,
    pairs: t.preference.pairs,
  };
}

/** Applies one source's overrides to a topic config, keeping learning rate and multiplier consistent. */
function applyOverrides(tc: TopicConfig, o: Partial<TopicOverrides>, source: string, baseLr: number): void {
  for (const [key, value] of Object.entries(o) as [keyof TopicOverrides, unknown][]) {
    if (value === undefined) continue;
    (tc as unknown as Record<string, unknown>)[key] = value;
    if (!tc.overridden.includes(key)) tc.overridden.push(key);
    tc.rationale.push(`Override (${source}): ${key} = ${value}.`);
  }
  if (o.learningRate !== undefined && o.lrMultiplier === undefined) tc.lrMultiplier = o.learningRate / baseLr;
  else if (o.lrMultiplier !== undefined && o.learningRate === undefined && !tc.overridden.includes('learningRate')) {
    tc.learningRate = baseLr * o.lrMultiplier;
  }
  if (o.trainable === true) delete tc.untrainableReason;
  if (o.trainable === false && !tc.untrainableReason) tc.untrainableReason = `set untrainable by ${source}`;
}

/** map[id] when the map has it as an own key (a topic id such as `constructor` never reads the prototype). */
function ownEntry<T>(map: Record<string, T> | undefined, id: string): T | undefined {
  return map && Object.prototype.hasOwnProperty.call(map, id) ? map[id] : undefined;
}

/**
 * Per-topic config for every topic of the analysis (curriculum order): the rules, then the config
 * file's `topics:` overrides, then the caller's (studio) overrides.
 */
export function adaptTopics(a: Analysis, cfg: PipelineConfig, overrides?: Record<string, Partial<TopicOverrides>>): TopicConfig[] {
  return a.topics.map((t) => {
    const tc = baseTopicConfig(t, cfg, a.markers);
    const fromFile = ownEntry(cfg.topics, t.id);
    if (fromFile) applyOverrides(tc, fromFile, 'config topics', cfg.sft.learning_rate);
    const fromCaller = ownEntry(overrides, t.id);
    if (fromCaller) applyOverrides(tc, fromCaller, 'user', cfg.sft.learning_rate);
    return tc;
  });
}
