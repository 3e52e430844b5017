// Import PEFT adapters trained elsewhere (a zip, or a folder holding adapter_config.json and
// adapter_model.safetensors), checked against the model chosen for training; the imports kept.
import { useShallow } from 'zustand/react/shallow';
import type { ImportEvaluation } from '../../workers/training-protocol.ts';
import { useStudio } from '../store/store.ts';

/** Files of an <input type=file> as import files: a folder's keep their path inside it. */
export function picked(list: FileList | null): { name: string; files: { path: string; file: Blob }[] } | null {
  const files = [...(list ?? [])];
  if (!files.length) return null;
  const rel = (f: File) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
  const name = rel(files[0]).split('/')[0];
  return { name, files: files.map((f) => ({ path: rel(f), file: f })) };
}

/** An import's last evaluation: pass count, then each topic's score against its threshold. */
function EvaluationLine({ e }: { e: ImportEvaluation }) {
  return (
    <div className="small-text" data-testid="import-evaluation" data-passed={e.passed} data-topics={e.topics.length}>
      <strong>
        {e.passed} / {e.topics.length} topics passed
      </strong>{' '}
      <span className="muted">
        on {e.model}, scored by {e.similarity}:
      </span>{' '}
      {e.topics.map((t) => (
        <span key={t.id} className={t.passed ? 'good' : 'bad'}>
          <span className="mono">{t.id}</span> {t.score.toFixed(3)}/{t.threshold.toFixed(2)}{' '}
        </span>
      ))}
    </div>
  );
}

/** Merge the ticked imports exactly (their deltas summed) into a new import. */
function MergeBar() {
  const { count, busy, merge } = useStudio(useShallow((s) => ({ count: s.history.mergeSel.length, busy: s.history.busy !== null, merge: s.mergeImports })));
  return (
    <div className="import-actions merge-bar small-text">
      <button className="small" disabled={busy || count < 2} onClick={() => void merge()} data-testid="import-merge">
        Merge {count >= 2 ? `${count} ticked` : 'ticked'} adapters
      </button>
      <span className="muted">exactly: the merged update is the sum of theirs, at the sum of their ranks (reward models excluded)</span>
    </div>
  );
}

function ImportList() {
  const { imports, evaluations, sel, toggle, busy, download, remove, evaluate } = useStudio(
    useShallow((s) => ({
      imports: s.history.imports,
      evaluations: s.history.evaluations,
      sel: s.history.mergeSel,
      toggle: s.toggleMergeSel,
      busy: s.history.busy !== null,
      download: s.downloadRunAdapter,
      remove: s.deleteImport,
      evaluate: s.evaluateImport,
    })),
  );
  if (!imports.length) return <p className="muted small-text">No adapter imported yet.</p>;
  return (
    <>
      <table className="grid compact" data-testid="import-table">
        <tbody>
          {imports.map((k) => (
            <tr key={k} data-testid="import-row" data-key={k}>
              <td>
                <input type="checkbox" checked={sel.includes(k)} onChange={() => toggle(k)} aria-label={`merge ${k}`} data-testid="import-merge-toggle" />
              </td>
              <td>
                <div className="topic-id">{k.replace(/^imports\//, '')}</div>
                {evaluations[k] && <EvaluationLine e={evaluations[k]} />}
              </td>
              <td className="num row-actions">
                <button
                  className="small"
                  disabled={busy}
                  onClick={() => void evaluate(k)}
                  data-testid="import-evaluate"
                  title="Answer the saved curriculum's topic quizzes with base + this adapter and score them against each topic's pass threshold"
                >
                  Evaluate
                </button>
                <button className="small" disabled={busy} onClick={() => void download(null, k)}>
                  PEFT .zip
                </button>
                <button className="small quiet danger" disabled={busy} onClick={() => void remove(k)} data-testid="import-delete">
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {imports.length > 1 && <MergeBar />}
    </>
  );
}

export function AdapterImport() {
  const { model, busy, imported, importAdapters } = useStudio(
    useShallow((s) => ({
      model: s.trainModel.kind === 'tiny' ? 'the tiny model' : s.trainModel.label,
      busy: s.history.busy !== null,
      imported: s.history.imported,
      importAdapters: s.importAdapters,
    })),
  );
  const onPick = (e: React.ChangeEvent<HTMLInputElement>) => {
    const p = picked(e.target.files);
    e.target.value = '';
    if (p) void importAdapters(p.name, p.files);
  };
  return (
    <div className="card" data-testid="adapter-import">
      <div className="card-head">
        <h2>Import adapters</h2>
        <span className="muted small-text">PEFT LoRA (safetensors), checked against {model}, the model chosen for training (Model tab)</span>
      </div>
      <div className="import-actions">
        <label className="button-like">
          Zip…
          <input type="file" accept=".zip,application/zip" hidden disabled={busy} onChange={onPick} data-testid="import-zip" />
        </label>
        <label className="button-like">
          Folder…
          <input type="file" hidden disabled={busy} onChange={onPick} data-testid="import-folder" {...{ webkitdirectory: '' }} />
        </label>
      </div>
      {imported && (
        <ul className="small-text" data-testid="import-result">
          {imported.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
      <ImportList />
    </div>
  );
}
