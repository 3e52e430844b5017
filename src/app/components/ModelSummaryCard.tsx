// The chosen base model at a glance: name, architecture, parameters, dtype, tokenizer, chat template,
// and what keeps it from training (one sentence each).
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { formatCount } from '../../model/memory-plan.ts';

export function ModelSummaryCard() {
  const { summary, check } = useStudio(useShallow((s) => ({ summary: s.modelSummary, check: s.modelCheck })));
  if (check.error)
    return (
      <p className="field-error" role="alert" data-testid="model-check-error">
        {check.error}
      </p>
    );
  if (check.busy || !summary) return <p className="muted">Reading the model…</p>;
  const found = (b: boolean) => (b ? <span className="ok">found</span> : <span className="field-error">missing</span>);
  return (
    <div data-testid="model-summary">
      <dl className="facts model-facts">
        <dt>Name</dt>
        <dd data-testid="model-name">{summary.name}</dd>
        <dt>Architecture</dt>
        <dd>
          {summary.architecture} ({summary.config.modelType})
        </dd>
        <dt>Parameters</dt>
        <dd>{formatCount(summary.parameters)}</dd>
        <dt>Stored dtype</dt>
        <dd>{summary.dtype}</dd>
        <dt>Tokenizer</dt>
        <dd>{found(summary.tokenizer)}</dd>
        <dt>Chat template</dt>
        <dd>{found(summary.chatTemplate)}</dd>
      </dl>
      {summary.problems.map((p) => (
        <p key={p} className="field-error">
          {p}
        </p>
      ))}
    </div>
  );
}
