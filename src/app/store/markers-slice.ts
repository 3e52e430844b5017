// Voice-marker editor state: the YAML being edited, re-analysed in the worker after a pause in
// typing; a parse error is shown in place while the last good markers stay in force.
import type { Slice } from './types.ts';

export const MARKERS_DEBOUNCE_MS = 400;

export interface MarkersSlice {
  markersYaml: string;
  lastGoodMarkersYaml: string;
  defaultMarkersYaml: string;
  markersError: string | null;
  /** An edit is waiting for (or in) re-analysis. */
  markersPending: boolean;
  /** Each topic's density before the last marker edit took effect (for the change shown beside it). */
  densityBefore: Record<string, number> | null;
  editMarkers: (yaml: string) => void;
  resetMarkers: () => void;
}

export const createMarkersSlice: Slice<MarkersSlice> = (set, get, _store, client) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;

  const analyse = async (yaml: string) => {
    const mine = ++seq;
    try {
      const r = await client().setMarkers(yaml);
      if (mine !== seq) return; // a newer edit is on its way
      const before = get().result?.analysis.topics;
      set({
        markersError: null,
        lastGoodMarkersYaml: yaml,
        markersPending: false,
        densityBefore: before ? Object.fromEntries(before.map((t) => [t.id, t.sft.voiceDensity])) : null,
      });
      if (r) get().applyResult(r);
    } catch (e) {
      if (mine !== seq) return;
      set({ markersError: (e as Error).message, markersPending: false });
    }
  };

  return {
    markersYaml: '',
    lastGoodMarkersYaml: '',
    defaultMarkersYaml: '',
    markersError: null,
    markersPending: false,
    densityBefore: null,
    editMarkers: (yaml) => {
      set({ markersYaml: yaml, markersPending: true });
      clearTimeout(timer);
      timer = setTimeout(() => void analyse(yaml), MARKERS_DEBOUNCE_MS);
    },
    resetMarkers: () => {
      clearTimeout(timer);
      const yaml = get().defaultMarkersYaml;
      set({ markersYaml: yaml, markersPending: true });
      void analyse(yaml);
    },
  };
};
