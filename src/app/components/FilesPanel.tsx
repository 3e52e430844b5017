// The Files tab: the drop zone and the loaded files with kind (changeable), records read of present,
// and their problems: the file itself, lines or entries not read, warnings, duplicates.
import { Fragment } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FileKind, RecordError } from '../../data/types.ts';
import { problemGroups, problemWhere, recordsText, type ProblemGroup } from '../../data/problems.ts';
import type { FileSummary } from '../../workers/protocol.ts';
import { useStudio } from '../store/store.ts';
import { DropZone } from './DropZone.tsx';
import { fmtInt, formatBytes } from '../format.ts';

const KINDS: { id: FileKind; label: string }[] = [
  { id: 'sft', label: 'SFT examples' },
  { id: 'preference', label: 'Preference pairs' },
  { id: 'distinctions', label: 'Critical distinctions' },
  { id: 'eval', label: 'Evaluation set' },
  { id: 'unknown', label: 'Unknown' },
];
/** Errors shown per file before "and N more". */
const MAX_SHOWN = 200;

function ErrorList({ errors, title, kind }: { errors: RecordError[]; title: string; kind: ProblemGroup['kind'] }) {
  if (!errors.length) return null;
  return (
    <div className={`error-list ${kind}`} data-testid={`file-problems-${kind}`}>
      <div className="error-list-title">{title}</div>
      <ol>
        {errors.slice(0, MAX_SHOWN).map((e, i) => (
          <li key={i}>
            <span className="where">{problemWhere(e)}</span>
            {e.subject !== undefined && <span className="subject"> {e.subject}</span>}
            {': '}
            {e.message}
          </li>
        ))}
      </ol>
      {errors.length > MAX_SHOWN && <div className="muted">and {fmtInt(errors.length - MAX_SHOWN)} more</div>}
    </div>
  );
}

const counted = (n: number, noun: string) => (n ? `${fmtInt(n)} ${noun}${n === 1 ? '' : 's'}` : '');

function FileRow({ f }: { f: FileSummary }) {
  const { expanded, toggle, setKind, removeFile, busy } = useStudio(
    useShallow((s) => ({ expanded: !!s.expandedFiles[f.path], toggle: s.toggleFile, setKind: s.setKind, removeFile: s.removeFile, busy: s.busy !== null })),
  );
  const warnings = f.warnings?.length ?? 0;
  const problems = f.errors.length + warnings + f.duplicates.length;
  return (
    <Fragment>
      <tr data-testid="file-row" data-file={f.path}>
        <td className="file-name">{f.path}</td>
        <td>
          {f.empty ? (
            <span className="muted" data-testid="file-empty" title="The file has no content">
              empty
            </span>
          ) : (
            <select
              value={f.kind}
              disabled={busy}
              aria-label={`Kind of ${f.path}`}
              onChange={(e) => void setKind(f.path, e.target.value as FileKind)}
              className={f.kind === 'unknown' ? 'warn' : ''}
            >
              {KINDS.filter((k) => k.id !== 'unknown' || f.kind === 'unknown').map((k) => (
                <option key={k.id} value={k.id} disabled={k.id === 'unknown'}>
                  {k.label}
                </option>
              ))}
            </select>
          )}
          {f.kindOverride !== null && (
            <button className="link small" disabled={busy} onClick={() => void setKind(f.path, null)} title="Detect the kind from the content again">
              detect
            </button>
          )}
        </td>
        <td className="num">{formatBytes(f.size)}</td>
        <td className="num" data-testid="file-records">
          {recordsText(f, fmtInt)}
        </td>
        <td className={`num${!problems && f.empty ? ' warn' : ''}`}>
          {problems ? (
            <button
              className={`link ${f.errors.length ? 'bad' : 'warn'}`}
              onClick={() => toggle(f.path)}
              aria-expanded={expanded}
              data-testid="file-errors-toggle"
            >
              {[counted(f.errors.length, 'error'), counted(warnings, 'warning'), counted(f.duplicates.length, 'duplicate')].filter(Boolean).join(', ')}
              {expanded ? ' ▾' : ' ▸'}
            </button>
          ) : f.empty ? (
            'nothing to read'
          ) : (
            <span className="ok">none</span>
          )}
        </td>
        <td className="num">
          <button className="link small" disabled={busy} onClick={() => void removeFile(f.path)} aria-label={`Remove ${f.path}`}>
            remove
          </button>
        </td>
      </tr>
      {expanded && problems > 0 && (
        <tr className="detail-row">
          <td colSpan={6} data-testid="file-errors">
            {problemGroups(f).map((g) => (
              <ErrorList key={g.kind} errors={g.problems} title={g.title} kind={g.kind} />
            ))}
          </td>
        </tr>
      )}
    </Fragment>
  );
}

export function FilesPanel() {
  const files = useStudio((s) => s.files);
  const counts = useStudio((s) => s.result?.dataset.counts);
  return (
    <div className="stack">
      <DropZone compact={files.length > 0} />
      {files.length > 0 && (
        <section className="card">
          <div className="card-head">
            <h2>Loaded files</h2>
            {counts && (
              <span className="muted">
                {fmtInt(counts.sft)} SFT examples · {fmtInt(counts.preference)} pairs · {fmtInt(counts.distinctions)} distinctions · {fmtInt(counts.evalSets)}{' '}
                evaluation sets ({fmtInt(counts.evalQuestions)} questions)
              </span>
            )}
          </div>
          <table className="grid" data-testid="file-list">
            <thead>
              <tr>
                <th>File</th>
                <th>Kind</th>
                <th className="num">Size</th>
                <th className="num">Records</th>
                <th className="num">Problems</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <FileRow key={f.path} f={f} />
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
