// Config state: the user's per-topic overrides of the adaptive config; each change re-adapts in the
// worker (no re-read, no re-analysis of the data).
import type { TopicOverrides } from '../../config/pipeline-config.ts';
import type { OverrideMap } from '../../workers/protocol.ts';
import type { Slice } from './types.ts';

export interface ConfigSlice {
  overrides: OverrideMap;
  /** Sets one value for one topic; undefined removes the override (back to the adaptive value). */
  setOverride: <K extends keyof TopicOverrides>(topicId: string, key: K, value: TopicOverrides[K] | undefined) => Promise<void>;
  clearOverrides: (topicId: string) => Promise<void>;
}

export const createConfigSlice: Slice<ConfigSlice> = (set, get, _store, client) => {
  const send = async (overrides: OverrideMap) => {
    set({ overrides });
    try {
      const r = await client().setOverrides(overrides);
      if (r) get().applyResult(r);
    } catch (e) {
      get().notify({ kind: 'error', text: (e as Error).message });
    }
  };
  return {
    overrides: {},
    setOverride: async (topicId, key, value) => {
      const current = { ...(get().overrides[topicId] ?? {}) };
      if (value === undefined) delete current[key];
      else current[key] = value;
      const next = { ...get().overrides };
      if (Object.keys(current).length) next[topicId] = current;
      else delete next[topicId];
      await send(next);
    },
    clearOverrides: async (topicId) => {
      const next = { ...get().overrides };
      delete next[topicId];
      await send(next);
    },
  };
};
