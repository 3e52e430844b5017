// The Hub models in this browser's cache: id, commit, size (of the total when partly downloaded),
// Use and Delete.
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { formatBytes } from '../../hub/progress.ts';

export function CachedModels() {
  const { models, choose, remove, chosen, busy } = useStudio(
    useShallow((s) => ({
      models: s.cachedModels,
      choose: s.chooseCached,
      remove: s.deleteCached,
      chosen: s.trainModel.kind === 'hub' ? s.trainModel.commit : null,
      busy: s.hub.phase === 'downloading' || s.hub.phase === 'inspecting',
    })),
  );
  if (!models) return <p className="muted">Reading the model cache…</p>;
  if (!models.length) return <p className="muted">No Hub model is cached in this browser yet.</p>;
  return (
    <table className="cached-models" data-testid="cached-models">
      <thead>
        <tr>
          <th>Model</th>
          <th>Commit</th>
          <th>Size</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {models.map((m) => (
          <tr key={`${m.repoId}@${m.commit}`} data-testid="cached-model" data-repo={m.repoId}>
            <td>{m.repoId}</td>
            <td className="topic-id">{m.commit.slice(0, 7)}</td>
            <td>{m.complete ? formatBytes(m.bytes) : `${formatBytes(m.bytes)} of ${formatBytes(m.totalBytes)} (partly downloaded)`}</td>
            <td className="row-actions">
              <button disabled={busy || chosen === m.commit} onClick={() => void choose(m)} data-testid="cached-use">
                {chosen === m.commit ? 'In use' : m.complete ? 'Use' : 'Resume'}
              </button>
              <button
                className="quiet danger"
                data-testid="cached-delete"
                disabled={busy}
                onClick={() => {
                  if (confirm(`Delete ${m.repoId} (${formatBytes(m.bytes)}) from this browser?`)) void remove(m.repoId);
                }}
              >
                Delete
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
