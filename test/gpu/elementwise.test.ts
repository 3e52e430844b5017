// Bias add, residual, SwiGLU, GeGLU and the logit soft cap on SwiftShader against the twins, with saturating gates.
import { expect, it } from 'vitest';
import * as gpuBias from '../../src/engine/ops/bias.ts';
import * as refBias from '../../src/engine/ref/bias.ts';
import * as gpuRes from '../../src/engine/ops/residual.ts';
import * as refRes from '../../src/engine/ref/residual.ts';
import * as gpuSw from '../../src/engine/ops/swiglu.ts';
import * as refSw from '../../src/engine/ref/swiglu.ts';
import * as gpuGe from '../../src/engine/ops/geglu.ts';
import * as refGe from '../../src/engine/ref/geglu.ts';
import { compare, randn, runtime } from './helpers.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';

it('bias forward/backward match the twin (N=23, O=77)', async () => {
  const rt = await runtime();
  const [N, O] = [23, 77];
  const out0 = randn(1, N * O);
  const bias = randn(2, O);
  const dout = randn(3, N * O);
  const dbias0 = randn(4, O);
  const tOut = rt.upload(out0, [N, O]);
  const tDbias = rt.upload(dbias0, [O]);
  gpuBias.biasForward(rt, tOut, rt.upload(bias, [O]));
  gpuBias.biasBackward(rt, tDbias, rt.upload(dout, [N, O]));
  const out = out0.slice();
  const dbias = dbias0.slice();
  refBias.biasForward(host(out, [N, O]), host(bias));
  refBias.biasBackward(host(dbias), host(dout, [N, O]));
  expect(compare('biasForward out', await rt.read(tOut), out)).toBeLessThan(1e-6);
  expect(compare('biasBackward dbias', await rt.read(tDbias), dbias)).toBeLessThan(1e-5);
});

it('residual forward/backward match the twin (n=1001)', async () => {
  const rt = await runtime();
  const n = 1001;
  const [a, b, dout, d1, d2] = [1, 2, 3, 4, 5].map((s) => randn(s, n));
  const tOut = rt.empty([n]);
  const t1 = rt.upload(d1, [n]);
  const t2 = rt.upload(d2, [n]);
  gpuRes.residualForward(rt, tOut, rt.upload(a, [n]), rt.upload(b, [n]));
  gpuRes.residualBackward(rt, t1, t2, rt.upload(dout, [n]));
  const out = new Float32Array(n);
  const r1 = d1.slice();
  const r2 = d2.slice();
  refRes.residualForward(host(out), host(a), host(b));
  refRes.residualBackward(host(r1), host(r2), host(dout));
  expect(compare('residualForward out', await rt.read(tOut), out)).toBe(0);
  expect(compare('residualBackward dinp1', await rt.read(t1), r1)).toBe(0);
  expect(compare('residualBackward dinp2', await rt.read(t2), r2)).toBe(0);
});

it('swiglu forward/backward match the twin, including gates of ±100 (n=999)', async () => {
  const rt = await runtime();
  const n = 999;
  const gate = randn(1, n, 3);
  gate[0] = 100;
  gate[1] = -100;
  gate[2] = 0;
  const up = randn(2, n);
  const dout = randn(3, n);
  const t = { out: rt.empty([n]), dgate: rt.empty([n]), dup: rt.empty([n]), gate: rt.upload(gate, [n]), up: rt.upload(up, [n]), dout: rt.upload(dout, [n]) };
  gpuSw.swigluForward(rt, t.out, t.gate, t.up);
  gpuSw.swigluBackward(rt, t.dgate, t.dup, t.dout, t.gate, t.up);
  const out = new Float32Array(n);
  const dgate = new Float32Array(n);
  const dup = new Float32Array(n);
  refSw.swigluForward(host(out), host(gate), host(up));
  refSw.swigluBackward(host(dgate), host(dup), host(dout), host(gate), host(up));
  expect(compare('swiglu out', await rt.read(t.out), out)).toBeLessThan(1e-4);
  expect(compare('swiglu dgate', await rt.read(t.dgate), dgate)).toBeLessThan(1e-4);
  expect(compare('swiglu dup', await rt.read(t.dup), dup)).toBeLessThan(1e-4);
});

it('geglu and the logit soft cap match their twins, including gates of ±100 and logits of ±500 (n=999)', async () => {
  const rt = await runtime();
  const n = 999;
  const gate = randn(11, n, 3);
  gate[0] = 100;
  gate[1] = -100;
  gate[2] = 0;
  const up = randn(12, n);
  const dout = randn(13, n);
  const t = { out: rt.empty([n]), dgate: rt.empty([n]), dup: rt.empty([n]), gate: rt.upload(gate, [n]), up: rt.upload(up, [n]), dout: rt.upload(dout, [n]) };
  gpuGe.gegluForward(rt, t.out, t.gate, t.up);
  gpuGe.gegluBackward(rt, t.dgate, t.dup, t.dout, t.gate, t.up);
  const [out, dgate, dup] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  refGe.gegluForward(host(out), host(gate), host(up));
  refGe.gegluBackward(host(dgate), host(dup), host(dout), host(gate), host(up));
  expect(compare('gegluForward out', await rt.read(t.out), out)).toBeLessThan(1e-5);
  expect(compare('gegluBackward dgate', await rt.read(t.dgate), dgate)).toBeLessThan(1e-5);
  expect(compare('gegluBackward dup', await rt.read(t.dup), dup)).toBeLessThan(1e-5);

  const x = randn(14, n, 40);
  x[0] = 500;
  x[1] = -500;
  const cap = 30;
  const tx = rt.upload(x, [n]);
  const ty = rt.empty([n]);
  const td = rt.upload(dout, [n]);
  gpuGe.softcapForward(rt, ty, tx, cap);
  const tdx = rt.empty([n]);
  gpuGe.softcapBackward(rt, tdx, td, tx, cap);
  gpuGe.softcapBackward(rt, td, td, tx, cap); // in place, as on the logits
  const [y, dx] = [new Float32Array(n), new Float32Array(n)];
  refGe.softcapForward(host(y), host(x), cap);
  refGe.softcapBackward(host(dx), host(dout), host(x), cap);
  expect(compare('softcapForward out', await rt.read(ty), y)).toBeLessThan(1e-5);
  expect(compare('softcapBackward dinp', await rt.read(tdx), dx)).toBeLessThan(1e-5);
  expect(compare('softcapBackward in place', await rt.read(td), dx)).toBeLessThan(1e-5);
});
