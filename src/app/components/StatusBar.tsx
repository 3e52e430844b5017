// The status line under the tabs: what the worker is doing (with byte progress), errors, storage state.
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { formatBytes } from '../format.ts';

export function StatusBar() {
  const { busy, notice, storage, notify } = useStudio(useShallow((s) => ({ busy: s.busy, notice: s.notice, storage: s.storage, notify: s.notify })));
  const p = busy?.progress;
  const share = p && p.totalBytes > 0 && p.phase !== 'analyse' ? p.bytes / p.totalBytes : null;
  return (
    <div className="status-area">
      {busy && (
        <div className="status busy" role="status" data-testid="busy">
          <span className="spinner" aria-hidden />
          <span>{busy.label}</span>
          {p && (
            <span className="muted">
              {p.phase === 'analyse' ? 'analysing' : busy.label.includes(p.file ?? '\0') ? '' : p.file}
              {p.totalBytes > 0 && p.phase !== 'analyse' ? ` · ${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}` : ''}
            </span>
          )}
          {share !== null && (
            <span className="progress">
              <span style={{ width: `${Math.round(share * 100)}%` }} />
            </span>
          )}
        </div>
      )}
      {notice && (
        <div className={`status ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
          <span>{notice.text}</span>
          <button className="link" onClick={() => notify(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      {!busy && storage && (
        <div className={`status ${storage.ok ? 'saved' : 'error'}`} data-testid="storage-status">
          {storage.text}
        </div>
      )}
    </div>
  );
}
