// op weighted_cross_entropy_backward|wg=256x1x1|{"inPlace":false,"CHUNK":4096}
@group(0) @binding(0) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> lse: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<u32>;
@group(0) @binding(4) var<storage, read> weights: array<f32>;
struct Uniforms { N: u32, V: u32, };
@group(0) @binding(5) var<uniform> u: Uniforms;
const WG_X: u32 = 256u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }
const CHUNK: u32 = 4096u;
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let chunks = (u.V + CHUNK - 1u) / CHUNK;
  let w = linearWorkgroup(wid, nwg);
  if (w >= u.N * chunks) { return; }
  let row = w / chunks;
  let c0 = (w % chunks) * CHUNK;
  let c1 = min(u.V, c0 + CHUNK);
  let base = row * u.V;
  let wgt = weights[row];
  if (wgt == 0.0) {
    for (var c = c0 + lid; c < c1; c += WG_X) { dlogits[base + c] = 0.0; }
    return;
  }
  let L = lse[row];
  let t = targets[row];
  for (var c = c0 + lid; c < c1; c += WG_X) {
    let p = exp(logits[base + c] - L);
    dlogits[base + c] = (p - select(0.0, 1.0, c == t)) * wgt;
  }
}