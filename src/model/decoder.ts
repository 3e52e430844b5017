// The Llama-family decoder on a Backend: one copy of the frozen base weights, explicit forward and
// backward per layer (gradients flow to the LoRA adapter only), and a KV-cache path for generation.
// Written once against Backend<T>: on gpuBackend it is the engine, on cpuBackend its reference twin.
import type { AttnOpts, Backend, Tensor } from '../engine/backend.ts';
import { ropeInvFreq, type ModelConfig } from './hf-config.ts';
import { loraDelta, type LoraAdapter } from './lora-types.ts';
import type { LoraModule, LoraParams } from './lora-params.ts';
import { Workspace } from './workspace.ts';

export { Workspace } from './workspace.ts';

interface LayerWeights<T> {
  inNorm: T; // (C)
  postNorm: T; // (C)
  q: T; k: T; v: T; o: T; // (NH*HS, C), (NKV*HS, C), (NKV*HS, C), (C, NH*HS)
  gate: T; up: T; down: T; // (I, C), (I, C), (C, I)
  qBias: T | null; kBias: T | null; vBias: T | null; oBias: T | null;
  qNorm: T | null; kNorm: T | null; // (HS) each: per-head RMSNorm of q and k before RoPE (Qwen3, Gemma 3)
}

/**
 * LoRA dropout during training (PEFT's lora_dropout): each module's input to A is dropped with
 * probability p; the mask is a hash of (seed ^ module index, step), so backward reuses it exactly.
 */
export interface LoraDropout {
  p: number;
  seed: number;
  step: number;
}

/** Keys and values of every layer for generation: (B, cap, NKV, HS) each. */
export interface KvCache<T> {
  k: T[];
  v: T[];
  cap: number;
}

const UNSUPPORTED: [keyof ModelConfig, string][] = [
  ['sandwichNorm', 'sandwich norms (Gemma 3)'], ['finalLogitSoftcap', 'logit soft-capping'],
  ['attnLogitSoftcap', 'attention soft-capping'], ['mlpBias', 'MLP biases'],
];

export class Decoder<T extends Tensor> {
  readonly layers: LayerWeights<T>[] = [];
  readonly embed: T; // (V, C)
  readonly norm: T; // (C)
  readonly lmHead: T; // (V, C)
  readonly invFreq: T; // (HS/2)
  private readonly attn: AttnOpts<T>;

  constructor(readonly be: Backend<T>, readonly cfg: ModelConfig, weights: Map<string, Float32Array>) {
    for (const [key, what] of UNSUPPORTED) {
      if (cfg[key]) throw new Error(`decoder: ${cfg.modelType} uses ${what}, which the WebGPU decoder does not implement yet`);
    }
    if (cfg.hiddenAct !== 'silu') throw new Error(`decoder: hidden_act ${cfg.hiddenAct} is not implemented yet (only silu / SwiGLU)`);
    const C = cfg.hiddenSize, I = cfg.intermediateSize, QD = cfg.numHeads * cfg.headDim, KD = cfg.numKvHeads * cfg.headDim;
    const up = (name: string, shape: number[]) => {
      const w = weights.get(name);
      if (!w) throw new Error(`decoder: weight ${name} missing`);
      if (w.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`decoder: weight ${name} has ${w.length} elements, expected (${shape.join(', ')})`);
      return be.upload(w, shape);
    };
    const opt = (name: string, shape: number[]) => (weights.has(name) ? up(name, shape) : null);
    this.embed = up('model.embed_tokens.weight', [cfg.vocabSize, C]);
    for (let l = 0; l < cfg.numLayers; l++) {
      const p = `model.layers.${l}`;
      this.layers.push({
        inNorm: up(`${p}.input_layernorm.weight`, [C]),
        postNorm: up(`${p}.post_attention_layernorm.weight`, [C]),
        q: up(`${p}.self_attn.q_proj.weight`, [QD, C]),
        k: up(`${p}.self_attn.k_proj.weight`, [KD, C]),
        v: up(`${p}.self_attn.v_proj.weight`, [KD, C]),
        o: up(`${p}.self_attn.o_proj.weight`, [C, QD]),
        gate: up(`${p}.mlp.gate_proj.weight`, [I, C]),
        up: up(`${p}.mlp.up_proj.weight`, [I, C]),
        down: up(`${p}.mlp.down_proj.weight`, [C, I]),
        qBias: opt(`${p}.self_attn.q_proj.bias`, [QD]),
        kBias: opt(`${p}.self_attn.k_proj.bias`, [KD]),
        vBias: opt(`${p}.self_attn.v_proj.bias`, [KD]),
        oBias: opt(`${p}.self_attn.o_proj.bias`, [C]),
        qNorm: cfg.qkNorm ? up(`${p}.self_attn.q_norm.weight`, [cfg.headDim]) : null,
        kNorm: cfg.qkNorm ? up(`${p}.self_attn.k_norm.weight`, [cfg.headDim]) : null,
      });
    }
    this.norm = up('model.norm.weight', [C]);
    this.lmHead = cfg.tieWordEmbeddings ? this.embed : up('lm_head.weight', [cfg.vocabSize, C]);
    this.invFreq = be.upload(Float32Array.from(ropeInvFreq(cfg)), [cfg.headDim / 2]);
    this.attn = { scale: cfg.attnScale };
  }

  /**
   * Adds frozen adapters' deltas (scale·B·A) into the base weights in place: the policy's frozen stack
   * (merged units, completed topics) folded into the one shared base copy. Pass sign -1 to remove.
   */
  foldAdapter(adapter: LoraAdapter, sign = 1): void {
    for (const [path, layer] of adapter.layers) {
      const m = /^layers\.(\d+)\.(self_attn|mlp)\.(q|k|v|o|gate|up|down)_proj$/.exec(path);
      if (!m) throw new Error(`decoder: cannot fold adapter module ${path}`);
      const lw = this.layers[Number(m[1])];
      if (!lw) throw new Error(`decoder: adapter module ${path} names a layer the model does not have`);
      const W = lw[m[3] as 'q'];
      const d = this.be.upload(loraDelta(adapter, path, sign), [layer.outFeatures, layer.inFeatures]);
      this.be.add(W, d);
      this.be.release(d);
    }
  }

  /** LoRA ranks by module path, for sizing a Workspace. */
  static loraRanks<T extends Tensor>(lora: LoraParams<T> | null): Map<string, number> {
    return new Map(lora ? [...lora.modules].map(([p, m]) => [p, m.r]) : []);
  }

  private dropoutSeed(drop: LoraDropout, mod: LoraModule<T>): number {
    return (drop.seed ^ Math.imul(mod.offsetA + 1, 0x9e3779b1)) >>> 0;
  }

  private linear(out: T, inp: T, W: T, bias: T | null, mod: LoraModule<T> | undefined, h: T | undefined, ws: Workspace<T>, drop?: LoraDropout): void {
    this.be.matmulForward(out, inp, W);
    if (bias) this.be.biasForward(out, bias);
    if (!mod || !h) return;
    const xin = drop ? ws.loraIn.get(mod.path) : undefined;
    if (drop && !xin) throw new Error(`decoder: the workspace has no dropout buffer for ${mod.path} (create it with withDropout)`);
    if (drop && xin) this.be.dropoutForward(xin, inp, drop.p, this.dropoutSeed(drop, mod), drop.step);
    this.be.loraForward(out, h, xin ?? inp, mod.A, mod.B, mod.scale);
  }

  private linearBackward(dinp: T, dout: T, inp: T, W: T, mod: LoraModule<T> | undefined, h: T | undefined, ws: Workspace<T>, accumulate: boolean, drop?: LoraDropout): void {
    this.be.matmulBackward(dinp, dout, W, accumulate);
    if (!mod || !h) return;
    const dh = ws.dLoraH.get(mod.r)!;
    if (!drop) {
      this.be.loraBackward(dinp, mod.dA, mod.dB, dh, dout, inp, mod.A, mod.B, h, mod.scale);
      return;
    }
    // The LoRA path saw dropout(inp): dA from the dropped input, and its input gradient masked the same way.
    const xin = ws.loraIn.get(mod.path)!;
    this.be.loraBackward(null, mod.dA, mod.dB, dh, dout, xin, mod.A, mod.B, h, mod.scale);
    const tmp = ws.dLoraIn.get(mod.inFeatures)!;
    this.be.gemm(tmp, dh, mod.A); // (N, in) = dh (N, r) @ A (r, in)
    this.be.dropoutBackward(tmp, tmp, drop.p, this.dropoutSeed(drop, mod), drop.step);
    this.be.add(dinp, tmp);
  }

  /**
   * Forward over ws.ids (B, T): final hidden states in ws.hf and, when the workspace has them, logits.
   * With a cache, keys/values are written at positions start.. and attention reads the cache (B = 1 decode).
   */
  forward(ws: Workspace<T>, lora: LoraParams<T> | null, cache?: { kv: KvCache<T>; start: number }, drop?: LoraDropout): void {
    const { be, cfg } = this;
    const { B, T } = ws;
    const NH = cfg.numHeads, NKV = cfg.numKvHeads, HS = cfg.headDim;
    const mod = (l: number, name: string) => lora?.modules.get(`layers.${l}.${name}`);
    be.embeddingForward(ws.xs[0], ws.ids, this.embed);
    if (cfg.embedScale !== 1) be.scale(ws.xs[0], cfg.embedScale);
    for (let l = 0; l < cfg.numLayers; l++) {
      const w = this.layers[l], a = ws.layers[l], x = ws.xs[l], xNext = ws.xs[l + 1];
      const lin = (out: T, inp: T, W: T, bias: T | null, name: string) => this.linear(out, inp, W, bias, mod(l, name), a.loraH.get(`layers.${l}.${name}`), ws, drop);
      be.rmsnormForward(a.h1, a.rstd1, x, w.inNorm, cfg.rmsNormEps, cfg.normWeightOffset);
      if (a.qk) {
        // q/k norms: each head's projection RMS-normed over HS (rows of a (N·heads, HS) view), then RoPE.
        lin(a.qk.qRaw, a.h1, w.q, w.qBias, 'self_attn.q_proj');
        lin(a.qk.kRaw, a.h1, w.k, w.kBias, 'self_attn.k_proj');
        be.rmsnormForward(this.heads(a.q), a.qk.rstdQ, this.heads(a.qk.qRaw), w.qNorm!, cfg.rmsNormEps, cfg.normWeightOffset);
        be.rmsnormForward(this.heads(a.k), a.qk.rstdK, this.heads(a.qk.kRaw), w.kNorm!, cfg.rmsNormEps, cfg.normWeightOffset);
      } else {
        lin(a.q, a.h1, w.q, w.qBias, 'self_attn.q_proj');
        lin(a.k, a.h1, w.k, w.kBias, 'self_attn.k_proj');
      }
      lin(a.v, a.h1, w.v, w.vBias, 'self_attn.v_proj');
      be.ropeForward(a.q, ws.pos, this.invFreq, B, T, NH, HS);
      be.ropeForward(a.k, ws.pos, this.invFreq, B, T, NKV, HS);
      if (cache) {
        const off = cache.start * NKV * HS;
        be.copy(be.view(cache.kv.k[l], off, [T * NKV * HS]), a.k);
        be.copy(be.view(cache.kv.v[l], off, [T * NKV * HS]), a.v);
        be.attentionDecode(a.att, a.q, cache.kv.k[l], cache.kv.v[l], B, T, NH, NKV, HS, cache.start, cache.kv.cap, this.attn);
      } else {
        be.attentionForward(a.att, a.lse, a.q, a.k, a.v, B, T, NH, NKV, HS, { ...this.attn, lens: ws.lens });
      }
      lin(a.x2, a.att, w.o, w.oBias, 'self_attn.o_proj');
      be.add(a.x2, x);
      be.rmsnormForward(a.h2, a.rstd2, a.x2, w.postNorm, cfg.rmsNormEps, cfg.normWeightOffset);
      lin(a.gate, a.h2, w.gate, null, 'mlp.gate_proj');
      lin(a.up, a.h2, w.up, null, 'mlp.up_proj');
      be.swigluForward(a.act, a.gate, a.up);
      lin(xNext, a.act, w.down, null, 'mlp.down_proj');
      be.add(xNext, a.x2);
    }
    be.rmsnormForward(ws.hf, ws.rstdF, ws.xs[cfg.numLayers], this.norm, cfg.rmsNormEps, cfg.normWeightOffset);
    if (ws.logits) be.matmulForward(ws.logits, ws.hf, this.lmHead);
  }

  /** Backward from dlogits (held in ws.logits, e.g. after an in-place cross-entropy backward). */
  backward(ws: Workspace<T>, lora: LoraParams<T>, drop?: LoraDropout): void {
    if (!ws.logits) throw new Error('decoder backward: the workspace has no logits');
    this.be.matmulBackward(ws.dh, ws.logits, this.lmHead, false);
    this.backwardFromHidden(ws, lora, ws.dh, drop);
  }

  /** Backward from a gradient on the final normed hidden states (N, C); LoRA gradients accumulate. */
  backwardFromHidden(ws: Workspace<T>, lora: LoraParams<T>, dhf: T, drop?: LoraDropout): void {
    const { be, cfg } = this;
    const { B, T } = ws;
    const NH = cfg.numHeads, NKV = cfg.numKvHeads, HS = cfg.headDim;
    const off = cfg.normWeightOffset;
    be.rmsnormBackward(ws.dx, null, dhf, ws.xs[cfg.numLayers], this.norm, ws.rstdF, off);
    for (let l = cfg.numLayers - 1; l >= 0; l--) {
      const w = this.layers[l], a = ws.layers[l], x = ws.xs[l];
      const mod = (name: string) => lora.modules.get(`layers.${l}.${name}`);
      const h = (name: string) => a.loraH.get(`layers.${l}.${name}`);
      const back = (dinp: T, dout: T, inp: T, W: T, name: string, acc: boolean) => this.linearBackward(dinp, dout, inp, W, mod(name), h(name), ws, acc, drop);
      // MLP: x_next = x2 + down(swiglu(gate(h2), up(h2))), h2 = norm(x2); ws.dx holds d x_next.
      back(ws.dact, ws.dx, a.act, w.down, 'mlp.down_proj', false);
      be.swigluBackward(ws.dgate, ws.dup, ws.dact, a.gate, a.up);
      back(ws.dh, ws.dgate, a.h2, w.gate, 'mlp.gate_proj', false);
      back(ws.dh, ws.dup, a.h2, w.up, 'mlp.up_proj', true);
      be.rmsnormBackward(ws.dtmp, null, ws.dh, a.x2, w.postNorm, a.rstd2, off);
      be.add(ws.dx, ws.dtmp); // now d x2
      // Attention: x2 = x + o(attn(rope(q(h1)), rope(k(h1)), v(h1))), h1 = norm(x).
      back(ws.datt, ws.dx, a.att, w.o, 'self_attn.o_proj', false);
      be.attentionBackward(ws.dq, ws.dk, ws.dv, ws.delta, ws.datt, a.att, a.lse, a.q, a.k, a.v, B, T, NH, NKV, HS, { ...this.attn, lens: ws.lens });
      be.ropeBackward(ws.dq, ws.pos, this.invFreq, B, T, NH, HS);
      be.ropeBackward(ws.dk, ws.pos, this.invFreq, B, T, NKV, HS);
      let dq = ws.dq, dk = ws.dk;
      if (a.qk && ws.dqkRaw) {
        // Through the frozen q/k norms to the projections' outputs.
        be.rmsnormBackward(this.heads(ws.dqkRaw.dq), null, this.heads(ws.dq), this.heads(a.qk.qRaw), w.qNorm!, a.qk.rstdQ, off);
        be.rmsnormBackward(this.heads(ws.dqkRaw.dk), null, this.heads(ws.dk), this.heads(a.qk.kRaw), w.kNorm!, a.qk.rstdK, off);
        ({ dq, dk } = ws.dqkRaw);
      }
      back(ws.dh, dq, a.h1, w.q, 'self_attn.q_proj', false);
      back(ws.dh, dk, a.h1, w.k, 'self_attn.k_proj', true);
      back(ws.dh, ws.dv, a.h1, w.v, 'self_attn.v_proj', true);
      be.rmsnormBackward(ws.dtmp, null, ws.dh, x, w.inNorm, a.rstd1, off);
      be.add(ws.dx, ws.dtmp); // now d x
    }
  }

  /** A (N, heads·HS) tensor as (N·heads, HS) rows, for the per-head q/k norms. */
  private heads(t: T): T {
    return this.be.view(t, 0, [t.size / this.cfg.headDim, this.cfg.headDim]);
  }

  newKvCache(cap: number): KvCache<T> {
    const n = cap * this.cfg.numKvHeads * this.cfg.headDim;
    return {
      k: this.layers.map(() => this.be.zeros([n])),
      v: this.layers.map(() => this.be.zeros([n])),
      cap,
    };
  }

  releaseKvCache(kv: KvCache<T>): void {
    for (const t of [...kv.k, ...kv.v]) this.be.release(t);
  }

  release(): void {
    const all: (T | null)[] = [this.embed, this.norm, this.invFreq];
    if (this.lmHead !== this.embed) all.push(this.lmHead);
    for (const w of this.layers) all.push(w.inNorm, w.postNorm, w.q, w.k, w.v, w.o, w.gate, w.up, w.down, w.qBias, w.kBias, w.vBias, w.oBias, w.qNorm, w.kNorm);
    for (const t of all) if (t) this.be.release(t);
  }
}
