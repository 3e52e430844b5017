// The Hub worker: Hugging Face downloads into the browser's model cache (OPFS) off the main thread
// (fetch, sha256, writes), serving the Hub protocol (src/hub/browser/hub-protocol.ts).
import { MemoryBlobDir } from '../hub/browser/blob-dir.ts';
import { HUB_CACHE_DIR } from '../hub/browser/hub-cache.ts';
import { HUB_PROTOCOL_VERSION, hubHandlers } from '../hub/browser/hub-protocol.ts';
import { localHubService } from '../hub/browser/hub-service.ts';
import { OpfsBlobDir } from '../hub/browser/opfs-dir.ts';
import { serve } from '../util/rpc.ts';

let dir: Promise<MemoryBlobDir | OpfsBlobDir> | null = null;
const service = localHubService(() => (dir ??= OpfsBlobDir.open(HUB_CACHE_DIR).then((d) => d ?? new MemoryBlobDir())));

// Concurrent: a cancel must not wait for the download it cancels.
serve(self as unknown as DedicatedWorkerGlobalScope, {
  version: HUB_PROTOCOL_VERSION,
  label: 'Hub protocol',
  handlers: hubHandlers(service),
  order: 'concurrent',
});
