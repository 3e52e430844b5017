// op attention_backward_stats|wg=256x1x1|{"HS":64}
@group(0) @binding(0) var<storage, read_write> stats: array<f32>;
@group(0) @binding(1) var<storage, read_write> delta: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read> out: array<f32>;
@group(0) @binding(4) var<storage, read> lse: array<f32>;
struct Uniforms { n: u32, T: u32, NH: u32, };
@group(0) @binding(5) var<uniform> u: Uniforms;
const WG_X: u32 = 256u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }
const HS: u32 = 64u;
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (i >= u.n) { return; }
  let b = i / (u.NH * u.T);
  let h = (i / u.T) % u.NH;
  let t = i % u.T;
  let o = ((b * u.T + t) * u.NH + h) * HS;
  var D = 0.0;
  for (var d = 0u; d < HS; d++) { D += dout[o + d] * out[o + d]; }
  delta[i] = D;
  stats[2u * i] = lse[i];
  stats[2u * i + 1u] = D;
}