// AnalysisClient over a fake worker: request ids, progress then return/throw, version mismatch,
// transfer lists; and the store's marker editing (debounce, last good markers kept on an error).
import { describe, expect, it, vi } from 'vitest';
import { AnalysisClient, WorkerError, type WorkerLike } from '../../../src/app/worker-client.ts';
import { PROTOCOL_VERSION, type Reply, type Request } from '../../../src/workers/protocol.ts';
import { createStudioStore } from '../../../src/app/store/store.ts';

/** A worker stand-in: records requests; `reply` answers them. */
class FakeWorker implements WorkerLike {
  requests: { req: Request; transfer: Transferable[] }[] = [];
  private listener: ((e: MessageEvent) => void) | null = null;
  postMessage(msg: unknown, transfer: Transferable[]) {
    this.requests.push({ req: msg as Request, transfer });
  }
  addEventListener(type: string, fn: (e: never) => void) {
    if (type === 'message') this.listener = fn as (e: MessageEvent) => void;
  }
  reply(r: Reply) {
    this.listener?.({ data: r } as MessageEvent);
  }
}

describe('AnalysisClient', () => {
  it('matches replies to requests by id, forwards progress, resolves and rejects', async () => {
    const w = new FakeWorker();
    const c = new AnalysisClient(w);
    const progress: number[] = [];
    const bytes = new ArrayBuffer(8);
    const a = c.load([{ name: 'a.jsonl', bytes }], (p) => progress.push(p.bytes));
    const b = c.setMarkers('density_markers: [');
    const [ra, rb] = w.requests;
    expect(ra!.req).toMatchObject({ v: PROTOCOL_VERSION, method: 'load' });
    expect(ra!.transfer).toEqual([bytes]);
    expect(rb!.req.id).not.toBe(ra!.req.id);
    w.reply({ v: PROTOCOL_VERSION, id: rb!.req.id, kind: 'throw', error: { name: 'Error', message: 'voice markers: not valid YAML' } });
    w.reply({ v: PROTOCOL_VERSION, id: ra!.req.id, kind: 'progress', progress: { phase: 'read', bytes: 4, totalBytes: 8 } });
    w.reply({ v: PROTOCOL_VERSION, id: ra!.req.id, kind: 'progress', progress: { phase: 'read', bytes: 8, totalBytes: 8 } });
    w.reply({ v: PROTOCOL_VERSION, id: ra!.req.id, kind: 'return', result: 'done' as never });
    await expect(b).rejects.toBeInstanceOf(WorkerError);
    await expect(b).rejects.toThrow('voice markers: not valid YAML');
    await expect(a).resolves.toBe('done');
    expect(progress).toEqual([4, 8]);
  });

  it('rejects a reply from another protocol version', async () => {
    const w = new FakeWorker();
    const c = new AnalysisClient(w);
    const p = c.clear();
    w.reply({ v: 99 as typeof PROTOCOL_VERSION, id: w.requests[0]!.req.id, kind: 'return', result: null });
    await expect(p).rejects.toThrow(/protocol v99, the page v1/);
  });
});

describe('store: marker editing', () => {
  it('debounces edits into one re-analysis and keeps the last good YAML when the worker rejects one', async () => {
    vi.useFakeTimers();
    try {
      const w = new FakeWorker();
      const client = new AnalysisClient(w);
      const store = createStudioStore(() => client);
      store.getState().editMarkers('density_markers: [a]');
      store.getState().editMarkers('density_markers: [ab]');
      expect(store.getState().markersPending).toBe(true);
      await vi.advanceTimersByTimeAsync(500);
      expect(w.requests.map((r) => r.req.params)).toEqual([{ yaml: 'density_markers: [ab]' }]);
      w.reply({ v: PROTOCOL_VERSION, id: w.requests[0]!.req.id, kind: 'return', result: null });
      await vi.advanceTimersByTimeAsync(0);
      expect(store.getState()).toMatchObject({ lastGoodMarkersYaml: 'density_markers: [ab]', markersError: null, markersPending: false });

      store.getState().editMarkers('density_markers: [');
      await vi.advanceTimersByTimeAsync(500);
      w.reply({ v: PROTOCOL_VERSION, id: w.requests[1]!.req.id, kind: 'throw', error: { name: 'Error', message: 'voice markers: not valid YAML' } });
      await vi.advanceTimersByTimeAsync(0);
      expect(store.getState()).toMatchObject({
        markersYaml: 'density_markers: [',
        lastGoodMarkersYaml: 'density_markers: [ab]',
        markersError: 'voice markers: not valid YAML',
      });
    } finally {
      vi.useRealTimers();
    }
  });
});
