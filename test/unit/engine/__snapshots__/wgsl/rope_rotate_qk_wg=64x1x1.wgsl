// op rope_rotate_qk|wg=64x1x1|
@group(0) @binding(0) var<storage, read_write> q: array<f32>;
@group(0) @binding(1) var<storage, read_write> k: array<f32>;
@group(0) @binding(2) var<storage, read> pos: array<u32>;
@group(0) @binding(3) var<storage, read> invFreq: array<f32>;
struct Uniforms { n: u32, nhq: u32, nhk: u32, half: u32, sign: f32, };
@group(0) @binding(4) var<uniform> u: Uniforms;
const WG_X: u32 = 64u;
const WG_Y: u32 = 1u;
const WG_Z: u32 = 1u;
// Linear workgroup index of a 1-D dispatch that the runtime may have split over x and y.
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + wid.y * nwg.x + wid.z * nwg.x * nwg.y; }

// 2*pi = C1 + C2 + C3; C1 and C2 have 8 significant bits, so k * C1 and k * C2 are exact for k < 2^16.
const C1: f32 = 6.28125;
const C2: f32 = 0.001930236816406250;
const C3: f32 = 5.070363179981996e-6;
const INV_2PI: f32 = 0.15915494309189535;
const TWO_OVER_PI: f32 = 0.6366197723675814;

// (sin a, cos a) for a >= 0 with ~1e-7 absolute error up to a ~ 4e5.
fn sinCos(a: f32) -> vec2<f32> {
  let k = round(a * INV_2PI);
  let r = ((a - k * C1) - k * C2) - k * C3; // [-pi, pi]
  let q = round(r * TWO_OVER_PI); // quarter turns, -2..2; C/4 splits pi/2 exactly
  let y = ((r - q * (C1 * 0.25)) - q * (C2 * 0.25)) - q * (C3 * 0.25); // [-pi/4, pi/4]
  let y2 = y * y;
  let sy = y * (1.0 + y2 * (-1.0 / 6.0 + y2 * (1.0 / 120.0 + y2 * (-1.0 / 5040.0 + y2 * (1.0 / 362880.0)))));
  let cy = 1.0 + y2 * (-0.5 + y2 * (1.0 / 24.0 + y2 * (-1.0 / 720.0 + y2 * (1.0 / 40320.0 + y2 * (-1.0 / 3628800.0)))));
  switch ((i32(q) + 4) % 4) {
    case 1: { return vec2<f32>(cy, -sy); }
    case 2: { return vec2<f32>(-sy, -cy); }
    case 3: { return vec2<f32>(-cy, sy); }
    default: { return vec2<f32>(sy, cy); }
  }
}

@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
    @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let heads = u.nhq + u.nhk;
  let g = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (g >= u.n * heads * u.half) { return; }
  let i = g % u.half;
  let th = g / u.half; // token * (NH + NKV) + head
  let tok = th / heads;
  let head = th % heads;
  let angle = f32(pos[tok]) * invFreq[i];
  let sc = sinCos(angle);
  let c = sc.y;
  let s = u.sign * sc.x;
  if (head < u.nhq) {
    let o = (tok * u.nhq + head) * (2u * u.half);
    let a = q[o + i];
    let b = q[o + i + u.half];
    q[o + i] = a * c - b * s;
    q[o + i + u.half] = b * c + a * s;
  } else {
    let o = (tok * u.nhk + head - u.nhq) * (2u * u.half);
    let a = k[o + i];
    let b = k[o + i + u.half];
    k[o + i] = a * c - b * s;
    k[o + i + u.half] = b * c + a * s;
  }
}