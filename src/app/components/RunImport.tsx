// Import a run trained elsewhere with the TRL bundle (Training tab → Export for a GPU cluster): its output
// folder (or a zip of it) holds run.json, the adapters and plan.json; every adapter is checked against
// the model chosen for training, and the run joins the history like any other (open, compare, zip, delete).
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { picked } from './AdapterImport.tsx';

export function RunImport() {
  const { model, busy, done, newestUnfinished, importRun, openRun } = useStudio(
    useShallow((s) => ({
      model: s.trainModel.kind === 'tiny' ? 'the tiny model' : s.trainModel.label,
      busy: s.history.busy !== null,
      done: s.history.runImported,
      newestUnfinished: s.history.runs.at(-1)?.status === 'unfinished',
      importRun: s.importRun,
      openRun: s.openRun,
    })),
  );
  const onPick = (e: React.ChangeEvent<HTMLInputElement>) => {
    const p = picked(e.target.files);
    e.target.value = '';
    if (!p) return;
    // As Start does: the import becomes the newest run, so Resume no longer continues the unfinished one.
    if (newestUnfinished && !confirm('The newest run is not finished. Import anyway? It stays in Runs, but Resume will no longer continue it.')) return;
    void importRun(p.name, p.files);
  };
  return (
    <div className="card" data-testid="run-import">
      <div className="card-head">
        <h2>Import a run (TRL bundle output)</h2>
        <span className="muted small-text">
          the output folder train.py wrote (run.json, adapters/, plan.json), checked against {model}, the model chosen for training (Model tab)
        </span>
      </div>
      <div className="import-actions">
        <label className="button-like">
          Output folder…
          <input type="file" hidden disabled={busy} onChange={onPick} data-testid="run-import-folder" {...{ webkitdirectory: '' }} />
        </label>
        <label className="button-like">
          Zip…
          <input type="file" accept=".zip,application/zip" hidden disabled={busy} onChange={onPick} data-testid="run-import-zip" />
        </label>
      </div>
      {done && (
        <div className="small-text" data-testid="run-import-result" data-run={done.runId}>
          Imported as run <span className="mono">{done.runId}</span>:{' '}
          {done.lines.map((l) => (
            <div key={l}>{l}</div>
          ))}
          <button className="small" onClick={() => void openRun(done.runId)} data-testid="run-import-open">
            Open
          </button>
        </div>
      )}
    </div>
  );
}
