// Playground state: the prompt, the adapter chosen to answer beside the base, the sampling settings, the
// curriculum's quiz questions, and the two answers as they stream in from the training worker (which
// owns the GPU), with the evaluation's score of each when a quiz question was asked.
import type { StateCreator } from 'zustand';
import type { AnswerScore, GenerateOutcome, PlaygroundSide } from '../../workers/playground.ts';
import { DEFAULT_SAMPLING, type PlaygroundSampling } from '../../workers/playground-plan.ts';
import type { PlaygroundQuiz, TrainingProgress } from '../../workers/training-protocol.ts';
import { trainingClient, type TrainingClient } from '../training-client.ts';
import type { StudioState } from './types.ts';

export interface PlaygroundAnswer {
  text: string;
  done: boolean;
  stoppedBy: string | null;
  tokens: number;
  ms: number;
  score: AnswerScore | null;
}

export interface PlaygroundView {
  prompt: string;
  /** A stored adapter key, or '' for none. */
  adapterKey: string;
  sampling: PlaygroundSampling;
  /** The quiz question the prompt came from (its answers are scored), or null for free text. */
  question: { topicId: string; index: number } | null;
  quizzes: PlaygroundQuiz[] | null;
  busy: boolean;
  message: string | null;
  error: string | null;
  answers: Record<PlaygroundSide, PlaygroundAnswer | null>;
  /** Adapters stacked under the chosen one, and the similarity that scored, from the last answer. */
  context: string[];
  similarity: string | null;
}

export interface PlaygroundSlice {
  playground: PlaygroundView;
  setPlayground: (patch: Partial<Pick<PlaygroundView, 'prompt' | 'adapterKey' | 'question'>>) => void;
  setSampling: (patch: Partial<PlaygroundSampling>) => void;
  askQuestion: (topicId: string, index: number) => void;
  loadQuizzes: () => Promise<void>;
  generate: () => Promise<void>;
  stopGenerate: () => Promise<void>;
}

const initial: PlaygroundView = {
  prompt: '',
  adapterKey: '',
  sampling: DEFAULT_SAMPLING,
  question: null,
  quizzes: null,
  busy: false,
  message: null,
  error: null,
  answers: { base: null, adapter: null },
  context: [],
  similarity: null,
};

type Set = Parameters<StateCreator<StudioState>>[0];
type Get = () => StudioState;

const emptyAnswer = (): PlaygroundAnswer => ({ text: '', done: false, stoppedBy: null, tokens: 0, ms: 0, score: null });

/** The model the run used (its picked folder when that is still loaded), else the form's. */
function modelFor(s: StudioState) {
  return s.training.runOptions?.model.kind === 'tiny' ? ({ kind: 'tiny' } as const) : s.trainModel;
}

function finish(set: Set, out: GenerateOutcome): void {
  set((s) => {
    const answers = { ...s.playground.answers };
    for (const a of out.answers) answers[a.side] = { text: a.text, done: true, stoppedBy: a.stoppedBy, tokens: a.tokens, ms: a.ms, score: a.score };
    return { playground: { ...s.playground, answers, context: out.context, similarity: out.similarity, busy: false, message: null } };
  });
}

export function createPlaygroundSlice(set: Set, get: Get, client: () => TrainingClient = trainingClient): PlaygroundSlice {
  const patch = (p: Partial<PlaygroundView>) => set((s) => ({ playground: { ...s.playground, ...p } }));
  const onProgress = (p: TrainingProgress) => {
    if (p.type === 'status') patch({ message: p.message });
    if (p.type !== 'generated') return;
    set((s) => {
      const prev = s.playground.answers[p.side] ?? emptyAnswer();
      return { playground: { ...s.playground, answers: { ...s.playground.answers, [p.side]: { ...prev, text: prev.text + p.delta } } } };
    });
  };
  return {
    playground: initial,
    setPlayground: (p) => patch(p),
    setSampling: (p) => set((s) => ({ playground: { ...s.playground, sampling: { ...s.playground.sampling, ...p } } })),
    askQuestion: (topicId, index) => {
      const q = get().playground.quizzes?.find((z) => z.topicId === topicId)?.questions[index];
      if (q) patch({ prompt: q.question, question: { topicId, index } });
    },
    loadQuizzes: async () => {
      try {
        patch({ quizzes: await client().call('playgroundQuizzes', {}) });
      } catch (e) {
        patch({ quizzes: [], error: (e as Error).message });
      }
    },
    generate: async () => {
      const s = get();
      const pg = s.playground;
      patch({ busy: true, error: null, message: 'Preparing', answers: { base: emptyAnswer(), adapter: pg.adapterKey ? emptyAnswer() : null }, context: [] });
      try {
        const out = await client().call(
          'generate',
          {
            model: modelFor(s),
            adapterKey: pg.adapterKey || null,
            prompt: pg.prompt,
            sampling: pg.sampling,
            question: pg.question ?? undefined,
            markersYaml: s.lastGoodMarkersYaml || undefined,
            similarity: s.training.runOptions?.similarity ?? s.trainOptions.similarity,
          },
          onProgress,
        );
        finish(set, out);
      } catch (e) {
        patch({ busy: false, message: null, error: (e as Error).message });
      }
    },
    stopGenerate: async () => {
      await client().call('stopGenerate', {});
    },
  };
}
