// Text or not: a file given as curriculum data that is binary (an image, an archive, a program
// renamed .jsonl) gets one whole-file error instead of an error for every "line" of noise.
// Checked as the bytes stream by, without holding more than the first few KiB.

/** How many leading bytes decide whether a file is text at all. */
export const SNIFF_BYTES = 8192;

/** Share of control bytes (other than tab, newlines, form feed, escape) above which the first
 *  bytes are taken for binary even without a NUL byte. */
const CONTROL_SHARE = 0.1;

/** The bytes are not UTF-8 text. `byte` is the 1-based offset in the file of the first byte that
 *  gave it away; the message says what was found and where. */
export class NotTextError extends Error {
  override name = 'NotTextError';
  constructor(
    readonly byte: number,
    message: string,
  ) {
    super(message);
  }
}

function isControl(b: number): boolean {
  // 9 tab, 10 LF, 11 VT, 12 FF, 13 CR, 27 ESC occur in text; the other C0 bytes and DEL do not.
  return (b < 0x20 && b !== 9 && b !== 10 && b !== 11 && b !== 12 && b !== 13 && b !== 27) || b === 0x7f;
}

/** Why the first bytes of a file are not text, or null when they look like text. A UTF-16 byte order
 *  mark is named as such; otherwise a NUL byte, or control bytes making up over a tenth of the
 *  bytes, mean binary. Invalid UTF-8 alone is left to the line reader (legacy-encoded text). */
export function notTextReason(head: Uint8Array): NotTextError | null {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    const which = head[0] === 0xff ? 'LE' : 'BE';
    return new NotTextError(1, `not UTF-8: the file is UTF-16 ${which} (it starts with a UTF-16 byte order mark); save it as UTF-8`);
  }
  const nul = head.indexOf(0);
  if (nul >= 0) return binaryAt(nul + 1);
  let controls = 0;
  let first = -1;
  for (let i = 0; i < head.length; i++) {
    if (isControl(head[i]!)) {
      controls++;
      if (first < 0) first = i;
    }
  }
  if (controls > 0 && controls > head.length * CONTROL_SHARE) return binaryAt(first + 1);
  return null;
}

function binaryAt(byte: number): NotTextError {
  return new NotTextError(byte, `not text: binary content at byte ${byte}`);
}

/** Passes the chunks through once the first SNIFF_BYTES (or the whole file, when shorter) look like
 *  text; throws a NotTextError before yielding anything when they do not. Later, a NUL byte (never
 *  part of JSON text) stops the stream with a NotTextError after yielding the bytes before it. */
export async function* textChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  let head: Uint8Array[] = [];
  let headLength = 0;
  let sniffing = true;
  let offset = 0; // bytes yielded so far
  /** Yields `bytes` up to its first NUL byte, then stops the stream there. */
  const pass = function* (bytes: Uint8Array): Generator<Uint8Array> {
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
      if (nul > 0) yield bytes.subarray(0, nul);
      throw binaryAt(offset + nul + 1);
    }
    offset += bytes.length;
    if (bytes.length > 0) yield bytes;
  };
  const release = function* (): Generator<Uint8Array> {
    sniffing = false;
    const bytes = concat(head, headLength);
    head = [];
    const bad = notTextReason(bytes.subarray(0, SNIFF_BYTES));
    if (bad) throw bad;
    yield* pass(bytes);
  };
  try {
    for await (const chunk of chunks) {
      if (!sniffing) {
        yield* pass(chunk);
        continue;
      }
      // Copy: the producer may reuse its buffer while the head is still held.
      head.push(Uint8Array.prototype.slice.call(chunk));
      headLength += chunk.length;
      if (headLength >= SNIFF_BYTES) yield* release();
    }
  } catch (err) {
    // The source failed before the head was judged: what did arrive is still read, if it is text.
    if (sniffing && !(err instanceof NotTextError)) yield* release();
    throw err;
  }
  if (sniffing) yield* release();
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
