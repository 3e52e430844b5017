// op grad_clip_final|wg=1x1x1|{"perInvocation":true}
@group(0) @binding(0) var<storage, read_write> norm: array<f32>;
@group(0) @binding(1) var<storage, read> partials: array<f32>;
struct Uniforms { groups: u32, };
@group(0) @binding(2) var<uniform> u: Uniforms;
const WG_X: u32 = 1u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  var ss = 0.0;
  for (var i = 0u; i < u.groups; i = i + 1u) { ss = ss + partials[i]; }
  norm[0] = sqrt(ss);
}