// op dropout_in_place|wg=256x1x1|
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
struct Uniforms { n: u32, seed: u32, step: u32, threshold: u32, scale: f32, };
@group(0) @binding(1) var<uniform> u: Uniforms;
const WG_X: u32 = 256u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }
fn pcgHash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (i >= u.n) { return; }
  let key = pcgHash(u.seed ^ pcgHash(u.step));
  let keep = pcgHash(key ^ pcgHash(i)) >= u.threshold;
  x[i] = select(0.0, x[i] * u.scale, keep);
}