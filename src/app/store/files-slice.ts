// Files state and the actions that send files to the analysis worker: load (drop, picker, sample),
// change a file's kind, remove, restore on start, clear. Persisting runs after each load.
import type { FileKind } from '../../data/types.ts';
import type { FileInput, FileSummary, StudioResult } from '../../workers/protocol.ts';
import type { AnalysisClient } from '../worker-client.ts';
import { formatBytes } from '../../storage/dataset-store.ts';
import type { Slice, StudioState } from './types.ts';

export interface FilesSlice {
  files: FileSummary[];
  /** True once the stored data (if any) has been restored. */
  ready: boolean;
  init: () => Promise<void>;
  loadFiles: (files: FileInput[]) => Promise<void>;
  loadSample: () => Promise<void>;
  setKind: (file: string, kind: FileKind | null) => Promise<void>;
  removeFile: (file: string) => Promise<void>;
  clearAll: () => Promise<void>;
}

/** Runs one worker call with the busy indicator up and errors shown as a notice. */
async function busy<T>(get: () => StudioState, label: string, run: () => Promise<T>): Promise<T | undefined> {
  get().setBusy({ label, progress: null });
  try {
    return await run();
  } catch (e) {
    get().notify({ kind: 'error', text: (e as Error).message });
    return undefined;
  } finally {
    get().setBusy(null);
  }
}

type SetState = Parameters<Slice<FilesSlice>>[0];
type GetState = () => StudioState;

/** Reads the sample curriculum's files from the build's sample-data/ folder. */
async function fetchSampleFiles(base: string): Promise<FileInput[]> {
  const res = await fetch(`${base}sample-data/index.json`);
  if (!res.ok) throw new Error(`Could not fetch the sample file list (HTTP ${res.status})`);
  const names = (await res.json()) as string[];
  if (names.length === 0) throw new Error('This build has no sample curriculum (sample-data/ was empty when it was built)');
  return Promise.all(
    names.map(async (name): Promise<FileInput> => {
      const r = await fetch(`${base}sample-data/${encodeURIComponent(name)}`);
      if (!r.ok) throw new Error(`Could not fetch sample file ${name} (HTTP ${r.status})`);
      return { name, file: await r.blob() };
    }),
  );
}

/** The state a cleared studio starts from: the default markers, no notices, the files tab. */
function clearedState(defaultMarkersYaml: string): Partial<StudioState> {
  return {
    markersYaml: defaultMarkersYaml,
    lastGoodMarkersYaml: defaultMarkersYaml,
    markersError: null,
    rejectedSuggestions: [],
    acceptedAs: {},
    storage: null,
    notice: null,
    tab: 'files',
    expandedFiles: {},
  };
}

/** Saves the loaded files in the browser and reports how much was stored (or why not). */
async function persistFiles(set: SetState, get: GetState, client: () => AnalysisClient): Promise<void> {
  const status = await busy(get, 'Saving in this browser', () => client().persist((p) => get().setProgress(p)));
  if (!status) return;
  set({
    storage: status.ok
      ? { ok: true, text: `Saved in this browser: ${get().files.length} files (${formatBytes(get().files.reduce((n, f) => n + f.size, 0))})` }
      : { ok: false, text: status.error ?? 'Could not save the files in this browser' },
  });
}

/** Names among the incoming files that a loaded file already has (they replace it), in the order given. */
export function replacedNames(loaded: readonly string[], incoming: readonly string[]): string[] {
  const have = new Set(loaded);
  return [...new Set(incoming.filter((n) => have.has(n)))];
}

/** The notice after a load that replaced files: which ones, so a drop that overwrote data is never silent. */
export function replacedNotice(names: readonly string[]): string {
  const shown = names.slice(0, 4).join(', ') + (names.length > 4 ? ` and ${names.length - 4} more` : '');
  return `Replaced ${names.length === 1 ? 'the loaded file' : `${names.length} loaded files`} with the same name${names.length === 1 ? '' : 's'}: ${shown}`;
}

/** The files slice: the loaded files and the actions that send them to the analysis worker. */
export const createFilesSlice: Slice<FilesSlice> = (set, get, _store, client) => {
  const install = (r: StudioResult | null) => {
    get().applyResult(r);
    set({ files: r ? r.dataset.files : [], densityBefore: null });
  };

  return {
    files: [],
    ready: false,

    init: async () => {
      const r = await busy(get, 'Restoring saved data', () => client().init());
      if (r) {
        set({ markersYaml: r.markersYaml, defaultMarkersYaml: r.defaultMarkersYaml, lastGoodMarkersYaml: r.markersYaml });
        install(r.result);
        if (r.result) {
          set({ tab: 'dashboard', storage: { ok: true, text: `Restored ${r.result.dataset.files.length} files from this browser` } });
        }
      }
      set({ ready: true });
    },

    loadFiles: async (files) => {
      if (files.length === 0) return;
      get().notify(null);
      const replaced = replacedNames(
        get().files.map((f) => f.path),
        files.map((f) => f.name),
      );
      const label = files.length === 1 ? `Reading ${files[0]!.name}` : `Reading ${files.length} files`;
      const r = await busy(get, label, () => client().load(files, (p) => get().setProgress(p)));
      if (!r) return;
      install(r);
      if (replaced.length) get().notify({ kind: 'info', text: replacedNotice(replaced) });
      await persistFiles(set, get, client);
    },

    loadSample: async () => {
      const base = import.meta.env.BASE_URL;
      const inputs = await busy(get, 'Fetching the sample curriculum', () => fetchSampleFiles(base));
      if (inputs) await get().loadFiles(inputs);
    },

    setKind: async (file, kind) => {
      const r = await busy(get, `Re-reading ${file}`, () => client().setKind(file, kind, (p) => get().setProgress(p)));
      if (r) install(r);
    },

    removeFile: async (file) => {
      const r = await busy(get, `Removing ${file}`, () => client().removeFile(file));
      if (r !== undefined) install(r);
    },

    clearAll: async () => {
      const r = await busy(get, 'Clearing', () => client().clear());
      if (!r) return;
      install(null);
      set(clearedState(r.defaultMarkersYaml));
    },
  };
};
