// Voice-marker editor state: the YAML being edited, re-analysed in the worker after a pause in
// typing; a parse error is shown in place while the last good markers stay in force. Suggestions
// from marker discovery are accepted, edited, rejected or removed here.
import type { StudioResult } from '../../workers/protocol.ts';
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
  /** Suggested phrases the user rejected (lower case), hidden from the list. */
  rejectedSuggestions: string[];
  /** Suggested phrase (lower case) → the edited phrase the user accepted instead. */
  acceptedAs: Record<string, string>;
  editMarkers: (yaml: string) => void;
  /** Back to the curriculum's own markers (its voice_markers.yaml, else provisional ones). */
  resetMarkers: () => void;
  /** Makes the markers in use the user's own as they are (provisional ones become "edited"). */
  keepMarkers: () => void;
  /** Adds a suggestion, as the user edited it (`phrase`), to the markers, with its pattern in `category` when given. */
  acceptSuggestion: (suggested: string, phrase: string, category: string | null) => void;
  /** Takes a phrase out of the markers (the suggestion it came from, when edited, is offered again). */
  removeSuggestion: (phrase: string, suggested?: string) => void;
  rejectSuggestion: (phrase: string) => void;
  restoreSuggestions: () => void;
}

export const createMarkersSlice: Slice<MarkersSlice> = (set, get, _store, client) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;

  const analyse = async (yaml: string, send: () => Promise<StudioResult | null> = () => client().setMarkers(yaml)) => {
    const mine = ++seq;
    try {
      const r = await send();
      if (mine !== seq) return; // a newer edit is on its way
      const before = get().result?.analysis.topics;
      set({
        markersError: null,
        lastGoodMarkersYaml: r ? r.markersYaml : yaml,
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
    rejectedSuggestions: [],
    acceptedAs: {},
    editMarkers: (yaml) => {
      set({ markersYaml: yaml, markersPending: true });
      clearTimeout(timer);
      timer = setTimeout(() => void analyse(yaml), MARKERS_DEBOUNCE_MS);
    },
    resetMarkers: () => {
      clearTimeout(timer);
      const yaml = get().defaultMarkersYaml;
      set({ markersYaml: yaml, markersPending: true, acceptedAs: {} });
      void analyse(yaml, () => client().resetMarkers());
    },
    keepMarkers: () => {
      clearTimeout(timer);
      const yaml = get().lastGoodMarkersYaml;
      set({ markersPending: true });
      void analyse(yaml, () => client().editSuggestion({ yaml, action: 'keep', phrase: '', category: null }));
    },
    acceptSuggestion: (suggested, phrase, category) => {
      clearTimeout(timer);
      const yaml = get().markersYaml;
      const edited = phrase.trim().toLowerCase() !== suggested.toLowerCase();
      set((s) => ({ markersPending: true, acceptedAs: edited ? { ...s.acceptedAs, [suggested.toLowerCase()]: phrase.trim() } : s.acceptedAs }));
      void analyse(yaml, () => client().editSuggestion({ yaml, action: 'accept', phrase, category }));
    },
    removeSuggestion: (phrase, suggested) => {
      clearTimeout(timer);
      const yaml = get().markersYaml;
      set((s) => {
        const acceptedAs = { ...s.acceptedAs };
        if (suggested) delete acceptedAs[suggested.toLowerCase()];
        return { markersPending: true, acceptedAs };
      });
      void analyse(yaml, () => client().editSuggestion({ yaml, action: 'remove', phrase, category: null }));
    },
    rejectSuggestion: (phrase) => set((s) => ({ rejectedSuggestions: [...s.rejectedSuggestions, phrase.toLowerCase()] })),
    restoreSuggestions: () => set({ rejectedSuggestions: [] }),
  };
};
