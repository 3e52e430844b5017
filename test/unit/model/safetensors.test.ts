// Safetensors: hand-made bad files (fixture), a seeded fuzzer, dtype conversions and writer round trips.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { f16ToF32, f32ToBf16, f32ToF16, parseSafetensors, readSafetensorsMetadata, readTensorF32, writeSafetensors } from '../../../src/model/safetensors.ts';
import { Rng } from '../../../src/util/rng.ts';

interface Case {
  name: string;
  header?: string;
  headerHex?: string;
  fileHex?: string;
  data?: number;
  headerLength?: number;
  error?: string;
  tensors?: number;
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/model/safetensors-bad.json', import.meta.url), 'utf8')) as { cases: Case[]; valid: Case[] };

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

function fileOf(c: Case): Uint8Array {
  if (c.fileHex) return hex(c.fileHex);
  const header = c.headerHex ? hex(c.headerHex) : new TextEncoder().encode(c.header ?? '');
  const out = new Uint8Array(8 + header.length + (c.data ?? 0));
  new DataView(out.buffer).setBigUint64(0, BigInt(c.headerLength ?? header.length), true);
  out.set(header, 8);
  return out;
}

describe('parseSafetensors rejects malformed files', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      let thrown: unknown;
      try {
        parseSafetensors(fileOf(c), 'bad.safetensors');
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(Error);
      const msg = (thrown as Error).message;
      expect(msg.startsWith('bad.safetensors: ')).toBe(true);
      expect(msg).toContain(c.error);
    });
  }
});

describe('parseSafetensors accepts valid edge cases', () => {
  for (const c of fixture.valid) {
    it(c.name, () => {
      expect(parseSafetensors(fileOf(c), 'ok.safetensors').size).toBe(c.tensors);
    });
  }
});

describe('dtype conversions', () => {
  it('f16: every finite half survives f16 → f32 → f16', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && h & 0x3ff) continue; // NaN payloads
      expect(f32ToF16(f16ToF32(h))).toBe(h);
    }
  });
  it('f16: known values, rounding to nearest even, overflow and underflow', () => {
    expect(f32ToF16(1)).toBe(0x3c00);
    expect(f32ToF16(-2)).toBe(0xc000);
    expect(f32ToF16(65504)).toBe(0x7bff);
    expect(f32ToF16(65520)).toBe(0x7c00); // rounds up to infinity
    expect(f32ToF16(1 + 2 ** -11)).toBe(0x3c00); // tie → even (down)
    expect(f32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(f32ToF16(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(f32ToF16(2 ** -26)).toBe(0x0000);
    expect(Number.isNaN(f16ToF32(f32ToF16(NaN)))).toBe(true);
  });
  it('bf16: every finite pattern survives and ties round to even', () => {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7f80) === 0x7f80 && h & 0x7f) continue;
      u[0] = h << 16;
      expect(f32ToBf16(f[0])).toBe(h);
    }
    expect(f32ToBf16(1 + 2 ** -8)).toBe(0x3f80); // tie → even
    expect(f32ToBf16(1 + 3 * 2 ** -8)).toBe(0x3f82);
  });
});

describe('writeSafetensors', () => {
  const values = Float32Array.from({ length: 12 }, (_, i) => (i - 5) * 0.375);
  const tensors = {
    'b.weight': { dtype: 'F32' as const, shape: [3, 4], data: values },
    'a.half': { dtype: 'F16' as const, shape: [12], data: values },
    'c.brain': { dtype: 'BF16' as const, shape: [2, 6], data: values },
  };

  it('round trips F32, F16 and BF16 (these values are exact in all three) with metadata', () => {
    const bytes = writeSafetensors(tensors, { format: 'pt' });
    const parsed = parseSafetensors(bytes);
    expect([...parsed.keys()].sort()).toEqual(['a.half', 'b.weight', 'c.brain']);
    for (const [name, t] of Object.entries(tensors)) {
      const e = parsed.get(name)!;
      expect(e.dtype).toBe(t.dtype);
      expect(e.shape).toEqual(t.shape);
      expect(Array.from(readTensorF32(e))).toEqual(Array.from(values));
    }
    expect(readSafetensorsMetadata(bytes)).toEqual({ format: 'pt' });
  });

  it('is deterministic: key order of the input does not matter, header padded to 8 bytes with spaces', () => {
    const a = writeSafetensors(tensors, { z: '1', a: '2' });
    const b = writeSafetensors({ 'c.brain': tensors['c.brain'], 'a.half': tensors['a.half'], 'b.weight': tensors['b.weight'] }, { a: '2', z: '1' });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const n = Number(new DataView(a.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(a.subarray(8, 8 + n));
    expect(header.trimEnd().length).toBeLessThanOrEqual(n);
    expect(/^ *$/.test(header.slice(header.trimEnd().length))).toBe(true);
    expect(header.indexOf('"a.half"')).toBeLessThan(header.indexOf('"b.weight"'));
  });

  it('takes raw bytes and checks their length', () => {
    const raw = new Uint8Array([0, 0x3c, 0, 0xc0]); // f16 1, -2
    const parsed = parseSafetensors(writeSafetensors({ r: { dtype: 'F16', shape: [2], data: raw } }));
    expect(Array.from(readTensorF32(parsed.get('r')!))).toEqual([1, -2]);
    expect(() => writeSafetensors({ r: { dtype: 'F16', shape: [3], data: raw } })).toThrow(/tensor 'r': 4 bytes, shape \[3\] F16 needs 6/);
    expect(() => writeSafetensors({ r: { dtype: 'F32', shape: [3], data: new Float32Array(2) } })).toThrow(/tensor 'r': 2 values, shape \[3\] needs 3/);
  });

  it('reads misaligned data (odd header length, odd buffer offset) by copying', () => {
    const header = '{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}'; // 55 bytes: data starts unaligned
    const body = new Uint8Array(8 + header.length + 12);
    const dv = new DataView(body.buffer);
    dv.setBigUint64(0, BigInt(header.length), true);
    body.set(new TextEncoder().encode(header), 8);
    [1.5, -2.25, 1e-3].forEach((v, i) => dv.setFloat32(8 + header.length + 4 * i, v, true));
    for (const shift of [0, 1, 2, 3]) {
      const holder = new Uint8Array(body.length + shift);
      holder.set(body, shift);
      const e = parseSafetensors(holder.subarray(shift)).get('w')!;
      expect(Array.from(readTensorF32(e))).toEqual(Array.from(Float32Array.from([1.5, -2.25, 1e-3])));
    }
  });

  it('refuses to read integer dtypes as floats, naming the tensor', () => {
    const e = parseSafetensors(writeSafetensors({})).get('x');
    expect(e).toBeUndefined();
    const header = '{"ids":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}';
    const f = new Uint8Array(8 + header.length + 4);
    new DataView(f.buffer).setBigUint64(0, BigInt(header.length), true);
    f.set(new TextEncoder().encode(header), 8);
    expect(() => readTensorF32(parseSafetensors(f).get('ids')!, 'ids')).toThrow(/ids: dtype I32 cannot be read as floats/);
  });
});

describe('fuzzing', () => {
  it('every mutated file is either a valid parse or a plain Error naming the file', () => {
    const rng = new Rng(20240611);
    const base = writeSafetensors(
      {
        'model.layers.0.w': { dtype: 'F32', shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => i / 7) },
        'model.layers.0.h': { dtype: 'F16', shape: [5], data: Float32Array.from([1, 2, 3, 4, 5]) },
        'model.norm': { dtype: 'BF16', shape: [2, 2], data: Float32Array.from([0.5, -1, 2, 8]) },
      },
      { format: 'pt' },
    );
    const headerLen = Number(new DataView(base.buffer).getBigUint64(0, true));
    const alphabet = '{}[]",:0123456789-.eE aFBU\\';
    let parsed = 0;
    let rejected = 0;
    for (let iter = 0; iter < 4000; iter++) {
      let f = base.slice();
      const kind = rng.int(6);
      if (kind === 0) {
        for (let k = 1 + rng.int(4); k > 0; k--) f[rng.int(f.length)] = rng.int(256);
      } else if (kind === 1) {
        f = f.slice(0, rng.int(f.length));
      } else if (kind === 2) {
        const extra = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
        const g = new Uint8Array(f.length + extra.length);
        g.set(f);
        g.set(extra, f.length);
        f = g;
      } else if (kind === 3) {
        // edit one character of the header text, keeping the length field
        f[8 + rng.int(headerLen)] = alphabet.charCodeAt(rng.int(alphabet.length));
      } else if (kind === 4) {
        // change a digit inside the header (shapes, offsets)
        const digits: number[] = [];
        for (let i = 8; i < 8 + headerLen; i++) if (f[i] >= 48 && f[i] <= 57) digits.push(i);
        f[digits[rng.int(digits.length)]] = 48 + rng.int(10);
      } else {
        new DataView(f.buffer).setUint32(rng.int(2) * 4, rng.int(2) ? rng.int(headerLen * 2) : rng.next() * 2 ** 32, true);
      }
      try {
        const out = parseSafetensors(f, 'fuzz.safetensors');
        for (const [name, e] of out) {
          if (['F32', 'F16', 'BF16'].includes(e.dtype)) {
            expect(readTensorF32(e, name).length).toBe(e.shape.reduce((a, b) => a * b, 1));
          }
        }
        parsed++;
      } catch (err) {
        expect((err as Error).constructor).toBe(Error);
        expect((err as Error).message.startsWith('fuzz.safetensors: ')).toBe(true);
        rejected++;
      }
    }
    expect(parsed).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(1000);
  });
});
