// op matmul_gemm|wg=8x8x1|{"transA":false,"transB":true,"accumulate":false,"tile":32,"bk":16,"aVec":true,"bVec":true}
@group(0) @binding(0) var<storage, read_write> c: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
struct Uniforms { M: u32, N: u32, K: u32, alpha: f32, };
@group(0) @binding(3) var<uniform> u: Uniforms;
const WG_X: u32 = 8u;
const WG_Y: u32 = 8u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }

const TILE: u32 = 32u;
const BK: u32 = 16u;
const SIDE: u32 = 8u;
var<workgroup> As: array<f32, 512>;
var<workgroup> Bs: array<f32, 512>;
@compute @workgroup_size(WG_X, WG_Y) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(local_invocation_id) lid3: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let n0 = wid.x * TILE;
  let m0 = wid.y * TILE;
  let tx = lid3.x;
  let ty = lid3.y;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < u.K; k0 = k0 + BK) {
    for (var r = 0u; r < 2u; r = r + 1u) {
      let e = (lid + r * 64u) * 4u;
      let m = e / BK; let k = e % BK; let gm = m0 + m; let gk = k0 + k;
      let v = select(vec4<f32>(0.0), a[(gm * u.K + gk) / 4u], gm < u.M && gk < u.K);
      for (var t = 0u; t < 4u; t = t + 1u) { As[(k + t) * TILE + m] = v[t]; }
    }
    for (var r = 0u; r < 2u; r = r + 1u) {
      let e = (lid + r * 64u) * 4u;
      let n = e / BK; let k = e % BK; let gn = n0 + n; let gk = k0 + k;
      let v = select(vec4<f32>(0.0), b[(gn * u.K + gk) / 4u], gn < u.N && gk < u.K);
      for (var t = 0u; t < 4u; t = t + 1u) { Bs[(k + t) * TILE + n] = v[t]; }
    }
    workgroupBarrier();
    for (var k = 0u; k < BK; k = k + 1u) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i = i + 1u) { av[i] = As[k * TILE + ty + SIDE * i]; bv[i] = Bs[k * TILE + tx + SIDE * i]; }
      for (var i = 0u; i < 4u; i = i + 1u) {
        for (var j = 0u; j < 4u; j = j + 1u) { acc[i][j] = acc[i][j] + av[i] * bv[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i = i + 1u) {
    let gm = m0 + ty + SIDE * i;
    for (var j = 0u; j < 4u; j = j + 1u) {
      let gn = n0 + tx + SIDE * j;
      if (gm < u.M && gn < u.N) {
        let idx = gm * u.N + gn;
        c[idx] = u.alpha * acc[i][j];
      }
    }
  }
}