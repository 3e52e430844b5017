// op matmul_gemm_direct|wg=8x8x1|{"transA":true,"transB":false,"accumulate":false,"kVec":false,"aVec":true,"nVec":true}
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
  for (var k = 0u; k < u.K; k = k + 1u) {
    let bv = b[(k * u.N + n0) / 4u];
    let av = a[(k * u.M + m0) / 4u];
    acc0 += av.x * bv;
    acc1 += av.y * bv;
    acc2 += av.z * bv;
    acc3 += av.w * bv;
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