// GEMM on SwiftShader against the twin: every transpose/accumulate variant at sizes off the tile grid and at
// sizes where the vec4 loads and stores apply, for both kernel profiles (tiled, and barrier-free for software).
import { describe, expect, it } from 'vitest';
import * as gpu from '../../src/engine/ops/matmul.ts';
import * as ref from '../../src/engine/ref/matmul.ts';
import { compare, PROFILES, randn, runtime } from './helpers.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';

for (const profile of PROFILES) {
  describe(`${profile} kernels`, () => {
    it('matmulForward / matmulBackward match the twins (N=37, I=70, O=65)', async () => {
      const rt = await runtime();
      rt.profile = profile;
      const [N, I, O] = [37, 70, 65];
      const inp = randn(1, N * I);
      const W = randn(2, O * I, 0.2);
      const dout = randn(3, N * O);
      const tOut = rt.empty([N, O]);
      const tDinp = rt.empty([N, I]);
      const tW = rt.upload(W, [O, I]);
      gpu.matmulForward(rt, tOut, rt.upload(inp, [N, I]), tW);
      gpu.matmulBackward(rt, tDinp, rt.upload(dout, [N, O]), tW);
      const out = new Float32Array(N * O);
      const dinp = new Float32Array(N * I);
      ref.matmulForward(host(out, [N, O]), host(inp, [N, I]), host(W, [O, I]));
      ref.matmulBackward(host(dinp, [N, I]), host(dout, [N, O]), host(W, [O, I]));
      expect(compare('matmulForward out', await rt.read(tOut), out)).toBeLessThan(1e-4);
      expect(compare('matmulBackward dinp', await rt.read(tDinp), dinp)).toBeLessThan(1e-4);
    });

    for (const [M, N, K] of [
      [67, 5, 131],
      [64, 32, 48],
      [36, 8, 64],
      [8, 40, 36],
    ] as const) {
      it(`gemm handles transA / transB / accumulate / alpha (M=${M}, N=${N}, K=${K})`, async () => {
        const rt = await runtime();
        rt.profile = profile;
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            const accumulate = transA !== transB;
            const a = randn(10, M * K);
            const b = randn(11, K * N);
            const c0 = randn(12, M * N);
            const tc = rt.upload(c0, [M, N]);
            gpu.gemm(rt, tc, rt.upload(a, transA ? [K, M] : [M, K]), rt.upload(b, transB ? [N, K] : [K, N]), { transA, transB, accumulate, alpha: 0.75 });
            const c = c0.slice();
            ref.gemm(host(c, [M, N]), host(a, transA ? [K, M] : [M, K]), host(b, transB ? [N, K] : [K, N]), { transA, transB, accumulate, alpha: 0.75 });
            expect(compare(`gemm transA=${transA} transB=${transB} accumulate=${accumulate}`, await rt.read(tc), c)).toBeLessThan(1e-4);
          }
        }
      });
    }

    it('covers several 64-wide tiles on both axes with a short K (M=130, N=70, K=17)', async () => {
      const rt = await runtime();
      rt.profile = profile;
      const [M, N, K] = [130, 70, 17];
      const a = randn(20, M * K);
      const b = randn(21, N * K);
      const tc = rt.empty([M, N]);
      gpu.gemm(rt, tc, rt.upload(a, [M, K]), rt.upload(b, [N, K]), { transB: true });
      const c = new Float32Array(M * N);
      ref.gemm(host(c, [M, N]), host(a, [M, K]), host(b, [N, K]), { transB: true });
      expect(compare('gemm 130x70x17', await rt.read(tc), c)).toBeLessThan(1e-5);
    });
  });
}

it('rejects mismatched shapes with both shapes in the message', async () => {
  const rt = await runtime();
  expect(() => gpu.matmulForward(rt, rt.empty([3, 4]), rt.empty([3, 5]), rt.empty([4, 6]))).toThrow(/W must be \(O, I\) = \(4, 5\).*got W \(4, 6\)/);
});
