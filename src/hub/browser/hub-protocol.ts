// The messages between the page and the Hub worker (src/workers/hub.worker.ts), over the shared
// envelope (src/util/rpc.ts); and the page's client, a HubService like the in-place one.
import { RpcClient, type Handlers, type WorkerLike } from '../../util/rpc.ts';
import type { CachedModel, SnapshotManifest } from './hub-cache.ts';
import type { HubInspection } from './hub-download.ts';
import type { BrowserHubSettings } from './hub-fetch.ts';
import type { HubService } from './hub-service.ts';
import type { TransferSnapshot } from './transfer-meter.ts';

export const HUB_PROTOCOL_VERSION = 1;

export interface HubMethods {
  inspect: { params: { idText: string; settings: BrowserHubSettings }; result: HubInspection };
  download: { params: { inspection: HubInspection; settings: BrowserHubSettings }; result: SnapshotManifest };
  cancel: { params: Record<string, never>; result: undefined };
  list: { params: Record<string, never>; result: CachedModel[] };
  remove: { params: { repoId: string }; result: undefined };
  isCached: { params: { repoId: string; revision: string }; result: boolean };
}

/** A HubService whose work runs in the worker. */
export function workerHubService(worker: WorkerLike): HubService {
  const rpc = new RpcClient<HubMethods, TransferSnapshot>(worker, HUB_PROTOCOL_VERSION, 'Hub download worker');
  return {
    inspect: (idText, settings) => rpc.call('inspect', { idText, settings }),
    download: (inspection, settings, onProgress) => rpc.call('download', { inspection, settings }, { onProgress }),
    cancel: () => rpc.call('cancel', {}),
    list: () => rpc.call('list', {}),
    remove: (repoId) => rpc.call('remove', { repoId }),
    isCached: (repoId, revision) => rpc.call('isCached', { repoId, revision }),
  };
}

/** The worker's side: each method answered by a HubService running there. */
export function hubHandlers(service: HubService): Handlers<HubMethods, TransferSnapshot> {
  return {
    inspect: ({ idText, settings }) => service.inspect(idText, settings),
    download: ({ inspection, settings }, report) => service.download(inspection, settings, report),
    cancel: async () => void (await service.cancel()),
    list: () => service.list(),
    remove: async ({ repoId }) => void (await service.remove(repoId)),
    isCached: ({ repoId, revision }) => service.isCached(repoId, revision),
  };
}
