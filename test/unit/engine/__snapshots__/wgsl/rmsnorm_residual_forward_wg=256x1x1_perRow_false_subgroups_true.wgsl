enable subgroups;
// op rmsnorm_residual_forward|wg=256x1x1|{"perRow":false,"subgroups":true}
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(2) var<storage, read_write> inp: array<f32>;
@group(0) @binding(3) var<storage, read> res: array<f32>;
@group(0) @binding(4) var<storage, read> weight: array<f32>;
struct Uniforms { N: u32, C: u32, eps: f32, weightOffset: f32, };
@group(0) @binding(5) var<uniform> u: Uniforms;
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
  let row = linearWorkgroup(wid, nwg);
  if (row >= u.N) { return; }  // uniform per workgroup, so the barriers below stay uniform
  let base = row * u.C;
  var ss = 0.0;
  for (var c = lid; c < u.C; c = c + WG_X) { let x = inp[base + c] + res[base + c]; inp[base + c] = x; ss = ss + x * x; }
  let r = inverseSqrt(reduceSum(lid, ss) / f32(u.C) + u.eps);
  if (lid == 0u) { rstd[row] = r; }
  for (var c = lid; c < u.C; c = c + WG_X) { out[base + c] = inp[base + c] * r * (u.weightOffset + weight[c]); }
}