// Exact-duplicate detection without keeping a second copy of the text: records are hashed by their
// normalised fields, and only hash hits are compared field by field.

/** Index of kept records by a 53-bit hash of their key fields. */
export class DuplicateIndex<T> {
  private readonly byHash = new Map<number, number[]>();

  constructor(private readonly key: (record: T) => readonly string[]) {}

  /** The earlier record of `list` equal to `record` in every key field; when there is none,
   *  `record` is registered as sitting at `list.length` (the caller then appends it). */
  findOrAdd(record: T, list: readonly T[]): T | undefined {
    const k = this.key(record);
    const h = hashFields(k);
    const hits = this.byHash.get(h);
    if (hits) {
      for (const i of hits) {
        const other = list[i]!;
        const ko = this.key(other);
        if (ko.length === k.length && ko.every((v, j) => v === k[j])) return other;
      }
      hits.push(list.length);
    } else this.byHash.set(h, [list.length]);
    return undefined;
  }
}

const SAMPLE = 512;

/** cyrb53-style hash over the fields, with each field's length mixed in as its separator. */
export function hashFields(fields: readonly string[]): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (const s of fields) {
    // Long texts are sampled (at most ~SAMPLE characters, evenly spread, plus the length): a hash
    // hit is always confirmed by a full comparison, so sampling only costs rare extra compares.
    const step = s.length > SAMPLE ? Math.ceil(s.length / SAMPLE) : 1;
    for (let i = 0; i < s.length; i += step) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ s.length, 2246822507);
    h2 = Math.imul(h2 ^ (s.length + 0x9e37), 3266489909);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
