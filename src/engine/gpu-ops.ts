// The WebGPU implementation of Backend: each method forwards to the op of the same name in ops/*.
import type { Backend } from './backend.ts';
import type { GpuRuntime } from './runtime.ts';
import type { GpuTensor } from './op.ts';
import { fill, scale, add, copy } from './ops/util.ts';
import { embeddingForward } from './ops/embedding.ts';
import { rmsnormForward, rmsnormBackward } from './ops/rmsnorm.ts';
import { gemm, matmulForward, matmulBackward } from './ops/matmul.ts';
import { biasForward } from './ops/bias.ts';
import { loraForward, loraBackward } from './ops/lora.ts';
import { ropeForward, ropeBackward } from './ops/rope.ts';
import { attentionForward, attentionBackward, attentionDecode } from './ops/attention.ts';
import { swigluForward, swigluBackward } from './ops/swiglu.ts';
import { dropoutForward, dropoutBackward } from './ops/dropout.ts';
import { crossEntropyForward, crossEntropyBackward, crossEntropyLogprobs } from './ops/cross-entropy.ts';
import { adamwUpdate } from './ops/adamw.ts';
import { gradClip } from './ops/grad-clip.ts';

export function makeGpuBackend(rt: GpuRuntime): Backend<GpuTensor> {
  return {
    kind: 'gpu',
    zeros(shape) {
      const t = rt.empty(shape);
      fill(rt, t, 0);
      return t;
    },
    upload: (data, shape) => rt.upload(data, shape),
    write: (t, data) => rt.write(t, data),
    view: (base, offset, shape) => rt.view(base, offset, shape),
    read: (t) => rt.read(t),
    release: (t) => rt.release(t),
    beginStep: () => rt.beginStep(),
    submit: () => rt.submit(),
    fill: (x, v) => fill(rt, x, v),
    scale: (x, a) => scale(rt, x, a),
    add: (d, s, a = 1) => add(rt, d, s, a),
    copy: (d, s) => copy(rt, d, s),
    embeddingForward: (out, ids, wte) => embeddingForward(rt, out, ids, wte),
    rmsnormForward: (out, rstd, inp, w, eps, off) => rmsnormForward(rt, out, rstd, inp, w, eps, off),
    rmsnormBackward: (dinp, dw, dout, inp, w, rstd, off) => rmsnormBackward(rt, dinp, dw, dout, inp, w, rstd, off),
    gemm: (c, a, b, o) => gemm(rt, c, a, b, o),
    matmulForward: (out, inp, W) => matmulForward(rt, out, inp, W),
    matmulBackward: (dinp, dout, W, acc) => matmulBackward(rt, dinp, dout, W, acc),
    biasForward: (out, bias) => biasForward(rt, out, bias),
    loraForward: (out, h, inp, A, B, s) => loraForward(rt, out, h, inp, A, B, s),
    loraBackward: (dinp, dA, dB, dh, dout, inp, A, B, h, s) => loraBackward(rt, dinp, dA, dB, dh, dout, inp, A, B, h, s),
    ropeForward: (x, pos, f, B, T, NH, HS) => ropeForward(rt, x, pos, f, B, T, NH, HS),
    ropeBackward: (dx, pos, f, B, T, NH, HS) => ropeBackward(rt, dx, pos, f, B, T, NH, HS),
    attentionForward: (out, lse, q, k, v, B, T, NH, NKV, HS, o) => attentionForward(rt, out, lse, q, k, v, B, T, NH, NKV, HS, o),
    attentionBackward: (dq, dk, dv, delta, dout, out, lse, q, k, v, B, T, NH, NKV, HS, o) =>
      attentionBackward(rt, dq, dk, dv, delta, dout, out, lse, q, k, v, B, T, NH, NKV, HS, o),
    attentionDecode: (out, q, kc, vc, B, Tq, NH, NKV, HS, start, cap, o) => attentionDecode(rt, out, q, kc, vc, B, Tq, NH, NKV, HS, start, cap, o),
    swigluForward: (out, g, u) => swigluForward(rt, out, g, u),
    swigluBackward: (dg, du, dout, g, u) => swigluBackward(rt, dg, du, dout, g, u),
    dropoutForward: (out, inp, p, seed, step) => dropoutForward(rt, out, inp, p, seed, step),
    dropoutBackward: (dinp, dout, p, seed, step) => dropoutBackward(rt, dinp, dout, p, seed, step),
    crossEntropyForward: (losses, loss, lse, logits, t, m, N, V) => crossEntropyForward(rt, losses, loss, lse, logits, t, m, N, V),
    crossEntropyBackward: (dl, logits, lse, t, m, loss, N, V, gs) => crossEntropyBackward(rt, dl, logits, lse, t, m, loss, N, V, gs),
    crossEntropyLogprobs: (lp, logits, t, N, V) => crossEntropyLogprobs(rt, lp, logits, t, N, V),
    adamwUpdate: (p, g, m, v, hp) => adamwUpdate(rt, p, g, m, v, hp),
    gradClip: (g, norm, max) => gradClip(rt, g, norm, max),
  };
}
