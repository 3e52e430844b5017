// Streaming JSONL line reader: splits byte chunks into lines, decodes each line on its own, and
// keeps only the current partial line in memory (never the whole file).

/** One non-blank line: its decoded text, or why it could not be decoded. */
export type Line = { line: number; text: string; error?: undefined } | { line: number; text?: undefined; error: string };

const LF = 10;
const CR = 13;

/** Fatal decoder: invalid UTF-8 throws instead of turning into U+FFFD. `ignoreBOM: true` keeps a
 *  U+FEFF in later lines as data; the file's leading BOM is stripped from the bytes of line 1. */
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Splits a stream of byte chunks into lines, one batch per chunk (cheaper than one await per line).
 *  Line numbers are 1-based and count blank lines, which are skipped. CRLF and LF both end a line;
 *  a last line without a newline is returned; a leading UTF-8 BOM is dropped. */
export async function* readLineBatches(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Line[]> {
  let parts: Uint8Array[] = []; // pieces of the current, unfinished line
  let partsLength = 0;
  let lineNo = 0;

  const finish = (tail: Uint8Array, out: Line[]): void => {
    lineNo++;
    let bytes = tail;
    if (parts.length > 0) {
      bytes = new Uint8Array(partsLength + tail.length);
      let at = 0;
      for (const p of parts) {
        bytes.set(p, at);
        at += p.length;
      }
      bytes.set(tail, at);
      parts = [];
      partsLength = 0;
    }
    const line = decodeLine(bytes, lineNo);
    if (line !== null) out.push(line);
  };

  for await (const chunk of chunks) {
    const out: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(LF, start);
      if (nl < 0) break;
      finish(chunk.subarray(start, nl), out);
      start = nl + 1;
    }
    if (start < chunk.length) {
      // Copy (Node's Buffer#slice would only make a view): the producer may reuse its buffer.
      parts.push(Uint8Array.prototype.slice.call(chunk, start));
      partsLength += chunk.length - start;
    }
    if (out.length > 0) yield out;
  }
  if (partsLength > 0) {
    const out: Line[] = [];
    finish(new Uint8Array(0), out);
    if (out.length > 0) yield out;
  }
}

/** The same lines one at a time. */
export async function* readLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Line> {
  for await (const batch of readLineBatches(chunks)) yield* batch;
}

/** Decodes one line's bytes (without its LF); null for a blank line. */
function decodeLine(raw: Uint8Array, lineNo: number): Line | null {
  let bytes = raw;
  if (lineNo === 1 && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    bytes = bytes.subarray(3);
  }
  if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
  if (bytes.length === 0) return null;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return { line: lineNo, error: `invalid UTF-8 at byte ${at + 1} of the line (byte 0x${hex(bytes[at] ?? 0)})` };
  }
  if (text.trim() === '') return null;
  return { line: lineNo, text };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (only called on the error path). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return Math.max(0, bytes.length - 1);
}

/** Byte chunks of a web ReadableStream through its reader (Safari lacks async iteration of streams).
 *  Stopping early cancels the stream. */
export async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** A whole text or byte array as chunks of `chunkSize` bytes (tests, pasted text, small files). */
export async function* chunksOf(data: Uint8Array | string, chunkSize = 1 << 20): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const size = Math.max(1, Math.floor(chunkSize));
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, Math.min(bytes.length, at + size));
}

/** Passes chunks through, reporting the bytes seen so far about every `every` bytes and at the end. */
export async function* withProgress(chunks: AsyncIterable<Uint8Array>, onProgress: (bytesRead: number) => void, every = 1 << 20): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  let reported = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    if (bytes - reported >= every) {
      reported = bytes;
      onProgress(bytes);
    }
    yield chunk;
  }
  if (reported !== bytes || bytes === 0) onProgress(bytes);
}
