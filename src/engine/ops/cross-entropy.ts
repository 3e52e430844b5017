// Softmax cross-entropy over the vocabulary on the GPU, with a loss mask; plus target log-probabilities.
// Twin: ref/cross-entropy.ts (same names, same argument order after `rt`).
//
//   logits, dlogits: (N, V)   targets: (N) u32   mask: (N) f32 weights (0/1)   losses, lse, logprobs: (N)
//   loss: (2) = [mean loss over masked rows, sum(mask)], reduced on the GPU (no readback needed)
// Forward: one workgroup per row; each invocation walks the row with stride WG keeping its own running
// max and sum (online softmax), then the workgroup merges the (max, sum) pairs (by subgroups where the device
// has them). Nothing is sized by V, so V = 152k rows work. Backward: one workgroup per (row, chunk of CHUNK logits), writing
// (softmax - onehot) * mask / max(1, sum(mask)) * gradScale, optionally in place over the logits.
// Row chunks (to bound the memory of (N, V) logits): run the forward per chunk on views, then
// crossEntropyMean over all N rows, and pass that global `loss` to each chunk's backward.
// weightedCrossEntropyBackward: the same backward with per-position weights (any sign) and no normalisation.
// On a software adapter (rt.profile), where barriers are expensive, the forward and the log-probabilities walk
// each row in one invocation instead (the same online softmax, no workgroup merge).
// A target outside [0, V) on an unmasked row is clamped to V - 1 here (the twin throws).
import type { GpuRuntime } from '../runtime.ts';
import { shapeStr, type GpuTensor, type OpDescription } from '../op.ts';
import { ENTRY, reductions, subgroupFields, reducesBySubgroups, variants } from './common.ts';

const WG = 256;
const CHUNK = WG * 16; // logits per backward workgroup

// Row logsumexp: online (max, sum) per invocation, merged over the workgroup (a tree, or by subgroups).
function rowLse(subgroups: boolean): string {
  return `
const NEG: f32 = -1.0e30;
${reductions(subgroups, 'lse')}
fn rowLse(lid: u32, base: u32, V: u32) -> f32 {
  var m = NEG;
  var s = 0.0;
  for (var c = lid; c < V; c += WG_X) {
    let x = logits[base + c];
    if (x > m) { s = s * exp(m - x) + 1.0; m = x; } else { s += exp(x - m); }
  }
  return reduceLse(lid, m, s);
}`;
}

const ROW_MAIN = `${ENTRY} {
  let row = linearWorkgroup(wid, nwg);
  if (row >= u.N) { return; }
  let base = row * u.V;
  let L = rowLse(lid, base, u.V);
  if (lid != 0u) { return; }`;

/** The row kernels: their bindings, uniforms and the body after the row's lse L (ROW_MAIN or ROW_SERIAL). */
const ROW_KERNELS = {
  forward: {
    name: 'cross_entropy_forward',
    bindings: [
      { name: 'losses', access: 'read_write' },
      { name: 'lse', access: 'read_write' },
      { name: 'logits', access: 'read' },
      { name: 'targets', access: 'read', type: 'u32' },
      { name: 'mask', access: 'read' },
    ],
    body: `
  lse[row] = L;
  let w = mask[row];
  var l = 0.0;
  if (w != 0.0) { l = w * (L - logits[base + min(targets[row], u.V - 1u)]); }
  losses[row] = l;
}`,
  },
  logprobs: {
    name: 'cross_entropy_logprobs',
    bindings: [
      { name: 'logprobs', access: 'read_write' },
      { name: 'logits', access: 'read' },
      { name: 'targets', access: 'read', type: 'u32' },
    ],
    body: `
  logprobs[row] = logits[base + min(targets[row], u.V - 1u)] - L;
}`,
  },
} as const satisfies Record<string, Pick<OpDescription, 'name' | 'bindings'> & { body: string }>;

// The software variant of a row kernel: one invocation walks its whole row (no barriers); then `body` as in ROW_MAIN.
const ROW_SERIAL = `
const NEG: f32 = -1.0e30;
${ENTRY} {
  let row = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (row >= u.N) { return; }
  let base = row * u.V;
  var m = NEG;
  var s = 0.0;
  // Blocks of 64 logits, merged into superblocks of 64 blocks, merged into the row: each running sum then has
  // at most a few dozen terms, keeping a long row's lse as accurate as the workgroup variant's partial sums.
  for (var c1 = 0u; c1 < u.V; c1 += 4096u) {
    var sm = NEG;
    var ss = 0.0;
    for (var c0 = c1; c0 < min(c1 + 4096u, u.V); c0 += 64u) {
      var bm = NEG;
      var bs = 0.0;
      for (var c = c0; c < min(c0 + 64u, u.V); c += 1u) {
        let x = logits[base + c];
        if (x > bm) { bs = bs * exp(bm - x) + 1.0; bm = x; } else { bs += exp(x - bm); }
      }
      let mm = max(sm, bm);
      ss = ss * exp(sm - mm) + bs * exp(bm - mm);
      sm = mm;
    }
    let mm = max(m, sm);
    s = s * exp(m - mm) + ss * exp(sm - mm);
    m = mm;
  }
  let L = m + log(s);`;

/** Rows per workgroup of the software row kernels. */
const SERIAL_WG = 64;

/** A row kernel: one workgroup per row (reducing by subgroups or a tree), or with `perRow` ROW_SERIAL's variant. */
const rowOp = variants((kind: keyof typeof ROW_KERNELS, perRow: boolean, subgroups: boolean): OpDescription => {
  const { body, ...op } = ROW_KERNELS[kind];
  const uniforms: OpDescription['uniforms'] = [
    ['N', 'u32'],
    ['V', 'u32'],
  ];
  if (perRow) return { ...op, uniforms, workgroupSize: [SERIAL_WG], facts: { perRow: true }, wgsl: `${ROW_SERIAL}${body}` };
  return { ...op, uniforms, workgroupSize: [WG], ...subgroupFields(subgroups), wgsl: `${rowLse(subgroups)}\n${ROW_MAIN}${body}` };
});

function rowKernel(rt: GpuRuntime, kind: keyof typeof ROW_KERNELS, N: number): { op: OpDescription; groups: number } {
  const perRow = rt.profile === 'software';
  return { op: rowOp(kind, perRow, reducesBySubgroups(rt)), groups: perRow ? Math.ceil(N / SERIAL_WG) : N };
}

// One workgroup sums the per-row losses and the mask: loss = [sum / max(1, count), count].
const meanOp = variants(
  (subgroups: boolean): OpDescription => ({
    name: 'cross_entropy_mean',
    workgroupSize: [WG],
    ...subgroupFields(subgroups),
    bindings: [
      { name: 'loss', access: 'read_write' },
      { name: 'losses', access: 'read' },
      { name: 'mask', access: 'read' },
    ],
    uniforms: [['N', 'u32']],
    wgsl: `${reductions(subgroups, 'sum')}
${ENTRY} {
  var a = 0.0;
  var c = 0.0;
  for (var n = lid; n < u.N; n += WG_X) { a += losses[n]; c += mask[n]; }
  let total = reduceSum(lid, a);
  let count = reduceSum(lid, c);
  if (lid == 0u) { loss[0] = total / max(1.0, count); loss[1] = count; }
}`,
  }),
);

// (softmax - onehot) * a row weight: the masked mean's (mask * gradScale / count) or, weighted, weights[row].
const backwardOp = variants((inPlace: boolean, weighted: boolean): OpDescription => {
  const src = inPlace ? 'dlogits' : 'logits';
  return {
    name: weighted ? 'weighted_cross_entropy_backward' : 'cross_entropy_backward',
    workgroupSize: [WG],
    facts: { inPlace, CHUNK },
    bindings: [
      { name: 'dlogits', access: 'read_write' },
      ...(inPlace ? [] : [{ name: 'logits', access: 'read' as const }]),
      { name: 'lse', access: 'read' },
      { name: 'targets', access: 'read', type: 'u32' },
      ...(weighted
        ? [{ name: 'weights', access: 'read' as const }]
        : [
            { name: 'mask', access: 'read' as const },
            { name: 'loss', access: 'read' as const },
          ]),
    ],
    uniforms: weighted
      ? [
          ['N', 'u32'],
          ['V', 'u32'],
        ]
      : [
          ['N', 'u32'],
          ['V', 'u32'],
          ['gradScale', 'f32'],
        ],
    wgsl: `const CHUNK: u32 = ${CHUNK}u;
${ENTRY} {
  let chunks = (u.V + CHUNK - 1u) / CHUNK;
  let w = linearWorkgroup(wid, nwg);
  if (w >= u.N * chunks) { return; }
  let row = w / chunks;
  let c0 = (w % chunks) * CHUNK;
  let c1 = min(u.V, c0 + CHUNK);
  let base = row * u.V;
  let wgt = ${weighted ? 'weights[row]' : 'mask[row] * u.gradScale / max(1.0, loss[1])'};
  if (wgt == 0.0) {
    for (var c = c0 + lid; c < c1; c += WG_X) { dlogits[base + c] = 0.0; }
    return;
  }
  let L = lse[row];
  let t = targets[row];
  for (var c = c0 + lid; c < c1; c += WG_X) {
    let p = exp(${src}[base + c] - L);
    dlogits[base + c] = (p - select(0.0, 1.0, c == t)) * wgt;
  }
}`,
  };
});

function check(name: string, N: number, V: number, tensors: [string, GpuTensor, number][]): void {
  if (!Number.isInteger(N) || N <= 0 || !Number.isInteger(V) || V <= 0) throw new Error(`${name}: N (${N}) and V (${V}) must be positive integers`);
  for (const [n, t, expected] of tensors) {
    if (t.size !== expected) throw new Error(`${name}: ${n} ${shapeStr(t.shape)} has ${t.size} elements, expected ${expected} (N=${N} V=${V})`);
  }
}

/** losses, lse: (N); loss: (2) [mean over masked rows, sum(mask)]; logits: (N, V); targets: (N) u32; mask: (N). */
export function crossEntropyForward(
  rt: GpuRuntime,
  losses: GpuTensor,
  loss: GpuTensor,
  lse: GpuTensor,
  logits: GpuTensor,
  targets: GpuTensor,
  mask: GpuTensor,
  N: number,
  V: number,
): void {
  check('crossEntropyForward', N, V, [
    ['losses', losses, N],
    ['loss', loss, 2],
    ['lse', lse, N],
    ['logits', logits, N * V],
    ['targets', targets, N],
    ['mask', mask, N],
  ]);
  const k = rowKernel(rt, 'forward', N);
  rt.run(k.op, { losses, lse, logits, targets, mask }, { N, V }, k.groups);
  crossEntropyMean(rt, loss, losses, mask, N);
}

/** loss: (2) = [sum(losses) / max(1, sum(mask)), sum(mask)]; losses, mask: (N). Part of the forward. */
export function crossEntropyMean(rt: GpuRuntime, loss: GpuTensor, losses: GpuTensor, mask: GpuTensor, N: number): void {
  check('crossEntropyMean', N, 1, [
    ['loss', loss, 2],
    ['losses', losses, N],
    ['mask', mask, N],
  ]);
  rt.run(meanOp(reducesBySubgroups(rt)), { loss, losses, mask }, { N }, 1);
}

/** dlogits: (N, V), may be `logits` itself (in place); lse: (N) and loss: (2) from the forward. */
export function crossEntropyBackward(
  rt: GpuRuntime,
  dlogits: GpuTensor,
  logits: GpuTensor,
  lse: GpuTensor,
  targets: GpuTensor,
  mask: GpuTensor,
  loss: GpuTensor,
  N: number,
  V: number,
  gradScale = 1,
): void {
  check('crossEntropyBackward', N, V, [
    ['dlogits', dlogits, N * V],
    ['logits', logits, N * V],
    ['lse', lse, N],
    ['targets', targets, N],
    ['mask', mask, N],
    ['loss', loss, 2],
  ]);
  runBackward(rt, 'crossEntropyBackward', false, { dlogits, logits, lse, targets, mask, loss }, { N, V, gradScale });
}

/**
 * dlogits (N, V) = weights[n] * (softmax(logits[n]) - onehot(targets[n])), with no normalisation: per-position
 * weights (any sign) instead of the 0/1 mask and its count; rows of weight 0 get zeros. May run in place over
 * the logits. lse: (N) from crossEntropyForward; targets: (N) u32; weights: (N).
 */
export function weightedCrossEntropyBackward(
  rt: GpuRuntime,
  dlogits: GpuTensor,
  logits: GpuTensor,
  lse: GpuTensor,
  targets: GpuTensor,
  weights: GpuTensor,
  N: number,
  V: number,
): void {
  check('weightedCrossEntropyBackward', N, V, [
    ['dlogits', dlogits, N * V],
    ['logits', logits, N * V],
    ['lse', lse, N],
    ['targets', targets, N],
    ['weights', weights, N],
  ]);
  runBackward(rt, 'weightedCrossEntropyBackward', true, { dlogits, logits, lse, targets, weights }, { N, V });
}

/** One workgroup per (row, CHUNK logits); in place when dlogits is logits (then `logits` is not bound). */
function runBackward(
  rt: GpuRuntime,
  name: string,
  weighted: boolean,
  bindings: Record<string, GpuTensor> & { dlogits: GpuTensor; logits: GpuTensor },
  uniforms: Record<string, number>,
): void {
  const { dlogits, logits, ...rest } = bindings;
  const groups = uniforms.N * Math.ceil(uniforms.V / CHUNK);
  if (dlogits.buffer === logits.buffer) {
    if (dlogits.offset !== logits.offset) {
      throw new Error(
        `${name}: dlogits and logits share a buffer at different offsets (${dlogits.offset}, ${logits.offset}); pass the same tensor for in place or separate buffers`,
      );
    }
    rt.run(backwardOp(true, weighted), { dlogits, ...rest }, uniforms, groups);
  } else {
    rt.run(backwardOp(false, weighted), bindings, uniforms, groups);
  }
}

/** logprobs: (N) = log softmax(logits)[n, targets[n]]; logits: (N, V); targets: (N) u32. Forward only. */
export function crossEntropyLogprobs(rt: GpuRuntime, logprobs: GpuTensor, logits: GpuTensor, targets: GpuTensor, N: number, V: number): void {
  check('crossEntropyLogprobs', N, V, [
    ['logprobs', logprobs, N],
    ['logits', logits, N * V],
    ['targets', targets, N],
  ]);
  const k = rowKernel(rt, 'logprobs', N);
  rt.run(k.op, { logprobs, logits, targets }, { N, V }, k.groups);
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { crossEntropyForward, crossEntropyMean, crossEntropyBackward, weightedCrossEntropyBackward, crossEntropyLogprobs };
export { twins } from '../ref/cross-entropy.ts';
