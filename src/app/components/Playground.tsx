// The Playground tab: a prompt answered by the base model and by a chosen stored adapter side by side,
// streamed from the training worker, with the sampling settings and the curriculum's quiz one click away.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { PlaygroundAnswers } from './PlaygroundAnswers.tsx';
import { PlaygroundQuiz } from './PlaygroundQuiz.tsx';
import { PlaygroundSettings } from './PlaygroundSettings.tsx';

/** Why the playground cannot answer now, or null. */
function useBlocked(): string | null {
  return useStudio((s) => {
    const st = s.training.status;
    if (st === 'starting' || st === 'running' || st === 'pausing') return 'A run is training on this GPU: pause it (Training tab) to use the playground.';
    return null;
  });
}

function PromptBox() {
  const { prompt, question, busy, setPlayground, generate, stop } = useStudio(
    useShallow((s) => ({
      prompt: s.playground.prompt,
      question: s.playground.question,
      busy: s.playground.busy,
      setPlayground: s.setPlayground,
      generate: s.generate,
      stop: s.stopGenerate,
    })),
  );
  const blocked = useBlocked();
  return (
    <div className="card stack">
      <label className="field-label" htmlFor="pg-prompt">
        Prompt{' '}
        {question && (
          <span className="muted small-text" data-testid="pg-question-tag">
            — quiz question {question.index + 1} of {question.topicId}: the answers are scored
          </span>
        )}
      </label>
      <textarea
        id="pg-prompt"
        data-testid="pg-prompt"
        rows={3}
        value={prompt}
        placeholder="Ask something, or pick a quiz question below"
        onChange={(e) => setPlayground({ prompt: e.target.value, question: null })}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !busy && !blocked) void generate();
        }}
      />
      <div className="pg-row">
        <button className="primary" data-testid="pg-generate" disabled={busy || !!blocked || !prompt.trim()} onClick={() => void generate()}>
          Generate
        </button>
        <button data-testid="pg-stop" disabled={!busy} onClick={() => void stop()}>
          Stop
        </button>
        <span className="muted small-text">Ctrl+Enter generates. The base answers first, then the adapter, on this tab's GPU.</span>
      </div>
      {blocked && (
        <div className="status info" data-testid="pg-blocked">
          {blocked}
        </div>
      )}
    </div>
  );
}

function PlaygroundStatus() {
  const { message, error } = useStudio(useShallow((s) => ({ message: s.playground.message, error: s.playground.error })));
  if (error)
    return (
      <div className="status error" role="alert" data-testid="pg-error">
        {error}
      </div>
    );
  return message ? <div className="muted small-text">{message}…</div> : null;
}

export function Playground() {
  const { loaded, loadTraining, quizzes, loadQuizzes, hasData } = useStudio(
    useShallow((s) => ({
      loaded: s.training.loaded,
      loadTraining: s.loadTraining,
      quizzes: s.playground.quizzes,
      loadQuizzes: s.loadQuizzes,
      hasData: s.result !== null,
    })),
  );
  useEffect(() => {
    if (!loaded) void loadTraining();
  }, [loaded, loadTraining]);
  useEffect(() => {
    if (quizzes === null && hasData) void loadQuizzes();
  }, [quizzes, hasData, loadQuizzes]);
  return (
    <div className="stack" data-testid="playground">
      <PlaygroundSettings />
      <PromptBox />
      <PlaygroundStatus />
      <PlaygroundAnswers />
      <PlaygroundQuiz />
    </div>
  );
}
