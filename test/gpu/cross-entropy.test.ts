// Cross-entropy WGSL kernels against the TypeScript twin on SwiftShader: masks, per-position weights, +-80 logits, V = 152000.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuRuntime } from '../../src/engine/runtime.ts';
import { Rng } from '../../src/util/rng.ts';
import * as gpu from '../../src/engine/ops/cross-entropy.ts';
import * as ref from '../../src/engine/ref/cross-entropy.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';
import { PROFILES } from './helpers.ts';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await GpuRuntime.create();
});
afterAll(() => rt?.destroy());

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

interface Case {
  name: string;
  N: number;
  V: number;
  logits: (rng: Rng, i: number) => number;
  mask: number[];
  gradScale?: number;
  inPlace?: boolean;
}

const cases: Case[] = [
  { name: 'N=5 V=7 partial mask, gradScale 0.5', N: 5, V: 7, logits: (r) => 2 * r.normal(), mask: [1, 0, 1, 1, 0], gradScale: 0.5 },
  { name: 'N=3 V=4099 logits +-80', N: 3, V: 4099, logits: (r) => (r.next() < 0.5 ? -80 : 80) - r.next(), mask: [1, 1, 1] },
  { name: 'N=2 V=152000 long rows, in place', N: 2, V: 152000, logits: (r) => 3 * r.normal(), mask: [1, 1], inPlace: true },
  { name: 'N=4 V=33 all rows masked', N: 4, V: 33, logits: (r) => r.normal(), mask: [0, 0, 0, 0] },
];

describe('cross-entropy kernels vs twin', () => {
  for (const [c, profile] of PROFILES.flatMap((p) => cases.map((c) => [c, p] as const))) {
    it(`${c.name} (${profile} kernels)`, async () => {
      rt.profile = profile;
      const { N, V } = c;
      const rng = new Rng(V);
      const logits = new Float32Array(N * V);
      for (let i = 0; i < logits.length; i++) logits[i] = c.logits(rng, i);
      const targets = new Uint32Array(N);
      for (let n = 0; n < N; n++) targets[n] = c.mask[n] ? (n * 7919 + 5) % V : 0xffffff9c; // -100 as u32 on masked rows
      if (V === 152000) logits[V + targets[1]] = 25; // a confident row
      const mask = Float32Array.from(c.mask);
      const losses = new Float64Array(N),
        loss = new Float64Array(2),
        lse = new Float64Array(N),
        dlogits = new Float64Array(N * V);
      const tRef = host(Float64Array.from(targets, (t, n) => (c.mask[n] ? t : -100)));
      ref.crossEntropyForward(host(losses), host(loss), host(lse), host(logits), tRef, host(mask), N, V);
      ref.crossEntropyBackward(host(dlogits), host(logits), host(Float32Array.from(lse)), tRef, host(mask), host(Float32Array.from(loss)), N, V, c.gradScale);

      const g = {
        logits: rt.upload(logits, [N, V]),
        targets: rt.upload(targets, [N]),
        mask: rt.upload(mask, [N]),
        losses: rt.empty([N]),
        loss: rt.empty([2]),
        lse: rt.empty([N]),
        dlogits: c.inPlace ? null : rt.empty([N, V]),
      };
      rt.beginStep();
      gpu.crossEntropyForward(rt, g.losses, g.loss, g.lse, g.logits, g.targets, g.mask, N, V);
      gpu.crossEntropyBackward(rt, g.dlogits ?? g.logits, g.logits, g.lse, g.targets, g.mask, g.loss, N, V, c.gradScale);
      rt.submit();
      const gLoss = await rt.read(g.loss);
      const dl = await rt.read(g.dlogits ?? g.logits);
      const diffs = {
        losses: maxAbsDiff(await rt.read(g.losses), losses),
        lse: maxAbsDiff(await rt.read(g.lse), lse),
        loss: maxAbsDiff(gLoss, loss),
        dlogits: maxAbsDiff(dl, dlogits),
      };
      console.log(
        `cross-entropy ${c.name}: loss ${gLoss[0].toFixed(5)} (twin ${loss[0].toFixed(5)}), max abs diff ${Object.entries(diffs)
          .map(([n, d]) => `${n} ${d.toExponential(2)}`)
          .join(', ')}`,
      );
      const scaleTol = Math.max(1, ...Array.from(lse, Math.abs)) * 4e-7; // f32 rounding of lse ~ 80
      expect(diffs.lse).toBeLessThan(2e-6 + scaleTol);
      expect(diffs.losses).toBeLessThan(2e-6 + scaleTol);
      expect(diffs.loss).toBeLessThan(2e-6 + scaleTol);
      expect(diffs.dlogits).toBeLessThan(1e-6);
      expect(dl.every(Number.isFinite)).toBe(true);
      if (c.mask.every((m) => m === 0)) {
        expect(Array.from(gLoss)).toEqual([0, 0]);
        expect(dl.every((x) => x === 0)).toBe(true);
      }
      for (const t of Object.values(g)) if (t) rt.release(t);
    });
  }

  for (const profile of PROFILES)
    it(`logprobs of the targets, N=3 V=5000 (${profile} kernels)`, async () => {
      rt.profile = profile;
      const N = 3,
        V = 5000;
      const rng = new Rng(12);
      const logits = new Float32Array(N * V).map(() => 4 * rng.normal());
      const targets = Uint32Array.from([0, 4999, 1234]);
      const lp = new Float64Array(N);
      ref.crossEntropyLogprobs(host(lp), host(logits), host(targets), N, V);
      const g = { lp: rt.empty([N]), logits: rt.upload(logits, [N, V]), targets: rt.upload(targets, [N]) };
      gpu.crossEntropyLogprobs(rt, g.lp, g.logits, g.targets, N, V);
      const d = maxAbsDiff(await rt.read(g.lp), lp);
      console.log(`cross-entropy logprobs N=${N} V=${V}: max abs diff ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-5);
      for (const t of Object.values(g)) rt.release(t);
    });

  it('row chunks on views + crossEntropyMean over all rows equal the one-shot result (N=128 in 2 chunks, V=50)', async () => {
    const N = 128,
      V = 50,
      R = 64; // chunk row offsets R*V and R are multiples of 64 elements (bindable views)
    const rng = new Rng(13);
    const logits = new Float32Array(N * V).map(() => 3 * rng.normal());
    const targets = Uint32Array.from({ length: N }, (_, n) => (n * 31) % V);
    const mask = Float32Array.from({ length: N }, (_, n) => (n % 3 === 0 ? 0 : 1));
    const loss = new Float64Array(2),
      lse = new Float64Array(N),
      dl = new Float64Array(N * V);
    ref.crossEntropyForward(host(new Float64Array(N)), host(loss), host(lse), host(logits), host(targets), host(mask), N, V);
    ref.crossEntropyBackward(host(dl), host(logits), host(lse), host(targets), host(mask), host(loss), N, V);
    const g = {
      logits: rt.upload(logits, [N, V]),
      targets: rt.upload(targets, [N]),
      mask: rt.upload(mask, [N]),
      losses: rt.empty([N]),
      lse: rt.empty([N]),
      loss: rt.empty([2]),
      chunkLoss: rt.empty([2]),
      dl: rt.empty([N, V]),
    };
    const rows = (t: typeof g.mask, c: number, width = 1) => rt.view(t, c * R * width, [R * width]);
    rt.beginStep();
    for (let c = 0; c < N / R; c++) {
      gpu.crossEntropyForward(rt, rows(g.losses, c), g.chunkLoss, rows(g.lse, c), rows(g.logits, c, V), rows(g.targets, c), rows(g.mask, c), R, V);
    }
    gpu.crossEntropyMean(rt, g.loss, g.losses, g.mask, N);
    for (let c = 0; c < N / R; c++) {
      gpu.crossEntropyBackward(rt, rows(g.dl, c, V), rows(g.logits, c, V), rows(g.lse, c), rows(g.targets, c), rows(g.mask, c), g.loss, R, V);
    }
    rt.submit();
    const dLoss = maxAbsDiff(await rt.read(g.loss), loss),
      dGrad = maxAbsDiff(await rt.read(g.dl), dl);
    console.log(`cross-entropy in row chunks: loss diff ${dLoss.toExponential(2)}, dlogits diff ${dGrad.toExponential(2)}`);
    expect(dLoss).toBeLessThan(2e-6);
    expect(dGrad).toBeLessThan(1e-7);
    for (const t of Object.values(g)) rt.release(t);
  });

  it('rejects dlogits overlapping logits at another offset', () => {
    const base = rt.empty([4, 64]);
    const a = rt.view(base, 0, [2, 64]),
      b = rt.view(base, 64, [2, 64]);
    const small = rt.empty([2]),
      t = rt.upload(new Uint32Array(2), [2]);
    expect(() => gpu.crossEntropyBackward(rt, a, b, small, t, small, small, 2, 64)).toThrow(/share a buffer at different offsets/);
  });
});

describe('weighted cross-entropy backward vs twin', () => {
  const weighted: { name: string; N: number; V: number; logits: (rng: Rng) => number; weights: number[]; inPlace?: boolean }[] = [
    { name: 'N=5 V=7 weights of both signs and a zero', N: 5, V: 7, logits: (r) => 2 * r.normal(), weights: [0.5, 0, -1.25, 2, 1e-3] },
    { name: 'N=3 V=4099 logits +-80', N: 3, V: 4099, logits: (r) => (r.next() < 0.5 ? -80 : 80) - r.next(), weights: [1, -3, 0.25] },
    { name: 'N=2 V=152000 long rows, in place', N: 2, V: 152000, logits: (r) => 3 * r.normal(), weights: [0.75, -0.5], inPlace: true },
  ];
  for (const c of weighted) {
    it(c.name, async () => {
      const { N, V } = c;
      const rng = new Rng(V + 1);
      const logits = new Float32Array(N * V).map(() => c.logits(rng));
      const targets = Uint32Array.from({ length: N }, (_, n) => (c.weights[n] ? (n * 7919 + 5) % V : 0xffffff9c));
      const weights = Float32Array.from(c.weights);
      const lse = new Float64Array(N),
        dlogits = new Float64Array(N * V);
      const tRef = host(Float64Array.from(targets, (t, n) => (c.weights[n] ? t : -100)));
      ref.crossEntropyForward(host(new Float64Array(N)), host(new Float64Array(2)), host(lse), host(logits), tRef, host(weights), N, V);
      ref.weightedCrossEntropyBackward(host(dlogits), host(logits), host(Float32Array.from(lse)), tRef, host(weights), N, V);
      const g = {
        logits: rt.upload(logits, [N, V]),
        targets: rt.upload(targets, [N]),
        weights: rt.upload(weights, [N]),
        losses: rt.empty([N]),
        loss: rt.empty([2]),
        lse: rt.empty([N]),
        dlogits: c.inPlace ? null : rt.empty([N, V]),
      };
      rt.beginStep();
      gpu.crossEntropyForward(rt, g.losses, g.loss, g.lse, g.logits, g.targets, g.weights, N, V);
      gpu.weightedCrossEntropyBackward(rt, g.dlogits ?? g.logits, g.logits, g.lse, g.targets, g.weights, N, V);
      rt.submit();
      const dl = await rt.read(g.dlogits ?? g.logits);
      const d = maxAbsDiff(dl, dlogits);
      console.log(`weighted cross-entropy backward ${c.name}: max abs diff dlogits ${d.toExponential(2)}`);
      expect(d).toBeLessThan(1e-6 * Math.max(1, ...c.weights.map(Math.abs)));
      expect(dl.every(Number.isFinite)).toBe(true);
      c.weights.forEach((w, n) => {
        if (w === 0) expect(dl.subarray(n * V, (n + 1) * V).every((x) => x === 0)).toBe(true);
      });
      for (const t of Object.values(g)) if (t) rt.release(t);
    });
  }
});
