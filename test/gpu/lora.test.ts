// LoRA forward/backward on SwiftShader against the twin (dinp contribution, dA, dB), odd sizes.
import { expect, it } from 'vitest';
import * as gpu from '../../src/engine/ops/lora.ts';
import * as ref from '../../src/engine/ref/lora.ts';
import { compare, randn, runtime } from './helpers.ts';
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
