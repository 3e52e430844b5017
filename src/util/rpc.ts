// One typed request/reply envelope between the studio's main thread and its workers (web-llm's
// message.ts): versioned requests with ids, answered by `progress`* then exactly one `return` or
// `throw`. `RpcClient` sends and matches replies; `serve` answers requests with a handler table.
// Plain TypeScript: works over a Worker, a MessagePort or a fake in tests.

/** Method name → params and result, as each protocol declares them (an interface works: no index signature needed). */
export type MethodMap<M> = { [K in keyof M]: { params: unknown; result: unknown } };

export interface RpcRequest<M extends MethodMap<M> = Record<string, { params: unknown; result: unknown }>, K extends keyof M & string = keyof M & string> {
  v: number;
  id: number;
  method: K;
  params: M[K]['params'];
}

/** An error as it crosses the thread boundary: what was wrong, plus flags the page acts on. */
export interface WireError {
  name: string;
  message: string;
  /** A quota error from IndexedDB. */
  quota?: boolean;
  /** The WebGPU device was lost (the run can be resumed). */
  deviceLost?: boolean;
}

export type RpcReply<P = unknown> =
  | { v: number; id: number; kind: 'return'; result: unknown }
  | { v: number; id: number; kind: 'throw'; error: WireError }
  | { v: number; id: number; kind: 'progress'; progress: P };

export function isRpcRequest(x: unknown): x is RpcRequest {
  const r = x as RpcRequest | null;
  return !!r && typeof r === 'object' && typeof r.id === 'number' && typeof r.method === 'string';
}

export function isRpcReply(x: unknown): x is RpcReply {
  const r = x as RpcReply | null;
  return !!r && typeof r === 'object' && typeof r.id === 'number' && ['return', 'throw', 'progress'].includes(r.kind);
}

/** An error thrown inside a worker, re-raised on the main thread with its name and flags. */
export class RpcError extends Error {
  readonly quota: boolean;
  readonly deviceLost: boolean;
  constructor(e: WireError) {
    super(e.message);
    this.name = e.name;
    this.quota = !!e.quota;
    this.deviceLost = !!e.deviceLost;
  }
}

/** The part of Worker the client needs (a MessagePort-like object also works in tests). */
export interface WorkerLike {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
  addEventListener(type: 'error', fn: (e: ErrorEvent) => void): void;
}

export interface CallOptions<P> {
  onProgress?: (p: P) => void;
  /** Buffers moved to the worker, not copied. */
  transfer?: Transferable[];
}

interface Pending<P> {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (p: P) => void;
}

/** Promise-returning calls over the envelope; `label` names the worker in errors ("Training worker"). */
export class RpcClient<M extends MethodMap<M>, P> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending<P>>();

  constructor(
    private readonly worker: WorkerLike,
    private readonly version: number,
    private readonly label: string,
    private readonly makeError: (e: WireError) => Error = (e) => new RpcError(e),
  ) {
    worker.addEventListener('message', (e: MessageEvent) => this.onMessage(e.data));
    worker.addEventListener('error', (e: ErrorEvent) => {
      const err = new Error(`${label} failed: ${e.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  private onMessage(data: unknown): void {
    if (!isRpcReply(data)) return;
    const p = this.pending.get(data.id);
    if (!p) return;
    if (data.v !== this.version) {
      this.pending.delete(data.id);
      p.reject(new Error(`${this.label} speaks protocol v${data.v}, the page v${this.version}: reload the page`));
      return;
    }
    if (data.kind === 'progress') p.onProgress?.(data.progress as P);
    else {
      this.pending.delete(data.id);
      if (data.kind === 'return') p.resolve(data.result);
      else p.reject(this.makeError(data.error));
    }
  }

  call<K extends keyof M & string>(method: K, params: M[K]['params'], opts: CallOptions<P> = {}): Promise<M[K]['result']> {
    const id = this.nextId++;
    const req: RpcRequest<M, K> = { v: this.version, id, method, params };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: opts.onProgress });
      this.worker.postMessage(req, opts.transfer ?? []);
    });
  }
}

/** What a worker answers with: one async function per method, given the params and a progress reporter. */
export type Handlers<M extends MethodMap<M>, P> = { [K in keyof M]: (params: M[K]['params'], report: (p: P) => void) => Promise<M[K]['result']> };

/** The worker side's port: a DedicatedWorkerGlobalScope, a MessagePort or a fake. */
export interface PortLike {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', fn: (e: MessageEvent) => void): void;
}

export interface ServeOptions<M extends MethodMap<M>, P> {
  version: number;
  /** Names the protocol in a version-mismatch error ("training protocol"). */
  label: string;
  handlers: Handlers<M, P>;
  /** 'queue': one request at a time, in order (each sees the state the last one left); 'concurrent':
   *  each at once (a pause must not wait for the run it pauses). */
  order: 'queue' | 'concurrent';
  /** Wraps each request's reporter (throttling). */
  progress?: (report: (p: P) => void) => (p: P) => void;
  /** Buffers in a result to transfer instead of copying. */
  transfer?: (method: keyof M, result: unknown) => Transferable[];
  /** Flags the page needs from an error (quota, deviceLost). */
  errorFlags?: (e: unknown) => Partial<WireError>;
}

/** Answers requests arriving on `port` with `opts.handlers`. */
export function serve<M extends MethodMap<M>, P>(port: PortLike, opts: ServeOptions<M, P>): void {
  const { version: v } = opts;
  const post = (reply: RpcReply<P>, transfer: Transferable[] = []) => port.postMessage(reply, transfer);
  async function handle(req: RpcRequest): Promise<void> {
    const { id } = req;
    if (req.v !== v) {
      post({ v, id, kind: 'throw', error: { name: 'ProtocolError', message: `Page speaks ${opts.label} v${req.v}, worker v${v}: reload the page` } });
      return;
    }
    const raw = (progress: P) => post({ v, id, kind: 'progress', progress });
    const report = opts.progress ? opts.progress(raw) : raw;
    try {
      const method = req.method as keyof M;
      const handler = opts.handlers[method] as ((p: unknown, r: (p: P) => void) => Promise<unknown>) | undefined;
      if (!handler) throw new Error(`Unknown method ${req.method} (${opts.label} v${v})`);
      const result = await handler(req.params, report);
      post({ v, id, kind: 'return', result }, opts.transfer?.(method, result) ?? []);
    } catch (e) {
      const err = e as Error;
      post({ v, id, kind: 'throw', error: { name: err.name ?? 'Error', message: err.message ?? String(e), ...opts.errorFlags?.(e) } });
    }
  }
  let queue: Promise<void> = Promise.resolve();
  port.addEventListener('message', (e: MessageEvent) => {
    if (!isRpcRequest(e.data)) return;
    const req = e.data;
    if (opts.order === 'queue') queue = queue.then(() => handle(req));
    else void handle(req);
  });
}
