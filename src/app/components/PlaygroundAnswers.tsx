// The two answers side by side as they stream in, each with how it ended and, for a quiz question, the
// evaluation's score against the question's pass mark. Answers are model output: rendered as plain text.
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import type { PlaygroundAnswer } from '../store/playground-slice.ts';
import type { PlaygroundSide } from '../../workers/playground.ts';
import { adapterLabel } from '../../workers/playground-plan.ts';

const ENDED: Record<string, string> = { eos: 'ended by the model', length: 'stopped at max tokens', stop: 'stopped at a stop sequence', cancelled: 'stopped' };

function ScoreBadge({ a }: { a: PlaygroundAnswer }) {
  if (!a.score) return null;
  const s = a.score;
  return (
    <span className={`pg-score ${s.passed ? 'good' : 'bad'}`} data-testid="pg-score" title={s.detail}>
      score {s.score.toFixed(3)} · {s.passed ? 'passes' : 'below the pass mark'}
      <span className="muted"> · {s.detail}</span>
    </span>
  );
}

function AnswerCard({ side, title }: { side: PlaygroundSide; title: string }) {
  const a = useStudio((s) => s.playground.answers[side]);
  if (!a) return null;
  return (
    <div className="card pg-answer" data-testid={`pg-answer-${side}`} data-done={a.done}>
      <div className="card-head">
        <h2>{title}</h2>
        <ScoreBadge a={a} />
      </div>
      <div className="pg-text" data-testid={`pg-text-${side}`}>
        {a.text}
        {!a.done && <span className="pg-caret" aria-hidden />}
      </div>
      {a.done && (
        <div className="muted small-text">
          {a.tokens} tokens · {(a.ms / 1000).toFixed(1)} s · {ENDED[a.stoppedBy ?? ''] ?? a.stoppedBy}
        </div>
      )}
    </div>
  );
}

export function PlaygroundAnswers() {
  const { adapter, context, similarity, hasAny } = useStudio(
    useShallow((s) => ({
      adapter: s.training.adapters.find((a) => a.key === s.playground.adapterKey),
      context: s.playground.context,
      similarity: s.playground.similarity,
      hasAny: s.playground.answers.base !== null,
    })),
  );
  if (!hasAny) return null;
  return (
    <div className="stack">
      <div className="pg-answers">
        <AnswerCard side="base" title="Base model" />
        <AnswerCard side="adapter" title={adapter ? `Adapter: ${adapterLabel(adapter)}` : 'Adapter'} />
      </div>
      {(context.length > 0 || similarity) && (
        <div className="muted small-text">
          {context.length > 0 && `The adapter answers on top of the ${context.length} adapter${context.length > 1 ? 's' : ''} folded before it in the run. `}
          {similarity && `Scored as the evaluation scores (similarity: ${similarity}).`}
        </div>
      )}
    </div>
  );
}
