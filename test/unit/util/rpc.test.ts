// The shared envelope end to end: serve() and RpcClient over an in-memory port pair; progress then
// return, throw with flags, unknown method, version mismatch both ways, queue vs concurrent order, transfer.
import { describe, expect, it } from 'vitest';
import { RpcClient, RpcError, serve, type Handlers, type PortLike, type WorkerLike } from '../../../src/util/rpc.ts';

interface M {
  add: { params: { a: number; b: number }; result: number };
  fail: { params: { full: boolean }; result: never };
  wait: { params: { ms: number; tag: string }; result: string };
}

/** Two ends: what one posts the other receives (async, like postMessage). */
function pair(): { page: WorkerLike & { transfers: Transferable[][] }; worker: PortLike } {
  const listeners: { page: ((e: MessageEvent) => void)[]; worker: ((e: MessageEvent) => void)[] } = { page: [], worker: [] };
  const send = (to: 'page' | 'worker', data: unknown) => setTimeout(() => listeners[to].forEach((fn) => fn({ data } as MessageEvent)), 0);
  const transfers: Transferable[][] = [];
  return {
    page: {
      transfers,
      postMessage: (msg, transfer) => (transfers.push(transfer), send('worker', msg)),
      addEventListener: (type: string, fn: (e: never) => void) => void (type === 'message' && listeners.page.push(fn as (e: MessageEvent) => void)),
    },
    worker: { postMessage: (msg, transfer) => (transfers.push(transfer), send('page', msg)), addEventListener: (_type, fn) => void listeners.worker.push(fn) },
  };
}

const log: string[] = [];
const handlers: Handlers<M, number> = {
  async add({ a, b }, report) {
    report(1);
    report(2);
    return a + b;
  },
  async fail({ full }) {
    throw Object.assign(new Error(full ? 'quota exceeded while saving big.jsonl' : 'bad'), { name: full ? 'QuotaExceededError' : 'Error' });
  },
  async wait({ ms, tag }) {
    await new Promise((r) => setTimeout(r, ms));
    log.push(tag);
    return tag;
  },
};

function setup(order: 'queue' | 'concurrent', version = 1) {
  const { page, worker } = pair();
  serve<M, number>(worker, {
    version,
    label: 'test protocol',
    handlers,
    order,
    errorFlags: (e) => ({ quota: (e as Error).name === 'QuotaExceededError' }),
    transfer: (method, res) => (method === 'add' ? [new ArrayBuffer(res as number)] : []),
  });
  return { client: new RpcClient<M, number>(page, 1, 'Test worker'), page };
}

describe('rpc', () => {
  it('forwards progress, then returns; transfers what the worker names', async () => {
    const { client, page } = setup('queue');
    const seen: number[] = [];
    await expect(client.call('add', { a: 2, b: 3 }, { onProgress: (p) => seen.push(p) })).resolves.toBe(5);
    expect(seen).toEqual([1, 2]);
    expect(page.transfers.at(-1)!.map((b) => (b as ArrayBuffer).byteLength)).toEqual([5]);
  });

  it('re-raises a throw with its name, message and flags', async () => {
    const { client } = setup('queue');
    const err = await client.call('fail', { full: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect(err).toMatchObject({ name: 'QuotaExceededError', message: 'quota exceeded while saving big.jsonl', quota: true, deviceLost: false });
    await expect(client.call('nope' as 'add', { a: 0, b: 0 })).rejects.toThrow('Unknown method nope (test protocol v1)');
  });

  it('names both versions when page and worker differ', async () => {
    const { client } = setup('queue', 2);
    // The worker answers a v1 request with a v2 throw; the page rejects it on the version alone.
    await expect(client.call('add', { a: 1, b: 1 })).rejects.toThrow('Test worker speaks protocol v2, the page v1: reload the page');
  });

  it('queue answers in order; concurrent lets a quick request pass a slow one', async () => {
    log.length = 0;
    const q = setup('queue').client;
    await Promise.all([q.call('wait', { ms: 30, tag: 'slow' }), q.call('wait', { ms: 0, tag: 'quick' })]);
    expect(log).toEqual(['slow', 'quick']);
    log.length = 0;
    const c = setup('concurrent').client;
    await Promise.all([c.call('wait', { ms: 30, tag: 'slow' }), c.call('wait', { ms: 0, tag: 'quick' })]);
    expect(log).toEqual(['quick', 'slow']);
  });
});
