// Reference twin of ops/embedding.ts: token embedding gather and its scatter-add backward.
import { expectSizes, floats, weightFloats, type RefTensor } from './tensor.ts';

function checkId(id: number, n: number, V: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= V) throw new Error(`embedding: ids[${n}] = ${id} is outside the vocabulary [0, ${V})`);
}

/** out[n, :] = wte[ids[n], :]   out (N, C), ids (N), wte (V, C) */
export function embeddingForward(out: RefTensor, ids: RefTensor, wte: RefTensor): void {
  const [V, C] = [wte.shape[0], wte.shape[1]];
  const N = ids.size;
  expectSizes('embeddingForward', [['out', out, N * C]]);
  const o = floats('embeddingForward out', out),
    w = weightFloats('embeddingForward wte', wte);
  for (let n = 0; n < N; n++) {
    const id = ids.data[n];
    checkId(id, n, V);
    for (let c = 0; c < C; c++) o[n * C + c] = w[id * C + c];
  }
}

/** dwte[ids[n], :] += dout[n, :]   dwte (V, C) accumulates, dout (N, C), ids (N) */
export function embeddingBackward(dwte: RefTensor, dout: RefTensor, ids: RefTensor): void {
  const [V, C] = [dwte.shape[0], dwte.shape[1]];
  const N = ids.size;
  expectSizes('embeddingBackward', [['dout', dout, N * C]]);
  const dw = floats('embeddingBackward dwte', dwte),
    g = floats('embeddingBackward dout', dout);
  for (let n = 0; n < N; n++) {
    const id = ids.data[n];
    checkId(id, n, V);
    for (let c = 0; c < C; c++) dw[id * C + c] += g[n * C + c];
  }
}

/** out[n] = part[ids[n] - r0] for ids in [r0, r0 + rows of part); other rows of out are left as they are. */
export function embeddingForwardRows(out: RefTensor, ids: RefTensor, part: RefTensor, r0: number): void {
  const [V, C] = [part.shape[0], part.shape[1]];
  const N = ids.size;
  expectSizes('embeddingForwardRows', [['out', out, N * C]]);
  const o = floats('embeddingForwardRows out', out),
    w = weightFloats('embeddingForwardRows part', part);
  for (let n = 0; n < N; n++) {
    const id = ids.data[n] - r0;
    if (id < 0 || id >= V) continue;
    for (let c = 0; c < C; c++) o[n * C + c] = w[id * C + c];
  }
}

export const twins = { embeddingForward, embeddingForwardRows, embeddingBackward };
