// A ustar archive of plain files (no compression): one download holding a whole PEFT folder.
// Names longer than 100 bytes are split at a '/' into the header's prefix (≤ 155 bytes) and name.

const BLOCK = 512;

export function tar(files: { name: string; bytes: Uint8Array }[], mtime = Math.floor(Date.now() / 1000)): Uint8Array {
  const enc = new TextEncoder();
  const blocks = files.reduce((n, f) => n + 1 + Math.ceil(f.bytes.byteLength / BLOCK), 2);
  const out = new Uint8Array(blocks * BLOCK);
  let pos = 0;
  const field = (h: Uint8Array, off: number, len: number, s: string) => h.set(enc.encode(s).subarray(0, len), off);
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, '0') + '\0';
  for (const f of files) {
    let name = f.name;
    let prefix = '';
    if (enc.encode(name).length > 100) {
      const cut = name.lastIndexOf('/');
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
      if (cut < 0 || enc.encode(prefix).length > 155 || enc.encode(name).length > 100)
        throw new Error(`tar: the name ${f.name} is too long for a ustar header`);
    }
    const h = out.subarray(pos, pos + BLOCK);
    field(h, 0, 100, name);
    field(h, 100, 8, '0000644\0');
    field(h, 108, 8, octal(0, 8));
    field(h, 116, 8, octal(0, 8));
    field(h, 124, 12, octal(f.bytes.byteLength, 12));
    field(h, 136, 12, octal(mtime, 12));
    field(h, 148, 8, '        ');
    field(h, 156, 1, '0');
    field(h, 257, 6, 'ustar\0');
    field(h, 263, 2, '00');
    field(h, 345, 155, prefix);
    const sum = h.reduce((a, b) => a + b, 0);
    field(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
    out.set(f.bytes, pos + BLOCK);
    pos += BLOCK + Math.ceil(f.bytes.byteLength / BLOCK) * BLOCK;
  }
  return out; // ends with the two zero blocks already in place
}
