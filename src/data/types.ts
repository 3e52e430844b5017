// Normalised records of a curriculum: what every reader produces and every consumer (analysis,
// training, studio, CLI) reads. Shapes as users have them are in shared/DESIGN.md.

/** What a file holds. Detected from the content and file name; the studio lets the user override it. */
export type FileKind = 'sft' | 'preference' | 'distinctions' | 'eval' | 'unknown';

/** A problem with one line (JSONL) or one JSON path (evaluation files). Each part is said once:
 *  the message does not repeat the path or the subject. */
export interface RecordError {
  file: string;
  /** 1-based line number; 0 for whole-file problems and for entries of JSON files. */
  line: number;
  /** JSON path for JSON files, e.g. `$[3].questions[1].reference_answer`. */
  path?: string;
  /** What the entry is, in the user's words, when the path alone would not find it:
   *  `question "Which is a ratio?" (unit-01/chapter-01/topic-01)`, `quiz "Ratios" (unit-01)`. */
  subject?: string;
  /** What was wrong and what was expected, naming the field: `correct_option is null (expected one of A, B)`. */
  message: string;
}

/** One supervised example: a question and the answer in the teacher's voice. */
export interface SftRecord {
  instruction: string; // non-empty `input` already joined after a blank line
  output: string;
  /** Topic id = source path as written (`unit-01/chapter-01/topic-01`, `unit-02`, `episode-x`), or `general`. */
  topicId: string;
  file: string;
  line: number;
}

/** A preference pair: chosen (in the voice) over rejected (off-voice or wrong). */
export interface PreferencePair {
  prompt: string;
  chosen: string;
  rejected: string;
  /** Topic given by the record itself (source/topic_id/unit-chapter-topic fields), else null. */
  sourceTopicId: string | null;
  /** Topic after matching: explicit source, else the topic whose SFT instruction equals the prompt
   *  (whitespace-normalised); null when unassigned. */
  topicId: string | null;
  file: string;
  line: number;
}

/** A critical distinction: the correct statement must not be confused with the misconception. */
export interface Distinction {
  prompt: string; // may be empty for {correct, incorrect} records
  correct: string;
  incorrect: string;
  explanation?: string;
  /** null: curriculum-wide, guards every topic. */
  topicId: string | null;
  file: string;
  line: number;
}

export type QuestionType = 'open' | 'multiple_choice' | 'true_false';

export interface EvalQuestion {
  question: string;
  referenceAnswer: string;
  type: QuestionType;
  keyConcepts: string[];
  /** multiple_choice: options as written ("A) ..."), and the correct letter ("B"). */
  options?: string[];
  correctOption?: string;
  /** true_false: the answer read from the start of reference_answer ("**True**" / "**False**"). */
  correctAnswer?: boolean;
  /** final assessment: the unit a question draws on. */
  sourceUnit?: string;
}

export type EvalLevel = 'topic' | 'chapter' | 'unit' | 'final';

export interface EvalSet {
  level: EvalLevel;
  title: string;
  /** The part of the curriculum it tests: topic id for quizzes, `unit-01/chapter-01` for chapter
   *  tests, `unit-01` for unit exams, `final` for the final assessment. */
  scopeId: string;
  questions: EvalQuestion[];
  file: string;
  /** JSON path of the set within its file, e.g. `$[2]`. */
  path: string;
}

/** A node of the curriculum: one distinct source. */
export interface Topic {
  id: string; // source path as written
  unit: string; // first segment
  chapter: string | null; // first two segments joined, when the path has at least 2
  topic: string | null; // the full path when it has 3 segments
  depth: number; // number of path segments (1-3); 1 also for flat ids and `general`
}

export interface ParsedFile {
  path: string;
  kind: FileKind;
  /** Valid records kept. */
  records: number;
  /** Records the file holds, read or not: kept + duplicates + not read (JSONL: non-blank lines;
   *  evaluation files: questions). Absent on summaries made before it was counted. */
  present?: number;
  /** Records not read (one per line or JSON entry) and whole-file problems (line 0, no path). */
  errors: RecordError[];
  /** Records kept with a repair the user should know of (a letter taken from the answer text). */
  warnings?: RecordError[];
  /** Records that repeat an earlier one exactly (kept once). */
  duplicates: RecordError[];
  /** The file holds nothing but whitespace (or no bytes at all). */
  empty?: boolean;
  /** Evaluation files: how many sets were kept (`records` counts their questions). */
  sets?: number;
}

export interface Dataset {
  files: ParsedFile[];
  sft: SftRecord[];
  preference: PreferencePair[];
  distinctions: Distinction[];
  evalSets: EvalSet[];
  /** Every topic that has SFT examples, pairs, distinctions or a quiz, in curriculum order. */
  topics: Topic[];
}
