enable subgroups;
// op attention_decode|wg=64x1x1|{"HS":64,"subgroups":true}
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> kCache: array<f32>;
@group(0) @binding(3) var<storage, read> vCache: array<f32>;
@group(0) @binding(4) var<storage, read> pos: array<u32>;
struct Uniforms { B: u32, Tq: u32, NH: u32, NKV: u32, start: u32, cap: u32, window: u32, scale: f32, usePos: u32, };
@group(0) @binding(5) var<uniform> u: Uniforms;
const WG_X: u32 = 64u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }
const HS: u32 = 64u;
const DPT: u32 = 1u;
const NEG: f32 = -1.0e30;
var<workgroup> qs: array<f32, HS>;
var<workgroup> ps: array<f32, WG_X>;
var<workgroup> red: array<f32, WG_X>;
// Sum of one value per invocation over the workgroup, by subgroups; every invocation gets it.
fn reduceSum(lid: u32, x: f32) -> f32 {
  let n = subgroupAdd(1u); // invocations in this subgroup
  let lane = subgroupExclusiveAdd(1u); // 0 .. n - 1
  let p = subgroupAdd(x);
  red[lid] = select(0.0, p, lane == 0u);
  workgroupBarrier();
  var a = red[lane];
  for (var k = lane + n; k < WG_X; k += n) { a = a + red[k]; }
  let r = subgroupAdd(a);
  workgroupBarrier();
  return r;
}
// Max of one value per invocation over the workgroup, by subgroups; every invocation gets it.
fn reduceMax(lid: u32, x: f32) -> f32 {
  let n = subgroupAdd(1u); // invocations in this subgroup
  let lane = subgroupExclusiveAdd(1u); // 0 .. n - 1
  let p = subgroupMax(x);
  red[lid] = p;
  workgroupBarrier();
  var a = red[lane];
  for (var k = lane + n; k < WG_X; k += n) { a = max(a, red[k]); }
  let r = subgroupMax(a);
  workgroupBarrier();
  return r;
}
fn attentionVisible(i: u32, j: u32, len: u32, window: u32) -> bool {
  return j <= i && j < len && (window == 0u || i - j < window);
}
fn attentionFirstKey(i: u32, window: u32) -> u32 {
  return select(0u, i + 1u - window, window > 0u && i + 1u > window);
}
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = linearWorkgroup(wid, nwg);
  if (w >= u.B * u.NH * u.Tq) { return; }
  let t = w % u.Tq;
  let b = (w / u.Tq) / u.NH;
  let h = (w / u.Tq) % u.NH;
  let kh = h / (u.NH / u.NKV);
  let i = select(u.start + t, pos[b * u.Tq + t], u.usePos != 0u); // ragged batches: each row's own position
  let qo = ((b * u.Tq + t) * u.NH + h) * HS;
  for (var d = lid; d < HS; d += WG_X) { qs[d] = q[qo + d] * u.scale; }
  let kStart = attentionFirstKey(i, u.window);
  let kEnd = i + 1u;
  var m = NEG;
  var l = 0.0;
  var acc: array<f32, DPT>;
  workgroupBarrier();
  for (var j0 = kStart; j0 < kEnd; j0 += WG_X) {
    // one key per invocation: its score, then the chunk's max and sum over the workgroup
    let j = j0 + lid;
    var sc = NEG;
    if (j < kEnd) {
      sc = 0.0;
      let ko = ((b * u.cap + j) * u.NKV + kh) * HS;
      for (var d = 0u; d < HS; d++) { sc += qs[d] * kCache[ko + d]; }
    }
    let mt = max(m, reduceMax(lid, sc));
    let p = select(0.0, exp(sc - mt), j < kEnd);
    ps[lid] = p; // visible to the whole workgroup after reduceSum's barriers
    let alpha = exp(m - mt);
    l = l * alpha + reduceSum(lid, p);
    m = mt;
    // one head dimension per invocation (DPT of them): acc = acc * alpha + sum_c p_c v_c
    let cn = min(WG_X, kEnd - j0);
    for (var e = 0u; e < DPT; e++) {
      let d = lid + e * WG_X;
      if (d < HS) {
        var a = acc[e] * alpha;
        for (var c = 0u; c < cn; c++) { a += ps[c] * vCache[((b * u.cap + j0 + c) * u.NKV + kh) * HS + d]; }
        acc[e] = a;
      }
    }
    workgroupBarrier();
  }
  for (var e = 0u; e < DPT; e++) {
    let d = lid + e * WG_X;
    if (d < HS) { out[qo + d] = acc[e] / l; }
  }
}