// Dropout kernel on SwiftShader against its twin: the same mask bit for bit, keep rate and mean on a large
// tensor, backward = forward's mask, p = 0 copy, in place and views, and a new mask per step.
import { expect, it } from 'vitest';
import * as gpu from '../../src/engine/ops/dropout.ts';
import * as ref from '../../src/engine/ref/dropout.ts';
import { gpuBackend, cpuBackend, type Backend, type Tensor } from '../../src/engine/backend.ts';
import { compare, randn, runtime } from './helpers.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';

function countDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) d++;
  return d;
}

const CASES = [
  { p: 0.1, seed: 0, step: 0 },
  { p: 0.5, seed: 0xffffffff, step: 0xfffffff0 },
  { p: 0.9, seed: 123456789, step: 1 },
];

for (const { p, seed, step } of CASES) {
  it(`forward and backward equal the twin exactly (p = ${p}, seed ${seed}, step ${step}, n = 100003)`, async () => {
    const rt = await runtime();
    const n = 100_003; // not a multiple of the workgroup size
    const inp = randn(1, n, 2);
    const dout = randn(2, n);
    const t = { out: rt.empty([n]), dinp: rt.empty([n]), inp: rt.upload(inp, [n]), dout: rt.upload(dout, [n]) };
    gpu.dropoutForward(rt, t.out, t.inp, p, seed, step);
    gpu.dropoutBackward(rt, t.dinp, t.dout, p, seed, step);
    const out = new Float32Array(n);
    const dinp = new Float32Array(n);
    ref.dropoutForward(host(out), host(inp), p, seed, step);
    ref.dropoutBackward(host(dinp), host(dout), p, seed, step);
    const gOut = await rt.read(t.out);
    const gDinp = await rt.read(t.dinp);
    expect(compare('dropout out', gOut, out)).toBe(0);
    expect(compare('dropout dinp', gDinp, dinp)).toBe(0);
    // Same mask in forward and backward: zero exactly where the other is zero.
    let mismatched = 0;
    for (let i = 0; i < n; i++) if ((gOut[i] === 0) !== (gDinp[i] === 0)) mismatched++;
    expect(mismatched).toBe(0);
    for (const x of Object.values(t)) rt.release(x);
  });
}

it('keeps 1 - p of 2^20 elements and preserves the mean on the GPU (p = 0.3)', async () => {
  const rt = await runtime();
  const n = 1 << 20;
  const p = 0.3;
  const ones = rt.upload(new Float32Array(n).fill(1), [n]);
  const out = rt.empty([n]);
  gpu.dropoutForward(rt, out, ones, p, 77, 5);
  const got = await rt.read(out);
  const scale = ref.dropoutScale(p);
  let kept = 0,
    sum = 0,
    other = 0;
  for (const x of got) {
    if (x === scale) kept++;
    else if (x !== 0) other++;
    sum += x;
  }
  expect(other).toBe(0); // every element is 0 or exactly f32(1 / (1 - p))
  const rate = kept / n;
  const sigma = Math.sqrt((p * (1 - p)) / n);
  console.log(`gpu keep rate ${rate.toFixed(5)} (expected ${1 - p}), mean ${(sum / n).toFixed(5)} (expected 1)`);
  expect(Math.abs(rate - (1 - p))).toBeLessThan(5 * sigma);
  expect(Math.abs(sum / n - 1)).toBeLessThan(5 * Math.sqrt(p / (1 - p) / n));
  rt.release(ones);
  rt.release(out);
});

it('a different step or seed gives a different mask; the same arguments the same one', async () => {
  const rt = await runtime();
  const n = 8192;
  const ones = rt.upload(new Float32Array(n).fill(1), [n]);
  const out = rt.empty([n]);
  const mask = async (seed: number, step: number) => {
    gpu.dropoutForward(rt, out, ones, 0.5, seed, step);
    return rt.read(out);
  };
  const a = await mask(3, 10);
  expect(countDiff(await mask(3, 10), a)).toBe(0);
  const stepDiff = countDiff(await mask(3, 11), a);
  const seedDiff = countDiff(await mask(4, 10), a);
  console.log(`mask differences: step 10→11 ${stepDiff}, seed 3→4 ${seedDiff} of ${n} (independent: ~${n / 2})`);
  expect(stepDiff).toBeGreaterThan(n * 0.4);
  expect(seedDiff).toBeGreaterThan(n * 0.4);
  rt.release(ones);
  rt.release(out);
});

it('p = 0 copies exactly; in place and views at bindable offsets match the twin', async () => {
  const rt = await runtime();
  const n = 1000;
  const inp = randn(3, n);
  inp[0] = 3.4e38;
  inp[1] = -0;
  const tIn = rt.upload(inp, [n]);
  const out = rt.empty([n]);
  gpu.dropoutForward(rt, out, tIn, 0, 1, 2);
  expect(countDiff(await rt.read(out), inp)).toBe(0);

  const want = new Float32Array(n);
  ref.dropoutForward(host(want), host(inp), 0.25, 9, 4);
  const x = rt.upload(inp, [n]);
  gpu.dropoutForward(rt, x, x, 0.25, 9, 4); // in place
  expect(countDiff(await rt.read(x), want)).toBe(0); // overflow to ±Infinity included (inp[0] = 3.4e38)

  const flat = rt.empty([64 + 1024]);
  const flat2 = rt.empty([128 + 1024]);
  const src = rt.view(flat, 64, [n]);
  const dst = rt.view(flat2, 128, [n]);
  rt.write(src, inp);
  gpu.dropoutForward(rt, dst, src, 0.25, 9, 4);
  const wantB = new Float32Array(n);
  ref.dropoutBackward(host(wantB), host(inp), 0.25, 9, 4);
  expect(countDiff(await rt.read(dst), wantB)).toBe(0);
  for (const t of [tIn, out, x, flat, flat2]) rt.release(t);
});

it('rejects p = 1, mismatched sizes and partly overlapping views with the sizes named', async () => {
  const rt = await runtime();
  const a = rt.empty([10]);
  const b = rt.empty([12]);
  expect(() => gpu.dropoutForward(rt, a, a, 1, 0, 0)).toThrow(/dropoutForward: dropout probability p must be in \[0, 1\), got 1/);
  expect(() => gpu.dropoutBackward(rt, a, b, 0.1, 0, 0)).toThrow(/dropoutBackward: the output \(10\) has 10 elements, the input \(12\) 12/);
  const flat = rt.empty([256]);
  expect(() => gpu.dropoutForward(rt, rt.view(flat, 0, [128]), rt.view(flat, 64, [128]), 0.1, 0, 0)).toThrow(/partly overlaps/);
  for (const t of [a, b, flat]) rt.release(t);
});

it('the Backend methods (gpuBackend and cpuBackend) give the same mask and gradient', async () => {
  const rt = await runtime();
  const n = 3000;
  const inp = randn(5, n);
  const dout = randn(6, n);
  const results: Float32Array[][] = [];
  for (const be of [gpuBackend(rt), cpuBackend()] as const) {
    const b = be as Backend<Tensor>;
    const tIn = b.upload(inp, [30, 100]);
    const tDout = b.upload(dout, [30, 100]);
    const out = b.zeros([30, 100]);
    const dinp = b.zeros([30, 100]);
    b.dropoutForward(out, tIn, 0.2, 31, 8);
    b.dropoutBackward(dinp, tDout, 0.2, 31, 8);
    results.push([await b.read(out), await b.read(dinp)]);
    expect(() => b.dropoutForward(out, b.zeros([7]), 0.2, 31, 8)).toThrow(/has 3000 elements/);
  }
  expect(countDiff(results[0][0], results[1][0])).toBe(0);
  expect(countDiff(results[0][1], results[1][1])).toBe(0);
});
