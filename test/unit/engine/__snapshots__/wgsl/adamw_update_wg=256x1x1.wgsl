// op adamw_update|wg=256x1x1|
@group(0) @binding(0) var<storage, read_write> params: array<f32>;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
struct Uniforms { n: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, weightDecay: f32, bc1: f32, bc2: f32, };
@group(0) @binding(4) var<uniform> u: Uniforms;
const WG_X: u32 = 256u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }
@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (i >= u.n) { return; }
  let g = grads[i];
  let mi = u.beta1 * m[i] + (1.0 - u.beta1) * g;
  let vi = u.beta2 * v[i] + (1.0 - u.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  let p = params[i];
  params[i] = p - u.lr * ((mi / u.bc1) / (sqrt(vi / u.bc2) + u.eps) + u.weightDecay * p);
}