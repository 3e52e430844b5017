// Two runs side by side: pass rate, model and data, and each topic's score (passed or not) with the
// difference, for every topic either run trained.
import { useShallow } from 'zustand/react/shallow';
import type { RunSummary } from '../../workers/training-protocol.ts';
import { useStudio } from '../store/store.ts';
import { fmtDate, passText } from './RunHistory.tsx';

const score = (t: RunSummary['topics'][number] | undefined) => (t?.score == null ? '—' : `${t.score.toFixed(3)} ${t.passed ? '✓' : '✗'}`);

function TopicCompareRow({ id, a, b }: { id: string; a: RunSummary; b: RunSummary }) {
  const ta = a.topics.find((t) => t.id === id);
  const tb = b.topics.find((t) => t.id === id);
  const d = ta?.score != null && tb?.score != null ? tb.score - ta.score : null;
  return (
    <tr data-testid="compare-topic" data-topic={id}>
      <td className="topic-id">{id}</td>
      <td className={`num ${ta?.passed ? 'good' : ''}`}>{score(ta)}</td>
      <td className={`num ${tb?.passed ? 'good' : ''}`}>{score(tb)}</td>
      <td className={`num ${d === null ? '' : d > 0 ? 'good' : d < 0 ? 'bad' : ''}`}>{d === null ? '' : `${d > 0 ? '+' : ''}${d.toFixed(3)}`}</td>
    </tr>
  );
}

export function RunCompare() {
  const { compare, runs } = useStudio(useShallow((s) => ({ compare: s.history.compare, runs: s.history.runs })));
  const pair = compare.map((id) => runs.find((r) => r.id === id)).filter((r): r is RunSummary => !!r);
  if (pair.length < 2) return null;
  const [a, b] = [...pair].sort((x, y) => (x.id < y.id ? -1 : 1));
  const ids = [...new Set([...a.topics.map((t) => t.id), ...b.topics.map((t) => t.id)])];
  return (
    <div className="card" data-testid="run-compare">
      <div className="card-head">
        <h2>Compare</h2>
        <span className="muted small-text">older run on the left; difference = right − left</span>
      </div>
      <table className="grid compact">
        <thead>
          <tr>
            <th />
            <th className="num">{fmtDate(a.startedAt)}</th>
            <th className="num">{fmtDate(b.startedAt)}</th>
            <th className="num">Difference</th>
          </tr>
        </thead>
        <tbody>
          <tr data-testid="compare-pass-rate">
            <th>Pass rate</th>
            <td className="num">{passText(a)}</td>
            <td className="num">{passText(b)}</td>
            <td className="num">
              {a.passRate?.rate != null && b.passRate?.rate != null ? `${((b.passRate.rate - a.passRate.rate) * 100).toFixed(0)} points` : ''}
            </td>
          </tr>
          <tr>
            <th>Model</th>
            <td className="num">{a.modelName ?? '—'}</td>
            <td className="num">{b.modelName ?? '—'}</td>
            <td className="num muted">{a.modelName === b.modelName ? 'same' : 'different'}</td>
          </tr>
          <tr>
            <th>Data</th>
            <td className="num mono">{a.dataFingerprint?.slice(0, 8) ?? '—'}</td>
            <td className="num mono">{b.dataFingerprint?.slice(0, 8) ?? '—'}</td>
            <td className="num muted">{a.dataFingerprint && a.dataFingerprint === b.dataFingerprint ? 'same curriculum' : 'different or unknown'}</td>
          </tr>
          {ids.map((id) => (
            <TopicCompareRow key={id} id={id} a={a} b={b} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
