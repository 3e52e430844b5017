// The Hub cache's operations as one service, so the page can run them in a worker (hub.worker.ts:
// fetching, hashing and writing stay off the main thread) or in place (tests, browsers without
// module workers). The token travels in the settings of each call and is never kept.
import { cachedSnapshot, deleteCachedRepo, listCachedModels, type CachedModel, type SnapshotManifest } from './hub-cache.ts';
import { downloadHubModel, inspectHubModel, type HubInspection } from './hub-download.ts';
import type { BlobDir } from './blob-dir.ts';
import type { BrowserHubSettings } from './hub-fetch.ts';
import type { TransferSnapshot } from './transfer-meter.ts';

export interface HubService {
  inspect(idText: string, s: BrowserHubSettings): Promise<HubInspection>;
  download(insp: HubInspection, s: BrowserHubSettings, onProgress: (p: TransferSnapshot) => void): Promise<SnapshotManifest>;
  /** Stops the download in progress (what arrived is kept); it then rejects with an AbortError. */
  cancel(): Promise<void>;
  list(): Promise<CachedModel[]>;
  remove(repoId: string): Promise<void>;
  /** Whether a complete snapshot for the revision is cached (no request). */
  isCached(repoId: string, revision: string): Promise<boolean>;
}

/** Progress at most this often (ms), and always the last one. */
const PROGRESS_MS = 100;

/** The service over a BlobDir in this thread. */
export function localHubService(dir: () => Promise<BlobDir>): HubService {
  let download: AbortController | null = null;
  return {
    inspect: async (idText, s) => inspectHubModel(idText, s, await dir()),
    async download(insp, s, onProgress) {
      download?.abort();
      const ac = (download = new AbortController());
      let last = 0;
      const report = (p: TransferSnapshot) => {
        const t = Date.now();
        if (t - last < PROGRESS_MS && p.done < p.total) return;
        last = t;
        onProgress(p);
      };
      try {
        const { requests: _r, ...manifest } = await downloadHubModel(insp, s, await dir(), report, ac.signal);
        return manifest;
      } finally {
        if (download === ac) download = null;
      }
    },
    cancel: async () => download?.abort(),
    list: async () => listCachedModels(await dir()),
    remove: async (repoId) => deleteCachedRepo(await dir(), repoId),
    isCached: async (repoId, revision) => (await cachedSnapshot(await dir(), repoId, revision)) !== null,
  };
}
