// Promise-returning calls to the analysis worker over its typed protocol (src/workers/protocol.ts),
// carried by the shared envelope (src/util/rpc.ts).
import { PROTOCOL_VERSION, type FileInput, type Methods, type Progress } from '../workers/protocol.ts';
import { RpcClient, RpcError, type WorkerLike } from '../util/rpc.ts';

export type { WorkerLike };
/** An error thrown inside the worker, re-raised on the main thread (`quota`: IndexedDB is full). */
export { RpcError as WorkerError };

export class AnalysisClient {
  private readonly rpc: RpcClient<Methods, Progress>;

  constructor(worker: WorkerLike) {
    this.rpc = new RpcClient(worker, PROTOCOL_VERSION, 'Analysis worker');
  }

  call<M extends keyof Methods & string>(
    method: M,
    params: Methods[M]['params'],
    opts: { onProgress?: (p: Progress) => void; transfer?: Transferable[] } = {},
  ): Promise<Methods[M]['result']> {
    return this.rpc.call(method, params, opts);
  }

  init() {
    return this.call('init', {});
  }
  /** Files go as File objects (no copy); byte buffers are transferred. */
  load(files: FileInput[], onProgress?: (p: Progress) => void) {
    const transfer = files.flatMap((f) => ('bytes' in f ? [f.bytes] : []));
    return this.call('load', { files }, { onProgress, transfer });
  }
  persist(onProgress?: (p: Progress) => void) {
    return this.call('persist', {}, { onProgress });
  }
  setKind(file: string, kind: Methods['setKind']['params']['kind'], onProgress?: (p: Progress) => void) {
    return this.call('setKind', { file, kind }, { onProgress });
  }
  removeFile(file: string) {
    return this.call('removeFile', { file });
  }
  setMarkers(yaml: string) {
    return this.call('setMarkers', { yaml });
  }
  resetMarkers() {
    return this.call('resetMarkers', {});
  }
  editSuggestion(params: Methods['editSuggestion']['params']) {
    return this.call('editSuggestion', params);
  }
  setOverrides(overrides: Methods['setOverrides']['params']['overrides']) {
    return this.call('setOverrides', { overrides });
  }
  clear() {
    return this.call('clear', {});
  }
}

let shared: AnalysisClient | null = null;

/** The page's one analysis worker, started on first use. */
export function analysisClient(): AnalysisClient {
  if (!shared) {
    const worker = new Worker(new URL('../workers/analysis.worker.ts', import.meta.url), { type: 'module', name: 'analysis' });
    shared = new AnalysisClient(worker);
  }
  return shared;
}
