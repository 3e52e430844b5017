// The studio's one zustand store, combined from its slices; components read it through small selectors.
import { create } from 'zustand';
import { analysisClient, type AnalysisClient } from '../worker-client.ts';
import { createAnalysisSlice } from './analysis-slice.ts';
import { createConfigSlice } from './config-slice.ts';
import { createFilesSlice } from './files-slice.ts';
import { createMarkersSlice } from './markers-slice.ts';
import type { StudioState } from './types.ts';
import { createUiSlice } from './ui-slice.ts';
import { createTrainingSlice } from './training-slice.ts';
import { createHistorySlice } from './history-slice.ts';
import { createModelSlice } from './model-slice.ts';
import { createPlaygroundSlice } from './playground-slice.ts';

export type { StudioState } from './types.ts';

/** Builds a store bound to a worker client (the page's worker; tests pass a fake). */
export function createStudioStore(client: () => AnalysisClient = analysisClient) {
  return create<StudioState>()((set, get, store) => ({
    ...createFilesSlice(set, get, store, client),
    ...createAnalysisSlice(set, get, store, client),
    ...createMarkersSlice(set, get, store, client),
    ...createConfigSlice(set, get, store, client),
    ...createUiSlice(set, get, store, client),
    ...createTrainingSlice(set, get),
    ...createHistorySlice(set, get),
    ...createModelSlice(set, get),
    ...createPlaygroundSlice(set, get),
  }));
}

export const useStudio = createStudioStore();
