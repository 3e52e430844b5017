// Reference twin of ops/embedding.ts: token embedding gather and its scatter-add backward.
import type { FloatArray, IndexArray } from './array.ts';

function checkId(id: number, n: number, V: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= V) throw new Error(`embedding: ids[${n}] = ${id} is outside the vocabulary [0, ${V})`);
}

/** out[n, :] = wte[ids[n], :]   out (N, C), ids (N), wte (V, C) */
export function embeddingForward(out: FloatArray, ids: IndexArray, wte: FloatArray, N: number, C: number, V: number): void {
  for (let n = 0; n < N; n++) {
    const id = ids[n];
    checkId(id, n, V);
    for (let c = 0; c < C; c++) out[n * C + c] = wte[id * C + c];
  }
}

/** dwte[ids[n], :] += dout[n, :]   dwte (V, C) accumulates, dout (N, C), ids (N) */
export function embeddingBackward(dwte: FloatArray, dout: FloatArray, ids: IndexArray, N: number, C: number, V: number): void {
  for (let n = 0; n < N; n++) {
    const id = ids[n];
    checkId(id, n, V);
    for (let c = 0; c < C; c++) dwte[id * C + c] += dout[n * C + c];
  }
}
