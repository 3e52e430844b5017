// Drop zone for curriculum files or a whole folder, with file and folder pickers.
import { useRef, useState, type DragEvent, type RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { filesFromDrop, filesFromList, type Collected } from '../drop.ts';

/** Loads collected files, or says why there is nothing to load; either way names what was skipped. */
function useTakeFiles(): (c: Collected) => Promise<void> {
  const { loadFiles, notify } = useStudio(useShallow((s) => ({ loadFiles: s.loadFiles, notify: s.notify })));
  return async (c: Collected) => {
    if (c.files.length === 0) {
      notify({
        kind: 'error',
        text: `No .json, .jsonl or voice_markers.yaml files in what was dropped${c.skipped.length ? ` (skipped ${c.skipped.join(', ')})` : ''}`,
      });
      return;
    }
    await loadFiles(c.files);
    if (c.skipped.length) notify({ kind: 'info', text: `Skipped ${c.skipped.length} file(s) that are not .json/.jsonl: ${c.skipped.slice(0, 8).join(', ')}` });
  };
}

/** A hidden file input that hands what was picked to `take`, then clears itself so the same pick fires again. */
function PickerInput({
  inputRef,
  attrs,
  take,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  attrs: Record<string, string | boolean>;
  take: (c: Collected) => Promise<void>;
}) {
  return (
    <input
      ref={inputRef}
      type="file"
      hidden
      {...attrs}
      onChange={(e) => {
        const c = filesFromList(e.target.files);
        e.target.value = '';
        void take(c);
      }}
    />
  );
}

/** What to drop here; the list of curriculum files only while nothing is loaded. */
function DropZoneText({ compact }: { compact: boolean }) {
  return (
    <div className="dropzone-text">
      <strong>Drop curriculum files or a whole folder here</strong>
      {!compact && (
        <p className="muted">
          sft_data.jsonl, preference_data.jsonl, critical_distinctions.jsonl, quiz_data.json, chapter_tests.json, unit_exams.json, final_assessment.json — or
          TRL's shapes — and the curriculum's own voice_markers.yaml when it has one. Files stay in this browser.
        </p>
      )}
    </div>
  );
}

const FILE_ATTRS = { multiple: true, accept: '.json,.jsonl,.yaml,.yml', 'data-testid': 'file-input' };
const FOLDER_ATTRS = { webkitdirectory: '', directory: '' };

/** The curriculum drop target with its file and folder pickers (and, while empty, the sample loader). */
export function DropZone({ compact }: { compact: boolean }) {
  const { loadSample, notify, busy } = useStudio(useShallow((s) => ({ loadSample: s.loadSample, notify: s.notify, busy: s.busy !== null })));
  const [over, setOver] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const dirInput = useRef<HTMLInputElement>(null);
  const take = useTakeFiles();

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void filesFromDrop(e.dataTransfer).then(take, (err: Error) => notify({ kind: 'error', text: `Could not read the drop: ${err.message}` }));
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse; its buttons are the keyboard's way in
    <section
      className={`dropzone${over ? ' over' : ''}${compact ? ' compact' : ''}`}
      data-testid="dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <DropZoneText compact={compact} />
      <div className="dropzone-actions">
        <button onClick={() => fileInput.current?.click()} disabled={busy}>
          Choose files…
        </button>
        <button onClick={() => dirInput.current?.click()} disabled={busy}>
          Choose folder…
        </button>
        {!compact && (
          <button className="primary" onClick={() => void loadSample()} disabled={busy}>
            Load sample curriculum
          </button>
        )}
      </div>
      <PickerInput inputRef={fileInput} attrs={FILE_ATTRS} take={take} />
      <PickerInput inputRef={dirInput} attrs={FOLDER_ATTRS} take={take} />
    </section>
  );
}
