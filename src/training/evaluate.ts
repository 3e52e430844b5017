// Evaluation runner: the policy answers the curriculum's questions (greedy generation with the chat
// template; choice questions and critical distinctions by answer log-likelihoods) and is scored with
// the curriculum's formulas (eval-scoring.ts, exams.ts). The policy side (generation, answer
// log-likelihoods) is eval-policy.ts; this module scores over any AnswerSource.
import type { Backend, Tensor } from '../engine/backend.ts';
import type { VoiceMarkers } from '../analysis/markers.ts';
import type { Distinction, EvalLevel, EvalQuestion, EvalSet, QuestionType, SftRecord } from '../data/types.ts';
import type { Decoder } from '../model/decoder.ts';
import type { LoraParams } from '../model/lora-params.ts';
import type { Tokenizer } from '../model/tokenizer.ts';
import { policySource } from './eval-policy.ts';
import { choiceOptions, questionScore, scoreChoice, topicScore, type ChoiceResult, type QuestionResult, type QuestionWeights } from './eval-scoring.ts';
import { summariseExam, type ExamQuestionResult, type ExamSummary } from './exams.ts';
import type { Similarity } from './similarity.ts';

export { answerLogLikelihoods, answerQuestion, answerQuestions, policySource, releaseEvalWorkspaces } from './eval-policy.ts';

export interface EvalContext<T extends Tensor> {
  be: Backend<T>;
  dec: Decoder<T>;
  /** The policy's adapter; null = the base model. */
  lora: LoraParams<T> | null;
  tokenizer: Tokenizer;
  markers: VoiceMarkers;
  /** Distinctions an open answer must not violate (question score); evaluateTopic uses its own. */
  distinctions: Distinction[];
  similarity: Similarity;
  /** Most new tokens of a generated answer (the curriculum's: 512). */
  maxNewTokens: number;
  /** Seed of the sampling generator; generation is greedy, so it only matters if that changes. */
  seed?: number;
  /** Weights of an open question's score (evaluation.weights); default the curriculum's. */
  weights?: Readonly<QuestionWeights>;
  /** Called after each question is answered and scored (progress for a long evaluation or exam). */
  onQuestion?: (done: number, total: number) => void;
}

/**
 * The prompt a critical distinction's statements are scored after when the record has none
 * ({correct, incorrect} records): a neutral request for a true statement, so neither side is favoured.
 */
export const NEUTRAL_DISTINCTION_PROMPT = 'State what is true.';

/** The policy-dependent part of evaluation; everything else is plumbing over it (testable with stubs). */
export interface AnswerSource {
  /** The policy's answer to a question (greedy, chat template). */
  answer(question: string): Promise<string>;
  /** The answers to many questions at once (batched generation), each as answer() gives it; optional. */
  answers?(questions: readonly string[]): Promise<string[]>;
  /**
   * Mean token log-likelihood of each `answer` as the assistant's reply to `prompt` (chat template):
   * mean over the answer's tokens and its end-of-turn token, i.e. of the text as the WHOLE answer.
   */
  answerLogLikelihoods(items: readonly { prompt: string; answer: string }[]): Promise<number[]>;
}

/** One evaluated question. */
export interface QuestionEvaluation {
  question: string;
  type: QuestionType;
  /** Open: the generated answer; choice: the option the policy found most likely, as written. */
  answer: string;
  /** Open: the question score; choice: the accuracy (0 or 1). */
  score: number;
  passed: boolean;
  /** Open: the answer's voice score; choice: null (no text was generated). */
  voice: number | null;
  details: { kind: 'open'; reference: string; result: QuestionResult } | { kind: 'choice'; options: string[]; logLikelihoods: number[]; result: ChoiceResult };
}

export interface DistinctionResult {
  /** The prompt the statements were scored after (NEUTRAL_DISTINCTION_PROMPT for an empty one). */
  prompt: string;
  correct: string;
  incorrect: string;
  /** Mean token log-likelihoods as the assistant's answer to the prompt. */
  correctLogLik: number;
  incorrectLogLik: number;
  /** correctLogLik > incorrectLogLik (a tie fails: the policy does not prefer the correct one). */
  passed: boolean;
  topicId: string | null;
}

export interface DistinctionCheckResult {
  passed: boolean;
  results: DistinctionResult[];
}

export interface TopicEvaluationOptions {
  topicId: string;
  quiz: EvalSet | null;
  /** The topic's own SFT examples: asked when there is no quiz, reported as seen questions. */
  seenQuestions: SftRecord[];
  threshold: number;
  /** The topic's own distinctions plus the curriculum-wide ones. */
  distinctions: Distinction[];
  /** Ask at most this many seen questions (in data order); default all. */
  maxSeenQuestions?: number;
}

export interface TopicEvaluation {
  topicId: string;
  source: 'quiz' | 'seen-questions';
  questions: QuestionEvaluation[];
  /** Mean question score (choice questions count their accuracy). */
  score: number;
  threshold: number;
  /** score ≥ threshold, at least one question, and no critical distinction fails. */
  passed: boolean;
  distinctionFailures: number;
  distinctions: DistinctionResult[];
  similarityName: string;
}

export interface ExamResult {
  level: EvalLevel;
  title: string;
  scopeId: string;
  /** Where the set came from: file and JSON path. */
  file: string;
  path: string;
  summary: ExamSummary;
  results: QuestionEvaluation[];
  similarityName: string;
}

/** What scoring needs besides the answers. */
export interface ScoringContext {
  markers: VoiceMarkers;
  distinctions: Distinction[];
  similarity: Similarity;
  /** Weights of an open question's score; default the curriculum's. */
  weights?: Readonly<QuestionWeights>;
  /** Called after each question is answered and scored. */
  onQuestion?: (done: number, total: number) => void;
}

/** The ScoringContext of a policy's EvalContext (the API at the end of this module). */
function scoring<T extends Tensor>(ctx: EvalContext<T>, distinctions = ctx.distinctions): ScoringContext {
  return { markers: ctx.markers, distinctions, similarity: ctx.similarity, weights: ctx.weights, onQuestion: ctx.onQuestion };
}

// ---------------------------------------------------------------------------------------------
// Plumbing over any AnswerSource.

/** Mean token log-likelihood of each option of a choice question as the answer (see choiceOptions for the texts). */
export async function optionLogLikelihoodsWith(src: AnswerSource, q: EvalQuestion): Promise<number[]> {
  const { texts } = choiceOptions(q);
  return src.answerLogLikelihoods(texts.map((answer) => ({ prompt: q.question, answer })));
}

/** Answers and scores questions in order: open ones by the question score, choice ones by accuracy. */
export async function evaluateQuestionsWith(src: AnswerSource, sc: ScoringContext, questions: readonly EvalQuestion[]): Promise<QuestionEvaluation[]> {
  const results: QuestionEvaluation[] = [];
  // With a batched source, every open answer is generated together when the first open question comes up.
  const openQuestions = questions.filter((q) => q.type === 'open').map((q) => q.question);
  let batched: string[] | null = null;
  let nextOpen = 0;
  for (const q of questions) {
    sc.onQuestion?.(results.length, questions.length);
    if (q.type === 'open') {
      if (src.answers && openQuestions.length > 1) batched ??= await src.answers(openQuestions);
      const answer = batched ? batched[nextOpen++] : await src.answer(q.question);
      const result = await questionScore({
        answer,
        reference: q.referenceAnswer,
        markers: sc.markers,
        distinctions: sc.distinctions,
        similarity: sc.similarity,
        weights: sc.weights,
      });
      results.push({
        question: q.question,
        type: q.type,
        answer,
        score: result.score,
        passed: result.passed,
        voice: result.voice,
        details: { kind: 'open', reference: q.referenceAnswer, result },
      });
    } else {
      const { texts, correctIndex } = choiceOptions(q);
      const logLikelihoods = await src.answerLogLikelihoods(texts.map((answer) => ({ prompt: q.question, answer })));
      const result = scoreChoice(logLikelihoods, correctIndex);
      results.push({
        question: q.question,
        type: q.type,
        answer: texts[result.chosenIndex],
        score: result.accuracy,
        passed: result.accuracy === 1,
        voice: null,
        details: { kind: 'choice', options: texts, logLikelihoods, result },
      });
    }
  }
  if (results.length) sc.onQuestion?.(results.length, questions.length);
  return results;
}

/** The log-likelihood check of every distinction: correct statement strictly more likely than the misconception. */
export async function checkDistinctionsWith(src: AnswerSource, distinctions: readonly Distinction[]): Promise<DistinctionCheckResult> {
  const prompts = distinctions.map((d) => (d.prompt.trim() === '' ? NEUTRAL_DISTINCTION_PROMPT : d.prompt));
  const lls = await src.answerLogLikelihoods(
    distinctions.flatMap((d, i) => [
      { prompt: prompts[i], answer: d.correct },
      { prompt: prompts[i], answer: d.incorrect },
    ]),
  );
  const results = distinctions.map((d, i): DistinctionResult => {
    const correctLogLik = lls[2 * i];
    const incorrectLogLik = lls[2 * i + 1];
    return {
      prompt: prompts[i],
      correct: d.correct,
      incorrect: d.incorrect,
      correctLogLik,
      incorrectLogLik,
      passed: correctLogLik > incorrectLogLik,
      topicId: d.topicId,
    };
  });
  return { passed: results.every((r) => r.passed), results };
}

/** The questions asked of a topic without a quiz: its own SFT instructions, with their outputs as references. */
export function seenQuestionsAsEval(records: readonly SftRecord[]): EvalQuestion[] {
  return records.map((r) => ({ question: r.instruction, referenceAnswer: r.output, type: 'open', keyConcepts: [] }));
}

/** A topic's evaluation: its quiz (else its seen questions), the mean score, the distinctions, the verdict. */
export async function evaluateTopicWith(src: AnswerSource, sc: ScoringContext, opts: TopicEvaluationOptions): Promise<TopicEvaluation> {
  if (!(opts.threshold >= 0 && opts.threshold <= 1)) throw new Error(`evaluateTopic ${opts.topicId}: threshold must be in [0, 1], got ${opts.threshold}`);
  const source = opts.quiz ? 'quiz' : 'seen-questions';
  const seen = opts.seenQuestions.slice(0, opts.maxSeenQuestions ?? opts.seenQuestions.length);
  const questions = opts.quiz ? opts.quiz.questions : seenQuestionsAsEval(seen);
  const withTopic = { ...sc, distinctions: opts.distinctions };
  const evaluated = await evaluateQuestionsWith(src, withTopic, questions);
  const check = await checkDistinctionsWith(src, opts.distinctions);
  const failures = check.results.filter((r) => !r.passed).length;
  const t = topicScore(evaluated, opts.threshold, failures);
  return {
    topicId: opts.topicId,
    source,
    questions: evaluated,
    score: t.score,
    threshold: opts.threshold,
    passed: t.passed,
    distinctionFailures: failures,
    distinctions: check.results,
    similarityName: sc.similarity.name,
  };
}

/** Converts evaluated questions into the exam summariser's input. */
export function toExamQuestionResults(results: readonly QuestionEvaluation[]): ExamQuestionResult[] {
  return results.map((r): ExamQuestionResult => {
    if (r.details.kind === 'open') return { question: r.question, type: 'open', result: r.details.result };
    if (r.type === 'open') throw new Error(`question ${JSON.stringify(r.question.slice(0, 60))}: open question with choice details`);
    return { question: r.question, type: r.type, result: r.details.result };
  });
}

/** One of the curriculum's tests (chapter test, unit exam, final assessment, or a topic quiz) against its level's bars. */
export async function runExamWith(src: AnswerSource, sc: ScoringContext, set: EvalSet): Promise<ExamResult> {
  const results = await evaluateQuestionsWith(src, sc, set.questions);
  return {
    level: set.level,
    title: set.title,
    scopeId: set.scopeId,
    file: set.file,
    path: set.path,
    summary: summariseExam(set.level, toExamQuestionResults(results)),
    results,
    similarityName: sc.similarity.name,
  };
}

// ---------------------------------------------------------------------------------------------
// The API on a policy (EvalContext).

/** Mean token log-likelihood of each option text of a multiple_choice / true_false question, one batch forward. */
export function optionLogLikelihoods<T extends Tensor>(ctx: EvalContext<T>, q: EvalQuestion): Promise<number[]> {
  return optionLogLikelihoodsWith(policySource(ctx), q);
}

export function evaluateQuestions<T extends Tensor>(ctx: EvalContext<T>, questions: EvalQuestion[]): Promise<QuestionEvaluation[]> {
  return evaluateQuestionsWith(policySource(ctx), scoring(ctx), questions);
}

export function checkDistinctions<T extends Tensor>(ctx: EvalContext<T>, distinctions: Distinction[]): Promise<DistinctionCheckResult> {
  return checkDistinctionsWith(policySource(ctx), distinctions);
}

/** Open answers are checked for violations against opts.distinctions (not ctx.distinctions). */
export function evaluateTopic<T extends Tensor>(ctx: EvalContext<T>, opts: TopicEvaluationOptions): Promise<TopicEvaluation> {
  return evaluateTopicWith(policySource(ctx), scoring(ctx), opts);
}

export function runExam<T extends Tensor>(ctx: EvalContext<T>, set: EvalSet): Promise<ExamResult> {
  return runExamWith(policySource(ctx), scoring(ctx), set);
}
