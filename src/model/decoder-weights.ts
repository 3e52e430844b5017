// The decoder's frozen base weights on a Backend, by layer, with the checks that name a missing or
// mis-shaped tensor: Llama's two norms per layer, or Gemma 3's four (sandwich), q/k norms, biases.
import type { Backend, Tensor } from '../engine/backend.ts';
import type { ModelConfig } from './hf-config.ts';
import type { PackedHost } from './base-precision.ts';

export interface LayerWeights<T> {
  inNorm: T; // (C) input_layernorm
  mlpNorm: T; // (C) the norm before the MLP: post_attention_layernorm (Llama), pre_feedforward_layernorm (Gemma 3)
  attnOutNorm: T | null; // (C) Gemma 3's post_attention_layernorm, on the attention output before the residual
  mlpOutNorm: T | null; // (C) Gemma 3's post_feedforward_layernorm, on the MLP output before the residual
  q: T;
  k: T;
  v: T;
  o: T; // (NH*HS, C), (NKV*HS, C), (NKV*HS, C), (C, NH*HS)
  gate: T;
  up: T;
  down: T; // (H, C), (H, C), (C, H)
  qBias: T | null;
  kBias: T | null;
  vBias: T | null;
  oBias: T | null;
  qNorm: T | null;
  kNorm: T | null; // (HS) each: per-head RMSNorm of q and k before RoPE (Qwen3, Gemma 3)
}

/**
 * Uploads tensors after checking their sizes (the error names the tensor), keeping a list of what it
 * uploaded so that a load that fails half way can release it: nothing half-loaded stays on the GPU.
 */
export function uploader<T extends Tensor>(be: Backend<T>, weights: Map<string, Float32Array>, uploaded: T[] = [], packed?: Map<string, PackedHost>) {
  const up = (name: string, shape: number[]): T => {
    const p = packed?.get(name);
    if (p) {
      const t = be.uploadPacked(p.words, shape, p.format);
      uploaded.push(t);
      return t;
    }
    const w = weights.get(name);
    if (!w) throw new Error(`decoder: weight ${name} missing`);
    if (w.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`decoder: weight ${name} has ${w.length} elements, expected (${shape.join(', ')})`);
    const t = be.upload(w, shape);
    uploaded.push(t);
    return t;
  };
  const opt = (name: string, shape: number[]): T | null => (weights.has(name) || packed?.has(name) ? up(name, shape) : null);
  return { up, opt, uploaded };
}

/** Layer l's weights, in the Hugging Face names. */
export function layerWeights<T extends Tensor>(
  be: Backend<T>,
  cfg: ModelConfig,
  weights: Map<string, Float32Array>,
  l: number,
  uploaded: T[] = [],
  packed?: Map<string, PackedHost>,
): LayerWeights<T> {
  const { up, opt } = uploader(be, weights, uploaded, packed);
  const C = cfg.hiddenSize,
    H = cfg.intermediateSize,
    QD = cfg.numHeads * cfg.headDim,
    KD = cfg.numKvHeads * cfg.headDim;
  const p = `model.layers.${l}`;
  const sandwich = cfg.sandwichNorm;
  return {
    inNorm: up(`${p}.input_layernorm.weight`, [C]),
    mlpNorm: up(sandwich ? `${p}.pre_feedforward_layernorm.weight` : `${p}.post_attention_layernorm.weight`, [C]),
    attnOutNorm: sandwich ? up(`${p}.post_attention_layernorm.weight`, [C]) : null,
    mlpOutNorm: sandwich ? up(`${p}.post_feedforward_layernorm.weight`, [C]) : null,
    q: up(`${p}.self_attn.q_proj.weight`, [QD, C]),
    k: up(`${p}.self_attn.k_proj.weight`, [KD, C]),
    v: up(`${p}.self_attn.v_proj.weight`, [KD, C]),
    o: up(`${p}.self_attn.o_proj.weight`, [C, QD]),
    gate: up(`${p}.mlp.gate_proj.weight`, [H, C]),
    up: up(`${p}.mlp.up_proj.weight`, [H, C]),
    down: up(`${p}.mlp.down_proj.weight`, [C, H]),
    qBias: opt(`${p}.self_attn.q_proj.bias`, [QD]),
    kBias: opt(`${p}.self_attn.k_proj.bias`, [KD]),
    vBias: opt(`${p}.self_attn.v_proj.bias`, [KD]),
    oBias: opt(`${p}.self_attn.o_proj.bias`, [C]),
    qNorm: cfg.qkNorm ? up(`${p}.self_attn.q_norm.weight`, [cfg.headDim]) : null,
    kNorm: cfg.qkNorm ? up(`${p}.self_attn.k_norm.weight`, [cfg.headDim]) : null,
  };
}

/** Every tensor of a layer, for release. */
export function layerTensors<T>(w: LayerWeights<T>): (T | null)[] {
  return [w.inNorm, w.mlpNorm, w.attnOutNorm, w.mlpOutNorm, w.q, w.k, w.v, w.o, w.gate, w.up, w.down, w.qBias, w.kBias, w.vBias, w.oBias, w.qNorm, w.kNorm];
}
