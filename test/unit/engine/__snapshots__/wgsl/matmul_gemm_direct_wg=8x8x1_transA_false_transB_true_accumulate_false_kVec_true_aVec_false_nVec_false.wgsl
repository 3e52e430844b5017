// op matmul_gemm_direct|wg=8x8x1|{"transA":false,"transB":true,"accumulate":false,"kVec":true,"aVec":false,"nVec":false}
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
    let b0 = b[min(n0 + 0u, u.N - 1u) * K4 + k4];
    let b1 = b[min(n0 + 1u, u.N - 1u) * K4 + k4];
    let b2 = b[min(n0 + 2u, u.N - 1u) * K4 + k4];
    let b3 = b[min(n0 + 3u, u.N - 1u) * K4 + k4];
    let a0 = a[min(m0 + 0u, u.M - 1u) * K4 + k4];
    acc0 += vec4<f32>(dot(a0, b0), dot(a0, b1), dot(a0, b2), dot(a0, b3));
    let a1 = a[min(m0 + 1u, u.M - 1u) * K4 + k4];
    acc1 += vec4<f32>(dot(a1, b0), dot(a1, b1), dot(a1, b2), dot(a1, b3));
    let a2 = a[min(m0 + 2u, u.M - 1u) * K4 + k4];
    acc2 += vec4<f32>(dot(a2, b0), dot(a2, b1), dot(a2, b2), dot(a2, b3));
    let a3 = a[min(m0 + 3u, u.M - 1u) * K4 + k4];
    acc3 += vec4<f32>(dot(a3, b0), dot(a3, b1), dot(a3, b2), dot(a3, b3));
  }
  if (m0 + 0u < u.M) {
    for (var j = 0u; j < min(4u, u.N - n0); j = j + 1u) {
      let idx = (m0 + 0u) * u.N + n0 + j;
      c[idx] = u.alpha * acc0[j];
    }
  }
  if (m0 + 1u < u.M) {
    for (var j = 0u; j < min(4u, u.N - n0); j = j + 1u) {
      let idx = (m0 + 1u) * u.N + n0 + j;
      c[idx] = u.alpha * acc1[j];
    }
  }
  if (m0 + 2u < u.M) {
    for (var j = 0u; j < min(4u, u.N - n0); j = j + 1u) {
      let idx = (m0 + 2u) * u.N + n0 + j;
      c[idx] = u.alpha * acc2[j];
    }
  }
  if (m0 + 3u < u.M) {
    for (var j = 0u; j < min(4u, u.N - n0); j = j + 1u) {
      let idx = (m0 + 3u) * u.N + n0 + j;
      c[idx] = u.alpha * acc3[j];
    }
  }
}