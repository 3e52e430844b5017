enable subgroups;
// op cross_entropy_logprobs|wg=256x1x1|{"subgroups":true}
@group(0) @binding(0) var<storage, read_write> logprobs: array<f32>;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<u32>;
struct Uniforms { N: u32, V: u32, };
@group(0) @binding(3) var<uniform> u: Uniforms;
const WG_X: u32 = 256u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }

const NEG: f32 = -1.0e30;
var<workgroup> red: array<f32, WG_X>;
// Sum of one value per invocation over the workgroup, by subgroups; every invocation gets it.
fn reduceSum(lid: u32, x: f32) -> f32 {
  let n = subgroupAdd(1u); // invocations in this subgroup
  let lane = subgroupExclusiveAdd(1u); // 0 .. n - 1
  let p = subgroupAdd(x);
  red[lid] = select(0.0, p, lane == 0u);
  workgroupBarrier();
  var a = red[lane];
  for (var k = lane + n; k < WG_X; k += n) { a = a + red[k]; }
  let r = subgroupAdd(a);
  workgroupBarrier();
  return r;
}
// Max of one value per invocation over the workgroup, by subgroups; every invocation gets it.
fn reduceMax(lid: u32, x: f32) -> f32 {
  let n = subgroupAdd(1u); // invocations in this subgroup
  let lane = subgroupExclusiveAdd(1u); // 0 .. n - 1
  let p = subgroupMax(x);
  red[lid] = p;
  workgroupBarrier();
  var a = red[lane];
  for (var k = lane + n; k < WG_X; k += n) { a = max(a, red[k]); }
  let r = subgroupMax(a);
  workgroupBarrier();
  return r;
}
// log(sum(exp(x))) over the workgroup from each invocation's online-softmax pair (running max m, sum s of exp(x - m)),
// by subgroups: the workgroup's max M of the m, then the sum of s * exp(m - M) (m == M, also both -inf, gives s).
fn reduceLse(lid: u32, m: f32, s: f32) -> f32 {
  let M = reduceMax(lid, m);
  return M + log(reduceSum(lid, select(s * exp(m - M), s, m == M)));
}
fn rowLse(lid: u32, base: u32, V: u32) -> f32 {
  var m = NEG;
  var s = 0.0;
  for (var c = lid; c < V; c += WG_X) {
    let x = logits[base + c];
    if (x > m) { s = s * exp(m - x) + 1.0; m = x; } else { s += exp(x - m); }
  }
  return reduceLse(lid, m, s);
}
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = linearWorkgroup(wid, nwg);
  if (row >= u.N) { return; }
  let base = row * u.V;
  let L = rowLse(lid, base, u.V);
  if (lid != 0u) { return; }
  logprobs[row] = logits[base + min(targets[row], u.V - 1u)] - L;
}