// Promise-returning calls to the analysis worker over the typed protocol (src/workers/protocol.ts).
import {
  PROTOCOL_VERSION,
  isReply,
  type FileInput,
  type Method,
  type Methods,
  type Progress,
  type Request,
  type WireError,
} from '../workers/protocol.ts';

/** An error thrown inside the worker, re-raised on the main thread. */
export class WorkerError extends Error {
  readonly quota: boolean;
  constructor(e: WireError) {
    super(e.message);
    this.name = e.name;
    this.quota = !!e.quota;
  }
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (p: Progress) => void;
}

/** The part of Worker the client needs (a MessagePort-like object also works in tests). */
export interface WorkerLike {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  addEventListener(type: 'error', fn: (e: ErrorEvent) => void): void;
}

export class AnalysisClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly worker: WorkerLike) {
    worker.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data));
    worker.addEventListener('error', (e: ErrorEvent) => {
      const err = new Error(`Analysis worker failed: ${e.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  private onMessage(data: unknown): void {
    if (!isReply(data)) return;
    const p = this.pending.get(data.id);
    if (!p) return;
    if (data.v !== PROTOCOL_VERSION) {
      this.pending.delete(data.id);
      p.reject(new Error(`Worker speaks protocol v${data.v}, the page v${PROTOCOL_VERSION}: reload the page`));
      return;
    }
    if (data.kind === 'progress') p.onProgress?.(data.progress);
    else {
      this.pending.delete(data.id);
      if (data.kind === 'return') p.resolve(data.result);
      else p.reject(new WorkerError(data.error));
    }
  }

  call<M extends Method>(
    method: M,
    params: Methods[M]['params'],
    opts: { onProgress?: (p: Progress) => void; transfer?: Transferable[] } = {},
  ): Promise<Methods[M]['result']> {
    const id = this.nextId++;
    const req: Request<M> = { v: PROTOCOL_VERSION, id, method, params };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: opts.onProgress });
      this.worker.postMessage(req, opts.transfer ?? []);
    });
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
