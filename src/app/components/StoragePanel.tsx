// The Storage tab: what the browser says this site uses and may use, persistent storage (asked for,
// with the browser's answer), the warning that site data can be evicted, and what each run, stored
// group and cached Hub model takes.
import { useCallback, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { formatBytes } from '../../hub/progress.ts';
import { requestPersistentStorage } from '../../storage/idb-store.ts';
import { storageEstimate, storedGroups, type StorageEstimate, type StoredGroup } from '../storage-usage.ts';

function Estimate({ est, onPersist }: { est: StorageEstimate; onPersist: () => void }) {
  const [answer, setAnswer] = useState<string | null>(null);
  const free = est.usage !== null && est.quota !== null ? est.quota - est.usage : null;
  return (
    <div data-testid="storage-estimate">
      <p>
        This site uses <strong>{est.usage === null ? 'an unknown amount' : formatBytes(est.usage)}</strong>
        {free !== null && (
          <>
            {' '}
            and may use <strong>{formatBytes(free)}</strong> more
          </>
        )}
        {Object.keys(est.details).length > 0 &&
          ` (${Object.entries(est.details)
            .map(([k, v]) => `${k === 'fileSystem' ? 'model cache' : k} ${formatBytes(v)}`)
            .join(', ')})`}
        .
      </p>
      <p>
        Persistent storage: <strong data-testid="storage-persisted">{est.persisted === null ? 'unknown' : est.persisted ? 'granted' : 'not granted'}</strong>{' '}
        {!est.persisted && (
          <button
            data-testid="storage-persist"
            onClick={async () => {
              const ok = await requestPersistentStorage();
              setAnswer(ok ? 'The browser granted persistent storage.' : 'The browser declined (it often grants it to sites you bookmark or use often).');
              onPersist();
            }}
          >
            Ask the browser to keep this site's data
          </button>
        )}
      </p>
      {answer && <p data-testid="storage-persist-answer">{answer}</p>}
      <p className="storage-warning" data-testid="storage-warning">
        Browsers may delete a site's data when the disk runs low, or when you clear browsing data. Download the runs and adapters you want to keep: the
        downloads are your backup.
      </p>
    </div>
  );
}

function Usage({ groups }: { groups: StoredGroup[] }) {
  const models = useStudio((s) => s.cachedModels ?? []);
  const rows = [
    ...groups.map((g) => ({ label: g.label, bytes: g.bytes, note: `${g.items} ${g.unit}` })),
    ...models.map((m) => ({ label: `model ${m.repoId}`, bytes: m.bytes, note: m.complete ? `${m.files.length} files` : 'partly downloaded' })),
  ];
  if (!rows.length) return <p className="muted">Nothing stored yet.</p>;
  return (
    <table className="storage-usage" data-testid="storage-usage">
      <thead>
        <tr>
          <th>What</th>
          <th>Size</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label}>
            <td>{r.label}</td>
            <td>{formatBytes(r.bytes)}</td>
            <td className="muted">{r.note}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StoragePanel() {
  const { refreshCached } = useStudio(useShallow((s) => ({ refreshCached: s.refreshCached })));
  const [est, setEst] = useState<StorageEstimate | null>(null);
  const [groups, setGroups] = useState<StoredGroup[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    Promise.all([storageEstimate().then(setEst), storedGroups().then(setGroups), refreshCached()]).catch((e: Error) =>
      setError(`Could not read this site's storage: ${e.message}`),
    );
  }, [refreshCached]);
  useEffect(load, [load]);
  return (
    <div className="stack" data-testid="storage-panel">
      <section className="card">
        <div className="card-head">
          <h2>Storage in this browser</h2>
        </div>
        {error && <p className="field-error">{error}</p>}
        {est ? <Estimate est={est} onPersist={load} /> : <p className="muted">Asking the browser…</p>}
      </section>
      <section className="card">
        <div className="card-head">
          <h2>What is stored</h2>
        </div>
        {groups ? <Usage groups={groups} /> : <p className="muted">Reading the stores…</p>}
      </section>
    </div>
  );
}
