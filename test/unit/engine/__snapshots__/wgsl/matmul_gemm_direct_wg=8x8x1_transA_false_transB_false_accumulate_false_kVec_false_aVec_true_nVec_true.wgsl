// op matmul_gemm_direct|wg=8x8x1|{"transA":false,"transB":false,"accumulate":false,"kVec":false,"aVec":true,"nVec":true}
@group(0) @binding(0) var<storage, read_write> c: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> b: array<vec4<f32>>;
struct Uniforms { M: u32, N: u32, K: u32, alpha: f32, };
@group(0) @binding(3) var<uniform> u: Uniforms;
const WG_X: u32 = 8u;
const WG_Y: u32 = 8u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }

@compute @workgroup_size(WG_X, WG_Y) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n0 = gid.x * 4u;
  let m0 = gid.y * 4u;
  if (n0 >= u.N || m0 >= u.M) { return; }  // no barriers, so threads past the edge may leave
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  let K4 = u.K / 4u;
  for (var k4 = 0u; k4 < K4; k4 = k4 + 1u) {
    let a0 = a[min(m0 + 0u, u.M - 1u) * K4 + k4];
    let a1 = a[min(m0 + 1u, u.M - 1u) * K4 + k4];
    let a2 = a[min(m0 + 2u, u.M - 1u) * K4 + k4];
    let a3 = a[min(m0 + 3u, u.M - 1u) * K4 + k4];
    {
      let bv = b[((k4 * 4u + 0u) * u.N + n0) / 4u];
      acc0 += a0.x * bv;
      acc1 += a1.x * bv;
      acc2 += a2.x * bv;
      acc3 += a3.x * bv;
    }
    {
      let bv = b[((k4 * 4u + 1u) * u.N + n0) / 4u];
      acc0 += a0.y * bv;
      acc1 += a1.y * bv;
      acc2 += a2.y * bv;
      acc3 += a3.y * bv;
    }
    {
      let bv = b[((k4 * 4u + 2u) * u.N + n0) / 4u];
      acc0 += a0.z * bv;
      acc1 += a1.z * bv;
      acc2 += a2.z * bv;
      acc3 += a3.z * bv;
    }
    {
      let bv = b[((k4 * 4u + 3u) * u.N + n0) / 4u];
      acc0 += a0.w * bv;
      acc1 += a1.w * bv;
      acc2 += a2.w * bv;
      acc3 += a3.w * bv;
    }
  }
  if (m0 + 0u < u.M) {
    let idx = ((m0 + 0u) * u.N + n0) / 4u;
    c[idx] = u.alpha * acc0;
  }
  if (m0 + 1u < u.M) {
    let idx = ((m0 + 1u) * u.N + n0) / 4u;
    c[idx] = u.alpha * acc1;
  }
  if (m0 + 2u < u.M) {
    let idx = ((m0 + 2u) * u.N + n0) / 4u;
    c[idx] = u.alpha * acc2;
  }
  if (m0 + 3u < u.M) {
    let idx = ((m0 + 3u) * u.N + n0) / 4u;
    c[idx] = u.alpha * acc3;
  }
}