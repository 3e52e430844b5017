// The Training tab: run options and controls, the headline pass rate, live charts, per-topic status,
// exams, adapters and the report. Reads the last run from IndexedDB (through the worker) on open.
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { passRate, renderRunReport } from '../../training/run-report.ts';
import { isStepMetric } from '../../training/metric-types.ts';
import { downloadText } from '../download.ts';
import { TrainingOptions } from './TrainingOptions.tsx';
import { TrainingResumeOffer } from './TrainingResumeOffer.tsx';
import { TrainingCharts } from './TrainingCharts.tsx';
import { RunEta } from './RunEta.tsx';
import { AdapterList, ExamTable, TopicStatusTable } from './TrainingTables.tsx';
import type { RunStatus } from '../store/training-slice.ts';
import type { RunSnapshot } from '../../workers/training-protocol.ts';

export const RUN_REPORT_FILE = 'mindprint-training-report.md';

const STATUS_TEXT: Record<RunStatus, string> = {
  idle: 'No run yet',
  starting: 'Starting',
  running: 'Training',
  pausing: 'Pausing after this phase',
  paused: 'Paused',
  interrupted: 'Not finished (saved; Resume continues it)',
  finished: 'Finished',
  failed: 'Stopped by an error',
};

const phasesDone = (s: RunSnapshot) => s.topics.reduce((n, t) => n + t.attempts.reduce((k, a) => k + a.phases.length, 0), 0);

function Headline() {
  const { state, status, current, message, similarity, runOptions, metrics } = useStudio(
    useShallow((s) => ({
      state: s.training.state,
      status: s.training.status,
      current: s.training.current,
      message: s.training.message,
      similarity: s.training.similarity,
      runOptions: s.training.runOptions,
      metrics: s.training.metrics,
    })),
  );
  const pr = state ? passRate({ ...state, metrics: [] }) : null;
  const last = [...metrics].reverse().find(isStepMetric);
  const stepText =
    last && current && last.topicId === current.topicId && last.phase === current.phase
      ? ` · step ${last.step}${'totalSteps' in last ? `/${last.totalSteps}` : ''}`
      : '';
  const running = status === 'starting' || status === 'running' || status === 'pausing';
  return (
    <div className="train-head">
      <div className={`card pass-rate ${pr?.rate == null ? '' : pr.rate >= 0.5 ? 'good' : 'bad'}`} data-testid="pass-rate">
        <div className="stat-label">Pass rate: topics passed / trained</div>
        <div className="pass-figure" data-testid="pass-rate-figure">
          {pr ? `${pr.passed} / ${pr.trained}` : '—'}
        </div>
        <div className="stat-sub">{pr?.rate == null ? 'no topic evaluated yet' : `${(pr.rate * 100).toFixed(1)}% of evaluated topics`}</div>
      </div>
      <div className="card run-status">
        <div className="status-line">
          {running && <span className="spinner" aria-hidden />}
          <strong data-testid="train-status" data-status={status}>
            {STATUS_TEXT[status]}
          </strong>
          {running && current && (
            <span className="muted">
              {' '}
              · topic {current.index + 1} of {current.total}: <span className="topic-id">{current.topicId}</span>
              {current.phase ? ` · ${current.phase}` : ''}
              {stepText}
            </span>
          )}
        </div>
        {message && <div className="muted small-text">{message}…</div>}
        <RunEta />
        <dl className="facts small-text">
          {runOptions && (
            <>
              <dt>Run</dt>
              <dd>
                {runOptions.modelName} · {runOptions.alignment.toUpperCase()} · phases {runOptions.phases.join(', ')} · max steps{' '}
                {runOptions.maxSteps ?? 'config'} · seed {runOptions.seed}
                {runOptions.topics.length ? ` · ${runOptions.topics.length} topic${runOptions.topics.length > 1 ? 's' : ''}` : ''}
              </dd>
            </>
          )}
          {similarity && (
            <>
              <dt>Scored by</dt>
              <dd data-testid="similarity-used" title={similarity.reason}>
                {similarity.name.startsWith('lexical') ? 'lexical similarity (fallback)' : 'sentence embeddings'}{' '}
                <span className="muted">— {similarity.name}</span>
              </dd>
            </>
          )}
          {state && (
            <>
              <dt>Saved</dt>
              <dd>
                {state.finished
                  ? 'the complete run'
                  : `${phasesDone(state)} completed phase${phasesDone(state) === 1 ? '' : 's'} (a reload or a lost device costs at most the last 50 steps of the phase in progress)`}
                , in this browser
              </dd>
            </>
          )}
        </dl>
      </div>
    </div>
  );
}

function ErrorBox() {
  const { error, deviceLost } = useStudio(useShallow((s) => ({ error: s.training.error, deviceLost: s.training.deviceLost })));
  if (!error) return null;
  return (
    <div className="status error" role="alert" data-testid="train-error">
      {deviceLost ? <strong>GPU device lost. </strong> : null}
      {error}
    </div>
  );
}

function ReportCard() {
  const { report, state, similarity, log } = useStudio(
    useShallow((s) => ({ report: s.training.report, state: s.training.state, similarity: s.training.similarity, log: s.training.log })),
  );
  const logRef = useRef<HTMLDivElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the log, so it runs whenever a line is added
  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight; // follow the newest line
  }, [log]);
  const text = report ?? (state ? renderRunReport({ ...state, metrics: [] }, similarity ?? { name: 'not known', reason: '' }) : null);
  return (
    <div className="card">
      <div className="card-head">
        <h2>Report and log</h2>
        <button disabled={!text} onClick={() => text && downloadText(text, RUN_REPORT_FILE)} data-testid="train-report-download">
          Download report
        </button>
      </div>
      <div className="train-log" data-testid="train-log" ref={logRef}>
        {log.length ? (
          log.map((l, i) => <div key={i}>{l}</div>)
        ) : (
          <span className="muted">Events of a run show here while it runs; the report keeps the results.</span>
        )}
      </div>
    </div>
  );
}

export function TrainingPanel() {
  const { loaded, load } = useStudio(useShallow((s) => ({ loaded: s.training.loaded, load: s.loadTraining })));
  useEffect(() => {
    if (!loaded) void load();
  }, [loaded, load]);
  return (
    <div className="stack" data-testid="training-panel">
      <TrainingOptions />
      <TrainingResumeOffer />
      <ErrorBox />
      <Headline />
      <TrainingCharts />
      <div className="train-grid">
        <div className="card">
          <div className="card-head">
            <h2>Topics</h2>
            <span className="muted small-text">score vs pass threshold (marker); a failed topic is retried with one more SFT epoch</span>
          </div>
          <div className="scroll-x">
            <TopicStatusTable />
          </div>
        </div>
        <div className="stack">
          <div className="card">
            <div className="card-head">
              <h2>Adapters</h2>
              <span className="muted small-text">PEFT format</span>
            </div>
            <AdapterList />
          </div>
        </div>
      </div>
      <div className="train-grid">
        <div className="card">
          <div className="card-head">
            <h2>Curriculum exams</h2>
          </div>
          <ExamTable />
        </div>
        <ReportCard />
      </div>
    </div>
  );
}
