// op embedding_forward_rows|wg=256x1x1|{"wte":"q4g64"}
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> ids: array<u32>;
@group(0) @binding(2) var<storage, read> wte: array<u32>;
struct Uniforms { n: u32, C: u32, V: u32, r0: u32, wBase: u32, };
@group(0) @binding(3) var<uniform> u: Uniforms;
const WG_X: u32 = 256u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }
fn wteAt(i: u32) -> f32 {
  let code = f32((wte[i >> 3u] >> ((i & 7u) * 4u)) & 15u);
  let so = unpack2x16float(wte[u.wBase + i / 64u]);
  return code * so.x + so.y;
}
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (i >= u.n) { return; }
  let row = i / u.C;
  let id = ids[row];
  if (id >= u.r0 && id - u.r0 < u.V) { out[i] = wteAt((id - u.r0) * u.C + (i - row * u.C)); }
}