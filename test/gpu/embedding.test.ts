// Embedding gather and scatter-add backward on SwiftShader against the twins, with repeated ids.
import { expect, it } from 'vitest';
import * as gpu from '../../src/engine/ops/embedding.ts';
import * as ref from '../../src/engine/ref/embedding.ts';
import { compare, randIds, randn, runtime } from './helpers.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';

it('embedding forward/backward match the twins (N=37, C=29, V=53)', async () => {
  const rt = await runtime();
  const [N, C, V] = [37, 29, 53];
  const ids = randIds(1, N, V);
  ids[5] = ids[6] = ids[30] = 7; // repeats must add up in the backward
  const wte = randn(2, V * C);
  const dout = randn(3, N * C);
  const dwte0 = randn(4, V * C, 0.1);
  const tIds = rt.upload(ids, [N]);
  const tWte = rt.upload(wte, [V, C]);
  const tOut = rt.empty([N, C]);
  const tDout = rt.upload(dout, [N, C]);
  const tDwte = rt.upload(dwte0, [V, C]);
  gpu.embeddingForward(rt, tOut, tIds, tWte);
  gpu.embeddingBackward(rt, tDwte, tDout, tIds);
  const out = new Float32Array(N * C);
  ref.embeddingForward(host(out, [N, C]), host(ids), host(wte, [V, C]));
  const dwte = dwte0.slice();
  ref.embeddingBackward(host(dwte, [V, C]), host(dout, [N, C]), host(ids));
  expect(compare('embeddingForward out', await rt.read(tOut), out)).toBe(0);
  expect(compare('embeddingBackward dwte', await rt.read(tDwte), dwte)).toBeLessThan(1e-5);
});
