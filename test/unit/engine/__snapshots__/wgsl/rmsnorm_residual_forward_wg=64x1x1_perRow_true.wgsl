// op rmsnorm_residual_forward|wg=64x1x1|{"perRow":true}
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read_write> rstd: array<f32>;
@group(0) @binding(2) var<storage, read_write> inp: array<f32>;
@group(0) @binding(3) var<storage, read> res: array<f32>;
@group(0) @binding(4) var<storage, read> weight: array<f32>;
struct Uniforms { N: u32, C: u32, eps: f32, weightOffset: f32, };
@group(0) @binding(5) var<uniform> u: Uniforms;
const WG_X: u32 = 64u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (row >= u.N) { return; }
  let base = row * u.C;
  var ss = 0.0;
  for (var c = 0u; c < u.C; c = c + 1u) { let x = inp[base + c] + res[base + c]; inp[base + c] = x; ss = ss + x * x; }
  let r = inverseSqrt(ss / f32(u.C) + u.eps);
  rstd[row] = r;
  for (var c = 0u; c < u.C; c = c + 1u) { out[base + c] = inp[base + c] * r * (u.weightOffset + weight[c]); }
}