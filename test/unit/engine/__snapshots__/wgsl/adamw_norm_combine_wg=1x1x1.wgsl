// op adamw_norm_combine|wg=1x1x1|
@group(0) @binding(0) var<storage, read_write> stat: array<f32>;
@group(0) @binding(1) var<storage, read> norms: array<f32>;
struct Uniforms { groups: u32, };
@group(0) @binding(2) var<uniform> u: Uniforms;
const WG_X: u32 = 1u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }
@compute @workgroup_size(1) fn main() {
  var ss = 0.0;
  for (var g = 0u; g < u.groups; g = g + 1u) { let n = norms[g * 64u]; ss = ss + n * n; }
  stat[0] = sqrt(ss);
}