// op rmsnorm_backward|wg=64x1x1|{"accumulate":true,"perRow":true}
@group(0) @binding(0) var<storage, read_write> dinp: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> inp: array<f32>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
struct Uniforms { N: u32, C: u32, weightOffset: f32, };
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
  let r = rstd[row];
  var dot = 0.0;
  for (var c = 0u; c < u.C; c = c + 1u) { dot = dot + (u.weightOffset + weight[c]) * dout[base + c] * inp[base + c]; }
  let k = r * r * r * dot / f32(u.C);
  for (var c = 0u; c < u.C; c = c + 1u) {
    dinp[base + c] = dinp[base + c] + r * (u.weightOffset + weight[c]) * dout[base + c] - k * inp[base + c];
  }
}