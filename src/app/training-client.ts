// Promise-returning calls to the training worker over its typed protocol (src/workers/training-protocol.ts),
// carried by the shared envelope (src/util/rpc.ts); and the byte downloads of adapters.
import {
  TRAINING_PROTOCOL_VERSION,
  type ModelChoice,
  type StartParams,
  type TrainingMethod,
  type TrainingMethods,
  type TrainingProgress,
} from '../workers/training-protocol.ts';
import { RpcClient, RpcError, type WorkerLike } from '../util/rpc.ts';

/** An error thrown inside the training worker, re-raised on the main thread (`deviceLost`: press Resume). */
export { RpcError as TrainingError };

export class TrainingClient {
  private readonly rpc: RpcClient<TrainingMethods, TrainingProgress>;

  constructor(worker: WorkerLike) {
    this.rpc = new RpcClient(worker, TRAINING_PROTOCOL_VERSION, 'Training worker');
  }

  call<M extends TrainingMethod>(
    method: M,
    params: TrainingMethods[M]['params'],
    onProgress?: (p: TrainingProgress) => void,
  ): Promise<TrainingMethods[M]['result']> {
    return this.rpc.call(method, params, { onProgress });
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
