// LoRA forward/backward on SwiftShader against the twin (dinp contribution, dA, dB), odd sizes; and the frozen
// linear with its LoRA path fused (f32 and packed W, both kernel profiles).
import { expect, it } from 'vitest';
import * as gpu from '../../src/engine/ops/lora.ts';
import * as ref from '../../src/engine/ref/lora.ts';
import { compare, PROFILES, randn, runtime } from './helpers.ts';
import { packFloats, unpack } from '../../src/engine/packed.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';

it('lora forward/backward match the twin (N=19, I=45, O=33, R=3)', async () => {
  const rt = await runtime();
  const [N, I, O, R] = [19, 45, 33, 3];
  const scale = 16 / R;
  const inp = randn(1, N * I);
  const A = randn(2, R * I, 0.3);
  const B = randn(3, O * R, 0.3);
  const out0 = randn(4, N * O);
  const dout = randn(5, N * O);
  const dinp0 = randn(6, N * I);
  const dA0 = randn(7, R * I, 0.1);
  const dB0 = randn(8, O * R, 0.1);
  const t = {
    inp: rt.upload(inp, [N, I]),
    A: rt.upload(A, [R, I]),
    B: rt.upload(B, [O, R]),
    out: rt.upload(out0, [N, O]),
    h: rt.empty([N, R]),
    dh: rt.empty([N, R]),
    dout: rt.upload(dout, [N, O]),
    dinp: rt.upload(dinp0, [N, I]),
    dA: rt.upload(dA0, [R, I]),
    dB: rt.upload(dB0, [O, R]),
  };
  rt.beginStep();
  gpu.loraForward(rt, t.out, t.h, t.inp, t.A, t.B, scale);
  gpu.loraBackward(rt, t.dinp, t.dA, t.dB, t.dh, t.dout, t.inp, t.A, t.B, t.h, scale);
  rt.submit();
  const out = out0.slice();
  const h = new Float32Array(N * R);
  const dh = new Float32Array(N * R);
  const dinp = dinp0.slice();
  const dA = dA0.slice();
  const dB = dB0.slice();
  ref.loraForward(host(out, [N, O]), host(h, [N, R]), host(inp, [N, I]), host(A, [R, I]), host(B, [O, R]), scale);
  ref.loraBackward(
    host(dinp, [N, I]),
    host(dA, [R, I]),
    host(dB, [O, R]),
    host(dh, [N, R]),
    host(dout, [N, O]),
    host(inp, [N, I]),
    host(A, [R, I]),
    host(B, [O, R]),
    host(h, [N, R]),
    scale,
  );
  expect(compare('lora out', await rt.read(t.out), out)).toBeLessThan(1e-4);
  expect(compare('lora h', await rt.read(t.h), h)).toBeLessThan(1e-4);
  expect(compare('lora dinp', await rt.read(t.dinp), dinp)).toBeLessThan(1e-4);
  expect(compare('lora dA', await rt.read(t.dA), dA)).toBeLessThan(1e-3);
  expect(compare('lora dB', await rt.read(t.dB), dB)).toBeLessThan(1e-3);
});

for (const profile of PROFILES) {
  for (const format of [null, { kind: 'bf16' } as const]) {
    it(`loraLinearForward / loraLinearBackward (LoRA in the frozen GEMM's epilogue) match the twins (N=19, I=64, O=36, R=8, W ${format?.kind ?? 'f32'}, ${profile} kernels)`, async () => {
      const rt = await runtime();
      rt.profile = profile;
      const [N, I, O, R, scale] = [19, 64, 36, 8, 0.5];
      const inp = randn(41, N * I);
      const W = randn(42, O * I, 0.2);
      const A = randn(43, R * I, 0.3);
      const B = randn(44, O * R, 0.3);
      const dout = randn(45, N * O);
      const dinp0 = randn(46, N * I);
      const dA0 = randn(47, R * I, 0.1);
      const dB0 = randn(48, O * R, 0.1);
      const tW = format ? rt.uploadPacked(packFloats(format, W, [O, I]), [O, I], format) : rt.upload(W, [O, I]);
      const Wh = format ? unpack(format, packFloats(format, W, [O, I]), O * I) : W;
      const g = {
        out: rt.empty([N, O]),
        h: rt.empty([N, R]),
        inp: rt.upload(inp, [N, I]),
        A: rt.upload(A, [R, I]),
        B: rt.upload(B, [O, R]),
        dout: rt.upload(dout, [N, O]),
        dinp: rt.upload(dinp0, [N, I]),
        dA: rt.upload(dA0, [R, I]),
        dB: rt.upload(dB0, [O, R]),
        dh: rt.empty([N, R]),
      };
      rt.beginStep();
      gpu.loraLinearForward(rt, g.out, g.h, g.inp, tW, g.A, g.B, scale);
      gpu.loraLinearBackward(rt, g.dinp, g.dA, g.dB, g.dh, g.dout, g.inp, tW, g.A, g.B, g.h, scale, true);
      rt.submit();
      const out = new Float32Array(N * O);
      const h = new Float32Array(N * R);
      const [dinp, dA, dB, dh] = [dinp0.slice(), dA0.slice(), dB0.slice(), new Float32Array(N * R)];
      ref.loraLinearForward(host(out, [N, O]), host(h, [N, R]), host(inp, [N, I]), host(Wh, [O, I]), host(A, [R, I]), host(B, [O, R]), scale);
      ref.loraLinearBackward(
        host(dinp, [N, I]),
        host(dA, [R, I]),
        host(dB, [O, R]),
        host(dh, [N, R]),
        host(dout, [N, O]),
        host(inp, [N, I]),
        host(Wh, [O, I]),
        host(A, [R, I]),
        host(B, [O, R]),
        host(h, [N, R]),
        scale,
        true,
      );
      expect(compare('loraLinear out', await rt.read(g.out), out)).toBeLessThan(1e-4);
      expect(compare('loraLinear h', await rt.read(g.h), h)).toBeLessThan(1e-4);
      expect(compare('loraLinear dinp (accumulated)', await rt.read(g.dinp), dinp)).toBeLessThan(1e-4);
      expect(compare('loraLinear dA', await rt.read(g.dA), dA)).toBeLessThan(1e-4);
      expect(compare('loraLinear dB', await rt.read(g.dB), dB)).toBeLessThan(1e-4);
      for (const t of [tW, ...Object.values(g)]) rt.release(t);
    });
  }
}
