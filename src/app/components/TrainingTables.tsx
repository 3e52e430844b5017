// The training panel's tables: per-topic status (phase, attempts, score against threshold, passed),
// the curriculum's exams, and the stored adapters with PEFT downloads.
import { useShallow } from 'zustand/react/shallow';
import type { RunSnapshot } from '../../workers/training-protocol.ts';
import type { CurrentStep } from '../store/training-slice.ts';
import { useStudio } from '../store/store.ts';
import { fmtInt } from '../format.ts';

const num3 = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '—');
/** A warning's headline (before its first colon): the row shows it, the tooltip the whole text. */
const headline = (w: string) => w.split(':')[0];
const pctOf = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

type TopicRecord = RunSnapshot['topics'][number];

/** One topic's row: its phase (live with a spinner while it trains), attempts, score bar against its threshold, result. */
function TopicRow({ id, t, live, current }: { id: string; t: TopicRecord | undefined; live: boolean; current: CurrentStep | null }) {
  const phase = live
    ? `${current!.phase ?? 'starting'}${current!.attempt ? ` (retry ${current!.attempt} of ${current!.retries})` : ''}`
    : t
      ? !t.trainable
        ? 'not trainable'
        : t.phasesRun.join(' → ') || '—'
      : 'waiting';
  const result = !t ? '' : !t.trainable ? 'skipped' : t.score === null ? (live ? 'training' : 'not evaluated') : t.passed ? 'passed' : 'failed';
  const tone = result === 'passed' ? 'good' : result === 'failed' ? 'bad' : '';
  const score = t?.score ?? null;
  return (
    <tr className={live ? 'live' : ''} data-testid="train-topic-row" data-topic={id} data-result={result}>
      <td className="topic-id" title={t?.untrainableReason}>
        {id}
      </td>
      <td className={live ? 'live-phase' : 'muted'}>
        {live && <span className="spinner inline" aria-hidden />}
        {phase}
        {!!t?.warnings?.length && (
          <span className="topic-warning" data-testid="train-topic-warning" title={t.warnings.join('\n')}>
            ⚠ {headline(t.warnings[0])}
            {t.warnings.length > 1 ? ` (+${t.warnings.length - 1} more)` : ''}
          </span>
        )}
      </td>
      <td className="num" data-testid="train-topic-attempts">
        {t ? t.attempts.length : ''}
      </td>
      <td className={`num ${tone}`}>{num3(score)}</td>
      <td className="score-col">
        {t && (
          <span className="bar" title={`score ${num3(score)}, threshold ${t.threshold}`}>
            {score !== null && <span className={`fill ${t.passed ? 'good' : 'bad'}`} style={{ width: `${Math.min(100, Math.max(0, score * 100))}%` }} />}
            <span className="target" style={{ left: `${t.threshold * 100}%` }} />
          </span>
        )}
      </td>
      <td className="num">{t ? t.threshold.toFixed(2) : ''}</td>
      <td className={tone} data-testid="train-topic-result">
        {result}
      </td>
    </tr>
  );
}

export function TopicStatusTable() {
  const { state, current, running, runOptions, configs } = useStudio(
    useShallow((s) => ({
      state: s.training.state,
      current: s.training.current,
      running: ['starting', 'running', 'pausing'].includes(s.training.status),
      runOptions: s.training.runOptions,
      configs: s.result?.configs ?? null,
    })),
  );
  const planned = runOptions ? (runOptions.topics.length ? runOptions.topics : (configs ?? []).map((c) => c.id)) : [];
  const records = new Map((state?.topics ?? []).map((t) => [t.id, t]));
  const ids = [...planned, ...[...records.keys()].filter((id) => !planned.includes(id))];
  if (!ids.length) return <p className="muted small-text">No run yet: choose options above and press Start.</p>;
  return (
    <table className="grid compact train-topics" data-testid="train-topic-table">
      <thead>
        <tr>
          <th>Topic</th>
          <th>Phase</th>
          <th className="num">Attempts</th>
          <th className="num">Score</th>
          <th className="score-col">Score vs threshold</th>
          <th className="num">Threshold</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {ids.map((id) => (
          <TopicRow key={id} id={id} t={records.get(id)} live={running && current?.topicId === id} current={current} />
        ))}
      </tbody>
    </table>
  );
}

export function ExamTable() {
  const exams = useStudio((s) => s.training.state?.exams ?? null);
  if (!exams?.length)
    return <p className="muted small-text">Chapter tests, unit exams and the final assessment are taken after their part of the curriculum.</p>;
  return (
    <table className="grid compact" data-testid="exam-table">
      <thead>
        <tr>
          <th>Exam</th>
          <th>Level</th>
          <th className="num">Questions</th>
          <th className="num">Accuracy</th>
          <th className="num">Mean voice</th>
          <th>Bars met</th>
        </tr>
      </thead>
      <tbody>
        {exams.map((e) => (
          <tr key={`${e.level}:${e.scopeId}`} data-testid="exam-row">
            <td>{e.title}</td>
            <td className="muted">{e.level}</td>
            <td className="num">{fmtInt(e.questions)}</td>
            <td className="num">{pctOf(e.accuracy)}</td>
            <td className="num">{num3(e.meanVoice)}</td>
            <td className={e.passed ? 'good' : 'bad'}>{e.passed ? 'yes' : 'no'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AdapterList() {
  const { adapters, download } = useStudio(useShallow((s) => ({ adapters: s.training.adapters, download: s.downloadAdapter })));
  if (!adapters.length) return <p className="muted small-text">Every phase's adapter is kept here (IndexedDB) and downloads as a PEFT folder.</p>;
  return (
    <table className="grid compact" data-testid="adapter-table">
      <tbody>
        {adapters.map((a) => (
          <tr key={a.key} data-testid="adapter-row" data-key={a.key}>
            <td className="topic-id">{a.kind === 'topic' ? a.topicId : a.unit}</td>
            <td className="muted">{a.kind === 'topic' ? a.phase : 'merged unit'}</td>
            <td className="num">
              <button
                className="small"
                onClick={() => void download(a.key)}
                data-testid="adapter-download"
                title={`${a.key} as a .zip holding adapter_config.json + adapter_model.safetensors`}
              >
                PEFT .zip
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
