// RMSNorm forward/backward on SwiftShader against the twin: odd and long rows, a zero row, Gemma's 1 + weight.
import { expect, it } from 'vitest';
import * as gpu from '../../src/engine/ops/rmsnorm.ts';
import * as ref from '../../src/engine/ref/rmsnorm.ts';
import { compare, compareRel, randn, runtime } from './helpers.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';

for (const [N, C, offset] of [
  [7, 37, 0],
  [3, 1000, 0],
  [5, 300, 1],
] as const) {
  it(`rmsnorm matches the twin (N=${N}, C=${C}, weightOffset=${offset})`, async () => {
    const rt = await runtime();
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
