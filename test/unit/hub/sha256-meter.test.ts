// The browser download's pure parts: the incremental SHA-256 against node:crypto over lengths around
// the block and padding boundaries and arbitrary chunkings, and the transfer meter's rate and ETA.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Sha256 } from '../../../src/hub/browser/sha256.ts';
import { TransferMeter } from '../../../src/hub/browser/transfer-meter.ts';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + ((i * i) >> 3)) & 255);

describe('Sha256', () => {
  it('matches node:crypto for lengths across block and padding boundaries', () => {
    for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096 + 7]) {
      const b = bytes(n, n);
      expect(new Sha256().update(b).hex(), `length ${n}`).toBe(createHash('sha256').update(b).digest('hex'));
    }
  });

  it('gives the same digest however the bytes are split into updates', () => {
    const b = bytes(10_000, 3);
    const want = createHash('sha256').update(b).digest('hex');
    for (const step of [1, 7, 63, 64, 65, 1000, 4093]) {
      const h = new Sha256();
      for (let i = 0; i < b.length; i += step) h.update(b.subarray(i, i + step));
      expect(h.hex(), `chunks of ${step}`).toBe(want);
    }
  });
});

describe('TransferMeter', () => {
  it('counts resumed bytes as done, measures the rate from new bytes only, and gives the ETA', () => {
    let t = 0;
    const m = new TransferMeter(10 * 2 ** 20, 2 * 2 ** 20, () => t);
    m.beginFile('model.safetensors');
    expect(m.snapshot()).toMatchObject({ done: 2 * 2 ** 20, rate: 0, etaSeconds: null });
    for (let i = 0; i < 4; i++) {
      t += 1000;
      m.advance(2 ** 20);
    }
    const s = m.snapshot();
    expect(s.done).toBe(6 * 2 ** 20);
    expect(s.rate).toBeCloseTo(2 ** 20, 0);
    expect(s.etaSeconds).toBeCloseTo(4, 5);
    expect(s.text).toBe('6.00 MiB / 10.0 MiB · 1.00 MiB/s · 4 s left');
  });

  it('looks only at the last few seconds, so a slowdown shows in the rate', () => {
    let t = 0;
    const m = new TransferMeter(100 * 2 ** 20, 0, () => t);
    for (let i = 0; i < 10; i++) {
      t += 1000;
      m.advance(4 * 2 ** 20);
    }
    for (let i = 0; i < 10; i++) {
      t += 1000;
      m.advance(2 ** 19);
    }
    expect(m.snapshot().rate).toBeLessThan(2 ** 20);
    m.lose(2 ** 20);
    expect(m.snapshot().done).toBe(40 * 2 ** 20 + 5 * 2 ** 20 - 2 ** 20);
  });
});
