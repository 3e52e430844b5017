// Tiled GEMM with workgroup memory, and the frozen linear layer out = inp @ W^T (HF W: (O, I)). Twin: ref/matmul.ts.
// Each 16x16 workgroup computes a 64x64 tile of C (8x8 → 32x32 for thin products, or where the adapter allows fewer
// than 256 invocations), each thread a 4x4 block, stepping K by 16; loads and stores are bounds-checked so any M, N, K
// work, not only multiples of the tile. Where a matrix's contiguous dimension is a multiple of 4 its tile loads are
// vec4 loads. A packed b (a frozen bf16, f16 or q4 weight, packed.ts) is unpacked to f32 as its tile is loaded; the
// products accumulate in f32. On a software adapter (rt.profile), where workgroup barriers are expensive, a
// barrier-free kernel computes each thread's 4x4 block straight from memory, with vec4 loads and stores where the
// shapes allow (the f32 path always works).
import type { GpuRuntime } from '../runtime.ts';
import { expectShape, shapeStr, type GpuTensor, type OpDescription } from '../op.ts';
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

/**
 * An optional low-rank term added in the epilogue: c[m][n] += beta * sum_r lx[m][r] * y(n, r), with lx (M, R) and
 * ly stored (N, R) ('nr': LoRA's B in the forward) or (R, N) ('rn': LoRA's A in the input gradient). '' = none.
 * It is not scaled by alpha.
 */
type LowRank = '' | 'nr' | 'rn';

export interface LowRankTerm {
  x: GpuTensor; // (M, R)
  y: GpuTensor; // (N, R) for 'nr', (R, N) for 'rn'
  layout: 'nr' | 'rn';
  beta: number;
}

/** WGSL of the low-rank term at (m, n): a function lowRankAt(m, n), or '' without one. */
function lowRankFn(lowRank: LowRank): string {
  if (!lowRank) return '';
  const y = lowRank === 'nr' ? 'ly[n * u.R + r]' : 'ly[r * u.N + n]';
  return `
fn lowRankAt(m: u32, n: u32) -> f32 {
  var s = 0.0;
  for (var r = 0u; r < u.R; r = r + 1u) { s = s + lx[m * u.R + r] * ${y}; }
  return u.beta * s;
}`;
}

const LOW_RANK_BINDINGS = [
  { name: 'lx', access: 'read' },
  { name: 'ly', access: 'read' },
] as const;

/** How b's elements are read: `b[i]` for f32, an unpacking function for a packed weight. */
function bReader(fact: string): { decl: string; at: (idx: string) => string } {
  if (fact === 'f32') return { decl: '', at: (idx) => `b[${idx}]` };
  const format = formatOfFact(fact);
  return { decl: wgslElementReader(format, 'bAt', 'b', 'u.bBase'), at: (idx) => `bAt(${idx})` };
}

/** Tile loads as vec4: along the contiguous dimension (k of a, or m of a transposed; k of b transposed, or n of b). */
function vecLoads(transA: boolean, transB: boolean): { loadA: string; loadB: string } {
  const loadA = transA
    ? `let k = e / TILE; let m = e % TILE; let gm = m0 + m; let gk = k0 + k;
      let v = select(vec4<f32>(0.0), a[(gk * u.M + gm) / 4u], gm < u.M && gk < u.K);
      for (var t = 0u; t < 4u; t = t + 1u) { As[k * TILE + m + t] = v[t]; }`
    : `let m = e / BK; let k = e % BK; let gm = m0 + m; let gk = k0 + k;
      let v = select(vec4<f32>(0.0), a[(gm * u.K + gk) / 4u], gm < u.M && gk < u.K);
      for (var t = 0u; t < 4u; t = t + 1u) { As[(k + t) * TILE + m] = v[t]; }`;
  const loadB = transB
    ? `let n = e / BK; let k = e % BK; let gn = n0 + n; let gk = k0 + k;
      let v = select(vec4<f32>(0.0), b[(gn * u.K + gk) / 4u], gn < u.N && gk < u.K);
      for (var t = 0u; t < 4u; t = t + 1u) { Bs[(k + t) * TILE + n] = v[t]; }`
    : `let k = e / TILE; let n = e % TILE; let gn = n0 + n; let gk = k0 + k;
      let v = select(vec4<f32>(0.0), b[(gk * u.N + gn) / 4u], gn < u.N && gk < u.K);
      for (var t = 0u; t < 4u; t = t + 1u) { Bs[k * TILE + n + t] = v[t]; }`;
  return { loadA, loadB };
}

const gemmOp = variants(
  (transA: boolean, transB: boolean, accumulate: boolean, side: GemmSide, bFormat: string, aVec: boolean, bVec: boolean, lowRank: LowRank): OpDescription => {
    const rb = bReader(bFormat);
    const TILE = 4 * side;
    const threads = side * side;
    const loads = (TILE * BK) / threads;
    const vec = vecLoads(transA, transB);
    // A vec4 load moves 4 consecutive elements, so a thread makes a quarter as many (e: the first of the 4).
    const loop = (isVec: boolean, load: string) =>
      isVec
        ? `for (var r = 0u; r < ${loads / 4}u; r = r + 1u) {
      let e = (lid + r * ${threads}u) * 4u;
      ${load}
    }`
        : `for (var r = 0u; r < ${loads}u; r = r + 1u) {
      let e = lid + r * ${threads}u;
      ${load}
    }`;
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
    const lr = lowRank ? ' + lowRankAt(gm, gn)' : '';
    const store = accumulate ? `c[idx] = u.alpha * acc[i][j]${lr} + c[idx];` : `c[idx] = u.alpha * acc[i][j]${lr};`;
    const wgsl = `${rb.decl}${lowRankFn(lowRank)}
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
    ${loop(aVec, aVec ? vec.loadA : loadA)}
    ${loop(bVec, bVec ? vec.loadB : loadB)}
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
      facts: {
        transA,
        transB,
        accumulate,
        tile: TILE,
        bk: BK,
        ...(bFormat === 'f32' ? {} : { b: bFormat }),
        ...(aVec ? { aVec } : {}),
        ...(bVec ? { bVec } : {}),
        ...(lowRank ? { lowRank } : {}),
      },
      bindings: [
        { name: 'c', access: 'read_write' },
        { name: 'a', access: 'read', type: aVec ? 'vec4<f32>' : 'f32' },
        { name: 'b', access: 'read', type: bVec ? 'vec4<f32>' : bFormat === 'f32' ? 'f32' : 'u32' },
        ...(lowRank ? LOW_RANK_BINDINGS : []),
      ],
      uniforms: gemmUniforms(bFormat, lowRank),
      wgsl,
    };
  },
);

function gemmUniforms(bFormat: string, lowRank: LowRank): OpDescription['uniforms'] {
  return [
    ['M', 'u32'],
    ['N', 'u32'],
    ['K', 'u32'],
    ['alpha', 'f32'],
    ...(bFormat.startsWith('q4') ? ([['bBase', 'u32']] as const) : []),
    ...(lowRank
      ? ([
          ['R', 'u32'],
          ['beta', 'f32'],
        ] as const)
      : []),
  ];
}

/** Threads per axis of the barrier-free kernel's workgroup; each thread computes a 4x4 block. */
const DIRECT_SIDE = 8;

/**
 * The barrier-free GEMM for software adapters: thread (x, y) computes c[4y..4y+3][4x..4x+3] from memory.
 * kVec: a and b both read as vec4 along k (c = a @ b^T with K % 4 == 0: every forward linear);
 * otherwise aVec: a read as vec4 along k (not transposed) or along m (transposed, M % 4 == 0);
 * nVec: b and c read as vec4 along n (N % 4 == 0).
 */
const directOp = variants(
  (transA: boolean, transB: boolean, accumulate: boolean, bFormat: string, kVec: boolean, aVec: boolean, nVec: boolean, lowRank: LowRank): OpDescription => {
    const rb = bReader(bFormat);
    const aAt = (m: string, k: string) => (transA ? `a[${k} * u.M + ${m}]` : `a[${m} * u.K + ${k}]`);
    const bAt = (k: string, n: string) => rb.at(transB ? `${n} * u.K + ${k}` : `${k} * u.N + ${n}`);
    // Unrolled here rather than in WGSL loops: four vec4 accumulators in registers, no dynamically indexed
    // arrays (which a CPU implementation may keep in memory).
    const I4 = [0, 1, 2, 3];
    const XYZW = ['x', 'y', 'z', 'w'];
    const rowOf = (i: number) => `min(m0 + ${i}u, u.M - 1u)`; // rows past M are read clamped and never stored
    const colOf = (j: number) => `min(n0 + ${j}u, u.N - 1u)`;
    // bv: b's row k (4 columns from n0) as a vec4.
    const bRow = (k: string) => (nVec ? `let bv = b[(${k} * u.N + n0) / 4u];` : `let bv = vec4<f32>(${I4.map((j) => bAt(k, colOf(j))).join(', ')});`);
    let inner: string;
    if (kVec) {
      inner = `let K4 = u.K / 4u;
  for (var k4 = 0u; k4 < K4; k4 = k4 + 1u) {
${I4.map((j) => `    let b${j} = b[${colOf(j)} * K4 + k4];`).join('\n')}
${I4.map((i) => `    let a${i} = a[${rowOf(i)} * K4 + k4];\n    acc${i} += vec4<f32>(dot(a${i}, b0), dot(a${i}, b1), dot(a${i}, b2), dot(a${i}, b3));`).join('\n')}
  }`;
    } else if (aVec && !transA) {
      // a's 4 rows as vec4 along k, then the 4 steps of k within them.
      inner = `let K4 = u.K / 4u;
  for (var k4 = 0u; k4 < K4; k4 = k4 + 1u) {
${I4.map((i) => `    let a${i} = a[${rowOf(i)} * K4 + k4];`).join('\n')}
${I4.map(
  (t) => `    {
      ${bRow(`(k4 * 4u + ${t}u)`)}
${I4.map((i) => `      acc${i} += a${i}.${XYZW[t]} * bv;`).join('\n')}
    }`,
).join('\n')}
  }`;
    } else {
      const aCol = aVec ? `let av = a[(k * u.M + m0) / 4u];` : `let av = vec4<f32>(${I4.map((i) => aAt(rowOf(i), 'k')).join(', ')});`;
      inner = `for (var k = 0u; k < u.K; k = k + 1u) {
    ${bRow('k')}
    ${aCol}
${I4.map((i) => `    acc${i} += av.${XYZW[i]} * bv;`).join('\n')}
  }`;
    }
    const lr4 = (i: number) => (lowRank ? ` + vec4<f32>(${I4.map((j) => `lowRankAt(m0 + ${i}u, n0 + ${j}u)`).join(', ')})` : '');
    const lr1 = (i: number) => (lowRank ? ` + lowRankAt(m0 + ${i}u, n0 + j)` : '');
    const store = I4.map((i) =>
      nVec
        ? `  if (m0 + ${i}u < u.M) {
    let idx = ((m0 + ${i}u) * u.N + n0) / 4u;
    c[idx] = ${accumulate ? `u.alpha * acc${i}${lr4(i)} + c[idx]` : `u.alpha * acc${i}${lr4(i)}`};
  }`
        : `  if (m0 + ${i}u < u.M) {
    for (var j = 0u; j < min(4u, u.N - n0); j = j + 1u) {
      let idx = (m0 + ${i}u) * u.N + n0 + j;
      c[idx] = ${accumulate ? `u.alpha * acc${i}[j]${lr1(i)} + c[idx]` : `u.alpha * acc${i}[j]${lr1(i)}`};
    }
  }`,
    ).join('\n');
    const wgsl = `${rb.decl}${lowRankFn(lowRank)}
@compute @workgroup_size(WG_X, WG_Y) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n0 = gid.x * 4u;
  let m0 = gid.y * 4u;
  if (n0 >= u.N || m0 >= u.M) { return; }  // no barriers, so threads past the edge may leave
${I4.map((i) => `  var acc${i} = vec4<f32>(0.0);`).join('\n')}
  ${inner}
${store}
}`;
    const f32b = bFormat === 'f32';
    return {
      name: 'matmul_gemm_direct',
      workgroupSize: [DIRECT_SIDE, DIRECT_SIDE],
      facts: { transA, transB, accumulate, kVec, aVec, nVec, ...(f32b ? {} : { b: bFormat }), ...(lowRank ? { lowRank } : {}) },
      bindings: [
        { name: 'c', access: 'read_write', type: nVec ? 'vec4<f32>' : 'f32' },
        { name: 'a', access: 'read', type: kVec || aVec ? 'vec4<f32>' : 'f32' },
        { name: 'b', access: 'read', type: kVec || nVec ? 'vec4<f32>' : f32b ? 'f32' : 'u32' },
        ...(lowRank ? LOW_RANK_BINDINGS : []),
      ],
      uniforms: gemmUniforms(bFormat, lowRank),
      wgsl,
    };
  },
);

/** c (M, N) = alpha * op(a) (M, K) @ op(b) (K, N) [+ c]; sizes come from c and a (leading dims flattened). */
export function gemm(rt: GpuRuntime, c: GpuTensor, a: GpuTensor, b: GpuTensor, opts: GemmOptions = {}): void {
  gemmLowRank(rt, c, a, b, opts, null);
}

/** gemm with a low-rank term added in its epilogue (LowRankTerm): one dispatch instead of two and one pass over c fewer. */
export function gemmLowRank(rt: GpuRuntime, c: GpuTensor, a: GpuTensor, b: GpuTensor, opts: GemmOptions, low: LowRankTerm | null): void {
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
  if (c.format || a.format) throw new Error(`gemm: only b may be a packed weight (c ${shapeStr(c.shape)}, a ${shapeStr(a.shape)})`);
  const transA = !!opts.transA,
    transB = !!opts.transB,
    accumulate = !!opts.accumulate;
  const f32b = !b.format;
  const R = low ? rows2d(low.x)[1] : 0;
  if (low) {
    expectShape('gemmLowRank x', low.x, [M, R]);
    expectShape('gemmLowRank y', low.y, low.layout === 'nr' ? [N, R] : [R, N]);
  }
  const lowRank: LowRank = low?.layout ?? '';
  const values = { M, N, K, alpha: opts.alpha ?? 1, bBase: scaleBase(b.format, K * N), R, beta: low?.beta ?? 0 };
  const binds: Record<string, GpuTensor> = low ? { c, a, b, lx: low.x, ly: low.y } : { c, a, b };
  if (rt.profile === 'software') {
    const kVec = !transA && transB && f32b && K % 4 === 0;
    const aVec = !kVec && (transA ? M : K) % 4 === 0;
    const nVec = !kVec && !transB && f32b && N % 4 === 0;
    const op = directOp(transA, transB, accumulate, formatFact(b.format), kVec, aVec, nVec, lowRank);
    const cover = 4 * DIRECT_SIDE;
    rt.run(op, binds, values, [Math.ceil(N / cover), Math.ceil(M / cover), 1]);
    return;
  }
  // Thin products (LoRA's rank-R side) waste most of a 64-wide tile: use 32-wide tiles there, and where the
  // adapter cannot run 256 invocations per workgroup or hold two 64x16 tiles in workgroup memory.
  const wide = Math.min(M, N) > 32 && rt.limits.maxComputeInvocationsPerWorkgroup >= 256 && rt.limits.maxComputeWorkgroupStorageSize >= 2 * 64 * BK * 4;
  const side: GemmSide = wide ? 16 : 8;
  // vec4 tile loads where the contiguous dimension is a multiple of 4 (views start at multiples of 64 elements).
  const aVec = (transA ? M : K) % 4 === 0;
  const bVec = f32b && (transB ? K : N) % 4 === 0;
  const op = gemmOp(transA, transB, accumulate, side, formatFact(b.format), aVec, bVec, lowRank);
  rt.run(op, binds, values, [Math.ceil(N / (4 * side)), Math.ceil(M / (4 * side)), 1]);
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
