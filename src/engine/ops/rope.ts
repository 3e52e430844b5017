// RoPE on the GPU (Hugging Face rotate-half convention), in place, forward and backward. Twin: ref/rope.ts.
//
// x: (B, T, NH, HS) row-major = the (B, T, NH*HS) q or k projection output; NH = heads of that tensor.
// pos: (B, T) u32 positions (packed sequences and KV-cache offsets just pass their own positions).
// invFreq: (HS/2) f32 from ropeInvFreq(HS, rope_theta) (or a scaled variant such as Llama 3's), uploaded
// once: the angle pos * invFreq is then one correctly rounded f32 multiply, exactly HF's float32 angle.
// cos/sin are computed here, not with WGSL's builtins: those only promise 2^-11 absolute error (SwiftShader
// is off by ~1e-4), too coarse for logits that match HF. The angle is reduced by a three-part 2*pi, then
// to [-pi/4, pi/4] by quarter turns, where Taylor series to degree 9/10 are exact to ~1e-9.
// Backward rotates by the negative angle. ropeQkForward / ropeQkBackward rotate q and k in one dispatch.
import type { GpuRuntime } from '../runtime.ts';
import { expectShape, type GpuTensor, type OpDescription } from '../op.ts';
import { ENTRY } from './common.ts';

export { ropeInvFreq } from '../ref/rope.ts';

const WG = 64;

const SINCOS = `
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

`;

const ROPE: OpDescription = {
  name: 'rope_rotate',
  workgroupSize: [WG],
  bindings: [
    { name: 'x', access: 'read_write' },
    { name: 'pos', access: 'read', type: 'u32' },
    { name: 'invFreq', access: 'read' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['nh', 'u32'],
    ['half', 'u32'],
    ['sign', 'f32'],
  ],
  wgsl: /* wgsl */ `${SINCOS}${ENTRY} {
  // one invocation per (token, head, pair i)
  let g = linearWorkgroup(wid, nwg) * WG_X + lid;
  if (g >= u.n * u.nh * u.half) { return; }
  let i = g % u.half;
  let th = g / u.half; // token * NH + head
  let tok = th / u.nh;
  let angle = f32(pos[tok]) * invFreq[i];
  let sc = sinCos(angle);
  let c = sc.y;
  let s = u.sign * sc.x;
  let o = th * (2u * u.half);
  let a = x[o + i];
  let b = x[o + i + u.half];
  x[o + i] = a * c - b * s;
  x[o + i + u.half] = b * c + a * s;
}`,
};

// q and k of the same tokens in one dispatch: invocation (token, head of q then of k, pair i).
const ROPE_QK: OpDescription = {
  name: 'rope_rotate_qk',
  workgroupSize: [WG],
  bindings: [
    { name: 'q', access: 'read_write' },
    { name: 'k', access: 'read_write' },
    { name: 'pos', access: 'read', type: 'u32' },
    { name: 'invFreq', access: 'read' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['nhq', 'u32'],
    ['nhk', 'u32'],
    ['half', 'u32'],
    ['sign', 'f32'],
  ],
  wgsl: /* wgsl */ `${SINCOS}${ENTRY} {
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
}`,
};

function checkRope(name: string, x: GpuTensor, pos: GpuTensor, invFreq: GpuTensor, B: number, T: number, NH: number, HS: number): void {
  if (HS % 2 !== 0) throw new Error(`${name}: head size HS must be even, got ${HS}`);
  if (x.size !== B * T * NH * HS) {
    throw new Error(`${name}: x ${'(' + x.shape.join(', ') + ')'} has ${x.size} elements, expected B*T*NH*HS = ${B}*${T}*${NH}*${HS}`);
  }
  if (pos.size !== B * T) throw new Error(`${name}: pos has ${pos.size} elements, expected B*T = ${B * T}`);
  expectShape(`${name} invFreq`, invFreq, [HS / 2]);
}

function runRopeQk(
  rt: GpuRuntime,
  name: string,
  q: GpuTensor,
  k: GpuTensor,
  pos: GpuTensor,
  invFreq: GpuTensor,
  B: number,
  T: number,
  NH: number,
  NKV: number,
  HS: number,
  sign: number,
): void {
  checkRope(`${name} q`, q, pos, invFreq, B, T, NH, HS);
  checkRope(`${name} k`, k, pos, invFreq, B, T, NKV, HS);
  const threads = B * T * (NH + NKV) * (HS / 2);
  rt.run(ROPE_QK, { q, k, pos, invFreq }, { n: B * T, nhq: NH, nhk: NKV, half: HS / 2, sign }, Math.ceil(threads / WG));
}

/** Rotates q (B, T, NH, HS) and k (B, T, NKV, HS) in place, in one dispatch; pos: (B, T) u32; invFreq: (HS/2). */
export function ropeQkForward(
  rt: GpuRuntime,
  q: GpuTensor,
  k: GpuTensor,
  pos: GpuTensor,
  invFreq: GpuTensor,
  B: number,
  T: number,
  NH: number,
  NKV: number,
  HS: number,
): void {
  runRopeQk(rt, 'ropeQkForward', q, k, pos, invFreq, B, T, NH, NKV, HS, 1);
}

/** Turns dq, dk into the gradients before the rotation, in place, in one dispatch. */
export function ropeQkBackward(
  rt: GpuRuntime,
  dq: GpuTensor,
  dk: GpuTensor,
  pos: GpuTensor,
  invFreq: GpuTensor,
  B: number,
  T: number,
  NH: number,
  NKV: number,
  HS: number,
): void {
  runRopeQk(rt, 'ropeQkBackward', dq, dk, pos, invFreq, B, T, NH, NKV, HS, -1);
}

function runRope(
  rt: GpuRuntime,
  name: string,
  x: GpuTensor,
  pos: GpuTensor,
  invFreq: GpuTensor,
  B: number,
  T: number,
  NH: number,
  HS: number,
  sign: number,
): void {
  checkRope(name, x, pos, invFreq, B, T, NH, HS);
  const threads = B * T * NH * (HS / 2);
  rt.run(ROPE, { x, pos, invFreq }, { n: B * T, nh: NH, half: HS / 2, sign }, Math.ceil(threads / WG));
}

/** Rotates x in place. x: (B, T, NH, HS); pos: (B, T) u32; invFreq: (HS/2). */
export function ropeForward(rt: GpuRuntime, x: GpuTensor, pos: GpuTensor, invFreq: GpuTensor, B: number, T: number, NH: number, HS: number): void {
  runRope(rt, 'ropeForward', x, pos, invFreq, B, T, NH, HS, 1);
}

/** Turns dout into dinp in place (inverse rotation). dx: (B, T, NH, HS); pos: (B, T) u32; invFreq: (HS/2). */
export function ropeBackward(rt: GpuRuntime, dx: GpuTensor, pos: GpuTensor, invFreq: GpuTensor, B: number, T: number, NH: number, HS: number): void {
  runRope(rt, 'ropeBackward', dx, pos, invFreq, B, T, NH, HS, -1);
}

/** This module's ops, and their twins; registry.ts makes the GPU and the CPU backend from the pairs. */
export const kernels = { ropeForward, ropeBackward, ropeQkForward, ropeQkBackward };
export { twins } from '../ref/rope.ts';
