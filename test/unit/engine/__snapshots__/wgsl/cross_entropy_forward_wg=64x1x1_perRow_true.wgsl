// op cross_entropy_forward|wg=64x1x1|{"perRow":true}
@group(0) @binding(0) var<storage, read_write> losses: array<f32>;
@group(0) @binding(1) var<storage, read_write> lse: array<f32>;
@group(0) @binding(2) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<u32>;
@group(0) @binding(4) var<storage, read> mask: array<f32>;
struct Uniforms { N: u32, V: u32, };
@group(0) @binding(5) var<uniform> u: Uniforms;
const WG_X: u32 = 64u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }

const NEG: f32 = -1.0e30;
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (row >= u.N) { return; }
  let base = row * u.V;
  var m = NEG;
  var s = 0.0;
  // Blocks of 64 logits, merged into superblocks of 64 blocks, merged into the row: each running sum then has
  // at most a few dozen terms, keeping a long row's lse as accurate as the workgroup variant's partial sums.
  for (var c1 = 0u; c1 < u.V; c1 += 4096u) {
    var sm = NEG;
    var ss = 0.0;
    for (var c0 = c1; c0 < min(c1 + 4096u, u.V); c0 += 64u) {
      var bm = NEG;
      var bs = 0.0;
      for (var c = c0; c < min(c0 + 64u, u.V); c += 1u) {
        let x = logits[base + c];
        if (x > bm) { bs = bs * exp(bm - x) + 1.0; bm = x; } else { bs += exp(x - bm); }
      }
      let mm = max(sm, bm);
      ss = ss * exp(sm - mm) + bs * exp(bm - mm);
      sm = mm;
    }
    let mm = max(m, sm);
    s = s * exp(m - mm) + ss * exp(sm - mm);
    m = mm;
  }
  let L = m + log(s);
  lse[row] = L;
  let w = mask[row];
  var l = 0.0;
  if (w != 0.0) { l = w * (L - logits[base + min(targets[row], u.V - 1u)]); }
  losses[row] = l;
}