// Attention WGSL kernels (forward, backward, decode) against the TypeScript twin on SwiftShader.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuRuntime } from '../../src/engine/runtime.ts';
import { Rng } from '../../src/util/rng.ts';
import * as gpu from '../../src/engine/ops/attention.ts';
import * as ref from '../../src/engine/ref/attention.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await GpuRuntime.create();
});
afterAll(() => rt?.destroy());

function randn(n: number, rng: Rng, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

interface Case {
  B: number;
  T: number;
  NH: number;
  NKV: number;
  HS: number;
  lens?: number[];
  window?: number;
  scale?: number;
  qScale?: number;
  tileRows?: 32 | 64;
}

const cases: Case[] = [
  { B: 1, T: 1, NH: 4, NKV: 2, HS: 8 },
  { B: 2, T: 7, NH: 4, NKV: 2, HS: 16, lens: [7, 4] },
  { B: 1, T: 33, NH: 4, NKV: 4, HS: 8, scale: 0.2 },
  { B: 1, T: 33, NH: 4, NKV: 2, HS: 16, window: 5 },
  { B: 2, T: 7, NH: 2, NKV: 1, HS: 8, lens: [0, 5], qScale: 6 },
  { B: 1, T: 70, NH: 2, NKV: 1, HS: 8, lens: [66] }, // three 32-row tiles (the default at this size)
  { B: 1, T: 70, NH: 2, NKV: 1, HS: 8, window: 40, tileRows: 64 }, // crosses the 64-row query and key tiles
  { B: 1, T: 33, NH: 2, NKV: 1, HS: 128, window: 20 }, // 15-key tiles: many tile boundaries
];

const label = (c: Case): string =>
  `B=${c.B} T=${c.T} NH=${c.NH} NKV=${c.NKV} HS=${c.HS}${c.lens ? ` lens=[${c.lens}]` : ''}${c.window ? ` window=${c.window}` : ''}${c.scale ? ` scale=${c.scale}` : ''}${c.tileRows ? ` tileRows=${c.tileRows}` : ''}`;

describe('attention kernels vs twin', () => {
  for (const c of cases) {
    it(`forward + backward ${label(c)}`, async () => {
      const { B, T, NH, NKV, HS } = c;
      const rng = new Rng(T * 13 + HS + NKV);
      const nq = B * T * NH * HS,
        nk = B * T * NKV * HS;
      const q = randn(nq, rng, c.qScale ?? 1),
        k = randn(nk, rng),
        v = randn(nk, rng),
        dout = randn(nq, rng);
      const refOpts = { lens: c.lens ? host(Uint32Array.from(c.lens)) : null, window: c.window, scale: c.scale };
      const out = new Float64Array(nq),
        lse = new Float64Array(B * NH * T);
      ref.attentionForward(host(out), host(lse), host(q), host(k), host(v), B, T, NH, NKV, HS, refOpts);
      const dq = new Float64Array(nq),
        dk = new Float64Array(nk),
        dv = new Float64Array(nk),
        delta = new Float64Array(B * NH * T);
      ref.attentionBackward(
        host(dq),
        host(dk),
        host(dv),
        host(delta),
        host(dout),
        host(Float32Array.from(out)),
        host(Float32Array.from(lse)),
        host(q),
        host(k),
        host(v),
        B,
        T,
        NH,
        NKV,
        HS,
        refOpts,
      );

      const g = {
        q: rt.upload(q, [B, T, NH * HS]),
        k: rt.upload(k, [B, T, NKV * HS]),
        v: rt.upload(v, [B, T, NKV * HS]),
        dout: rt.upload(dout, [B, T, NH * HS]),
        out: rt.empty([B, T, NH * HS]),
        lse: rt.empty([B, NH, T]),
        dq: rt.empty([B, T, NH * HS]),
        dk: rt.empty([B, T, NKV * HS]),
        dv: rt.empty([B, T, NKV * HS]),
        delta: rt.empty([B, NH, T]),
        lens: c.lens ? rt.upload(Uint32Array.from(c.lens), [B]) : null,
      };
      const opts = { lens: g.lens, window: c.window, scale: c.scale, tileRows: c.tileRows };
      rt.beginStep();
      gpu.attentionForward(rt, g.out, g.lse, g.q, g.k, g.v, B, T, NH, NKV, HS, opts);
      gpu.attentionBackward(rt, g.dq, g.dk, g.dv, g.delta, g.dout, g.out, g.lse, g.q, g.k, g.v, B, T, NH, NKV, HS, opts);
      rt.submit();
      const diffs = {
        out: maxAbsDiff(await rt.read(g.out), out),
        lse: maxAbsDiff(await rt.read(g.lse), lse),
        dq: maxAbsDiff(await rt.read(g.dq), dq),
        dk: maxAbsDiff(await rt.read(g.dk), dk),
        dv: maxAbsDiff(await rt.read(g.dv), dv),
        delta: maxAbsDiff(await rt.read(g.delta), delta),
      };
      console.log(
        `attention ${label(c)}: max abs diff ${Object.entries(diffs)
          .map(([n, d]) => `${n} ${d.toExponential(2)}`)
          .join(', ')}`,
      );
      for (const [n, d] of Object.entries(diffs)) expect(d, n).toBeLessThan(2e-5);
      for (const t of Object.values(g)) if (t) rt.release(t);
    });
  }

  for (const c of [
    { B: 2, T: 7, NH: 4, NKV: 2, HS: 16, Tq: 1, cap: 9 },
    { B: 1, T: 70, NH: 4, NKV: 4, HS: 8, Tq: 3, cap: 72, window: 9 },
    { B: 1, T: 40, NH: 2, NKV: 1, HS: 80, Tq: 2, cap: 41 },
  ]) {
    // HS > 64: two dims per invocation
    it(`decode B=${c.B} Tq=${c.Tq} cache ${c.T}/${c.cap} NH=${c.NH} NKV=${c.NKV} HS=${c.HS}${c.window ? ` window=${c.window}` : ''}`, async () => {
      const { B, T, NH, NKV, HS, Tq, cap } = c;
      const rng = new Rng(cap);
      const start = T - Tq;
      const q = randn(B * Tq * NH * HS, rng),
        kc = randn(B * cap * NKV * HS, rng),
        vc = randn(B * cap * NKV * HS, rng);
      const out = new Float64Array(q.length);
      ref.attentionDecode(host(out), host(q), host(kc), host(vc), B, Tq, NH, NKV, HS, start, cap, { window: c.window });
      const gq = rt.upload(q, [B, Tq, NH * HS]),
        gk = rt.upload(kc, [B, cap, NKV * HS]),
        gv = rt.upload(vc, [B, cap, NKV * HS]);
      const go = rt.empty([B, Tq, NH * HS]);
      gpu.attentionDecode(rt, go, gq, gk, gv, B, Tq, NH, NKV, HS, start, cap, { window: c.window });
      const d = maxAbsDiff(await rt.read(go), out);
      console.log(`attention decode B=${B} Tq=${Tq} start=${start} cap=${cap} HS=${HS}: max abs diff ${d.toExponential(2)}`);
      expect(d).toBeLessThan(2e-5);
      for (const t of [gq, gk, gv, go]) rt.release(t);
    });
  }

  it('names a wrongly sized tensor', () => {
    const t = rt.empty([1, 2, 16]),
      small = rt.empty([1, 2, 8]),
      l = rt.empty([1, 2, 2]);
    expect(() => gpu.attentionForward(rt, t, l, t, small, t, 1, 2, 2, 1, 8)).toThrow(/v \(1, 2, 16\) has 32 elements, expected 16/);
  });
});
