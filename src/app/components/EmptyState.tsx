// Shown on data tabs before any file is loaded.
import { useStudio } from '../store/store.ts';

export function EmptyState() {
  const setTab = useStudio((s) => s.setTab);
  const ready = useStudio((s) => s.ready);
  return (
    <div className="empty">
      <p>{ready ? 'No curriculum loaded yet.' : 'Restoring…'}</p>
      {ready && (
        <button className="primary" onClick={() => setTab('files')}>
          Add files
        </button>
      )}
    </div>
  );
}
