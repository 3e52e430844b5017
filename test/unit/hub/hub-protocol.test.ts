// The Hub worker's protocol over a MessageChannel, with the handlers hub.worker.ts serves: inspect,
// download with progress, list, a cancel that keeps what arrived, and an error's sentence across.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBlobDir } from '../../../src/hub/browser/blob-dir.ts';
import { HUB_PROTOCOL_VERSION, hubHandlers, workerHubService } from '../../../src/hub/browser/hub-protocol.ts';
import { localHubService } from '../../../src/hub/browser/hub-service.ts';
import type { TransferSnapshot } from '../../../src/hub/browser/transfer-meter.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { serve, type PortLike, type WorkerLike } from '../../../src/util/rpc.ts';
import { FakeHub } from './fake-hub.ts';

let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start([{ id: 'acme/tiny', files: buildTinyModel(0) }]);
});
afterAll(() => hub.close());

/** The client over one end of a channel, the worker's handlers (as hub.worker.ts wires them) on the other. */
function connect() {
  const dir = new MemoryBlobDir();
  const service = localHubService(async () => dir);
  const { port1, port2 } = new MessageChannel();
  serve(port1 as unknown as PortLike, { version: HUB_PROTOCOL_VERSION, label: 'Hub protocol', handlers: hubHandlers(service), order: 'concurrent' });
  port1.start();
  port2.start();
  const client = workerHubService(Object.assign(port2, { addEventListener: port2.addEventListener.bind(port2) }) as unknown as WorkerLike);
  return { dir, client, close: () => (port1.close(), port2.close()) };
}

describe('Hub protocol', () => {
  it('inspects, downloads with progress, lists and finds the model cached, across the channel', async () => {
    const { client, close } = connect();
    try {
      const s = { endpoint: hub.url, token: null };
      const insp = await client.inspect('acme/tiny', s);
      expect(insp).toMatchObject({ id: { repoId: 'acme/tiny' }, cached: false });
      const seen: TransferSnapshot[] = [];
      const manifest = await client.download(insp, s, (p) => seen.push(p));
      expect(manifest.complete).toBe(true);
      expect(seen.at(-1)!.done).toBe(insp.totalBytes);
      expect(await client.isCached('acme/tiny', 'main')).toBe(true);
      expect((await client.list()).map((m) => m.repoId)).toEqual(['acme/tiny']);
      await client.remove('acme/tiny');
      expect(await client.list()).toEqual([]);
      const err = await client.inspect('acme/none', s).catch((e: Error) => e);
      expect(err).toMatchObject({ name: 'HubError', message: expect.stringMatching(/^acme\/none: no such model on .*: check the id/) });
    } finally {
      close();
    }
  });

  it('a cancel sent while a download runs stops it, keeping what arrived', async () => {
    const { client, close } = connect();
    hub.throttle = { bytes: 8192, ms: 5 };
    try {
      const s = { endpoint: hub.url, token: null };
      const insp = await client.inspect('acme/tiny', s);
      let sent = false;
      const run = client.download(insp, s, (p) => {
        if (sent || p.done <= insp.haveBytes + 16_384) return;
        sent = true;
        void client.cancel();
      });
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      const [m] = await client.list();
      expect(m!.complete).toBe(false);
      expect(m!.bytes).toBeGreaterThan(insp.haveBytes);
    } finally {
      hub.throttle = null;
      close();
    }
  });
});
