// Tiled GEMM with workgroup memory, and the frozen linear layer out = inp @ W^T (HF W: (O, I)). Twin: ref/matmul.ts.
// Each 16x16 workgroup computes a 64x64 tile of C (8x8 → 32x32 for thin products), each thread a 4x4 block, stepping K by 16;
// loads and stores are bounds-checked so any M, N, K work, not only multiples of the tile. A packed b (a frozen
// bf16, f16 or q4 weight, packed.ts) is unpacked to f32 as its tile is loaded; the products accumulate in f32.
import type { GpuRuntime } from '../runtime.ts';
import { shapeStr, type GpuTensor, type OpDescription } from '../op.ts';
import { rows2d, variants } from './common.ts';
import { formatFact, formatOfFact, scaleBase, wgslElementReader } from '../packed.ts';

const BK = 16;

/** Workgroup side (threads per axis); each thread computes 4x4 outputs, so a workgroup covers 4*side. */
type GemmSide = 8 | 16;

export interface GemmOptions {
  transA?: boolean; // a stored (K, M) instead of (M, K)
  transB?: boolean; // b stored (N, K) instead of (K, N)
  accumulate?: boolean; // c += ... instead of c = ...
  alpha?: number; // scales the product
}

/** How b's elements are read: `b[i]` for f32, an unpacking function for a packed weight. */
function bReader(fact: string): { decl: string; at: (idx: string) => string } {
  if (fact === 'f32') return { decl: '', at: (idx) => `b[${idx}]` };
  const format = formatOfFact(fact);
  return { decl: wgslElementReader(format, 'bAt', 'b', 'u.bBase'), at: (idx) => `bAt(${idx})` };
}

const gemmOp = variants((transA: boolean, transB: boolean, accumulate: boolean, side: GemmSide, bFormat: string): OpDescription => {
  const rb = bReader(bFormat);
  const TILE = 4 * side;
  const threads = side * side;
  const loads = (TILE * BK) / threads;
  // Each thread loads 4 elements of each 1024-element tile; the read order follows memory order.
  const loadA = transA
    ? `let k = e / TILE; let m = e % TILE; let gm = m0 + m; let gk = k0 + k;
      As[k * TILE + m] = select(0.0, a[gk * u.M + gm], gm < u.M && gk < u.K);`
    : `let m = e / BK; let k = e % BK; let gm = m0 + m; let gk = k0 + k;
      As[k * TILE + m] = select(0.0, a[gm * u.K + gk], gm < u.M && gk < u.K);`;
  const loadB = transB
    ? `let n = e / BK; let k = e % BK; let gn = n0 + n; let gk = k0 + k;
      Bs[k * TILE + n] = select(0.0, ${rb.at('gn * u.K + gk')}, gn < u.N && gk < u.K);`
    : `let k = e / TILE; let n = e % TILE; let gn = n0 + n; let gk = k0 + k;
      Bs[k * TILE + n] = select(0.0, ${rb.at('gk * u.N + gn')}, gn < u.N && gk < u.K);`;
  const store = accumulate ? 'c[idx] = u.alpha * acc[i][j] + c[idx];' : 'c[idx] = u.alpha * acc[i][j];';
  const wgsl = `${rb.decl}
const TILE: u32 = ${TILE}u;
const BK: u32 = ${BK}u;
const SIDE: u32 = ${side}u;
var<workgroup> As: array<f32, ${TILE * BK}>;
var<workgroup> Bs: array<f32, ${TILE * BK}>;
@compute @workgroup_size(WG_X, WG_Y) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(local_invocation_id) lid3: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let n0 = wid.x * TILE;
  let m0 = wid.y * TILE;
  let tx = lid3.x;
  let ty = lid3.y;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < u.K; k0 = k0 + BK) {
    for (var r = 0u; r < ${loads}u; r = r + 1u) {
      let e = lid + r * ${threads}u;
      ${loadA}
    }
    for (var r = 0u; r < ${loads}u; r = r + 1u) {
      let e = lid + r * ${threads}u;
      ${loadB}
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k = k + 1u) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i = i + 1u) { av[i] = As[k * TILE + ty + SIDE * i]; bv[i] = Bs[k * TILE + tx + SIDE * i]; }
      for (var i = 0u; i < 4u; i = i + 1u) {
        for (var j = 0u; j < 4u; j = j + 1u) { acc[i][j] = acc[i][j] + av[i] * bv[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i = i + 1u) {
    let gm = m0 + ty + SIDE * i;
    for (var j = 0u; j < 4u; j = j + 1u) {
      let gn = n0 + tx + SIDE * j;
      if (gm < u.M && gn < u.N) {
        let idx = gm * u.N + gn;
        ${store}
      }
    }
  }
}`;
  return {
    name: 'matmul_gemm',
    workgroupSize: [side, side],
    facts: { transA, transB, accumulate, tile: TILE, bk: BK, ...(bFormat === 'f32' ? {} : { b: bFormat }) },
    bindings: [
      { name: 'c', access: 'read_write' },
      { name: 'a', access: 'read' },
      { name: 'b', access: 'read', type: bFormat === 'f32' ? 'f32' : 'u32' },
    ],
    uniforms: [['M', 'u32'], ['N', 'u32'], ['K', 'u32'], ['alpha', 'f32'], ...(bFormat.startsWith('q4') ? ([['bBase', 'u32']] as const) : [])],
    wgsl,
  };
});

/** c (M, N) = alpha * op(a) (M, K) @ op(b) (K, N) [+ c]; sizes come from c and a (leading dims flattened). */
export function gemm(rt: GpuRuntime, c: GpuTensor, a: GpuTensor, b: GpuTensor, opts: GemmOptions = {}): void {
  const [M, N] = rows2d(c);
  const [ar, ac] = rows2d(a);
  const K = opts.transA ? ar : ac;
  const aM = opts.transA ? ac : ar;
  if (aM !== M) throw new Error(`gemm: a ${shapeStr(a.shape)}${opts.transA ? ' (transposed)' : ''} has ${aM} rows, c ${shapeStr(c.shape)} has ${M}`);
  if (b.size !== K * N) {
    throw new Error(
      `gemm: b ${shapeStr(b.shape)} must hold ${opts.transB ? `(${N}, ${K})` : `(${K}, ${N})`} = ${K * N} elements for c ${shapeStr(c.shape)} and K = ${K}`,
    );
  }
  // Thin products (LoRA's rank-R side) waste most of a 64-wide tile: use 32-wide tiles there.
  const side: GemmSide = Math.min(M, N) <= 32 ? 8 : 16;
  if (c.format || a.format) throw new Error(`gemm: only b may be a packed weight (c ${shapeStr(c.shape)}, a ${shapeStr(a.shape)})`);
  const op = gemmOp(!!opts.transA, !!opts.transB, !!opts.accumulate, side, formatFact(b.format));
  const values = { M, N, K, alpha: opts.alpha ?? 1, bBase: scaleBase(b.format, K * N) };
  rt.run(op, { c, a, b }, values, [Math.ceil(N / (4 * side)), Math.ceil(M / (4 * side)), 1]);
}

/** out (N, O) = inp (N, I) @ W^T with W (O, I) frozen. */
export function matmulForward(rt: GpuRuntime, out: GpuTensor, inp: GpuTensor, W: GpuTensor): void {
  checkLinear('matmulForward', inp, W, out);
  gemm(rt, out, inp, W, { transB: true });
}

/** dinp (N, I) = dout (N, O) @ W (written, or added with accumulate); W is frozen so there is no dW. */
export function matmulBackward(rt: GpuRuntime, dinp: GpuTensor, dout: GpuTensor, W: GpuTensor, accumulate = false): void {
  checkLinear('matmulBackward', dinp, W, dout);
  gemm(rt, dinp, dout, W, { accumulate });
}

function checkLinear(where: string, x: GpuTensor, W: GpuTensor, y: GpuTensor): void {
  const [N, I] = rows2d(x);
  const [Ny, O] = rows2d(y);
  if (W.shape.length !== 2 || W.shape[0] !== O || W.shape[1] !== I || N !== Ny) {
    throw new Error(`${where}: W must be (O, I) = (${O}, ${I}) for input ${shapeStr(x.shape)} and output ${shapeStr(y.shape)}, got W ${shapeStr(W.shape)}`);
  }
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { gemm, matmulForward, matmulBackward };
export { twins } from '../ref/matmul.ts';
