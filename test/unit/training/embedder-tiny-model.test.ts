// The protobuf writer behind the generated tiny embedding model, on wire-format bytes worked out by hand.
import { describe, expect, it } from 'vitest';
import { ProtoWriter, encodeTinyEmbedderOnnx, tinyEmbedderWeights, tinyEmbedderReference } from '../../helpers/tiny-embedder.ts';

const bytes = (w: ProtoWriter) => Array.from(w.finish());

describe('ProtoWriter', () => {
  it('encodes varint fields (tag = field << 3 | 0)', () => {
    expect(bytes(new ProtoWriter().int(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().int(2, 300))).toEqual([0x10, 0xac, 0x02]);
    expect(bytes(new ProtoWriter().int(1, 0))).toEqual([0x08, 0x00]);
    // Negative int64: two's complement, ten bytes.
    expect(bytes(new ProtoWriter().int(1, -1))).toEqual([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('encodes strings, nested messages and floats', () => {
    expect(bytes(new ProtoWriter().string(2, 'hi'))).toEqual([0x12, 0x02, 0x68, 0x69]);
    expect(bytes(new ProtoWriter().message(3, (w) => w.int(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    expect(bytes(new ProtoWriter().float(1, 1))).toEqual([0x0d, 0x00, 0x00, 0x80, 0x3f]);
    // Field numbers ≥ 16 take a two-byte tag: (20 << 3) | 0 = 160 → 0xa0 0x01.
    expect(bytes(new ProtoWriter().int(20, 1))).toEqual([0xa0, 0x01, 0x01]);
  });
});

describe('tiny embedder model', () => {
  it('starts with ir_version 8 and embeds the raw float initializers', () => {
    const w = tinyEmbedderWeights({ hidden: 4, words: ['x', 'y'] });
    const model = encodeTinyEmbedderOnnx(w);
    expect(Array.from(model.slice(0, 2))).toEqual([0x08, 0x08]);
    const raw = new Uint8Array(w.dense.buffer);
    const asText = Buffer.from(model).toString('latin1');
    expect(asText.indexOf(Buffer.from(raw).toString('latin1'))).toBeGreaterThan(0);
    expect(asText).toContain('last_hidden_state');
  });

  it('is seeded: same seed, same weights; another seed, other weights', () => {
    expect(tinyEmbedderWeights({ seed: 3 }).wordEmbeddings).toEqual(tinyEmbedderWeights({ seed: 3 }).wordEmbeddings);
    expect(tinyEmbedderWeights({ seed: 3 }).dense).not.toEqual(tinyEmbedderWeights({ seed: 4 }).dense);
  });

  it('reference embedding is unit length and rejects ids outside the vocabulary', () => {
    const w = tinyEmbedderWeights();
    const e = tinyEmbedderReference(w, [2, 10, 3]);
    expect(e.reduce((a, x) => a + x * x, 0)).toBeCloseTo(1, 6);
    expect(() => tinyEmbedderReference(w, [2, 999])).toThrow(/token id 999 outside vocab/);
  });
});
