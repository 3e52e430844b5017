// The decoder on a Backend (Llama family, Qwen3's q/k norms, Gemma 3's sandwich norms, GeGLU, per-layer
// sliding windows and RoPE, soft-capped logits): one copy of the frozen base weights, explicit forward and
// backward per layer (gradients flow to the LoRA adapter only), and a KV-cache path for generation.
// Written once against Backend<T>: on gpuBackend it is the engine, on cpuBackend its reference twin.
import type { AttnOpts, Backend, Tensor } from '../engine/backend.ts';
import { ropeInvFreq, type ModelConfig } from './hf-config.ts';
import { loraDelta, loraScale, type LoraAdapter } from './lora-types.ts';
import type { LoraModule, LoraParams } from './lora-params.ts';
import type { Workspace } from './workspace.ts';
import { layerTensors, layerWeights, uploader, uploadRowParts, type LayerWeights, type RowPart } from './decoder-weights.ts';
import type { PackedHost } from './base-precision.ts';
import { FrozenStacks } from './frozen-stack.ts';
import { LmHead } from './lm-head.ts';

export { Workspace } from './workspace.ts';

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
  /** Rows (sequences) the cache holds. */
  B: number;
}

/**
 * Where a forward meets a KV cache: every token's keys/values go to the slot of its own position in ws.pos
 * (write it with setBatch's start positions, per row when rows differ in length). A forward of T > 1 tokens
 * is a prefill: rows right-padded from position 0, their lengths in ws.lens; of T = 1, a decode step.
 */
export interface KvCacheUse<T> {
  kv: KvCache<T>;
}

const UNSUPPORTED: [keyof ModelConfig, string][] = [
  ['attnLogitSoftcap', 'attention soft-capping (Gemma 2)'],
  ['mlpBias', 'MLP biases'],
];

export interface DecoderOptions {
  /** Split the embedding and LM head into row parts of at most this many bytes (default: the backend's binding limit). */
  maxTensorBytes?: number;
  /** Delete each weight from the given maps once uploaded: the host then holds no second copy of the model (a run's own load). */
  releaseHost?: boolean;
  /** Weights already on this backend (loadOntoBackend): taken over, and removed from the map. */
  device?: Map<string, Tensor>;
}

export class Decoder<T extends Tensor> {
  readonly layers: LayerWeights<T>[] = [];
  /** (V, C) in row parts: one part unless the table is larger than one binding (then parts of whole 64-row blocks). */
  readonly embedParts: RowPart<T>[];
  readonly norm: T; // (C)
  /** (V, C) the same way; the embedding's parts when tied. */
  readonly headParts: RowPart<T>[];
  /** (HS/2) RoPE inverse frequencies per layer (Gemma 3: sliding layers use the local theta, unscaled); shared when equal. */
  readonly invFreqs: T[];
  /** Attention options per layer: the score scale, and the sliding window of sliding layers. */
  private readonly attn: AttnOpts<T>[];
  /** Adapters folded into a packed base weight, per module path: kept low-rank beside it (see foldAdapter). */
  private readonly frozen: FrozenStacks<T>;
  /** The LM head over headParts (src/model/lm-head.ts). */
  private readonly head: LmHead<T>;

  constructor(
    readonly be: Backend<T>,
    readonly cfg: ModelConfig,
    weights: Map<string, Float32Array>,
    packed?: Map<string, PackedHost>,
    opts: DecoderOptions = {},
  ) {
    this.frozen = new FrozenStacks(be);
    for (const [key, what] of UNSUPPORTED) {
      if (cfg[key]) throw new Error(`decoder: ${cfg.modelType} uses ${what}, which the WebGPU decoder does not implement yet`);
    }
    const host = { f32: weights, packed, release: opts.releaseHost, device: opts.device as Map<string, T> | undefined };
    const { up, uploaded } = uploader(be, host);
    const C = cfg.hiddenSize;
    const maxBytes = opts.maxTensorBytes ?? be.maxTensorBytes;
    const rowParts = (name: string) => uploadRowParts(be, name, [cfg.vocabSize, C], host, maxBytes, uploaded);
    try {
      this.embedParts = rowParts('model.embed_tokens.weight');
      for (let l = 0; l < cfg.numLayers; l++) this.layers.push(layerWeights(be, cfg, host, l, uploaded));
      this.norm = up('model.norm.weight', [C]);
      this.headParts = cfg.tieWordEmbeddings ? this.embedParts : rowParts('lm_head.weight');
      this.head = new LmHead(be, this.headParts, C, cfg.finalLogitSoftcap);
    } catch (err) {
      for (const t of uploaded) be.release(t); // nothing half-loaded stays on the GPU
      throw err;
    }
    const byKey = new Map<string, T>();
    this.invFreqs = cfg.layerTypes.map((_, l) => {
      const f = Float32Array.from(ropeInvFreq(cfg, l));
      const key = f.join(',');
      if (!byKey.has(key)) byKey.set(key, be.upload(f, [cfg.headDim / 2]));
      return byKey.get(key)!;
    });
    this.attn = cfg.layerTypes.map((t) => ({ scale: cfg.attnScale, ...(t === 'sliding_attention' && cfg.slidingWindow ? { window: cfg.slidingWindow } : {}) }));
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
      if (W.format) {
        // A packed weight cannot take the delta without losing it to rounding (bf16 keeps 8 bits; q4 would need
        // re-quantising): the adapter joins the module's frozen low-rank stack instead, applied next to W.
        this.frozen.fold(path, layer, sign * loraScale(adapter.config), adapter.config.r);
        continue;
      }
      const d = this.be.upload(loraDelta(adapter, path, sign), [layer.outFeatures, layer.inFeatures]);
      this.be.add(W, d);
      this.be.release(d);
    }
  }

  /** The rank of the frozen stack beside a packed module (0 when nothing was folded there). */
  frozenRank(path: string): number {
    return this.frozen.rank(path);
  }

  /** LoRA ranks by module path, for sizing a Workspace. */
  static loraRanks<T extends Tensor>(lora: LoraParams<T> | null): Map<string, number> {
    return new Map(lora ? [...lora.modules].map(([p, m]) => [p, m.r]) : []);
  }

  private dropoutSeed(drop: LoraDropout, mod: LoraModule<T>): number {
    return (drop.seed ^ Math.imul(mod.offsetA + 1, 0x9e3779b1)) >>> 0;
  }

  private linear(
    path: string,
    out: T,
    inp: T,
    W: T,
    bias: T | null,
    mod: LoraModule<T> | undefined,
    h: T | undefined,
    ws: Workspace<T>,
    drop?: LoraDropout,
  ): void {
    if (mod && h && !drop) {
      // The LoRA path in the frozen GEMM's epilogue (one dispatch and one pass over out fewer); the frozen stack and bias after it.
      this.be.loraLinearForward(out, h, inp, W, mod.A, mod.B, mod.scale);
      this.frozen.forward(path, out, inp);
      if (bias) this.be.biasForward(out, bias);
      return;
    }
    this.be.matmulForward(out, inp, W);
    this.frozen.forward(path, out, inp);
    if (bias) this.be.biasForward(out, bias);
    if (!mod || !h) return;
    const xin = drop ? ws.loraIn.get(mod.path) : undefined;
    if (drop && !xin) throw new Error(`decoder: the workspace has no dropout buffer for ${mod.path} (create it with withDropout)`);
    if (drop && xin) this.be.dropoutForward(xin, inp, drop.p, this.dropoutSeed(drop, mod), drop.step);
    this.be.loraForward(out, h, xin ?? inp, mod.A, mod.B, mod.scale);
  }

  private linearBackward(
    path: string,
    dinp: T,
    dout: T,
    inp: T,
    W: T,
    mod: LoraModule<T> | undefined,
    h: T | undefined,
    ws: Workspace<T>,
    accumulate: boolean,
    drop?: LoraDropout,
  ): void {
    if (mod && h && !drop) {
      // dinp = dout @ W plus the LoRA path's input gradient in the same GEMM's epilogue; then the frozen stack's.
      this.be.loraLinearBackward(dinp, mod.dA, mod.dB, ws.dLoraH.get(mod.r)!, dout, inp, W, mod.A, mod.B, h, mod.scale, accumulate);
      this.frozen.backward(path, dinp, dout);
      return;
    }
    this.be.matmulBackward(dinp, dout, W, accumulate);
    this.frozen.backward(path, dinp, dout);
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
   * With a cache, keys/values are written at their positions in ws.pos and attention reads the cache (see KvCacheUse).
   */
  forward(ws: Workspace<T>, lora: LoraParams<T> | null, cache?: KvCacheUse<T>, drop?: LoraDropout): void {
    const { be, cfg } = this;
    if (this.embedParts.length === 1) be.embeddingForward(ws.xs[0], ws.ids, this.embedParts[0].t);
    else for (const p of this.embedParts) be.embeddingForwardRows(ws.xs[0], ws.ids, p.t, p.r0);
    if (cfg.embedScale !== 1) be.scale(ws.xs[0], cfg.embedScale);
    for (let l = 0; l < cfg.numLayers; l++) {
      const lin = (out: T, inp: T, W: T, bias: T | null, name: string) => {
        const path = `layers.${l}.${name}`;
        this.linear(path, out, inp, W, bias, lora?.modules.get(path), ws.layers[l].loraH.get(path), ws, drop);
      };
      this.attentionForward(ws, l, lin, cache);
      this.mlpForward(ws, l, lin);
    }
    this.residualNorm(ws, cfg.numLayers, ws.hf, ws.rstdF, this.norm);
    if (ws.logits && ws.logitRows === ws.N) this.headForward(ws.logits, ws.hf, ws.logitsRaw); // a row-chunked head runs per chunk (src/training/logit-chunks.ts)
  }

  /** logits = hf · lmHead^T, soft-capped when the model says so (`raw` then keeps the values before the cap). */
  headForward(logits: T, hidden: T, raw: T | null): void {
    this.head.forward(logits, hidden, raw);
  }

  /** x2 = x + [post-norm] o(attention(rope([q/k-norm] q(h1)), rope([q/k-norm] k(h1)), v(h1))), h1 = norm(x). */
  private attentionForward(ws: Workspace<T>, l: number, lin: (out: T, inp: T, W: T, bias: T | null, name: string) => void, cache?: KvCacheUse<T>): void {
    const { be, cfg } = this;
    const { B, T } = ws;
    const NH = cfg.numHeads,
      NKV = cfg.numKvHeads,
      HS = cfg.headDim,
      eps = cfg.rmsNormEps,
      off = cfg.normWeightOffset;
    const w = this.layers[l],
      a = ws.layers[l];
    this.residualNorm(ws, l, a.h1, a.rstd1, w.inNorm); // h1 = norm(x), x completed by the fused residual add
    if (a.qk) {
      // q/k norms: each head's projection RMS-normed over HS (rows of a (N·heads, HS) view), then RoPE.
      lin(a.qk.qRaw, a.h1, w.q, w.qBias, 'self_attn.q_proj');
      lin(a.qk.kRaw, a.h1, w.k, w.kBias, 'self_attn.k_proj');
      be.rmsnormForward(this.heads(a.q), a.qk.rstdQ, this.heads(a.qk.qRaw), w.qNorm!, eps, off);
      be.rmsnormForward(this.heads(a.k), a.qk.rstdK, this.heads(a.qk.kRaw), w.kNorm!, eps, off);
    } else {
      lin(a.q, a.h1, w.q, w.qBias, 'self_attn.q_proj');
      lin(a.k, a.h1, w.k, w.kBias, 'self_attn.k_proj');
    }
    lin(a.v, a.h1, w.v, w.vBias, 'self_attn.v_proj');
    be.ropeQkForward(a.q, a.k, ws.pos, this.invFreqs[l], B, T, NH, NKV, HS);
    if (cache) {
      // Each row's keys/values at its own slots of its own cache row; positions from ws.pos.
      const KD = NKV * HS;
      be.kvCacheWrite(cache.kv.k[l], cache.kv.v[l], a.k, a.v, ws.pos, B, T, cache.kv.cap);
      const kc = be.view(cache.kv.k[l], 0, [B * cache.kv.cap * KD]),
        vc = be.view(cache.kv.v[l], 0, [B * cache.kv.cap * KD]); // the first B rows: a compacted batch may hold fewer than the cache
      // A prefill (T > 1, from position 0) attends within the batch, rows masked to their lengths: the tiled
      // forward kernel, far fewer workgroups than one per query row.
      if (T > 1) be.attentionForward(a.att, a.lse, a.q, a.k, a.v, B, T, NH, NKV, HS, { ...this.attn[l], lens: ws.lens });
      else be.attentionDecode(a.att, a.q, kc, vc, B, T, NH, NKV, HS, 0, cache.kv.cap, { ...this.attn[l], pos: ws.pos });
    } else {
      be.attentionForward(a.att, a.lse, a.q, a.k, a.v, B, T, NH, NKV, HS, { ...this.attn[l], lens: ws.lens });
    }
    if (a.post) {
      lin(a.post.attn, a.att, w.o, w.oBias, 'self_attn.o_proj');
      be.rmsnormForward(a.x2, a.post.rstdA, a.post.attn, w.attnOutNorm!, eps, off);
    } else {
      lin(a.x2, a.att, w.o, w.oBias, 'self_attn.o_proj');
    }
    // x2 += x happens in mlpForward's norm (fused).
  }

  /** x_next = x2 + [post-norm] down(act(gate(h2), up(h2))), h2 = norm(x2); act is SwiGLU or GeGLU. */
  private mlpForward(ws: Workspace<T>, l: number, lin: (out: T, inp: T, W: T, bias: T | null, name: string) => void): void {
    const { be, cfg } = this;
    const w = this.layers[l],
      a = ws.layers[l],
      xNext = ws.xs[l + 1];
    be.rmsnormResidualForward(a.h2, a.rstd2, a.x2, ws.xs[l], w.mlpNorm, cfg.rmsNormEps, cfg.normWeightOffset); // x2 += x, then its norm
    lin(a.gate, a.h2, w.gate, null, 'mlp.gate_proj');
    lin(a.up, a.h2, w.up, null, 'mlp.up_proj');
    if (cfg.hiddenAct === 'gelu_pytorch_tanh') be.gegluForward(a.act, a.gate, a.up);
    else be.swigluForward(a.act, a.gate, a.up);
    if (a.post) {
      lin(a.post.mlp, a.act, w.down, null, 'mlp.down_proj');
      be.rmsnormForward(xNext, a.post.rstdM, a.post.mlp, w.mlpOutNorm!, cfg.rmsNormEps, cfg.normWeightOffset);
    } else {
      lin(xNext, a.act, w.down, null, 'mlp.down_proj');
    }
    // x_next += x2 happens in the next layer's (or the final) norm (fused).
  }

  /**
   * out = norm(xs[l]) with the residual add that completes xs[l] fused in: xs[l] += x2 of layer l - 1
   * (the layers leave x_next = down(...) without it). Layer 0's input is the embedding, complete already.
   */
  private residualNorm(ws: Workspace<T>, l: number, out: T, rstd: T, weight: T): void {
    const { rmsNormEps: eps, normWeightOffset: off } = this.cfg;
    if (l === 0) this.be.rmsnormForward(out, rstd, ws.xs[0], weight, eps, off);
    else this.be.rmsnormResidualForward(out, rstd, ws.xs[l], ws.layers[l - 1].x2, weight, eps, off);
  }

  /** Backward from dlogits (held in ws.logits, e.g. after an in-place cross-entropy backward). */
  backward(ws: Workspace<T>, lora: LoraParams<T>, drop?: LoraDropout): void {
    this.headBackward(ws);
    this.backwardFromHidden(ws, lora, ws.dh, drop);
  }

  /** ws.dh (N, C) = d/d hf from dlogits in ws.logits (through the soft cap when there is one; ws.logits is overwritten). */
  headBackward(ws: Workspace<T>): void {
    if (!ws.logits) throw new Error('decoder backward: the workspace has no logits');
    this.headBackwardRows(ws.dh, ws.logits, ws.logitsRaw);
  }

  /** dh (rows, C) = d/d hidden from dlogits (rows, V) of any run of positions (see LmHead.backward); dlogits is overwritten. */
  headBackwardRows(dh: T, dlogits: T, raw: T | null): void {
    this.head.backward(dh, dlogits, raw);
  }

  /** Backward from a gradient on the final normed hidden states (N, C); LoRA gradients accumulate. */
  backwardFromHidden(ws: Workspace<T>, lora: LoraParams<T>, dhf: T, drop?: LoraDropout): void {
    const { be, cfg } = this;
    be.rmsnormBackward(ws.dx, null, dhf, ws.xs[cfg.numLayers], this.norm, ws.rstdF, cfg.normWeightOffset);
    for (let l = cfg.numLayers - 1; l >= 0; l--) {
      const back = (dinp: T, dout: T, inp: T, W: T, name: string, acc: boolean) => {
        const path = `layers.${l}.${name}`;
        this.linearBackward(path, dinp, dout, inp, W, lora.modules.get(path), ws.layers[l].loraH.get(path), ws, acc, drop);
      };
      this.mlpBackward(ws, l, back); // ws.dx: d x_next → d x2
      this.attentionBackward(ws, l, back); // ws.dx: d x2 → d x
    }
  }

  private mlpBackward(ws: Workspace<T>, l: number, back: (dinp: T, dout: T, inp: T, W: T, name: string, acc: boolean) => void): void {
    const { be, cfg } = this;
    const w = this.layers[l],
      a = ws.layers[l],
      off = cfg.normWeightOffset;
    let dDown = ws.dx;
    if (a.post) {
      be.rmsnormBackward(ws.dtmp, null, ws.dx, a.post.mlp, w.mlpOutNorm!, a.post.rstdM, off);
      dDown = ws.dtmp;
    }
    back(ws.dact, dDown, a.act, w.down, 'mlp.down_proj', false);
    if (cfg.hiddenAct === 'gelu_pytorch_tanh') be.gegluBackward(ws.dgate, ws.dup, ws.dact, a.gate, a.up);
    else be.swigluBackward(ws.dgate, ws.dup, ws.dact, a.gate, a.up);
    back(ws.dh, ws.dgate, a.h2, w.gate, 'mlp.gate_proj', false);
    back(ws.dh, ws.dup, a.h2, w.up, 'mlp.up_proj', true);
    be.rmsnormBackward(ws.dx, null, ws.dh, a.x2, w.mlpNorm, a.rstd2, off, true); // accumulated: now d x2
  }

  private attentionBackward(ws: Workspace<T>, l: number, back: (dinp: T, dout: T, inp: T, W: T, name: string, acc: boolean) => void): void {
    const { be, cfg } = this;
    const { B, T } = ws;
    const NH = cfg.numHeads,
      NKV = cfg.numKvHeads,
      HS = cfg.headDim,
      off = cfg.normWeightOffset;
    const w = this.layers[l],
      a = ws.layers[l],
      x = ws.xs[l];
    let dO = ws.dx;
    if (a.post) {
      be.rmsnormBackward(ws.dtmp, null, ws.dx, a.post.attn, w.attnOutNorm!, a.post.rstdA, off);
      dO = ws.dtmp;
    }
    back(ws.datt, dO, a.att, w.o, 'self_attn.o_proj', false);
    be.attentionBackward(ws.dq, ws.dk, ws.dv, ws.delta, ws.datt, a.att, a.lse, a.q, a.k, a.v, B, T, NH, NKV, HS, { ...this.attn[l], lens: ws.lens });
    be.ropeQkBackward(ws.dq, ws.dk, ws.pos, this.invFreqs[l], B, T, NH, NKV, HS);
    let dq = ws.dq,
      dk = ws.dk;
    if (a.qk && ws.dqkRaw) {
      // Through the frozen q/k norms to the projections' outputs.
      be.rmsnormBackward(this.heads(ws.dqkRaw.dq), null, this.heads(ws.dq), this.heads(a.qk.qRaw), w.qNorm!, a.qk.rstdQ, off);
      be.rmsnormBackward(this.heads(ws.dqkRaw.dk), null, this.heads(ws.dk), this.heads(a.qk.kRaw), w.kNorm!, a.qk.rstdK, off);
      ({ dq, dk } = ws.dqkRaw);
    }
    back(ws.dh, dq, a.h1, w.q, 'self_attn.q_proj', false);
    back(ws.dh, dk, a.h1, w.k, 'self_attn.k_proj', true);
    back(ws.dh, ws.dv, a.h1, w.v, 'self_attn.v_proj', true);
    be.rmsnormBackward(ws.dx, null, ws.dh, x, w.inNorm, a.rstd1, off, true); // accumulated: now d x
  }

  /** A (N, heads·HS) tensor as (N·heads, HS) rows, for the per-head q/k norms. */
  private heads(t: T): T {
    return this.be.view(t, 0, [t.size / this.cfg.headDim, this.cfg.headDim]);
  }

  /** A cache of B rows of cap positions (B = 1: one sequence). */
  newKvCache(cap: number, B = 1): KvCache<T> {
    const n = B * cap * this.cfg.numKvHeads * this.cfg.headDim;
    return { k: this.layers.map(() => this.be.zeros([n])), v: this.layers.map(() => this.be.zeros([n])), cap, B };
  }

  releaseKvCache(kv: KvCache<T>): void {
    for (const t of [...kv.k, ...kv.v]) this.be.release(t);
  }

  release(): void {
    const all: (T | null)[] = [...this.embedParts.map((p) => p.t), this.norm, ...new Set(this.invFreqs)];
    this.frozen.release();
    this.head.release();
    if (this.headParts !== this.embedParts) all.push(...this.headParts.map((p) => p.t));
    for (const w of this.layers) all.push(...layerTensors(w));
    for (const t of all) if (t) this.be.release(t);
  }
}
