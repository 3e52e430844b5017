// RoPE WGSL kernels against the TypeScript twin on the SwiftShader WebGPU adapter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuRuntime } from '../../src/engine/runtime.ts';
import { Rng } from '../../src/util/rng.ts';
import * as gpu from '../../src/engine/ops/rope.ts';
import * as ref from '../../src/engine/ref/rope.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';

let rt: GpuRuntime;
beforeAll(async () => {
  rt = await GpuRuntime.create();
});
afterAll(() => rt?.destroy());

function randn(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('rope kernels vs twin', () => {
  const cases = [
    { B: 1, T: 1, NH: 4, HS: 8, theta: 10000, pos: [0] },
    { B: 2, T: 7, NH: 2, HS: 16, theta: 1000000, pos: null },
    { B: 1, T: 33, NH: 4, HS: 8, theta: 500000, pos: 'large' as const },
  ];
  for (const c of cases) {
    it(`B=${c.B} T=${c.T} NH=${c.NH} HS=${c.HS} theta=${c.theta}${c.pos === 'large' ? ' positions up to 60000' : ''}`, async () => {
      const { B, T, NH, HS, theta } = c;
      const rng = new Rng(B * 100 + T);
      const pos = new Uint32Array(B * T);
      for (let i = 0; i < B * T; i++) pos[i] = c.pos === 'large' ? 60000 - 1700 * i : c.pos ? c.pos[i] : (i % T) + 3 * Math.floor(i / T);
      const inv = ref.ropeInvFreq(HS, theta);
      const x = randn(B * T * NH * HS, rng);
      const gx = rt.upload(x, [B, T, NH * HS]);
      const gpos = rt.upload(pos, [B, T]);
      const ginv = rt.upload(inv, [HS / 2]);
      gpu.ropeForward(rt, gx, gpos, ginv, B, T, NH, HS);
      const yGpu = await rt.read(gx);
      const y = Float64Array.from(x);
      ref.ropeForward(host(y), host(pos), host(inv), B, T, NH, HS);
      const dF = maxAbsDiff(yGpu, y);
      const dy = randn(x.length, rng);
      rt.write(gx, dy);
      gpu.ropeBackward(rt, gx, gpos, ginv, B, T, NH, HS);
      const dxGpu = await rt.read(gx);
      const dx = Float64Array.from(dy);
      ref.ropeBackward(host(dx), host(pos), host(inv), B, T, NH, HS);
      const dB = maxAbsDiff(dxGpu, dx);
      console.log(`rope B=${B} T=${T} NH=${NH} HS=${HS}: forward max abs diff ${dF.toExponential(2)}, backward ${dB.toExponential(2)}`);
      expect(dF).toBeLessThan(1e-6);
      expect(dB).toBeLessThan(1e-6);
      for (const t of [gx, gpos, ginv]) rt.release(t);
    });
  }

  it('rejects a position buffer of the wrong size', () => {
    const x = rt.empty([1, 2, 8]);
    const p = rt.upload(new Uint32Array(3), [3]);
    const inv = rt.upload(ref.ropeInvFreq(8, 10000), [4]);
    expect(() => gpu.ropeForward(rt, x, p, inv, 1, 2, 1, 8)).toThrow(/pos has 3 elements, expected B\*T = 2/);
  });
});

describe('q and k rotated in one dispatch', () => {
  it('ropeQkForward / ropeQkBackward match the twins (B=2, T=5, NH=4, NKV=2, HS=16, positions up to 3000)', async () => {
    const [B, T, NH, NKV, HS] = [2, 5, 4, 2, 16];
    const rng = new Rng(31);
    const q = randn(B * T * NH * HS, rng);
    const k = randn(B * T * NKV * HS, rng);
    const pos = Uint32Array.from({ length: B * T }, (_, i) => (i * 613) % 3001);
    const invFreq = ref.ropeInvFreq(HS, 10000);
    const g = { q: rt.upload(q, [B, T, NH, HS]), k: rt.upload(k, [B, T, NKV, HS]), pos: rt.upload(pos, [B, T]), f: rt.upload(invFreq, [HS / 2]) };
    gpu.ropeQkForward(rt, g.q, g.k, g.pos, g.f, B, T, NH, NKV, HS);
    const [rq, rk] = [q.slice(), k.slice()];
    ref.ropeQkForward(host(rq), host(rk), host(pos), host(invFreq), B, T, NH, NKV, HS);
    let d = 0;
    for (const [a, b] of [
      [await rt.read(g.q), rq],
      [await rt.read(g.k), rk],
    ]) {
      for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    gpu.ropeQkBackward(rt, g.q, g.k, g.pos, g.f, B, T, NH, NKV, HS);
    let back = 0;
    for (const [a, b] of [
      [await rt.read(g.q), q],
      [await rt.read(g.k), k],
    ]) {
      for (let i = 0; i < a.length; i++) back = Math.max(back, Math.abs(a[i] - b[i]));
    }
    console.log(`ropeQk: max abs diff to the twin ${d.toExponential(2)}, forward then backward vs the input ${back.toExponential(2)}`);
    expect(d).toBeLessThan(1e-5);
    expect(back).toBeLessThan(1e-5);
  });
});
