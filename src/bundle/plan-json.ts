// plan.json of a TRL bundle: the curriculum order (topics, exams, unit merges) and, per topic, every
// value the adaptive config chose with its rationale and the user's overrides: the `topics` and
// `markers` fields are exactly what `mindprint config --json` prints for the same inputs.
import type { TopicConfig } from '../analysis/adaptive.ts';
import type { MarkersInUse } from '../analysis/analysis-types.ts';
import { configToJson } from '../analysis/json.ts';
import type { VoiceMarkers } from '../analysis/markers.ts';
import type { PipelineConfig } from '../config/pipeline-config.ts';
import type { Dataset, EvalSet } from '../data/types.ts';
import { planCurriculum } from '../training/plan.ts';
import { attemptPhases } from '../training/topic-loop.ts';

/** The plan format train.py and import-run read; bumped when a field changes meaning. */
export const PLAN_FORMAT = 'mindprint-trl-plan';
export const PLAN_VERSION = 1;

/** One step of the curriculum, as train.py walks it. Exams index into data/exams.json. */
export type PlanJsonStep = { kind: 'topic'; topic: string } | { kind: 'exam'; exam: number; level: string; scope: string } | { kind: 'merge'; unit: string };

export interface BundleInputs {
  dataset: Dataset;
  /** The pipeline config the topics were adapted with (configs/training_pipeline.yaml + the user's file). */
  config: PipelineConfig;
  /** adaptTopics' output for this dataset and config, in curriculum order. */
  topicConfigs: TopicConfig[];
  /** The markers the analysis measured with (what `config --json` prints as `markers`). */
  markersInUse?: MarkersInUse;
  /** The voice markers evaluation scores with. */
  voiceMarkers: VoiceMarkers;
  /** Hugging Face id or folder of the base model train.py loads. */
  model: string;
  alignment: 'ppo' | 'dpo';
}

/** The exams (chapter tests, unit exams, final assessment) in dataset order: data/exams.json. */
export function examSets(ds: Dataset): EvalSet[] {
  return ds.evalSets.filter((s) => s.level !== 'topic');
}

/** The curriculum steps with exams as indices into examSets(ds). */
export function planSteps(ds: Dataset, topicConfigs: TopicConfig[]): PlanJsonStep[] {
  const exams = examSets(ds);
  return planCurriculum(ds, topicConfigs).map((s): PlanJsonStep => {
    if (s.kind === 'topic') return { kind: 'topic', topic: s.topicId };
    if (s.kind === 'merge') return { kind: 'merge', unit: s.unit };
    return { kind: 'exam', exam: exams.indexOf(s.set), level: s.set.level, scope: s.set.scopeId };
  });
}

/** The plan.json object (key order fixed, so the bytes are deterministic). */
export function planJson(inp: BundleInputs): Record<string, unknown> {
  const { config } = inp;
  const { topics: _perTopic, ...pipeline } = config;
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    model: inp.model,
    alignment: inp.alignment,
    phases: attemptPhases(inp.alignment),
    seed: config.seed,
    ...(inp.markersInUse ? { markers: inp.markersInUse } : {}),
    voiceMarkers: {
      ...(inp.voiceMarkers.name ? { name: inp.voiceMarkers.name } : {}),
      density_markers: inp.voiceMarkers.densityMarkers,
      categories: inp.voiceMarkers.categories,
      negative_patterns: inp.voiceMarkers.negativePatterns,
    },
    pipeline: { ...pipeline, model: inp.model, alignment: inp.alignment },
    steps: planSteps(inp.dataset, inp.topicConfigs),
    ...configToJson(inp.topicConfigs),
  };
}
