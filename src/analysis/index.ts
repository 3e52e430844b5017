// Browser-safe analysis API (no Node imports): markers, metrics, analysis, report, pipeline config,
// adaptive per-topic config and the CLI JSON shapes. Node callers load defaults via ./node-defaults.ts.
export * from './analysis-types.ts';
export { analyzeDataset } from './analyze.ts';
export { parseMarkers, markersToYaml, voiceDensity, categoryScores, negativeHits, countWords, type VoiceMarkers } from './markers.ts';
export { lengthStats, pairQuality, textSimilarity, type LengthStats } from './stats.ts';
export { renderReport } from './report.ts';
export {
  parsePipelineConfig,
  PIPELINE_SCHEMA,
  TOPIC_OVERRIDE_YAML_KEYS,
  type PipelineConfig,
  type TopicOverrides,
} from '../config/pipeline-config.ts';
export { adaptTopics, RULES, type TopicConfig } from './adaptive.ts';
export { analysisToJson, configToJson } from './json.ts';
export { SchemaError } from '../config/schema.ts';
