// Browser-safe ingestion API (no Node imports): the line reader, record schemas, the dataset
// builder and the curriculum tree. Node file loading lives in ./node-files.ts.
export type * from './types.ts';
export { readLines, readLineBatches, streamChunks, chunksOf, withProgress, type Line } from './line-reader.ts';
export { DatasetBuilder, type AddOptions } from './builder.ts';
export { detectKind, isJsonDocumentName, kindFromName } from './detect.ts';
export { NotTextError, notTextReason, textChunks, SNIFF_BYTES } from './sniff.ts';
export { problemGroups, problemText, problemWhere, recordsText, recordUnit, isWholeFile, type ProblemGroup } from './problems.ts';
export { classifyRecord, parseSft, parsePreference, parseDistinction, type RecordKind } from './records.ts';
export {
  parseEvalDocument,
  levelFromName,
  leadingTruth,
  leadingOptionLetter,
  optionLetters,
  shorten,
  type EvalDocument,
  type EvalProblems,
} from './eval-sets.ts';
export { normalizeWhitespace, joinScope, FieldError } from './fields.ts';
export {
  GENERAL_TOPIC,
  naturalCompare,
  topicFromId,
  compareTopics,
  orderTopics,
  curriculumTree,
  type CurriculumTree,
  type UnitNode,
  type ChapterNode,
} from './curriculum.ts';
