// op cross_entropy_forward|wg=256x1x1|
@group(0) @binding(0) var<storage, read_write> losses: array<f32>;
@group(0) @binding(1) var<storage, read_write> lse: array<f32>;
@group(0) @binding(2) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<u32>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;
struct Uniforms { N: u32, V: u32, };
@group(0) @binding(5) var<uniform> u: Uniforms;
const WG_X: u32 = 256u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }

const NEG: f32 = -1.0e30;
var<workgroup> red: array<f32, WG_X>;
// log(sum(exp(x))) over the workgroup from each invocation's online-softmax pair (running max m, sum s of exp(x - m)).
var<workgroup> redS: array<f32, WG_X>;
fn reduceLse(lid: u32, m: f32, s: f32) -> f32 {
  red[lid] = m;
  redS[lid] = s;
  workgroupBarrier();
  for (var st = WG_X / 2u; st > 0u; st /= 2u) {
    if (lid < st) {
      let m1 = red[lid];
      let m2 = red[lid + st];
      let mm = max(m1, m2);
      redS[lid] = redS[lid] * exp(m1 - mm) + redS[lid + st] * exp(m2 - mm);
      red[lid] = mm;
    }
    workgroupBarrier();
  }
  let r = red[0] + log(redS[0]);
  workgroupBarrier();
  return r;
}
fn rowLse(lid: u32, base: u32, V: u32) -> f32 {
  var m = NEG;
  var s = 0.0;
  for (var c = lid; c < V; c += WG_X) {
    let x = logits[base + c];
    if (x > m) { s = s * exp(m - x) + 1.0; m = x; } else { s += exp(x - m); }
  }
  return reduceLse(lid, m, s);
}
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = linearWorkgroup(wid, nwg);
  if (row >= u.N) { return; }
  let base = row * u.V;
  let L = rowLse(lid, base, u.V);
  if (lid != 0u) { return; }
  lse[row] = L;
  let w = mask[row];
  var l = 0.0;
  if (w != 0.0) { l = w * (L - logits[base + min(targets[row], u.V - 1u)]); }
  losses[row] = l;
}