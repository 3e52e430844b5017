// The machine-readable shapes of `mindprint analyze --json` and `mindprint config --json`
// (the CLI contract checks rely on; extra fields are allowed).
import type { Dataset, RecordError } from '../data/types.ts';
import type { TopicConfig } from './adaptive.ts';
import type { Analysis } from './analysis-types.ts';

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/** A line error or warning: line, JSON path and the question or set it is in, when known. */
const problemJson = (e: RecordError) => ({
  line: e.line,
  message: e.message,
  ...(e.path ? { path: e.path } : {}),
  ...(e.subject ? { subject: e.subject } : {}),
});

export function analysisToJson(ds: Dataset, a: Analysis) {
  return {
    ...(a.markers ? { markers: a.markers } : {}),
    files: ds.files.map((f) => ({
      path: f.path,
      kind: f.kind,
      records: f.records,
      ...(f.present !== undefined ? { present: f.present } : {}),
      ...(f.empty ? { empty: true } : {}),
      errors: f.errors.map(problemJson),
      ...(f.warnings !== undefined ? { warnings: f.warnings.map(problemJson) } : {}),
      duplicates: f.duplicates.length,
    })),
    topics: a.topics.map((t) => ({
      id: t.id,
      unit: t.unit,
      chapter: t.chapter,
      topic: t.topic,
      sft: {
        examples: t.sft.examples,
        meanOutputChars: round(t.sft.outputChars.mean, 1),
        medianOutputChars: round(t.sft.outputChars.median, 1),
        meanInstructionChars: round(t.sft.instructionChars.mean, 1),
        voiceDensity: round(t.sft.voiceDensity),
        categoryScores: Object.fromEntries(Object.entries(t.sft.categoryScores).map(([k, v]) => [k, round(v)])),
      },
      preference: {
        pairs: t.preference.pairs,
        meanQuality: round(t.preference.meanQuality),
        highQuality: t.preference.highQuality,
        lowQuality: t.preference.lowQuality,
        highQualityShare: round(t.preference.highQualityShare),
        qualityRatio: round(t.preference.qualityRatio),
      },
      distinctions: t.distinctions,
      evalQuestions: t.evalQuestions,
      flags: t.flagCounts,
      recommendations: t.recommendations,
    })),
    preference: {
      pairs: a.preference.pairs,
      meanQuality: round(a.preference.meanQuality),
      highQuality: a.preference.highQuality,
      lowQuality: a.preference.lowQuality,
      highQualityShare: round(a.preference.highQualityShare),
      lowQualityShare: round(a.preference.lowQualityShare),
      qualityRatio: round(a.preference.qualityRatio),
      unassigned: a.preference.unassigned.count,
      unassignedPrompts: a.preference.unassigned.prompts,
    },
    distinctions: { total: a.totalDistinctions, global: a.globalDistinctions },
    evalSets: a.evalSets,
    flags: { counts: a.flagCounts, items: a.flags },
  };
}

export function configToJson(topics: TopicConfig[]) {
  return {
    topics: topics.map((t) => ({
      id: t.id,
      trainable: t.trainable,
      ...(t.untrainableReason ? { untrainableReason: t.untrainableReason } : {}),
      sftEpochs: t.sftEpochs,
      batchSize: t.batchSize,
      lrMultiplier: t.lrMultiplier,
      learningRate: t.learningRate,
      rewardEpochs: t.rewardEpochs,
      rewardLearningRate: t.rewardLearningRate,
      rewardBatchSize: t.rewardBatchSize,
      ppoSteps: t.ppoSteps,
      ppoLearningRate: t.ppoLearningRate,
      passThreshold: t.passThreshold,
      rationale: t.rationale,
      overridden: t.overridden,
    })),
  };
}
