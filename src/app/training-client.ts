// Promise-returning calls to the training worker over its typed protocol (src/workers/training-protocol.ts),
// and the byte downloads of adapters.
import {
  TRAINING_PROTOCOL_VERSION,
  isTrainingReply,
  type ModelChoice,
  type StartParams,
  type TrainingMethod,
  type TrainingMethods,
  type TrainingProgress,
  type TrainingRequest,
} from '../workers/training-protocol.ts';
import type { WorkerLike } from './worker-client.ts';

/** An error thrown inside the training worker, re-raised on the main thread. */
export class TrainingError extends Error {
  readonly deviceLost: boolean;
  constructor(e: { name: string; message: string; deviceLost?: boolean }) {
    super(e.message);
    this.name = e.name;
    this.deviceLost = !!e.deviceLost;
  }
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (p: TrainingProgress) => void;
}

export class TrainingClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly worker: WorkerLike) {
    worker.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data));
    worker.addEventListener('error', (e: ErrorEvent) => {
      const err = new Error(`Training worker failed: ${e.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  private onMessage(data: unknown): void {
    if (!isTrainingReply(data)) return;
    const p = this.pending.get(data.id);
    if (!p) return;
    if (data.v !== TRAINING_PROTOCOL_VERSION) {
      this.pending.delete(data.id);
      p.reject(new Error(`Training worker speaks protocol v${data.v}, the page v${TRAINING_PROTOCOL_VERSION}: reload the page`));
      return;
    }
    if (data.kind === 'progress') p.onProgress?.(data.progress);
    else {
      this.pending.delete(data.id);
      if (data.kind === 'return') p.resolve(data.result);
      else p.reject(new TrainingError(data.error));
    }
  }

  call<M extends TrainingMethod>(
    method: M,
    params: TrainingMethods[M]['params'],
    onProgress?: (p: TrainingProgress) => void,
  ): Promise<TrainingMethods[M]['result']> {
    const id = this.nextId++;
    const req: TrainingRequest<M> = { v: TRAINING_PROTOCOL_VERSION, id, method, params };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      this.worker.postMessage(req, []);
    });
  }

  info() {
    return this.call('info', {});
  }
  start(params: StartParams, onProgress: (p: TrainingProgress) => void) {
    return this.call('start', params, onProgress);
  }
  resume(model: ModelChoice | undefined, onProgress: (p: TrainingProgress) => void) {
    return this.call('resume', model ? { model } : {}, onProgress);
  }
  pause() {
    return this.call('pause', {});
  }
  listAdapters() {
    return this.call('listAdapters', {});
  }
  downloadAdapter(key: string) {
    return this.call('downloadAdapter', { key });
  }
}

let shared: TrainingClient | null = null;

/** The page's one training worker, started on first use. */
export function trainingClient(): TrainingClient {
  if (!shared) {
    const worker = new Worker(new URL('../workers/training.worker.ts', import.meta.url), { type: 'module', name: 'training' });
    shared = new TrainingClient(worker);
  }
  return shared;
}

/** Saves bytes as a file through a temporary object URL. */
export function downloadBytes(bytes: ArrayBuffer, fileName: string, type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
