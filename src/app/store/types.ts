// The studio store's combined state type and the slice creator signature shared by every slice.
import type { StateCreator } from 'zustand';
import type { AnalysisClient } from '../worker-client.ts';
import type { FilesSlice } from './files-slice.ts';
import type { AnalysisSlice } from './analysis-slice.ts';
import type { MarkersSlice } from './markers-slice.ts';
import type { ConfigSlice } from './config-slice.ts';
import type { UiSlice } from './ui-slice.ts';
import type { TrainingSlice } from './training-slice.ts';
import type { HistorySlice } from './history-slice.ts';
import type { ModelSlice } from './model-slice.ts';
import type { PlaygroundSlice } from './playground-slice.ts';

export type StudioState = FilesSlice & AnalysisSlice & MarkersSlice & ConfigSlice & UiSlice & TrainingSlice & HistorySlice & PlaygroundSlice & ModelSlice;

/** A slice gets the combined store's set/get plus the worker client (injected, so tests can fake it). */
export type Slice<T> = (...args: [...Parameters<StateCreator<StudioState, [], [], T>>, () => AnalysisClient]) => T;
