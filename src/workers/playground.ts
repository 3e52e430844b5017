// The playground in the training worker: the base model and a stored adapter answer the same prompt one
// after the other on this worker's GPU, each streamed as it is generated (generateText), and a quiz
// question's answers are scored as the evaluation scores them (evaluateQuestionsWith over the answer
// given, log-likelihoods for choice questions). The model and GPU stay open between prompts and close
// when a run starts (the run needs the GPU).
import defaultMarkersYaml from '../../configs/voice_markers.yaml?raw';
import { parseMarkers, type VoiceMarkers } from '../analysis/markers.ts';
import type { Dataset, EvalQuestion, QuestionType } from '../data/types.ts';
import { gpuBackend, type Backend } from '../engine/backend.ts';
import type { GpuTensor } from '../engine/op.ts';
import { GpuRuntime } from '../engine/runtime.ts';
import { Decoder } from '../model/decoder.ts';
import { generateText } from '../model/generate.ts';
import type { ModelBundle } from '../model/load.ts';
import { LoraParams } from '../model/lora-params.ts';
import { IMPORTS_ROOT } from '../storage/adapter-import.ts';
import { loadAdapter } from '../storage/adapter-store.ts';
import type { RunStore } from '../storage/run-store.ts';
import type { ArtifactStore } from '../storage/store.ts';
import { evaluateQuestionsWith, policySource, releaseEvalWorkspaces, type EvalContext } from '../training/evaluate.ts';
import { mergeAdapters } from '../training/merge.ts';
import type { ResolvedSimilarity } from '../training/embedder.ts';
import { Rng } from '../util/rng.ts';
import { checkSampling, policyContext, stopIndex, type PlaygroundSampling } from './playground-plan.ts';
import { loadModelChoice, loadSimilarityChoice, readInputs } from './run-inputs.ts';
import type { ModelChoice, TrainOptions } from './training-protocol.ts';

export type PlaygroundSide = 'base' | 'adapter';

/** One topic quiz as the playground lists it. */
export interface PlaygroundQuiz {
  topicId: string;
  title: string;
  questions: { question: string; type: QuestionType }[];
}

export interface GenerateParams {
  model: ModelChoice;
  /** The stored adapter that answers beside the base; null: the base only. */
  adapterKey: string | null;
  prompt: string;
  sampling: PlaygroundSampling;
  /** A quiz question (by topic and index) whose answers are scored. */
  question?: { topicId: string; index: number };
  markersYaml?: string;
  similarity: TrainOptions['similarity'];
}

/** The evaluation's verdict on one answer. */
export interface AnswerScore {
  kind: 'open' | 'choice';
  score: number;
  passed: boolean;
  /** Open: similarity to the reference and the voice score; choice: the option the policy found most likely. */
  detail: string;
}

export interface SideAnswer {
  side: PlaygroundSide;
  text: string;
  tokens: number;
  stoppedBy: 'eos' | 'length' | 'stop' | 'cancelled';
  ms: number;
  score: AnswerScore | null;
}

export interface GenerateOutcome {
  modelName: string;
  answers: SideAnswer[];
  /** Adapters stacked under the chosen one (the policy it was trained in). */
  context: string[];
  similarity: string | null;
}

export type PlaygroundProgress = { type: 'generated'; side: PlaygroundSide; delta: string } | { type: 'status'; message: string };

interface Engine {
  label: string;
  rt: GpuRuntime;
  be: Backend<GpuTensor>;
  bundle: ModelBundle;
  decoder: Decoder<GpuTensor>;
}

let engine: Engine | null = null;
let similarity: { choice: string; resolved: ResolvedSimilarity } | null = null;
let cancelled = false;

const modelLabel = (m: ModelChoice) => (m.kind === 'tiny' ? 'tiny' : `files:${m.label}`);

/** Closes the playground's model and GPU device (a run is starting, or the model changed). */
export function releasePlayground(): void {
  engine?.rt.destroy();
  engine = null;
}

/** Asks the answer being generated to stop after its current token. */
export function cancelGenerate(): boolean {
  cancelled = true;
  return true;
}

async function openEngine(model: ModelChoice, status: (m: string) => void): Promise<Engine> {
  if (engine?.label === modelLabel(model) && !engine.rt.isLost) return engine;
  releasePlayground();
  const bundle = await loadModelChoice(model, status);
  status('Starting WebGPU');
  const rt = await GpuRuntime.create();
  try {
    const be = gpuBackend(rt);
    engine = { label: modelLabel(model), rt, be, bundle, decoder: new Decoder(be, bundle.model.config, bundle.model.weights, bundle.model.packed) };
    return engine;
  } catch (e) {
    rt.destroy();
    throw e;
  }
}

/**
 * The chosen adapter with the adapters of its policy stacked under it, merged exactly into one LoRA. An
 * imported adapter (imports/…, from the studio's own store) answers on the base alone: it was trained elsewhere.
 */
async function adapterParams(
  e: Engine,
  runs: RunStore | null,
  imports: ArtifactStore | null,
  key: string,
): Promise<{ lora: LoraParams<GpuTensor>; context: string[] }> {
  if (key.startsWith(`${IMPORTS_ROOT}/`)) {
    if (!imports) throw new Error(`playground: the studio's store is not open, so the imported adapter '${key}' cannot be read: reload the page`);
    const stored = await loadAdapter(imports, key, e.bundle.model.config);
    if (stored.head)
      throw new Error(`playground: ${key} is a reward model (it has a score head): it scores answers rather than writing them; pick a policy adapter`);
    return { lora: LoraParams.create(e.be, stored.adapter), context: [] };
  }
  if (!runs) throw new Error(`playground: no run is stored in this browser, so there is no adapter '${key}': train one, or answer with the base only`);
  const state = await runs.readState();
  const context = policyContext(state, key);
  const parts = [];
  for (const k of [...context, key]) parts.push((await runs.loadAdapter(k, e.bundle.model.config)).adapter);
  const adapter = parts.length === 1 ? parts[0] : mergeAdapters(parts);
  return { lora: LoraParams.create(e.be, adapter), context };
}

/** Streams one side's answer; a stop sequence or a cancel ends it early. */
async function answer(
  e: Engine,
  lora: LoraParams<GpuTensor> | null,
  p: GenerateParams,
  side: PlaygroundSide,
  report: (p: PlaygroundProgress) => void,
): Promise<Omit<SideAnswer, 'score'>> {
  const t0 = performance.now();
  let text = '';
  let tokens = 0;
  let stoppedBy = null as SideAnswer['stoppedBy'] | null;
  const halt = new Error('playground: stopped');
  try {
    const res = await generateText(e.be, e.decoder, lora, e.bundle.tokenizer, p.prompt, {
      maxNewTokens: p.sampling.maxTokens,
      temperature: p.sampling.temperature,
      topP: p.sampling.topP,
      rng: new Rng(p.sampling.seed),
      onToken: () => {
        tokens++;
        if (cancelled) {
          stoppedBy = 'cancelled';
          throw halt;
        }
      },
      onText: (delta) => {
        const cut = stopIndex(text + delta, p.sampling.stop);
        const keep = cut < 0 ? delta : (text + delta).slice(text.length, Math.max(text.length, cut));
        text += keep;
        if (keep) report({ type: 'generated', side, delta: keep });
        if (cut >= 0) {
          stoppedBy = 'stop';
          throw halt;
        }
      },
    });
    stoppedBy = res.stoppedBy;
  } catch (err) {
    if (err !== halt) throw err;
  }
  return { side, text, tokens, stoppedBy: stoppedBy ?? 'length', ms: performance.now() - t0 };
}

/** The curriculum's topic quizzes (from the curriculum saved in this browser). */
export async function playgroundQuizzes(): Promise<PlaygroundQuiz[]> {
  const { dataset } = await readInputs({ model: { kind: 'tiny' }, options: {} as TrainOptions }, () => undefined);
  return dataset.evalSets
    .filter((s) => s.level === 'topic')
    .map((s) => ({ topicId: s.scopeId, title: s.title, questions: s.questions.map((q) => ({ question: q.question, type: q.type })) }));
}

/** The quiz question asked, with the dataset's distinctions for its topic; throws naming what is missing. */
function findQuestion(ds: Dataset, q: { topicId: string; index: number }): { question: EvalQuestion; distinctions: Dataset['distinctions'] } {
  const set = ds.evalSets.find((s) => s.level === 'topic' && s.scopeId === q.topicId);
  if (!set) throw new Error(`playground: the curriculum has no quiz for topic '${q.topicId}'`);
  const question = set.questions[q.index];
  if (!question) throw new Error(`playground: the quiz of '${q.topicId}' has ${set.questions.length} questions; question ${q.index + 1} was asked for`);
  return { question, distinctions: ds.distinctions.filter((d) => d.topicId === q.topicId || d.topicId === null) };
}

async function scoreAnswer(
  e: Engine,
  lora: LoraParams<GpuTensor> | null,
  given: string,
  q: { question: EvalQuestion; distinctions: Dataset['distinctions']; markers: VoiceMarkers; sim: ResolvedSimilarity },
): Promise<AnswerScore> {
  const ctx: EvalContext<GpuTensor> = {
    be: e.be,
    dec: e.decoder,
    lora,
    tokenizer: e.bundle.tokenizer,
    markers: q.markers,
    distinctions: q.distinctions,
    similarity: q.sim.similarity,
    maxNewTokens: 1,
  };
  const policy = policySource(ctx);
  // The answer shown is the one scored; choice questions are scored by the options' likelihoods, as in evaluation.
  const src = { answer: async () => given, answerLogLikelihoods: policy.answerLogLikelihoods.bind(policy) };
  try {
    const [r] = await evaluateQuestionsWith(src, { markers: q.markers, distinctions: q.distinctions, similarity: q.sim.similarity }, [q.question]);
    if (r.details.kind === 'open') {
      const d = r.details.result;
      return { kind: 'open', score: r.score, passed: r.passed, detail: `similarity ${d.semantic.toFixed(2)} · voice ${d.voice.toFixed(2)}` };
    }
    return { kind: 'choice', score: r.score, passed: r.passed, detail: `most likely: ${r.answer}` };
  } finally {
    releaseEvalWorkspaces(e.be, e.decoder);
  }
}

/** Answers the prompt with the base, then with the adapter; scores both when a quiz question was asked. */
export async function playgroundGenerate(
  p: GenerateParams,
  runs: RunStore | null,
  report: (p: PlaygroundProgress) => void,
  imports: ArtifactStore | null = null,
): Promise<GenerateOutcome> {
  checkSampling(p.sampling);
  if (!p.prompt.trim()) throw new Error('playground: the prompt is empty: type a question or pick one from the quiz');
  cancelled = false;
  const status = (message: string) => report({ type: 'status', message });
  const e = await openEngine(p.model, status);
  let asked: { question: EvalQuestion; distinctions: Dataset['distinctions']; markers: VoiceMarkers; sim: ResolvedSimilarity } | null = null;
  if (p.question) {
    const { dataset } = await readInputs({ model: p.model, options: {} as TrainOptions }, () => undefined);
    if (similarity?.choice !== p.similarity) similarity = { choice: p.similarity, resolved: await loadSimilarityChoice(p.similarity, status) };
    asked = { ...findQuestion(dataset, p.question), markers: parseMarkers(p.markersYaml || defaultMarkersYaml, 'voice markers'), sim: similarity.resolved };
  }
  const out: GenerateOutcome = { modelName: e.bundle.name, answers: [], context: [], similarity: asked?.sim.similarity.name ?? null };
  const sides: { side: PlaygroundSide; key: string | null }[] = [{ side: 'base', key: null }];
  if (p.adapterKey) sides.push({ side: 'adapter', key: p.adapterKey });
  for (const { side, key } of sides) {
    status(side === 'base' ? `The base model answers` : `The adapter answers`);
    const a = key ? await adapterParams(e, runs, imports, key) : null;
    if (a) out.context = a.context;
    try {
      const res = await answer(e, a?.lora ?? null, p, side, report);
      const score = asked && res.stoppedBy !== 'cancelled' ? await scoreAnswer(e, a?.lora ?? null, res.text, asked) : null;
      out.answers.push({ ...res, score });
      if (res.stoppedBy === 'cancelled') break;
    } finally {
      a?.lora.release();
    }
  }
  return out;
}
