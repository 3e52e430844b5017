// RMSNorm forward/backward on SwiftShader against the twin: odd and long rows, a zero row, Gemma's 1 + weight;
// the fused residual forward and the accumulating backward; both kernel profiles.
import { expect, it } from 'vitest';
import * as gpu from '../../src/engine/ops/rmsnorm.ts';
import * as ref from '../../src/engine/ref/rmsnorm.ts';
import { compare, compareRel, PROFILES, randn, runtime } from './helpers.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';

for (const [N, C, offset, profile] of PROFILES.flatMap((p) =>
  (
    [
      [7, 37, 0],
      [3, 1000, 0],
      [5, 300, 1],
    ] as const
  ).map(([n, c, o]) => [n, c, o, p] as const),
)) {
  it(`rmsnorm matches the twin (N=${N}, C=${C}, weightOffset=${offset}, ${profile} kernels)`, async () => {
    const rt = await runtime();
    rt.profile = profile;
    const eps = 1e-6;
    const inp = randn(1, N * C, 3);
    inp.fill(0, C, 2 * C); // a zero row
    const weight = randn(2, C);
    const dout = randn(3, N * C);
    const dweight0 = randn(4, C, 0.1);
    const t = {
      inp: rt.upload(inp, [N, C]),
      weight: rt.upload(weight, [C]),
      out: rt.empty([N, C]),
      rstd: rt.empty([N]),
      dout: rt.upload(dout, [N, C]),
      dinp: rt.empty([N, C]),
      dweight: rt.upload(dweight0, [C]),
    };
    rt.beginStep();
    gpu.rmsnormForward(rt, t.out, t.rstd, t.inp, t.weight, eps, offset);
    gpu.rmsnormBackward(rt, t.dinp, t.dweight, t.dout, t.inp, t.weight, t.rstd, offset);
    rt.submit();
    const out = new Float32Array(N * C);
    const rstd = new Float32Array(N);
    const dinp = new Float32Array(N * C);
    const dweight = dweight0.slice();
    ref.rmsnormForward(host(out, [N, C]), host(rstd), host(inp, [N, C]), host(weight), eps, offset);
    ref.rmsnormBackward(host(dinp, [N, C]), host(dweight), host(dout, [N, C]), host(inp, [N, C]), host(weight), host(rstd), offset);
    expect(compare('rmsnorm out', await rt.read(t.out), out)).toBeLessThan(1e-4);
    expect(compareRel('rmsnorm rstd', await rt.read(t.rstd), rstd)).toBeLessThan(1e-6); // zero row: rstd = 1e3
    expect(compareRel('rmsnorm dinp', await rt.read(t.dinp), dinp)).toBeLessThan(1e-6); // zero row: |dinp| ~ 1e3
    expect(compare('rmsnorm dweight', await rt.read(t.dweight), dweight)).toBeLessThan(1e-3);
  });
}

for (const profile of PROFILES) {
  it(`residual + rmsnorm forward and the accumulating backward match the twin (N=70, C=64, ${profile} kernels)`, async () => {
    const rt = await runtime();
    rt.profile = profile;
    const [N, C, eps, offset] = [70, 64, 1e-5, 0];
    const inp = randn(11, N * C, 2);
    const res = randn(12, N * C);
    const weight = randn(13, C);
    const dout = randn(14, N * C);
    const dinp0 = randn(15, N * C);
    const t = {
      inp: rt.upload(inp, [N, C]),
      res: rt.upload(res, [N, C]),
      weight: rt.upload(weight, [C]),
      out: rt.empty([N, C]),
      rstd: rt.empty([N]),
      dout: rt.upload(dout, [N, C]),
      dinp: rt.upload(dinp0, [N, C]),
    };
    rt.beginStep();
    gpu.rmsnormResidualForward(rt, t.out, t.rstd, t.inp, t.res, t.weight, eps, offset);
    gpu.rmsnormBackward(rt, t.dinp, null, t.dout, t.inp, t.weight, t.rstd, offset, true);
    rt.submit();
    const sum = inp.slice();
    const out = new Float32Array(N * C);
    const rstd = new Float32Array(N);
    const dinp = dinp0.slice();
    ref.rmsnormResidualForward(host(out, [N, C]), host(rstd), host(sum, [N, C]), host(res, [N, C]), host(weight), eps, offset);
    ref.rmsnormBackward(host(dinp, [N, C]), null, host(dout, [N, C]), host(sum, [N, C]), host(weight), host(rstd), offset, true);
    expect(compare('residual: inp + res', await rt.read(t.inp), sum)).toBeLessThan(1e-6);
    expect(compare('residual rmsnorm out', await rt.read(t.out), out)).toBeLessThan(1e-4);
    expect(compareRel('residual rmsnorm rstd', await rt.read(t.rstd), rstd)).toBeLessThan(1e-6);
    expect(compareRel('accumulated dinp', await rt.read(t.dinp), dinp)).toBeLessThan(1e-5);
  });
}
