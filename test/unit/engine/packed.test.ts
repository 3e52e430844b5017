// Packed weight formats on the host: 16-bit packing is exact to the file's bits, q4's error is bounded by
// half a step of its group, and the twin GEMM reads packed weights as their unpacked values.
import { describe, expect, it } from 'vitest';
import { pack16Bytes, packFloats, packedWords, packProblem, quantizeQ4, unpack } from '../../../src/engine/packed.ts';
import { f16ToF32, f32ToBf16 } from '../../../src/util/half.ts';
import { cpuBackend } from '../../../src/engine/backend.ts';
import { Rng } from '../../../src/util/rng.ts';

function randn(seed: number, n: number, scale = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal() * scale);
}

describe('16-bit formats', () => {
  it('bf16: packing the file bytes equals rounding the floats, and unpacks to the bf16 values', () => {
    const x = randn(1, 101);
    const bytes = new Uint8Array(x.length * 2);
    const dv = new DataView(bytes.buffer);
    x.forEach((v, i) => dv.setUint16(i * 2, f32ToBf16(v), true));
    const words = pack16Bytes(bytes);
    expect(words).toEqual(packFloats({ kind: 'bf16' }, x, [x.length]));
    expect(words.length).toBe(packedWords({ kind: 'bf16' }, x.length));
    const back = unpack({ kind: 'bf16' }, words, x.length);
    for (let i = 0; i < x.length; i++) {
      expect(back[i]).toBe(new Float32Array(new Uint32Array([f32ToBf16(x[i]) << 16]).buffer)[0]);
      expect(Math.abs(back[i] - x[i])).toBeLessThanOrEqual(Math.abs(x[i]) * 2 ** -8);
    }
  });

  it('f16 keeps 11 significant bits', () => {
    const x = randn(2, 64, 0.1);
    const back = unpack({ kind: 'f16' }, packFloats({ kind: 'f16' }, x, [8, 8]), 64);
    for (let i = 0; i < 64; i++) expect(Math.abs(back[i] - x[i])).toBeLessThanOrEqual(Math.abs(x[i]) * 2 ** -11 + 2 ** -25);
  });
});

describe('q4', () => {
  it('each value is within half a step of its group (plus the f16 rounding of scale and offset)', () => {
    const [O, I, G] = [6, 128, 32];
    const x = randn(3, O * I, 0.05);
    const words = quantizeQ4(x, [O, I], G);
    expect(words.length).toBe((O * I) / 8 + (O * I) / G);
    const back = unpack({ kind: 'q4', group: G }, words, O * I);
    for (let g = 0; g < (O * I) / G; g++) {
      const grp = x.subarray(g * G, (g + 1) * G);
      const step = (Math.max(...grp) - Math.min(...grp)) / 15;
      const scale = f16ToF32(words[(O * I) / 8 + g] & 0xffff);
      expect(Math.abs(scale - step)).toBeLessThanOrEqual(step * 2 ** -10);
      for (let i = g * G; i < (g + 1) * G; i++) expect(Math.abs(back[i] - x[i])).toBeLessThanOrEqual(step / 2 + 1e-4);
    }
  });

  it('a constant group has scale 0 and reads back its value', () => {
    const x = new Float32Array(64).fill(0.25);
    const back = unpack({ kind: 'q4', group: 64 }, quantizeQ4(x, [1, 64], 64), 64);
    expect([...back].every((v) => v === 0.25)).toBe(true);
  });

  it('names what it cannot do', () => {
    expect(packProblem({ kind: 'q4', group: 64 }, [4, 96])).toMatch(/groups of 64.*\(4, 96\)/);
    expect(packProblem({ kind: 'q4', group: 48 }, [4, 96])).toMatch(/group 48 is not one of 32, 64/);
    expect(() => quantizeQ4(new Float32Array([0, Number.NaN, ...new Array(30).fill(0)]), [1, 32], 32)).toThrow(/element 1 is NaN/);
  });
});

it('the CPU backend multiplies by a packed weight as by its unpacked values, and reads it back unpacked', async () => {
  const be = cpuBackend();
  const [N, I, O] = [5, 64, 7];
  const W = randn(4, O * I, 0.3);
  const format = { kind: 'q4', group: 32 } as const;
  const words = packFloats(format, W, [O, I]);
  const inp = be.upload(randn(5, N * I), [N, I]);
  const a = be.zeros([N, O]);
  const b = be.zeros([N, O]);
  be.matmulForward(a, inp, be.uploadPacked(words, [O, I], format));
  be.matmulForward(b, inp, be.upload(unpack(format, words, O * I), [O, I]));
  expect(await be.read(a)).toEqual(await be.read(b));
  expect(await be.read(be.uploadPacked(words, [O, I], format))).toEqual(unpack(format, words, O * I));
  expect(() => be.add(be.uploadPacked(words, [O, I], format), be.zeros([O, I]))).toThrow(/packed q4/);
});
