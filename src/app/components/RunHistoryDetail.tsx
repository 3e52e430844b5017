// One run reopened read-only: what it ran (model, options, data), its pass rate and per-topic results,
// its metrics as charts, its adapters (each a zip) and its report, shown as text.
import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useShallow } from 'zustand/react/shallow';
import type { RunInfo } from '../../workers/training-protocol.ts';
import { passRate } from '../../training/run-report.ts';
import { useStudio } from '../store/store.ts';
import { fmtDate } from './RunHistory.tsx';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Points of one metric over the run, in order: x = the record's place among those that have it. */
function usePoints(info: RunInfo, phase: string, field: string) {
  return useMemo(
    () =>
      (info.state?.metrics ?? []).filter((m) => m.phase === phase && num(m[field]) !== null).map((m, i) => ({ x: i + 1, y: num(m[field]), topic: m.topicId })),
    [info, phase, field],
  );
}

function MetricChart({ info, phase, field, title, yTitle }: { info: RunInfo; phase: string; field: string; title: string; yTitle: string }) {
  const data = usePoints(info, phase, field);
  return (
    <div className="card" data-testid="history-chart" data-points={data.length}>
      <div className="card-head">
        <h3>{title}</h3>
        <span className="muted small-text">{data.length} points</span>
      </div>
      {data.length ? (
        <ResponsiveContainer width="100%" height={180}>
          <LineChart data={data} margin={{ left: 8, right: 8, top: 8, bottom: 16 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="x" tick={{ fontSize: 11 }} label={{ value: 'logged step, in run order', position: 'insideBottom', offset: -8, fontSize: 11 }} />
            <YAxis tick={{ fontSize: 11 }} label={{ value: yTitle, angle: -90, position: 'insideLeft', fontSize: 11 }} />
            <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} labelFormatter={(x) => `#${x}`} />
            <Line type="linear" dataKey="y" name={yTitle} stroke="#2563eb" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      ) : (
        <p className="muted small-text">Not logged in this run.</p>
      )}
    </div>
  );
}

function DetailTopics({ info }: { info: RunInfo }) {
  const topics = info.state?.topics ?? [];
  if (!topics.length) return <p className="muted small-text">No topic finished a phase in this run.</p>;
  return (
    <table className="grid compact" data-testid="history-topics">
      <thead>
        <tr>
          <th>Topic</th>
          <th>Phases</th>
          <th className="num">Attempts</th>
          <th className="num">Score</th>
          <th className="num">Threshold</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {topics.map((t) => (
          <tr key={t.id}>
            <td className="topic-id">{t.id}</td>
            <td className="muted">{t.phasesRun.join(' → ') || '—'}</td>
            <td className="num">{t.attempts.length}</td>
            <td className="num">{t.score === null ? '—' : t.score.toFixed(3)}</td>
            <td className="num">{t.threshold.toFixed(2)}</td>
            <td className={t.score === null ? 'muted' : t.passed ? 'good' : 'bad'}>
              {!t.trainable ? 'skipped' : t.score === null ? 'not evaluated' : t.passed ? 'passed' : 'failed'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DetailAdapters({ info }: { info: RunInfo }) {
  const { busy, download } = useStudio(useShallow((s) => ({ busy: s.history.busy !== null, download: s.downloadRunAdapter })));
  if (!info.adapters.length) return <p className="muted small-text">No adapter saved.</p>;
  return (
    <table className="grid compact" data-testid="history-adapters">
      <tbody>
        {info.adapters.map((a) => (
          <tr key={a.key} data-testid="history-adapter" data-key={a.key}>
            <td className="topic-id">{a.kind === 'topic' ? a.topicId : a.unit}</td>
            <td className="muted">{a.kind === 'topic' ? a.phase : 'merged unit'}</td>
            <td className="num">
              <button className="small" disabled={busy} onClick={() => void download(info.runId, a.key)} data-testid="history-adapter-zip">
                PEFT .zip
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function RunHistoryDetail() {
  const { info, openRun } = useStudio(useShallow((s) => ({ info: s.history.open, openRun: s.openRun })));
  if (!info) return null;
  const o = info.options;
  const pr = info.state ? passRate(info.state) : null;
  return (
    <div className="card" data-testid="run-detail" data-run={info.runId}>
      <div className="card-head">
        <h2>Run of {fmtDate(o?.startedAt ?? null)} (read-only)</h2>
        <button className="small" onClick={() => void openRun(null)} data-testid="run-detail-close">
          Close
        </button>
      </div>
      <dl className="facts small-text">
        <dt>Pass rate</dt>
        <dd data-testid="run-detail-pass">{pr ? `${pr.passed} / ${pr.trained}${pr.rate === null ? '' : ` (${(pr.rate * 100).toFixed(1)}%)`}` : '—'}</dd>
        <dt>Model</dt>
        <dd>{o?.modelName ?? info.state?.modelName ?? '—'}</dd>
        {o && (
          <>
            <dt>Options</dt>
            <dd>
              phases {o.phases.join(', ')} · max steps {o.maxSteps ?? 'config'} · seed {o.seed}
              {o.topics.length ? ` · topics ${o.topics.join(', ')}` : ' · every topic'}
            </dd>
            <dt>Data</dt>
            <dd className="mono">{o.dataFingerprint ?? 'not recorded'}</dd>
          </>
        )}
        <dt>State</dt>
        <dd>{info.running ? 'training now' : info.state?.finished ? 'finished' : 'not finished'}</dd>
      </dl>
      <DetailTopics info={info} />
      <div className="chart-grid">
        <MetricChart info={info} phase="sft" field="loss" title="SFT loss (nats per completion token)" yTitle="nats/token" />
        <MetricChart info={info} phase="eval" field="score" title="Evaluation score" yTitle="score 0-1" />
      </div>
      <h3>Adapters</h3>
      <DetailAdapters info={info} />
      {info.report && (
        <details>
          <summary>Report</summary>
          <pre className="report-text" data-testid="run-detail-report">
            {info.report}
          </pre>
        </details>
      )}
    </div>
  );
}
