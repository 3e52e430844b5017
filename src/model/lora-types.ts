// LoRA adapter types, module naming and dimensions, seeded initialisation (B = 0, A kaiming-uniform) and counts.
import type { ModelConfig } from './hf-config.ts';
import type { Rng } from '../util/rng.ts';

export const LORA_TARGETS = ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

export interface LoraConfig {
  r: number; // rank
  alpha: number; // lora_alpha
  dropout: number; // lora_dropout on the adapter's input during training
  targetModules: LoraTarget[];
  useRslora: boolean; // scale alpha/√r instead of alpha/r
}

export interface LoraLayer {
  A: Float32Array; // (r, in)
  B: Float32Array; // (out, r)
  inFeatures: number;
  outFeatures: number;
}

export interface LoraAdapter {
  config: LoraConfig;
  baseModel: string;
  /** Keyed by module path without the `model.` prefix, e.g. 'layers.0.self_attn.q_proj'. */
  layers: Map<string, LoraLayer>;
}

/** The scale applied to B·A: alpha/r, or alpha/√r with rsLoRA (PEFT's rule). */
export function loraScale(cfg: LoraConfig): number {
  return cfg.useRslora ? cfg.alpha / Math.sqrt(cfg.r) : cfg.alpha / cfg.r;
}

/** 'self_attn' for q/k/v/o, 'mlp' for gate/up/down. */
/**
 * The module's weight update sign·scale·B·A as an (out, in) row-major matrix, accumulated in f64: the one
 * place B·A is formed (folding into the base, merging into HF weights, comparing merges). Pass sign -1 to
 * remove a folded adapter.
 */
export function loraDelta(adapter: LoraAdapter, module: string, sign = 1): Float32Array {
  const l = adapter.layers.get(module);
  if (!l)
    throw new Error(
      `loraDelta: the adapter has no module '${module}' (it has ${[...adapter.layers.keys()].slice(0, 4).join(', ')}${adapter.layers.size > 4 ? ', ...' : ''})`,
    );
  const r = adapter.config.r;
  const s = sign * loraScale(adapter.config);
  const { inFeatures: I, outFeatures: O } = l;
  const out = new Float32Array(O * I); // (out, in)
  const row = new Float64Array(I);
  for (let o = 0; o < O; o++) {
    row.fill(0);
    for (let k = 0; k < r; k++) {
      const b = l.B[o * r + k];
      if (b === 0) continue;
      const a = k * I;
      for (let i = 0; i < I; i++) row[i] += b * l.A[a + i];
    }
    for (let i = 0; i < I; i++) out[o * I + i] = s * row[i];
  }
  return out;
}

export function targetParent(target: LoraTarget): 'self_attn' | 'mlp' {
  return target === 'gate_proj' || target === 'up_proj' || target === 'down_proj' ? 'mlp' : 'self_attn';
}

/** 'layers.{i}.{self_attn|mlp}.{target}' — the adapter map key; the base weight is `model.{key}.weight`. */
export function loraModulePath(layer: number, target: LoraTarget): string {
  return `layers.${layer}.${targetParent(target)}.${target}`;
}

/** (in, out) features of a target projection for this model. */
export function targetDims(cfg: ModelConfig, target: LoraTarget): { inFeatures: number; outFeatures: number } {
  const C = cfg.hiddenSize;
  const q = cfg.numHeads * cfg.headDim;
  const kv = cfg.numKvHeads * cfg.headDim;
  switch (target) {
    case 'q_proj':
      return { inFeatures: C, outFeatures: q };
    case 'k_proj':
    case 'v_proj':
      return { inFeatures: C, outFeatures: kv };
    case 'o_proj':
      return { inFeatures: q, outFeatures: C };
    case 'gate_proj':
    case 'up_proj':
      return { inFeatures: C, outFeatures: cfg.intermediateSize };
    case 'down_proj':
      return { inFeatures: cfg.intermediateSize, outFeatures: C };
  }
}

/** Throws with the offending field unless the LoRA config is usable. */
export function validateLoraConfig(cfg: LoraConfig): void {
  if (!Number.isInteger(cfg.r) || cfg.r <= 0) throw new Error(`lora config: r: expected a positive integer, got ${cfg.r}`);
  if (!Number.isFinite(cfg.alpha) || cfg.alpha <= 0) throw new Error(`lora config: alpha: expected a positive number, got ${cfg.alpha}`);
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) throw new Error(`lora config: dropout: expected a number in [0, 1), got ${cfg.dropout}`);
  if (!cfg.targetModules.length) throw new Error('lora config: targetModules: expected at least one of ' + LORA_TARGETS.join(', '));
  for (const t of cfg.targetModules) {
    if (!LORA_TARGETS.includes(t)) throw new Error(`lora config: targetModules: unknown module '${t}' (expected ${LORA_TARGETS.join(', ')})`);
  }
}

/**
 * A fresh adapter: B = 0 so the model starts unchanged; A ~ U(-1/√in, 1/√in), which is PEFT's
 * kaiming_uniform_(a=√5). Draw order: layer by layer, targets in LORA_TARGETS order, A row-major.
 */
export function initLora(modelConfig: ModelConfig, loraConfig: LoraConfig, rng: Rng, baseModel = ''): LoraAdapter {
  validateLoraConfig(loraConfig);
  const targets = LORA_TARGETS.filter((t) => loraConfig.targetModules.includes(t));
  const layers = new Map<string, LoraLayer>();
  for (let i = 0; i < modelConfig.numLayers; i++) {
    for (const t of targets) {
      const { inFeatures, outFeatures } = targetDims(modelConfig, t);
      const bound = 1 / Math.sqrt(inFeatures);
      const A = new Float32Array(loraConfig.r * inFeatures);
      for (let k = 0; k < A.length; k++) A[k] = (2 * rng.next() - 1) * bound;
      layers.set(loraModulePath(i, t), { A, B: new Float32Array(outFeatures * loraConfig.r), inFeatures, outFeatures });
    }
  }
  return { config: { ...loraConfig, targetModules: [...targets] }, baseModel, layers };
}

/** Trainable parameters of an adapter (all A and B values). */
export function countParams(adapter: LoraAdapter): number {
  let n = 0;
  for (const l of adapter.layers.values()) n += l.A.length + l.B.length;
  return n;
}
