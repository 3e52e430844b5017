// UI state: the open tab, expanded rows, the busy indicator with progress, and notices.
import type { Progress } from '../../workers/protocol.ts';
import type { Slice } from './types.ts';

export type Tab = 'files' | 'dashboard' | 'markers' | 'config' | 'model' | 'training' | 'runs' | 'playground' | 'storage';

export interface Notice {
  kind: 'error' | 'info';
  text: string;
}

export interface Busy {
  label: string;
  progress: Progress | null;
}

export interface UiSlice {
  tab: Tab;
  expandedFiles: Record<string, boolean>;
  busy: Busy | null;
  notice: Notice | null;
  /** Storage status line ("Saved 7 files (1.2 MB) in this browser" or the quota error). */
  storage: { ok: boolean; text: string } | null;
  setTab: (tab: Tab) => void;
  toggleFile: (name: string) => void;
  setBusy: (busy: Busy | null) => void;
  setProgress: (p: Progress) => void;
  notify: (notice: Notice | null) => void;
}

export const createUiSlice: Slice<UiSlice> = (set) => ({
  tab: 'files',
  expandedFiles: {},
  busy: null,
  notice: null,
  storage: null,
  setTab: (tab) => set({ tab }),
  toggleFile: (name) => set((s) => ({ expandedFiles: { ...s.expandedFiles, [name]: !s.expandedFiles[name] } })),
  setBusy: (busy) => set({ busy }),
  setProgress: (progress) => set((s) => (s.busy ? { busy: { ...s.busy, progress } } : {})),
  notify: (notice) => set({ notice }),
});
