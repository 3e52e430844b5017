// The Runs tab: every training run kept in this browser, newest first, with date, model, status and pass
// rate; open one read-only, tick two to compare them, download a run as a zip, delete one; and the
// adapters imported from elsewhere.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RunSummary } from '../../workers/training-protocol.ts';
import { useStudio } from '../store/store.ts';
import { AdapterImport } from './AdapterImport.tsx';
import { RunCompare } from './RunCompare.tsx';
import { RunHistoryDetail } from './RunHistoryDetail.tsx';
import { RunImport } from './RunImport.tsx';
import './run-history.css';

export const fmtDate = (ms: number | null) => (ms === null ? '—' : new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }));

export function passText(r: Pick<RunSummary, 'passRate'>): string {
  const p = r.passRate;
  if (!p || p.rate === null) return '—';
  return `${p.passed} / ${p.trained} (${(p.rate * 100).toFixed(0)}%)`;
}

const STATUS: Record<RunSummary['status'], string> = { finished: 'finished', unfinished: 'not finished', empty: 'no phase saved' };

function RunRow({ r, current }: { r: RunSummary; current: boolean }) {
  const { compared, busy, open, toggle, download, remove } = useStudio(
    useShallow((s) => ({
      compared: s.history.compare.includes(r.id),
      busy: s.history.busy !== null,
      open: s.openRun,
      toggle: s.toggleCompare,
      download: s.downloadRun,
      remove: s.deleteRun,
    })),
  );
  const tone = r.passRate?.rate == null ? '' : r.passRate.rate >= 0.5 ? 'good' : 'bad';
  return (
    <tr data-testid="run-row" data-run={r.id} data-status={r.status}>
      <td>
        <input type="checkbox" checked={compared} onChange={() => toggle(r.id)} aria-label={`compare run ${r.id}`} data-testid="run-compare-toggle" />
      </td>
      <td title={r.id}>
        {fmtDate(r.startedAt)}
        {current && <span className="badge">current</span>}
        {r.importedFrom && (
          <span className="badge" title={`imported from the TRL bundle output ${r.importedFrom}; the time is the import's`} data-testid="run-imported">
            imported
          </span>
        )}
      </td>
      <td>{r.modelName ?? '—'}</td>
      <td className="muted">{r.phases.join(', ') || '—'}</td>
      <td data-testid="run-status">{STATUS[r.status]}</td>
      <td className={`num ${tone}`} data-testid="run-pass-rate">
        {passText(r)}
      </td>
      <td className="num">{r.topics.length}</td>
      <td className="muted mono" title={r.dataFingerprint ?? 'not recorded'}>
        {r.dataFingerprint?.slice(0, 8) ?? '—'}
      </td>
      <td className="num">{r.adapters}</td>
      <td className="row-actions">
        <button className="small" onClick={() => void open(r.id)} data-testid="run-open">
          Open
        </button>
        <button
          className="small"
          disabled={busy}
          onClick={() => void download(r.id)}
          data-testid="run-zip"
          title="Every adapter, merges, reward heads, run.json, report.md, metrics.jsonl"
        >
          .zip
        </button>
        <button
          className="small quiet danger"
          disabled={busy}
          title="Delete this run and its adapters from this browser (not while it trains)"
          onClick={() => {
            if (confirm(`Delete the run of ${fmtDate(r.startedAt)} and its ${r.adapters} adapters from this browser?`)) void remove(r.id);
          }}
          data-testid="run-delete"
        >
          Delete
        </button>
      </td>
    </tr>
  );
}

function RunList() {
  const { runs, loaded, currentId, busy, error } = useStudio(
    useShallow((s) => ({
      runs: s.history.runs,
      loaded: s.history.loaded,
      currentId: s.history.runs.at(-1)?.id ?? null,
      busy: s.history.busy,
      error: s.history.error,
    })),
  );
  return (
    <div className="card">
      <div className="card-head">
        <h2>Runs</h2>
        <span className="muted small-text">tick two to compare; the newest is the current run (Training tab, Resume)</span>
      </div>
      {busy && <div className="status busy">{busy}…</div>}
      {error && (
        <div className="status error" role="alert" data-testid="history-error">
          {error}
        </div>
      )}
      {!runs.length ? (
        <p className="muted small-text">{loaded ? 'No run yet: every run started in the Training tab is kept here.' : 'Reading the runs…'}</p>
      ) : (
        <div className="scroll-x">
          <table className="grid compact" data-testid="run-table">
            <thead>
              <tr>
                <th />
                <th>Started</th>
                <th>Model</th>
                <th>Phases</th>
                <th>Status</th>
                <th className="num">Pass rate</th>
                <th className="num">Topics</th>
                <th>Data</th>
                <th className="num">Adapters</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {[...runs].reverse().map((r) => (
                <RunRow key={r.id} r={r} current={r.id === currentId} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function RunHistory() {
  const { loaded, load, training } = useStudio(useShallow((s) => ({ loaded: s.history.loaded, load: s.loadHistory, training: s.training.status })));
  // Read again on open and whenever a run changes state (started, paused, finished).
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-reads when the run's status changes
  useEffect(() => {
    void load();
  }, [load, training]);
  return (
    <div className="stack run-history" data-testid="run-history" data-loaded={loaded}>
      <RunList />
      <RunImport />
      <RunCompare />
      <RunHistoryDetail />
      <AdapterImport />
    </div>
  );
}
