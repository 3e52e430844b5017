// op attention_backward_dq|wg=32x1x1|{"HS":64,"BC":31}
@group(0) @binding(0) var<storage, read_write> dq: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> stats: array<f32>;
@group(0) @binding(3) var<storage, read> q: array<f32>;
@group(0) @binding(4) var<storage, read> k: array<f32>;
@group(0) @binding(5) var<storage, read> v: array<f32>;
@group(0) @binding(6) var<storage, read> lens: array<u32>;
struct Uniforms { B: u32, T: u32, NH: u32, NKV: u32, window: u32, useLens: u32, scale: f32, };
@group(0) @binding(7) var<uniform> u: Uniforms;
const WG_X: u32 = 32u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }
const HS: u32 = 64u;
const BR: u32 = 32u;
const BC: u32 = 31u;
const NEG: f32 = -1.0e30;
var<workgroup> ks: array<f32, 1984>;
var<workgroup> vs: array<f32, 1984>;
fn attentionVisible(i: u32, j: u32, len: u32, window: u32) -> bool {
  return j <= i && j < len && (window == 0u || i - j < window);
}
fn attentionFirstKey(i: u32, window: u32) -> u32 {
  return select(0u, i + 1u - window, window > 0u && i + 1u > window);
}
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let nTiles = (u.T + 32u - 1u) / 32u;
  let w = linearWorkgroup(wid, nwg);
  if (w >= u.B * u.NH * nTiles) { return; }
  let tile = w % nTiles;
  let b = (w / nTiles) / u.NH;
  let hd = (w / nTiles) % u.NH;
  var len = u.T;
  if (u.useLens != 0u) { len = min(lens[b], u.T); }
  let h = hd;
  let kh = h / (u.NH / u.NKV);
  let i0 = tile * BR;
  let i = i0 + lid;
  let rowOk = i < u.T;
  let kEnd = min(len, min(u.T, i0 + BR));
  let kStart = attentionFirstKey(i0, u.window);
  let qo = ((b * u.T + min(i, u.T - 1u)) * u.NH + h) * HS;
  var qr: array<f32, HS>;
  for (var d = 0u; d < HS; d++) { qr[d] = q[qo + d] * u.scale; }
  var dor: array<f32, HS>;
  var dqa: array<f32, HS>;
  for (var d = 0u; d < HS; d++) { dor[d] = dout[qo + d]; dqa[d] = 0.0; }
  let row = (b * u.NH + h) * u.T + min(i, u.T - 1u);
  let L = stats[2u * row];
  let D = stats[2u * row + 1u];
  for (var j0 = kStart; j0 < kEnd; j0 += BC) {
    workgroupBarrier();
    for (var x = lid; x < BC * HS; x += WG_X) {
      let j = j0 + x / HS;
      if (j < kEnd) {
        let ko = ((b * u.T + j) * u.NKV + kh) * HS + x % HS;
        ks[x] = k[ko];
        vs[x] = v[ko];
      }
    }
    workgroupBarrier();
    let jn = min(BC, kEnd - j0);
    for (var c = 0u; c < jn; c++) {
      let j = j0 + c;
      if (rowOk && attentionVisible(i, j, len, u.window)) {
        var sc = 0.0;
        var dp = 0.0;
        for (var d = 0u; d < HS; d++) { sc += qr[d] * ks[c * HS + d]; dp += dor[d] * vs[c * HS + d]; }
        let ds = exp(sc - L) * (dp - D);
        for (var d = 0u; d < HS; d++) { dqa[d] += ds * ks[c * HS + d]; }
      }
    }
  }
  if (!rowOk) { return; }
  for (var d = 0u; d < HS; d++) { dq[qo + d] = dqa[d] * u.scale; }
}