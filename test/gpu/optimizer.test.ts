// AdamW and global gradient-norm clipping on SwiftShader against the twins, over several steps.
import { expect, it } from 'vitest';
import * as gpuAdam from '../../src/engine/ops/adamw.ts';
import * as refAdam from '../../src/engine/ref/adamw.ts';
import * as gpuClip from '../../src/engine/ops/grad-clip.ts';
import * as refClip from '../../src/engine/ref/grad-clip.ts';
import { compare, PROFILES, randn, runtime } from './helpers.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';

it('adamw matches the twin over 5 steps with a changing learning rate (P=3001)', async () => {
  const rt = await runtime();
  const P = 3001;
  const params = randn(1, P);
  const m = new Float32Array(P);
  const v = new Float32Array(P);
  const t = { params: rt.upload(params, [P]), grads: rt.empty([P]), m: rt.upload(m, [P]), v: rt.upload(v, [P]) };
  for (let step = 1; step <= 5; step++) {
    const grads = randn(100 + step, P, step);
    rt.write(t.grads, grads);
    const hp = { lr: 1e-3 * step, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step };
    gpuAdam.adamwUpdate(rt, t.params, t.grads, t.m, t.v, hp);
    refAdam.adamwUpdate(host(params), host(grads), host(m), host(v), hp);
  }
  expect(compare('adamw params', await rt.read(t.params), params)).toBeLessThan(1e-5);
  expect(compare('adamw m', await rt.read(t.m), m)).toBeLessThan(1e-5);
  expect(compare('adamw v', await rt.read(t.v), v)).toBeLessThan(1e-4);
  expect(() => gpuAdam.adamwUpdate(rt, t.params, t.grads, t.m, t.v, { lr: 1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, step: 0 })).toThrow(
    /step must be an integer >= 1/,
  );
});

for (const [P, scale, maxNorm, profile] of PROFILES.flatMap((p) =>
  (
    [
      [70_001, 0.1, 1],
      [513, 1e-3, 1],
      [1000, 0, 1],
      [300, 1, 0],
      [300_001, 0.01, 1],
    ] as const
  ).map(([n, sc, mx]) => [n, sc, mx, p] as const),
)) {
  it(`gradClip matches the twin (P=${P}, grad scale ${scale}, maxNorm ${maxNorm}, ${profile} kernels)`, async () => {
    const rt = await runtime();
    rt.profile = profile;
    const grads = randn(7, P, scale);
    const tg = rt.upload(grads, [P]);
    const tn = rt.empty([1]);
    rt.beginStep();
    gpuClip.gradClip(rt, tg, tn, maxNorm);
    rt.submit();
    const norm = new Float64Array(1);
    const g64 = Float64Array.from(grads);
    refClip.gradClip(host(g64), host(norm), maxNorm);
    const gpuNorm = (await rt.read(tn))[0];
    console.log(`gradClip norm: gpu ${gpuNorm}, ref ${norm[0]}`);
    expect(Math.abs(gpuNorm - norm[0])).toBeLessThanOrEqual(1e-5 * Math.max(1, norm[0]));
    expect(compare('gradClip grads', await rt.read(tg), g64)).toBeLessThan(1e-6 * Math.max(1, scale * 10));
  });
}

for (const [maxNorm, scale] of [
  [1, 0.1],
  [1000, 0.1],
  [0, 1],
] as const) {
  it(`gradClip (measure) + adamwClipUpdate match gradClip + adamwUpdate's twins over 3 steps (P=3001, maxNorm ${maxNorm})`, async () => {
    const rt = await runtime();
    const P = 3001;
    const params = randn(21, P);
    const m = new Float32Array(P);
    const v = new Float32Array(P);
    const t = { params: rt.upload(params, [P]), grads: rt.empty([P]), m: rt.upload(m, [P]), v: rt.upload(v, [P]), stat: rt.empty([2]) };
    let grads: Float32Array = new Float32Array(P);
    for (let step = 1; step <= 3; step++) {
      grads = randn(200 + step, P, scale * step);
      rt.write(t.grads, grads);
      const hp = { lr: 1e-3 * step, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step };
      rt.beginStep();
      gpuClip.gradClip(rt, t.grads, rt.view(t.stat, 0, [1]), 0);
      rt.write(rt.view(t.stat, 1, [1]), Float32Array.of(2.5)); // a finite loss
      gpuAdam.adamwClipUpdate(rt, t.params, t.grads, t.m, t.v, t.stat, maxNorm, hp);
      rt.submit();
      const norm = new Float32Array(1);
      refClip.gradClip(host(grads), host(norm), maxNorm);
      refAdam.adamwUpdate(host(params), host(grads), host(m), host(v), hp);
      const [gpuNorm, loss] = await rt.read(t.stat);
      expect(loss).toBe(2.5);
      expect(Math.abs(gpuNorm - norm[0])).toBeLessThanOrEqual(1e-5 * Math.max(1, norm[0]));
    }
    expect(compare('clip+adamw grads (clipped in place)', await rt.read(t.grads), grads)).toBeLessThan(1e-6);
    expect(compare('clip+adamw params', await rt.read(t.params), params)).toBeLessThan(1e-5);
    expect(compare('clip+adamw m', await rt.read(t.m), m)).toBeLessThan(1e-5);
    expect(compare('clip+adamw v', await rt.read(t.v), v)).toBeLessThan(1e-4);
  });
}

it('adamwClipUpdate leaves everything unchanged when the norm or the loss is not finite, like its twin', async () => {
  const rt = await runtime();
  const P = 300;
  const params = randn(31, P);
  const grads = randn(32, P);
  const hp = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 };
  for (const stat of [
    [Number.NaN, 1],
    [Number.POSITIVE_INFINITY, 1],
    [1, Number.NaN],
    [1, Number.NEGATIVE_INFINITY],
  ]) {
    const t = { params: rt.upload(params, [P]), grads: rt.upload(grads, [P]), m: rt.upload(new Float32Array(P), [P]), v: rt.upload(new Float32Array(P), [P]) };
    gpuAdam.adamwClipUpdate(rt, t.params, t.grads, t.m, t.v, rt.upload(Float32Array.from(stat), [2]), 1, hp);
    const [p2, g2, m2] = [params.slice(), grads.slice(), new Float32Array(P)];
    refAdam.adamwClipUpdate(host(p2), host(g2), host(m2), host(new Float32Array(P)), host(Float32Array.from(stat)), 1, hp);
    expect(compare(`skipped step [${stat}] params`, await rt.read(t.params), params)).toBe(0);
    expect(compare(`skipped step [${stat}] grads`, await rt.read(t.grads), grads)).toBe(0);
    expect(compare(`skipped step [${stat}] m`, await rt.read(t.m), m2)).toBe(0);
    expect(p2).toEqual(params);
  }
});

it('gradNormCombine gives the global norm of three group norms (column 0 of each row), like its twin, and leaves the loss', async () => {
  const rt = await runtime();
  const norms = new Float32Array(3 * 64).fill(99); // only column 0 counts
  [norms[0], norms[64], norms[128]] = [3, 4, 12];
  const stat = rt.upload(Float32Array.of(0, 7.5), [2]);
  gpuAdam.gradNormCombine(rt, stat, rt.upload(norms, [3, 64]));
  const want = Float32Array.of(0, 7.5);
  refAdam.gradNormCombine(host(want), host(norms, [3, 64]));
  expect(Array.from(await rt.read(stat))).toEqual([13, 7.5]);
  expect(Array.from(want)).toEqual([13, 7.5]);
  expect(() => gpuAdam.gradNormCombine(rt, stat, rt.upload(norms, [192]))).toThrow(/norms must be \(groups, 64\), got \(192\)/);
});
