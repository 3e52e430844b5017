// Small pieces shared by the kernel modules: the entry point, workgroup reductions (a tree or subgroups), the memo
// of compile-time variants, the 1-D elementwise kernel and shape helpers.
import { shapeStr, type GpuTensor, type OpDescription } from '../op.ts';
import type { GpuRuntime } from '../runtime.ts';

export const WG_1D = 256;

/**
 * The entry point every kernel uses, a 1-D workgroup of WG_X invocations (2-D kernels such as gemm declare
 * their own): `wid`/`nwg` feed linearWorkgroup() for dispatches the runtime split over x and y, `lid` is the
 * invocation's index in the workgroup. Follow it with ` {` and the body.
 */
export const ENTRY = `@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;

/** Entry point of a 1-D kernel; the body starts with `i` (the element index, already bounds-checked against u.n). */
export function elementwiseMain(body: string): string {
  return `${ENTRY} {
  let i = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (i >= u.n) { return; }
${body}
}`;
}

/** A tree reduction of one f32 per invocation into `red`, `combine` merging red[lid] and red[lid + st]. */
function treeReduce(what: string, fn: string, combine: string): string {
  return `
// ${what} of one value per invocation over the workgroup (a tree, so the order is fixed); every invocation gets it.
fn ${fn}(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var st = WG_X / 2u; st > 0u; st /= 2u) {
    if (lid < st) { red[lid] = ${combine}; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}`;
}

const TREE = {
  sum: treeReduce('Sum', 'reduceSum', 'red[lid] + red[lid + st]'),
  max: treeReduce('Max', 'reduceMax', 'max(red[lid], red[lid + st])'),
  lse: `
// log(sum(exp(x))) over the workgroup from each invocation's online-softmax pair (running max m, sum s of exp(x - m)).
var<workgroup> redS: array<f32, WG_X>;
fn reduceLse(lid: u32, m: f32, s: f32) -> f32 {
  red[lid] = m;
  redS[lid] = s;
  workgroupBarrier();
  for (var st = WG_X / 2u; st > 0u; st /= 2u) {
    if (lid < st) {
      let m1 = red[lid];
      let m2 = red[lid + st];
      let mm = max(m1, m2);
      redS[lid] = redS[lid] * exp(m1 - mm) + redS[lid + st] * exp(m2 - mm);
      red[lid] = mm;
    }
    workgroupBarrier();
  }
  let r = red[0] + log(redS[0]);
  workgroupBarrier();
  return r;
}`,
} as const;

// The subgroup variants: each subgroup reduces its values, its partial goes through `red` (one barrier), and
// every subgroup then reduces all WG_X entries of `red` (lane k reads k, k + n, ...), so every invocation gets
// the total. The subgroup size n and lane come from subgroupAdd(1u) / subgroupExclusiveAdd(1u), so nothing
// depends on how invocations map to subgroups or on n dividing WG_X (WGSL leaves both open), only on all
// invocations calling. The order of the sums is the device's, not the tree's.
const LANES = `
  let n = subgroupAdd(1u); // invocations in this subgroup
  let lane = subgroupExclusiveAdd(1u); // 0 .. n - 1`;

/** A subgroup reduction; `fill` is what each lane stores in red[lid]: the partial p (max) or p on lane 0, 0 elsewhere (sum). */
function subgroupReduce(what: string, fn: string, op: 'subgroupAdd' | 'subgroupMax', fill: string, combine: string): string {
  return `
// ${what} of one value per invocation over the workgroup, by subgroups; every invocation gets it.
fn ${fn}(lid: u32, x: f32) -> f32 {${LANES}
  let p = ${op}(x);
  red[lid] = ${fill};
  workgroupBarrier();
  var a = red[lane];
  for (var k = lane + n; k < WG_X; k += n) { a = ${combine}; }
  let r = ${op}(a);
  workgroupBarrier();
  return r;
}`;
}

const SUBGROUPS = {
  sum: subgroupReduce('Sum', 'reduceSum', 'subgroupAdd', 'select(0.0, p, lane == 0u)', 'a + red[k]'),
  max: subgroupReduce('Max', 'reduceMax', 'subgroupMax', 'p', 'max(a, red[k])'),
  // Two passes rather than merging (max, sum) pairs over `red`: no exp() past the first level.
  lse: `
// log(sum(exp(x))) over the workgroup from each invocation's online-softmax pair (running max m, sum s of exp(x - m)),
// by subgroups: the workgroup's max M of the m, then the sum of s * exp(m - M) (m == M, also both -inf, gives s).
fn reduceLse(lid: u32, m: f32, s: f32) -> f32 {
  let M = reduceMax(lid, m);
  return M + log(reduceSum(lid, select(s * exp(m - M), s, m == M)));
}`,
} as const;

/**
 * WGSL of the workgroup reductions a kernel uses (reduceSum, reduceMax, reduceLse), over workgroup memory of
 * WG_X floats: a tree of log2(WG_X) barriers, or with `subgroups` (see subgroupFields) subgroup operations and
 * two barriers (four for lse). WG_X must be a power of two, and every invocation must call them (uniform control flow).
 */
export function reductions(subgroups: boolean, ...kinds: (keyof typeof TREE)[]): string {
  if (!subgroups) return `var<workgroup> red: array<f32, WG_X>;${kinds.map((k) => TREE[k]).join('')}`;
  const want = new Set<string>(kinds.includes('lse') ? [...kinds, 'sum', 'max'] : kinds); // reduceLse calls both
  const used = (['sum', 'max', 'lse'] as const).filter((k) => want.has(k));
  return `var<workgroup> red: array<f32, WG_X>;${used.map((k) => SUBGROUPS[k]).join('')}`;
}

/** Whether rt's 'gpu'-profile kernels reduce by subgroups: where the device has them (the software profile keeps the tree). */
export function reducesBySubgroups(rt: Pick<GpuRuntime, 'profile' | 'features'>): boolean {
  return rt.profile === 'gpu' && rt.features.subgroups;
}

/**
 * `facts` and `enables` of a kernel whose reductions() take `subgroups`: the fact `subgroups: true` and
 * `enable subgroups;` when they do, `facts` alone (none when empty) when not.
 */
export function subgroupFields(subgroups: boolean, facts: Record<string, number | string | boolean> = {}): Pick<OpDescription, 'facts' | 'enables'> {
  if (subgroups) return { facts: { ...facts, subgroups: true }, enables: ['subgroups'] };
  return Object.keys(facts).length ? { facts } : {};
}

/**
 * The one idiom for ops whose WGSL depends on compile-time facts: `const fooOp = variants((a, b) => ({ ... }))`
 * builds each variant once, on first use, and returns the same OpDescription for the same arguments after.
 * Put the arguments in the description's `facts` too, so that they are part of the pipeline cache key (the
 * runtime throws when two sources share a key).
 */
export function variants<A extends (string | number | boolean)[]>(make: (...args: A) => OpDescription): (...args: A) => OpDescription {
  const made = new Map<string, OpDescription>();
  return (...args: A) => {
    const key = args.join('|');
    let op = made.get(key);
    if (!op) made.set(key, (op = make(...args)));
    return op;
  };
}

export function groups1d(n: number): number {
  return Math.ceil(n / WG_1D);
}

/** A tensor seen as a matrix: (all leading dims flattened, last dim). */
export function rows2d(t: GpuTensor): [number, number] {
  const last = t.shape.length === 0 ? 1 : t.shape[t.shape.length - 1];
  return [last === 0 ? 0 : t.size / last, last];
}

export function expectSize(where: string, t: GpuTensor, size: number): void {
  if (t.size !== size) throw new Error(`${where}: expected ${size} elements, got ${t.size} in shape ${shapeStr(t.shape)}`);
}

/** The common element count of tensors that must match elementwise; the error names the first that differs. */
export function sameSize(where: string, ...ts: GpuTensor[]): number {
  for (const t of ts) {
    if (t.size !== ts[0].size) throw new Error(`${where}: all tensors need ${ts[0].size} elements ${shapeStr(ts[0].shape)}, got ${shapeStr(t.shape)}`);
  }
  return ts[0].size;
}
