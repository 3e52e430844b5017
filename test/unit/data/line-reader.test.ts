// Streaming line reader: BOM, CRLF, blank lines, last line without newline, characters split
// across chunks, multi-MB lines, invalid UTF-8 per line, web streams.
import { describe, expect, it } from 'vitest';
import { chunksOf, firstInvalidUtf8, readLineBatches, readLines, streamChunks, type Line } from '../../../src/data/line-reader.ts';

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Line[]> {
  const out: Line[] = [];
  for await (const l of readLines(chunks)) out.push(l);
  return out;
}

const enc = new TextEncoder();

function concat(...parts: (Uint8Array | string)[]): Uint8Array {
  const bytes = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

async function* fromChunks(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c;
}

describe('readLines', () => {
  it('strips the BOM, handles CRLF and LF, skips blank lines but counts them, keeps a last line without newline', async () => {
    const text = '\uFEFF{"a":1}\r\n\r\n   \n{"b":2}\n\t\r\n{"c":"é"}';
    for (const size of [1, 2, 3, 5, 1000]) {
      const lines = await collect(chunksOf(text, size));
      expect(lines, `chunk size ${size}`).toEqual([
        { line: 1, text: '{"a":1}' },
        { line: 4, text: '{"b":2}' },
        { line: 6, text: '{"c":"é"}' },
      ]);
    }
  });

  it('keeps a BOM that is not at the start of the file as data', async () => {
    const lines = await collect(chunksOf('x\n\uFEFFy\n'));
    expect(lines[1]).toEqual({ line: 2, text: '\uFEFFy' });
  });

  it('reassembles multi-byte characters split across chunks at every offset', async () => {
    const text = 'α€😀中\n🎉end\n';
    const bytes = enc.encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const lines = await collect(fromChunks([bytes.slice(0, cut), bytes.slice(cut)]));
      expect(
        lines.map((l) => l.text),
        `cut at byte ${cut}`,
      ).toEqual(['α€😀中', '🎉end']);
    }
  });

  it('reads a line of several MB spread over many chunks', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024 - 3) + 'ü';
    const text = `first\n${big}\nlast`;
    const lines = await collect(chunksOf(text, 64 * 1024));
    expect(lines).toHaveLength(3);
    expect(lines[1]!.line).toBe(2);
    expect(lines[1]!.text!.length).toBe(big.length);
    expect(lines[1]!.text!.endsWith('xü')).toBe(true);
    expect(lines[2]).toEqual({ line: 3, text: 'last' });
  });

  it('reports invalid UTF-8 on its own line and keeps the other lines', async () => {
    const bytes = concat('ok1\n', 'bad', new Uint8Array([0xc3, 0x28]), '\n', new Uint8Array([0xff]), '\r\nok2\n', new Uint8Array([0xe2, 0x82]));
    const lines = await collect(chunksOf(bytes, 2));
    expect(lines.map((l) => [l.line, l.text ?? null])).toEqual([
      [1, 'ok1'],
      [2, null],
      [3, null],
      [4, 'ok2'],
      [5, null],
    ]);
    expect(lines[1]!.error).toBe('invalid UTF-8 at byte 4 of the line (byte 0xc3)');
    expect(lines[2]!.error).toBe('invalid UTF-8 at byte 1 of the line (byte 0xff)');
    expect(lines[4]!.error).toContain('invalid UTF-8 at byte 1');
  });

  it('finds the first invalid byte: overlong, surrogate, truncated, out of range', () => {
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(new Uint8Array([0xe0, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xf0, 0x9f, 0x98]))).toBe(1);
  });

  it('yields one batch per chunk, not one per byte', async () => {
    const text = Array.from({ length: 1000 }, (_, i) => `{"i":${i}}`).join('\n');
    let batches = 0;
    let lines = 0;
    for await (const b of readLineBatches(chunksOf(text, 4096))) {
      batches++;
      lines += b.length;
    }
    expect(lines).toBe(1000);
    expect(batches).toBeLessThanOrEqual(Math.ceil(text.length / 4096) + 1);
  });

  it('empty input and a lone BOM give no lines', async () => {
    expect(await collect(chunksOf(''))).toEqual([]);
    expect(await collect(chunksOf('\uFEFF'))).toEqual([]);
    expect(await collect(chunksOf('\n\r\n\n'))).toEqual([]);
  });
});

describe('streamChunks', () => {
  it('reads a web ReadableStream through its reader', async () => {
    const parts = ['{"a":', '1}\n{"b"', ':2}'];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of parts) controller.enqueue(enc.encode(p));
        controller.close();
      },
    });
    const lines = await collect(streamChunks(stream));
    expect(lines.map((l) => l.text)).toEqual(['{"a":1}', '{"b":2}']);
    expect(stream.locked).toBe(false);
  });

  it('cancels the stream when the consumer stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(enc.encode('line\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const l of readLines(streamChunks(stream))) {
      if (l.line === 3) break;
    }
    expect(cancelled).toBe(true);
    expect(stream.locked).toBe(false);
  });
});

describe('producer buffer reuse', () => {
  it('copies the partial line, so a producer that overwrites its buffer (Node Buffer) loses nothing', async () => {
    const shared = Buffer.alloc(8);
    async function* reusing(): AsyncGenerator<Uint8Array> {
      const text = Buffer.from('{"a":"bcdefgh"}\n{"i":"jklmnop"}\n');
      for (let at = 0; at < text.length; at += 8) {
        shared.fill(0);
        const n = text.copy(shared, 0, at, at + 8);
        yield shared.subarray(0, n);
      }
    }
    const lines = await collect(reusing());
    expect(lines.map((l) => l.text)).toEqual(['{"a":"bcdefgh"}', '{"i":"jklmnop"}']);
  });
});
