// Evaluation scoring as the curriculum defines it: voice score, critical-distinction violation,
// open-question score, choice-question accuracy (from option log-likelihoods) and topic score.

import type { Distinction, EvalQuestion } from '../data/types.ts';
import type { VoiceMarkers } from '../analysis/markers.ts';
import { categoryScores, negativeHits } from '../analysis/markers.ts';
import type { Similarity } from './similarity.ts';

/** Comparisons against pass bars allow this much floating-point slack (0.5·0.5+0.3+0.1+0.1 = 0.75). */
export const SCORE_EPS = 1e-9;

/** Voice categories and their weights in the voice score. */
export const VOICE_WEIGHTS = { confidence: 0.3, psychology: 0.35, terminology: 0.35 } as const;
export type VoiceCategory = keyof typeof VOICE_WEIGHTS;

/** Weights of a question's score (evaluation.weights in the pipeline config; they sum to 1). */
export interface QuestionWeights {
  semantic: number; // similarity to the reference answer
  voice: number; // the voice score
  distinctions: number; // no critical-distinction violation
  negative: number; // no negative pattern
}
/** The curriculum's weights, the config's defaults. */
export const DEFAULT_QUESTION_WEIGHTS: Readonly<QuestionWeights> = { semantic: 0.5, voice: 0.3, distinctions: 0.1, negative: 0.1 };
/** An open question passes at this score (with neither violation). */
export const QUESTION_PASS = 0.75;

/** A distinction is violated when sim(answer, incorrect) > sim(answer, correct) + margin and > floor. */
export const DISTINCTION_MARGIN = 0.05;
export const DISTINCTION_FLOOR = 0.5;

export interface VoiceScore {
  /** 0.30·confidence + 0.35·psychology + 0.35·terminology, in [0, 1]. */
  score: number;
  /** Each weighted category's min(1, distinct patterns found / expected); 0 when absent. */
  categories: Record<VoiceCategory, number>;
  /** Weighted categories the markers do not define (each counted 0): the report says so. */
  missingCategories: VoiceCategory[];
}

/** The voice score of a text under the markers. Categories other than the three weighted ones are ignored. */
export function voiceScore(text: string, markers: VoiceMarkers): VoiceScore {
  const scores = categoryScores(text, markers);
  const categories = {} as Record<VoiceCategory, number>;
  const missingCategories: VoiceCategory[] = [];
  let score = 0;
  for (const name of Object.keys(VOICE_WEIGHTS) as VoiceCategory[]) {
    const present = Object.prototype.hasOwnProperty.call(markers.categories, name);
    if (!present) missingCategories.push(name);
    const s = present ? (scores[name] ?? 0) : 0;
    categories[name] = s;
    score += VOICE_WEIGHTS[name] * s;
  }
  return { score, categories, missingCategories };
}

export interface DistinctionCheck {
  distinction: Distinction;
  simCorrect: number;
  simIncorrect: number;
  violated: boolean;
}

export interface DistinctionVerdict {
  violated: boolean;
  checks: DistinctionCheck[];
}

/**
 * Whether an answer violates any of the critical distinctions. Rule: the answer violates a
 * distinction when it is clearly closer to the misconception than to the correct statement AND
 * close to the misconception in absolute terms:
 *   sim(answer, incorrect) > sim(answer, correct) + 0.05  and  sim(answer, incorrect) > 0.5.
 * The margin keeps near-ties (an answer that discusses both sides) from counting; the floor keeps
 * answers about something else (low similarity to both) from counting.
 */
export async function violatesDistinctions(answer: string, distinctions: readonly Distinction[], sim: Similarity): Promise<DistinctionVerdict> {
  const checks: DistinctionCheck[] = [];
  if (sim.embedBatch && distinctions.length > 0) {
    await sim.embedBatch([answer, ...distinctions.flatMap((d) => [d.correct, d.incorrect])]); // one batched pass
  }
  for (const d of distinctions) {
    const simCorrect = await sim.score(answer, d.correct);
    const simIncorrect = await sim.score(answer, d.incorrect);
    const violated = simIncorrect > simCorrect + DISTINCTION_MARGIN && simIncorrect > DISTINCTION_FLOOR;
    checks.push({ distinction: d, simCorrect, simIncorrect, violated });
  }
  return { violated: checks.some((c) => c.violated), checks };
}

export interface QuestionScoreInput {
  answer: string;
  reference: string;
  markers: VoiceMarkers;
  /** The topic's distinctions plus the curriculum-wide ones. */
  distinctions: readonly Distinction[];
  similarity: Similarity;
  /** Default DEFAULT_QUESTION_WEIGHTS. */
  weights?: Readonly<QuestionWeights>;
}

export interface QuestionResult {
  /** weights · (semantic, voice, distinctionOk, negativeOk): 0.5·semantic + 0.3·voice + 0.1 + 0.1 by default, in [0, 1]. */
  score: number;
  /** Similarity of the answer to the reference answer, in [0, 1]. */
  semantic: number;
  voice: number;
  distinctionOk: boolean;
  negativeOk: boolean;
  /** score ≥ 0.75 and neither violation. */
  passed: boolean;
  details: {
    similarity: string;
    voiceCategories: Record<VoiceCategory, number>;
    missingCategories: VoiceCategory[];
    /** Negative patterns (as written) found in the answer. */
    negativeHits: string[];
    /** Distinctions the answer violates, with both similarities. */
    violations: { correct: string; incorrect: string; simCorrect: number; simIncorrect: number }[];
  };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** Scores one open question's answer against its reference answer. */
export async function questionScore(input: QuestionScoreInput): Promise<QuestionResult> {
  const { answer, reference, markers, distinctions, similarity, weights: w = DEFAULT_QUESTION_WEIGHTS } = input;
  const semantic = clamp01(await similarity.score(answer, reference));
  const voice = voiceScore(answer, markers);
  const verdict = await violatesDistinctions(answer, distinctions, similarity);
  const negatives = negativeHits(answer, markers);
  const distinctionOk = !verdict.violated;
  const negativeOk = negatives.length === 0;
  const score = w.semantic * semantic + w.voice * voice.score + w.distinctions * (distinctionOk ? 1 : 0) + w.negative * (negativeOk ? 1 : 0);
  return {
    score,
    semantic,
    voice: voice.score,
    distinctionOk,
    negativeOk,
    passed: score >= QUESTION_PASS - SCORE_EPS && distinctionOk && negativeOk,
    details: {
      similarity: similarity.name,
      voiceCategories: voice.categories,
      missingCategories: voice.missingCategories,
      negativeHits: negatives,
      violations: verdict.checks
        .filter((c) => c.violated)
        .map((c) => ({ correct: c.distinction.correct, incorrect: c.distinction.incorrect, simCorrect: c.simCorrect, simIncorrect: c.simIncorrect })),
    },
  };
}

export interface ChoiceResult {
  /** 1 when the highest-likelihood option is the correct one, else 0. */
  accuracy: 0 | 1;
  chosenIndex: number;
  correctIndex: number;
}

/**
 * Accuracy of a multiple-choice or true/false question from the policy's log-likelihood of each
 * option: the argmax is the model's choice (ties go to the earlier option; NaN counts as -∞).
 */
export function scoreChoice(optionLogLikelihoods: readonly number[], correctIndex: number): ChoiceResult {
  const n = optionLogLikelihoods.length;
  if (n === 0) throw new Error('scoreChoice: no option log-likelihoods given');
  if (!Number.isInteger(correctIndex) || correctIndex < 0 || correctIndex >= n) {
    throw new Error(`scoreChoice: correctIndex ${correctIndex} outside the ${n} options`);
  }
  let chosenIndex = 0;
  let best = Number.isNaN(optionLogLikelihoods[0]) ? -Infinity : optionLogLikelihoods[0];
  for (let i = 1; i < n; i++) {
    const ll = Number.isNaN(optionLogLikelihoods[i]) ? -Infinity : optionLogLikelihoods[i];
    if (ll > best) {
      best = ll;
      chosenIndex = i;
    }
  }
  return { accuracy: chosenIndex === correctIndex ? 1 : 0, chosenIndex, correctIndex };
}

/** Reads True/False from the start of a reference answer ("**True**", "True.", "false - …"); null if absent. */
export function readTrueFalse(referenceAnswer: string): boolean | null {
  const m = /^[\s*_"'`([]*(true|false)\b/i.exec(referenceAnswer);
  return m ? m[1].toLowerCase() === 'true' : null;
}

/** The option letter an option is written with ("A) …", "(B) …", "C. …", "D: …"), upper-case; null if none. */
export function optionLetter(option: string): string | null {
  const m = /^\s*\(?([A-Za-z])\s*[).:\]]/.exec(option);
  return m ? m[1].toUpperCase() : null;
}

/**
 * The texts a choice question's options are scored as, and the index of the correct one.
 * multiple_choice: the options as written ("A) …"); the correct one is the option written with
 * `correctOption`'s letter, else the letter's position (A = 0). true_false: ["True", "False"], the
 * answer from `correctAnswer`, else read from the start of the reference answer.
 */
export function choiceOptions(q: EvalQuestion): { texts: string[]; correctIndex: number } {
  const where = `question ${JSON.stringify(q.question.slice(0, 60))}`;
  if (q.type === 'true_false') {
    const answer = q.correctAnswer ?? readTrueFalse(q.referenceAnswer);
    if (answer === null) {
      throw new Error(
        `${where}: true_false needs correctAnswer or a reference_answer starting with True/False, got ${JSON.stringify(q.referenceAnswer.slice(0, 40))}`,
      );
    }
    return { texts: ['True', 'False'], correctIndex: answer ? 0 : 1 };
  }
  if (q.type === 'multiple_choice') {
    const options = q.options ?? [];
    if (options.length < 2) throw new Error(`${where}: multiple_choice needs at least 2 options, got ${options.length}`);
    const letter = (q.correctOption ?? '')
      .trim()
      .replace(/[).:\]]$/, '')
      .replace(/^\(/, '')
      .toUpperCase();
    if (!/^[A-Z]$/.test(letter)) throw new Error(`${where}: correct_option must be one letter, got ${JSON.stringify(q.correctOption)}`);
    let correctIndex = options.findIndex((o) => optionLetter(o) === letter);
    if (correctIndex < 0) correctIndex = letter.charCodeAt(0) - 65;
    if (correctIndex >= options.length) {
      throw new Error(`${where}: correct_option ${letter} names no option (options ${options.map((o) => optionLetter(o) ?? '?').join(', ')})`);
    }
    return { texts: [...options], correctIndex };
  }
  throw new Error(`${where}: choiceOptions needs a multiple_choice or true_false question, got ${q.type}`);
}

export interface TopicScore {
  /** Mean question score over the topic's quiz (0 with no questions). */
  score: number;
  passed: boolean;
  threshold: number;
  questions: number;
  distinctionFailures: number;
}

/**
 * A topic's score: the mean question score over its quiz (choice questions contribute their
 * accuracy as score). It passes when score ≥ threshold and no critical distinction fails (the
 * policy's log-likelihood check, counted by the caller). A topic with no questions does not pass.
 */
export function topicScore(questionResults: readonly { score: number }[], threshold: number, distinctionFailures: number): TopicScore {
  const n = questionResults.length;
  const score = n === 0 ? 0 : questionResults.reduce((a, r) => a + r.score, 0) / n;
  return { score, passed: n > 0 && score >= threshold - SCORE_EPS && distinctionFailures === 0, threshold, questions: n, distinctionFailures };
}
