// The curriculum's topic quizzes in the playground: one click puts a question in the prompt and asks it;
// its answers are then scored as the evaluation scores them.
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';

export function PlaygroundQuiz() {
  const { quizzes, busy, ask, generate, blocked } = useStudio(
    useShallow((s) => ({
      quizzes: s.playground.quizzes,
      busy: s.playground.busy,
      ask: s.askQuestion,
      generate: s.generate,
      blocked: s.training.status === 'starting' || s.training.status === 'running' || s.training.status === 'pausing',
    })),
  );
  return (
    <div className="card" data-testid="pg-quiz">
      <div className="card-head">
        <h2>Quiz questions</h2>
        <span className="muted small-text">one click asks it; both answers get the evaluation's score</span>
      </div>
      {quizzes === null ? (
        <div className="muted">Load a curriculum (Files tab) to see its quizzes.</div>
      ) : quizzes.length === 0 ? (
        <div className="muted">This curriculum has no topic quizzes.</div>
      ) : (
        quizzes.map((z) => (
          <details key={z.topicId} className="pg-quiz-topic">
            <summary>
              <span className="topic-id">{z.topicId}</span> <span className="muted">· {z.title}</span>{' '}
              <span className="muted small-text">({z.questions.length})</span>
            </summary>
            <ol>
              {z.questions.map((q, i) => (
                <li key={i}>
                  <button
                    className="link-button"
                    data-testid="pg-quiz-question"
                    data-topic={z.topicId}
                    disabled={busy || blocked}
                    onClick={() => {
                      ask(z.topicId, i);
                      void generate();
                    }}
                  >
                    {q.question}
                  </button>{' '}
                  <span className="muted small-text">{q.type.replace('_', ' ')}</span>
                </li>
              ))}
            </ol>
          </details>
        ))
      )}
    </div>
  );
}
