// Analysis state: the worker's latest result (dataset summary, analysis, configs, tree, report) and
// the topic the dashboard focuses on.
import type { StudioResult } from '../../workers/protocol.ts';
import type { Slice } from './types.ts';

export interface AnalysisSlice {
  result: StudioResult | null;
  selectedTopic: string | null;
  /** Installs a worker result; keeps the selection when the topic still exists. */
  applyResult: (r: StudioResult | null) => void;
  selectTopic: (id: string | null) => void;
}

export const createAnalysisSlice: Slice<AnalysisSlice> = (set) => ({
  result: null,
  selectedTopic: null,
  applyResult: (r) =>
    set((s) => ({
      result: r,
      selectedTopic: r && s.selectedTopic && r.analysis.topics.some((t) => t.id === s.selectedTopic) ? s.selectedTopic : null,
      overrides: r ? r.overrides : {},
      // The markers can change with the data (a folder's voice_markers.yaml, new provisional ones);
      // text the user is still typing is kept.
      ...(r && !s.markersPending
        ? { markersYaml: r.markersYaml, lastGoodMarkersYaml: r.markersYaml, defaultMarkersYaml: r.baseMarkersYaml, markersError: null }
        : r
          ? { defaultMarkersYaml: r.baseMarkersYaml }
          : {}),
    })),
  selectTopic: (id) => set({ selectedTopic: id }),
});
