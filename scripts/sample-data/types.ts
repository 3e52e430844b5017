// Shapes of the hand-written sample curriculum content that build.ts assembles into sample-data/.

/** One supervised example and the rejected answer of its preference pair. */
export interface Example {
  /** Source path: unit, unit/chapter or unit/chapter/topic. */
  s: string;
  /** The student's question (SFT instruction, preference prompt). */
  q: string;
  /** Peg's answer (SFT output, preference chosen). */
  a: string;
  /** Rejected answer: the voice stripped, or plainly wrong. Omitted: no pair for this example. */
  r?: string;
}

export type QuestionType = 'open' | 'multiple_choice' | 'true_false';

export interface Question {
  question: string;
  reference_answer: string;
  type: QuestionType;
  key_concepts?: string[];
  options?: string[];
  correct_option?: string;
  source_unit?: string;
}

export interface Distinction {
  prompt: string;
  chosen: string;
  rejected: string;
  source?: string;
}

export interface ExtraPair {
  prompt: string;
  chosen: string;
  rejected: string;
  source?: string;
}
