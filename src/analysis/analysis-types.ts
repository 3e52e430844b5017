// The result of analysing a Dataset: per-topic figures, overall preference figures, flags and
// recommendations. Produced by analyzeDataset, read by the report, the adaptive config and the UI.
import type { EvalLevel, QuestionType } from '../data/types.ts';
import type { MarkerSource } from './marker-source.ts';
import type { LengthStats } from './stats.ts';

/** The file a curriculum folder may carry its own markers in (same schema as configs/voice_markers.yaml). */
export const MARKERS_FILE = 'voice_markers.yaml';
export const isMarkersFile = (path: string) => /(^|[\\/])voice_markers\.ya?ml$/i.test(path);

/** The targets the recommendations check (the curriculum's calibrated thresholds). */
export const TARGETS = {
  minPairs: 15,
  maxPairs: 25,
  minOutputChars: 600,
  maxOutputChars: 1200,
  /** Voice density must be above this (marker occurrences per 100 words). */
  minDensity: 20,
  /** Share of pairs with quality above HIGH_QUALITY must exceed this. */
  minHighQualityShare: 0.8,
} as const;

/** A pair is high quality above this, low quality below LOW_QUALITY. */
export const HIGH_QUALITY = 1.5;
export const LOW_QUALITY = 0.5;
/** Chosen and rejected at least this similar (see textSimilarity) are flagged near-identical. */
export const NEAR_IDENTICAL = 0.95;

export type FlagKind = 'identical-pair' | 'near-identical-pair' | 'chosen-less-voice' | 'negative-pattern' | 'duplicate-prompt';

export interface Flag {
  kind: FlagKind;
  /** Topic of the record, null for an unassigned pair. */
  topicId: string | null;
  file: string;
  line: number;
  message: string;
}

export interface SftFigures {
  examples: number;
  instructionChars: LengthStats;
  outputChars: LengthStats;
  /** Mean voice density over the topic's outputs (marker occurrences per 100 words). */
  voiceDensity: number;
  /** Mean category score over the topic's outputs, per category. */
  categoryScores: Record<string, number>;
}

export interface PreferenceFigures {
  pairs: number;
  meanQuality: number;
  highQuality: number;
  lowQuality: number;
  /** Shares of pairs; 0 when there are no pairs. */
  highQualityShare: number;
  lowQualityShare: number;
  meanChosenChars: number;
  meanRejectedChars: number;
  /** Mean chosen length / (mean rejected length + 1). */
  qualityRatio: number;
  /** Mean of density(chosen) − density(rejected). */
  meanDensityGap: number;
}

export interface TopicAnalysis {
  id: string;
  unit: string;
  chapter: string | null;
  topic: string | null;
  depth: number;
  sft: SftFigures;
  preference: PreferenceFigures;
  /** Distinctions that name this topic (curriculum-wide ones are counted in Analysis.globalDistinctions). */
  distinctions: number;
  /** Questions of the topic's quizzes (level `topic` evaluation sets scoped to its id), by type. */
  evalQuestions: Record<QuestionType, number>;
  /** Number of flags on this topic's records, by kind. */
  flagCounts: Partial<Record<FlagKind, number>>;
  recommendations: string[];
}

/** The voice markers an analysis used, where they came from, and what their figures may be held to. */
export interface MarkersInUse extends MarkerSource {
  densityMarkers: number;
  categories: string[];
  negativePatterns: number;
  /**
   * Voice density and pair quality are held against the calibrated targets: only with the user's own
   * markers (a folder's file, a named file, studio edits), never with provisional or no markers.
   */
  judged: boolean;
}

export interface Analysis {
  /** The markers the figures were measured with (absent in analyses built by hand). */
  markers?: MarkersInUse;
  topics: TopicAnalysis[];
  sftExamples: number;
  preference: PreferenceFigures & { unassigned: { count: number; prompts: string[] } };
  globalDistinctions: number;
  totalDistinctions: number;
  evalSets: Record<EvalLevel, { sets: number; questions: number }>;
  categories: string[];
  /** Flags, at most MAX_FLAGS_PER_KIND kept per kind; flagCounts has the full counts. */
  flags: Flag[];
  flagCounts: Record<FlagKind, number>;
}

export const MAX_FLAGS_PER_KIND = 500;
/** At most this many unassigned prompts are listed (all are counted). */
export const MAX_UNASSIGNED_LISTED = 200;
