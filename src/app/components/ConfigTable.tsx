// The adaptive training config per topic: values, the rationale of each decision, and per-topic
// overrides in editable cells (an overridden cell is highlighted and can be reset).
import { Fragment, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { TopicConfig } from '../../analysis/adaptive.ts';
import type { BaseValues } from '../../workers/protocol.ts';
import { useStudio } from '../store/store.ts';
import { EmptyState } from './EmptyState.tsx';
import { fmtLr } from '../format.ts';

/** The editable numeric values (lrMultiplier follows from learningRate). */
type NumKey = keyof BaseValues;

interface Column {
  key: NumKey;
  label: string;
  title: string;
  kind: 'int' | 'positive' | 'unit';
  show: (c: TopicConfig) => string;
}

const COLUMNS: Column[] = [
  { key: 'sftEpochs', label: 'SFT epochs', title: 'Supervised fine-tuning epochs', kind: 'int', show: (c) => String(c.sftEpochs) },
  { key: 'batchSize', label: 'Batch', title: 'SFT batch size', kind: 'int', show: (c) => String(c.batchSize) },
  { key: 'learningRate', label: 'SFT LR', title: 'SFT learning rate (base × multiplier)', kind: 'positive', show: (c) => fmtLr(c.learningRate) },
  { key: 'rewardEpochs', label: 'RM epochs', title: 'Reward model epochs', kind: 'int', show: (c) => String(c.rewardEpochs) },
  { key: 'rewardLearningRate', label: 'RM LR', title: 'Reward model learning rate', kind: 'positive', show: (c) => fmtLr(c.rewardLearningRate) },
  { key: 'rewardBatchSize', label: 'RM batch', title: 'Reward model batch size', kind: 'int', show: (c) => String(c.rewardBatchSize) },
  { key: 'ppoSteps', label: 'PPO steps', title: 'PPO steps', kind: 'int', show: (c) => String(c.ppoSteps) },
  { key: 'ppoLearningRate', label: 'PPO LR', title: 'PPO learning rate', kind: 'positive', show: (c) => fmtLr(c.ppoLearningRate) },
  { key: 'passThreshold', label: 'Pass at', title: 'Evaluation pass threshold (0-1)', kind: 'unit', show: (c) => String(c.passThreshold) },
];

/** Parses a typed cell value; returns an error message when it is not what the field takes. */
function parseCell(text: string, kind: Column['kind']): number | string {
  const x = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(x)) return `"${text}" is not a number`;
  if (kind === 'int' && (!Number.isInteger(x) || x < 1)) return `expected a whole number ≥ 1, got ${text}`;
  if (kind === 'positive' && x <= 0) return `expected a number > 0, got ${text}`;
  if (kind === 'unit' && (x < 0 || x > 1)) return `expected a number between 0 and 1, got ${text}`;
  return x;
}

function Cell({ c, col }: { c: TopicConfig; col: Column }) {
  const setOverride = useStudio((s) => s.setOverride);
  const baseValue = useStudio((s) => s.result?.base[col.key]);
  const userSet = useStudio((s) => s.overrides[c.id]?.[col.key] !== undefined);
  const [error, setError] = useState<string | null>(null); // "expected a whole number ≥ 1, got 0"
  const shown = col.show(c);
  const commit = (text: string) => {
    if (text === shown) return setError(null);
    const v = parseCell(text, col.kind);
    if (typeof v === 'string') return setError(v);
    setError(null);
    void setOverride(c.id, col.key, v);
  };
  const overridden = c.overridden.includes(col.key);
  const adapted = !overridden && baseValue !== undefined && c[col.key] !== baseValue;
  const title =
    (error && `${c.id} ${col.label}: ${error}`) ??
    (overridden ? `${col.title}: your override` : adapted ? `${col.title}: adapted (base ${col.show({ ...c, [col.key]: baseValue })})` : col.title);
  return (
    <td className={`num edit${overridden ? ' overridden' : ''}${adapted ? ' adapted' : ''}${error ? ' invalid' : ''}`} title={title}>
      <input
        key={shown}
        defaultValue={shown}
        aria-label={`${c.id} ${col.label}`}
        aria-invalid={!!error}
        aria-describedby={error ? `${c.id}-${col.key}-error` : undefined}
        data-testid={`cfg-${col.key}`}
        onBlur={(e) => commit(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') {
            (e.target as HTMLInputElement).value = shown;
            setError(null);
          }
        }}
      />
      {error && (
        <div className="cell-error" id={`${c.id}-${col.key}-error`} role="alert" data-testid="cfg-error">
          {error}
        </div>
      )}
      {userSet && (
        <button className="reset" title="Back to the adaptive value" onClick={() => void setOverride(c.id, col.key, undefined)}>
          ↺
        </button>
      )}
    </td>
  );
}

function Row({ c }: { c: TopicConfig }) {
  const { setOverride, trainableSet } = useStudio(
    useShallow((s) => ({ setOverride: s.setOverride, trainableSet: s.overrides[c.id]?.trainable !== undefined })),
  );
  return (
    <Fragment>
      <tr className={c.trainable ? '' : 'untrainable'} data-testid="config-row" data-topic={c.id}>
        <td className="topic-id" rowSpan={2}>
          {c.id}
          <div className="muted small-text">
            {c.sftExamples} ex · {c.pairs} pairs
          </div>
        </td>
        <td className={`center${c.overridden.includes('trainable') ? ' overridden' : ''}`}>
          <input
            type="checkbox"
            checked={c.trainable}
            aria-label={`${c.id} trainable`}
            onChange={(e) => void setOverride(c.id, 'trainable', trainableSet ? undefined : e.target.checked)}
            title={c.untrainableReason ?? 'Trainable'}
          />
        </td>
        {COLUMNS.map((col) => (
          <Cell key={col.key} c={c} col={col} />
        ))}
      </tr>
      <tr className="rationale-row">
        <td colSpan={COLUMNS.length + 1}>
          <ul className="rationale" data-testid="rationale">
            {c.rationale.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        </td>
      </tr>
    </Fragment>
  );
}

export function ConfigTable() {
  const configs = useStudio((s) => s.result?.configs);
  if (!configs) return <EmptyState />;
  const trainable = configs.filter((c) => c.trainable).length;
  return (
    <section className="card">
      <div className="card-head">
        <h2>Training config per topic</h2>
        <span className="muted">
          {trainable} of {configs.length} topics trainable · <span className="key adapted">adapted</span> from configs/training_pipeline.yaml ·{' '}
          <span className="key overridden">your override</span> · click a value to change it
        </span>
      </div>
      <div className="scroll-x">
        <table className="grid config" data-testid="config-table">
          <thead>
            <tr>
              <th>Topic</th>
              <th className="center">Train</th>
              {COLUMNS.map((col) => (
                <th key={col.key} className="num" title={col.title}>
                  {col.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {configs.map((c) => (
              <Row key={c.id} c={c} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
