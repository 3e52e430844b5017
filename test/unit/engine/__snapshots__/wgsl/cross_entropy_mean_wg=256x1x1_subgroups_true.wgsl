enable subgroups;
// op cross_entropy_mean|wg=256x1x1|{"subgroups":true}
@group(0) @binding(0) var<storage, read_write> loss: array<f32>;
@group(0) @binding(1) var<storage, read> losses: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;
struct Uniforms { N: u32, };
@group(0) @binding(3) var<uniform> u: Uniforms;
const WG_X: u32 = 256u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }
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
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  var a = 0.0;
  var c = 0.0;
  for (var n = lid; n < u.N; n += WG_X) { a += losses[n]; c += mask[n]; }
  let total = reduceSum(lid, a);
  let count = reduceSum(lid, c);
  if (lid == 0u) { loss[0] = total / max(1.0, count); loss[1] = count; }
}