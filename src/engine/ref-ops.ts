// The CPU implementation of Backend: each method forwards to the reference twin of the same name in ref/*,
// deriving the sizes from the tensors' shapes exactly as the GPU ops do.
import type { Backend, CpuTensor } from './backend.ts';
import { fill, scale, add } from './ref/util.ts';
import { embeddingForward } from './ref/embedding.ts';
import { rmsnormForward, rmsnormBackward } from './ref/rmsnorm.ts';
import { gemm, matmulForward, matmulBackward } from './ref/matmul.ts';
import { biasForward } from './ref/bias.ts';
import { loraForward, loraBackward } from './ref/lora.ts';
import { ropeForward, ropeBackward } from './ref/rope.ts';
import { attentionForward, attentionBackward, attentionDecode } from './ref/attention.ts';
import { swigluForward, swigluBackward } from './ref/swiglu.ts';
import { dropoutForward, dropoutBackward } from './ref/dropout.ts';
import { crossEntropyForward, crossEntropyBackward, crossEntropyLogprobs } from './ref/cross-entropy.ts';
import { adamwUpdate } from './ref/adamw.ts';
import { gradClip } from './ref/grad-clip.ts';

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** (rows, last dim) of a tensor: leading dims flattened, as the GPU ops read them. */
function rows(t: CpuTensor): [number, number] {
  const c = t.shape[t.shape.length - 1] ?? 1;
  return [c === 0 ? 0 : t.size / c, c];
}

function f32(t: CpuTensor): Float32Array {
  if (!(t.data instanceof Float32Array)) throw new Error(`cpu backend: expected an f32 tensor (${t.shape.join(', ')}), got u32`);
  return t.data;
}

function tensor(data: Float32Array | Uint32Array, shape: readonly number[]): CpuTensor {
  return { data, shape: [...shape], size: numel(shape) };
}

export function makeCpuBackend(): Backend<CpuTensor> {
  return {
    kind: 'cpu',
    zeros: (shape) => tensor(new Float32Array(numel(shape)), shape),
    upload(data, shape) {
      if (data.length !== numel(shape)) throw new Error(`upload: ${data.length} elements for shape (${shape.join(', ')})`);
      return tensor(data instanceof Uint32Array ? data.slice() : data.slice(), shape);
    },
    write(t, data) {
      if (data.length !== t.size) throw new Error(`write: ${data.length} elements for a tensor of ${t.size}`);
      t.data.set(data);
    },
    view(base, offset, shape) {
      const size = numel(shape);
      if (offset < 0 || offset + size > base.size) throw new Error(`view: [${offset}, ${offset + size}) outside a tensor of ${base.size}`);
      return tensor(base.data.subarray(offset, offset + size), shape);
    },
    read: async (t) => Float32Array.from(t.data),
    release: () => undefined,
    beginStep: () => undefined,
    submit: () => undefined,
    fill: (x, v) => fill(f32(x), v),
    scale: (x, a) => scale(f32(x), a),
    add: (d, s, a = 1) => add(f32(d), f32(s), a),
    copy(d, s) {
      if (d.size !== s.size) throw new Error(`copy: dst has ${d.size} elements, src ${s.size}`);
      d.data.set(s.data);
    },
    embeddingForward(out, ids, wte) {
      const [N, C] = rows(out);
      embeddingForward(f32(out), ids.data as Uint32Array, f32(wte), N, C, wte.shape[0]);
    },
    rmsnormForward(out, rstd, inp, w, eps, off) {
      const [N, C] = rows(inp);
      rmsnormForward(f32(out), f32(rstd), f32(inp), f32(w), N, C, eps, off);
    },
    rmsnormBackward(dinp, dw, dout, inp, w, rstd, off) {
      const [N, C] = rows(inp);
      rmsnormBackward(f32(dinp), dw ? f32(dw) : null, f32(dout), f32(inp), f32(w), f32(rstd), N, C, off);
    },
    gemm(c, a, b, o = {}) {
      const [M, N] = rows(c);
      const [ar, ac] = rows(a);
      gemm(f32(c), f32(a), f32(b), M, N, o.transA ? ar : ac, o);
    },
    matmulForward(out, inp, W) {
      const [N, I] = rows(inp);
      matmulForward(f32(out), f32(inp), f32(W), N, I, W.shape[0]);
    },
    matmulBackward(dinp, dout, W, acc) {
      const [N, I] = rows(dinp);
      matmulBackward(f32(dinp), f32(dout), f32(W), N, I, W.shape[0], acc);
    },
    biasForward(out, bias) {
      const [N, O] = rows(out);
      biasForward(f32(out), f32(bias), N, O);
    },
    loraForward(out, h, inp, A, B, s) {
      const [N, I] = rows(inp);
      loraForward(f32(out), f32(h), f32(inp), f32(A), f32(B), N, I, B.shape[0], A.shape[0], s);
    },
    loraBackward(dinp, dA, dB, dh, dout, inp, A, B, h, s) {
      const [N, I] = rows(inp);
      loraBackward(dinp ? f32(dinp) : null, f32(dA), f32(dB), f32(dh), f32(dout), f32(inp), f32(A), f32(B), f32(h), N, I, B.shape[0], A.shape[0], s);
    },
    ropeForward: (x, pos, f, B, T, NH, HS) => ropeForward(f32(x), pos.data, f.data, B, T, NH, HS),
    ropeBackward: (dx, pos, f, B, T, NH, HS) => ropeBackward(f32(dx), pos.data, f.data, B, T, NH, HS),
    attentionForward: (out, lse, q, k, v, B, T, NH, NKV, HS, o) =>
      attentionForward(f32(out), f32(lse), f32(q), f32(k), f32(v), B, T, NH, NKV, HS, { scale: o.scale, window: o.window, lens: o.lens?.data ?? null }),
    attentionBackward: (dq, dk, dv, delta, dout, out, lse, q, k, v, B, T, NH, NKV, HS, o) =>
      attentionBackward(f32(dq), f32(dk), f32(dv), f32(delta), f32(dout), f32(out), f32(lse), f32(q), f32(k), f32(v), B, T, NH, NKV, HS,
        { scale: o.scale, window: o.window, lens: o.lens?.data ?? null }),
    attentionDecode: (out, q, kc, vc, B, Tq, NH, NKV, HS, start, cap, o) =>
      attentionDecode(f32(out), f32(q), f32(kc), f32(vc), B, Tq, NH, NKV, HS, start, cap, o),
    swigluForward: (out, g, u) => swigluForward(f32(out), f32(g), f32(u), out.size),
    swigluBackward: (dg, du, dout, g, u) => swigluBackward(f32(dg), f32(du), f32(dout), f32(g), f32(u), dout.size),
    dropoutForward(out, inp, p, seed, step) {
      if (out.size !== inp.size) throw new Error(`dropoutForward: out has ${out.size} elements, inp ${inp.size}`);
      dropoutForward(f32(out), f32(inp), p, seed, step, out.size);
    },
    dropoutBackward(dinp, dout, p, seed, step) {
      if (dinp.size !== dout.size) throw new Error(`dropoutBackward: dinp has ${dinp.size} elements, dout ${dout.size}`);
      dropoutBackward(f32(dinp), f32(dout), p, seed, step, dinp.size);
    },
    crossEntropyForward: (losses, loss, lse, logits, t, m, N, V) =>
      crossEntropyForward(f32(losses), f32(loss), f32(lse), f32(logits), t.data, m.data, N, V),
    crossEntropyBackward: (dl, logits, lse, t, m, loss, N, V, gs) =>
      crossEntropyBackward(f32(dl), f32(logits), f32(lse), t.data, m.data, f32(loss), N, V, gs),
    crossEntropyLogprobs: (lp, logits, t, N, V) => crossEntropyLogprobs(f32(lp), f32(logits), t.data, N, V),
    adamwUpdate: (p, g, m, v, hp) => adamwUpdate(f32(p), f32(g), f32(m), f32(v), hp),
    gradClip: (g, norm, max) => gradClip(f32(g), f32(norm), max),
  };
}
