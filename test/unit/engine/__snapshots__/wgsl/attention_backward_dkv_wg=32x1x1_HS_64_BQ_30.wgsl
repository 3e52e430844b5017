// op attention_backward_dkv|wg=32x1x1|{"HS":64,"BQ":30}
@group(0) @binding(0) var<storage, read_write> dk: array<f32>;
@group(0) @binding(1) var<storage, read_write> dv: array<f32>;
@group(0) @binding(2) var<storage, read> dout: array<f32>;
@group(0) @binding(3) var<storage, read> stats: array<f32>;
@group(0) @binding(4) var<storage, read> q: array<f32>;
@group(0) @binding(5) var<storage, read> k: array<f32>;
@group(0) @binding(6) var<storage, read> v: array<f32>;
@group(0) @binding(7) var<storage, read> lens: array<u32>;
struct Uniforms { B: u32, T: u32, NH: u32, NKV: u32, window: u32, useLens: u32, scale: f32, };
@group(0) @binding(8) var<uniform> u: Uniforms;
const WG_X: u32 = 32u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }
const HS: u32 = 64u;
const BK: u32 = 32u;
const BQ: u32 = 30u;
var<workgroup> qs: array<f32, 1920>;
var<workgroup> dos: array<f32, 1920>;
var<workgroup> ls: array<f32, 30>;
var<workgroup> Ds: array<f32, 30>;
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
  if (w >= u.B * u.NKV * nTiles) { return; }
  let tile = w % nTiles;
  let b = (w / nTiles) / u.NKV;
  let hd = (w / nTiles) % u.NKV;
  var len = u.T;
  if (u.useLens != 0u) { len = min(lens[b], u.T); }
  let kh = hd;
  let j0 = tile * BK;
  let j = j0 + lid;
  let ko = ((b * u.T + min(j, u.T - 1u)) * u.NKV + kh) * HS;
  var kr: array<f32, HS>;
  var vr: array<f32, HS>;
  var dka: array<f32, HS>;
  var dva: array<f32, HS>;
  for (var d = 0u; d < HS; d++) { kr[d] = k[ko + d] * u.scale; vr[d] = v[ko + d]; dka[d] = 0.0; dva[d] = 0.0; }
  // queries that can see a key of this tile: i >= j0, and i <= last key + window - 1
  var iEnd = select(j0, u.T, j0 < len);
  if (u.window > 0u) { iEnd = min(iEnd, min(u.T, j0 + BK) - 1u + u.window); }
  let group = u.NH / u.NKV;
  for (var g = 0u; g < group; g++) {
    let h = kh * group + g;
    for (var i0 = j0; i0 < iEnd; i0 += BQ) {
      workgroupBarrier();
      for (var x = lid; x < BQ * HS; x += WG_X) {
        let i = i0 + x / HS;
        if (i < iEnd) {
          let qo = ((b * u.T + i) * u.NH + h) * HS + x % HS;
          qs[x] = q[qo];
          dos[x] = dout[qo];
        }
      }
      for (var r = lid; r < BQ; r += WG_X) {
        if (i0 + r < iEnd) { let row = (b * u.NH + h) * u.T + i0 + r; ls[r] = stats[2u * row]; Ds[r] = stats[2u * row + 1u]; }
      }
      workgroupBarrier();
      let rn = min(BQ, iEnd - i0);
      for (var r = 0u; r < rn; r++) {
        let i = i0 + r;
        if (attentionVisible(i, j, len, u.window)) {
          var sc = 0.0;
          var dp = 0.0;
          for (var d = 0u; d < HS; d++) { sc += qs[r * HS + d] * kr[d]; dp += dos[r * HS + d] * vr[d]; }
          let p = exp(sc - ls[r]);
          let ds = p * (dp - Ds[r]);
          for (var d = 0u; d < HS; d++) { dva[d] += p * dos[r * HS + d]; dka[d] += ds * qs[r * HS + d]; }
        }
      }
    }
  }
  if (j >= u.T) { return; }
  for (var d = 0u; d < HS; d++) { dk[ko + d] = dka[d] * u.scale; dv[ko + d] = dva[d]; }
}