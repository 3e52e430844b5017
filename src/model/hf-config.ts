// Hugging Face config.json → ModelConfig: the decoder variant (Llama, Qwen2/3, SmolLM, Mistral, Gemma 3) as options.

export type ModelType = 'llama' | 'qwen2' | 'qwen3' | 'mistral' | 'gemma3_text';
export type HiddenAct = 'silu' | 'gelu_pytorch_tanh';
export type LayerType = 'full_attention' | 'sliding_attention';

export interface RopeScaling {
  /** 'linear' | 'llama3' | 'dynamic' | 'yarn' | ... (the decoder decides which it supports). */
  type: string;
  factor: number;
  lowFreqFactor?: number;
  highFreqFactor?: number;
  originalMaxPositionEmbeddings?: number;
}

/** Dimension letters: V vocab, C hidden, L layers, NH query heads, NKV key/value heads, HS head size, H MLP width (the letters of src/engine/op.ts). */
export interface ModelConfig {
  modelType: ModelType;
  architectures: string[];
  vocabSize: number; // V
  hiddenSize: number; // C
  intermediateSize: number; // H
  numLayers: number; // L
  numHeads: number; // NH
  numKvHeads: number; // NKV (GQA: NH % NKV == 0)
  headDim: number; // HS (config head_dim, else C / NH)
  ropeTheta: number;
  ropeScaling: RopeScaling | null;
  rmsNormEps: number;
  maxPositionEmbeddings: number;
  tieWordEmbeddings: boolean;
  hiddenAct: HiddenAct; // silu → SwiGLU, gelu_pytorch_tanh → GeGLU
  attentionBias: boolean; // bias on q/k/v (Qwen2 always; Llama attention_bias)
  oProjBias: boolean; // bias on o_proj (Llama attention_bias only)
  mlpBias: boolean;
  bosTokenId: number | null;
  eosTokenIds: number[];
  padTokenId: number | null;
  torchDtype: string | null;
  // Options used by later variants (all neutral for Llama-family models):
  normWeightOffset: 0 | 1; // RMSNorm multiplies by (offset + weight); Gemma: 1
  qkNorm: boolean; // RMSNorm over each head of q and k (Qwen3, Gemma 3)
  sandwichNorm: boolean; // extra post-attention / pre- and post-feedforward norms (Gemma 3)
  slidingWindow: number | null;
  layerTypes: LayerType[]; // one per layer
  ropeLocalTheta: number | null; // theta for sliding layers (Gemma 3 rope_local_base_freq)
  finalLogitSoftcap: number | null; // logits = cap·tanh(logits / cap)
  attnLogitSoftcap: number | null;
  embedScale: number; // embeddings multiplied by this (Gemma: √C, cast to the embedding's stored dtype when loaded)
  attnScale: number; // scores multiplied by this: 1/√HS, or query_pre_attn_scalar^-½ (Gemma)
}

const SUPPORTED = ['llama', 'qwen2', 'qwen3', 'mistral', 'gemma3_text', 'gemma3'];

class Reader {
  constructor(
    private readonly obj: Record<string, unknown>,
    private readonly where: string,
  ) {}

  private bad(key: string, expected: string): never {
    throw new Error(`${this.where}: ${key}: expected ${expected}, got ${JSON.stringify(this.obj[key])}`);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  int(key: string, fallback?: number): number {
    const v = this.obj[key];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) this.bad(key, 'a positive integer');
    return v;
  }

  num(key: string, fallback?: number): number {
    const v = this.obj[key];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) this.bad(key, 'a positive number');
    return v;
  }

  optNum(key: string): number | null {
    return this.has(key) ? this.num(key) : null;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.bad(key, 'true or false');
    return v;
  }

  tokenId(key: string): number | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.bad(key, 'a token id (non-negative integer)');
    return v;
  }

  tokenIds(key: string): number[] {
    const v = this.obj[key];
    if (v === undefined || v === null) return [];
    const list = Array.isArray(v) ? v : [v];
    if (!list.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) this.bad(key, 'a token id or a list of token ids');
    return list as number[];
  }

  str(key: string): string | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') this.bad(key, 'a string');
    return v;
  }
}

function parseRopeScaling(raw: unknown, where: string): RopeScaling | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${where}: rope_scaling: expected an object, got ${JSON.stringify(raw)}`);
  const r = new Reader(raw as Record<string, unknown>, `${where}: rope_scaling`);
  const type = r.str('rope_type') ?? r.str('type');
  if (!type) throw new Error(`${where}: rope_scaling: missing rope_type`);
  if (type === 'default') return null;
  const out: RopeScaling = { type, factor: r.num('factor', 1) };
  if (r.has('low_freq_factor')) out.lowFreqFactor = r.num('low_freq_factor');
  if (r.has('high_freq_factor')) out.highFreqFactor = r.num('high_freq_factor');
  if (r.has('original_max_position_embeddings')) out.originalMaxPositionEmbeddings = r.int('original_max_position_embeddings');
  return out;
}

function parseLayerTypes(raw: Record<string, unknown>, r: Reader, numLayers: number, sliding: number | null, where: string, gemma: boolean): LayerType[] {
  const listed = raw.layer_types;
  if (Array.isArray(listed)) {
    if (listed.length !== numLayers) throw new Error(`${where}: layer_types has ${listed.length} entries, expected num_hidden_layers = ${numLayers}`);
    return listed.map((t, i) => {
      if (t !== 'full_attention' && t !== 'sliding_attention')
        throw new Error(`${where}: layer_types[${i}]: expected 'full_attention' or 'sliding_attention', got ${JSON.stringify(t)}`);
      return t;
    });
  }
  if (gemma) {
    // Gemma 3: every `sliding_window_pattern`-th layer is global, the rest slide.
    const pattern = r.int('sliding_window_pattern', 6);
    return Array.from({ length: numLayers }, (_, i) => ((i + 1) % pattern === 0 ? 'full_attention' : 'sliding_attention'));
  }
  // Qwen2/3 slide only from layer max_window_layers on; Mistral slides everywhere.
  const from = raw.model_type === 'qwen2' || raw.model_type === 'qwen3' ? r.int('max_window_layers', numLayers) : 0;
  return Array.from({ length: numLayers }, (_, i) => (sliding !== null && i >= from ? 'sliding_attention' : 'full_attention'));
}

/** The decoder's settings object, where errors point, and its model type (Gemma 3's text_config unwrapped). */
function unwrapConfig(json: unknown, file: string): { obj: Record<string, unknown>; where: string; type: ModelType } {
  let raw: unknown;
  try {
    raw = typeof json === 'string' ? JSON.parse(json) : json;
  } catch (err) {
    throw new Error(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${file}: expected a JSON object`);
  let obj = raw as Record<string, unknown>;
  let where = file;
  let modelType: string = typeof obj.model_type === 'string' ? obj.model_type : '';
  if (!modelType) throw new Error(`${file}: model_type: missing (expected one of ${SUPPORTED.join(', ')})`);
  if (modelType === 'gemma3') {
    // Multimodal Gemma 3 wraps the decoder's settings in text_config.
    const text = obj.text_config;
    if (typeof text !== 'object' || text === null) throw new Error(`${file}: text_config: expected an object for model_type gemma3`);
    // The checkpoint's dtype is written at the top level (torch_dtype, or dtype in transformers 5).
    const t = text as Record<string, unknown>;
    obj = { torch_dtype: obj.torch_dtype ?? obj.dtype, ...t, architectures: obj.architectures };
    where = `${file}: text_config`;
    modelType = 'gemma3_text';
  }
  if (!SUPPORTED.includes(modelType)) {
    throw new Error(`${file}: model_type '${modelType}' is not supported (supported: ${SUPPORTED.join(', ')})`);
  }
  return { obj, where, type: modelType as ModelType };
}

/**
 * RoPE settings: transformers 4's rope_theta / rope_scaling / rope_local_base_freq, or transformers 5's
 * rope_parameters (one set, or one per layer type: full_attention and sliding_attention, each with its
 * rope_theta and rope_type).
 */
function parseRope(obj: Record<string, unknown>, r: Reader, where: string, gemma: boolean): Pick<ModelConfig, 'ropeTheta' | 'ropeScaling' | 'ropeLocalTheta'> {
  const params = obj.rope_parameters;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return {
      ropeTheta: r.num('rope_theta', gemma ? 1_000_000 : 10_000),
      ropeScaling: parseRopeScaling(obj.rope_scaling, where),
      ropeLocalTheta: gemma ? r.num('rope_local_base_freq', 10_000) : null,
    };
  }
  const p = params as Record<string, unknown>;
  const perType = typeof p.full_attention === 'object' && p.full_attention !== null;
  const full = (perType ? p.full_attention : p) as Record<string, unknown>;
  const fw = `${where}: rope_parameters${perType ? '.full_attention' : ''}`;
  const local = perType && typeof p.sliding_attention === 'object' && p.sliding_attention !== null ? (p.sliding_attention as Record<string, unknown>) : null;
  return {
    ropeTheta: new Reader(full, fw).num('rope_theta', gemma ? 1_000_000 : 10_000),
    ropeScaling: parseRopeScaling(full, fw),
    ropeLocalTheta: local
      ? new Reader(local, `${where}: rope_parameters.sliding_attention`).num('rope_theta', 10_000)
      : gemma
        ? r.num('rope_local_base_freq', 10_000)
        : null,
  };
}

/** The attention geometry (C, NH, NKV, HS, L), checked for GQA grouping and head-size divisibility. */
function parseShape(r: Reader, where: string): Pick<ModelConfig, 'hiddenSize' | 'numHeads' | 'numKvHeads' | 'headDim' | 'numLayers'> {
  const hiddenSize = r.int('hidden_size');
  const numHeads = r.int('num_attention_heads');
  const numKvHeads = r.int('num_key_value_heads', numHeads);
  if (numHeads % numKvHeads !== 0) {
    throw new Error(`${where}: num_attention_heads (${numHeads}) must be a multiple of num_key_value_heads (${numKvHeads})`);
  }
  if (!r.has('head_dim') && hiddenSize % numHeads !== 0) {
    throw new Error(`${where}: hidden_size (${hiddenSize}) is not divisible by num_attention_heads (${numHeads}) and head_dim is not given`);
  }
  const headDim = r.int('head_dim', hiddenSize / numHeads);
  const numLayers = r.int('num_hidden_layers');
  return { hiddenSize, numHeads, numKvHeads, headDim, numLayers };
}

/** The MLP activation (hidden_activation or hidden_act; gelu_new counts as gelu_pytorch_tanh). */
function parseHiddenAct(r: Reader, where: string, gemma: boolean): HiddenAct {
  const act = r.str('hidden_activation') ?? r.str('hidden_act') ?? (gemma ? 'gelu_pytorch_tanh' : 'silu');
  const hiddenAct: HiddenAct = act === 'gelu_pytorch_tanh' || act === 'gelu_new' ? 'gelu_pytorch_tanh' : (act as HiddenAct);
  if (hiddenAct !== 'silu' && hiddenAct !== 'gelu_pytorch_tanh') {
    throw new Error(`${where}: hidden_act '${act}' is not supported (expected silu or gelu_pytorch_tanh)`);
  }
  return hiddenAct;
}

/** Which attention projections carry a bias: Qwen2 always on q/k/v only; Llama-style attention_bias on all four. */
function parseAttentionBias(r: Reader, type: ModelType): Pick<ModelConfig, 'attentionBias' | 'oProjBias'> {
  const llamaBias = type === 'llama' || type === 'qwen3' || type === 'gemma3_text' ? r.bool('attention_bias', false) : false;
  return { attentionBias: type === 'qwen2' ? true : llamaBias, oProjBias: type === 'qwen2' ? false : llamaBias };
}

/** The sliding window and each layer's attention kind, checked to agree. */
function parseSliding(
  obj: Record<string, unknown>,
  r: Reader,
  type: ModelType,
  numLayers: number,
  where: string,
): Pick<ModelConfig, 'slidingWindow' | 'layerTypes'> {
  const gemma = type === 'gemma3_text';
  let slidingWindow: number | null = null;
  if (type === 'mistral' || gemma) slidingWindow = r.has('sliding_window') ? r.int('sliding_window') : null;
  if ((type === 'qwen2' || type === 'qwen3') && r.bool('use_sliding_window', false)) slidingWindow = r.int('sliding_window');
  const layerTypes = parseLayerTypes(obj, r, numLayers, slidingWindow, where, gemma);
  if (layerTypes.includes('sliding_attention') && slidingWindow === null) {
    throw new Error(`${where}: layer_types names sliding_attention layers but sliding_window is not set`);
  }
  return { slidingWindow, layerTypes };
}

/** Parses a config.json object (or its text). `file` names it in errors. */
export function parseModelConfig(json: unknown, file = 'config.json'): ModelConfig {
  const { obj, where, type } = unwrapConfig(json, file);
  const gemma = type === 'gemma3_text';
  const r = new Reader(obj, where);
  // Fields are read in this order so that the first bad one is the one reported.
  const { hiddenSize, numHeads, numKvHeads, headDim, numLayers } = parseShape(r, where);
  const hiddenAct = parseHiddenAct(r, where, gemma);
  const { attentionBias, oProjBias } = parseAttentionBias(r, type);
  const { slidingWindow, layerTypes } = parseSliding(obj, r, type, numLayers, where);
  const qpas = gemma ? r.num('query_pre_attn_scalar', headDim) : null;
  const conditional = Array.isArray(obj.architectures) && obj.architectures.includes('Gemma3ForConditionalGeneration');
  return {
    modelType: type,
    architectures: Array.isArray(obj.architectures) ? (obj.architectures as unknown[]).map(String) : [],
    vocabSize: r.int('vocab_size'),
    hiddenSize,
    intermediateSize: r.int('intermediate_size'),
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    ...parseRope(obj, r, where, gemma),
    rmsNormEps: r.num('rms_norm_eps', 1e-6),
    maxPositionEmbeddings: r.int('max_position_embeddings', 2048),
    tieWordEmbeddings: r.bool('tie_word_embeddings', gemma),
    hiddenAct,
    attentionBias,
    oProjBias,
    mlpBias: type === 'llama' ? r.bool('mlp_bias', false) : false,
    bosTokenId: r.tokenId('bos_token_id'),
    eosTokenIds: r.tokenIds('eos_token_id'),
    padTokenId: r.tokenId('pad_token_id'),
    torchDtype: r.str('torch_dtype') ?? r.str('dtype'),
    normWeightOffset: gemma ? 1 : 0,
    qkNorm: type === 'qwen3' || gemma,
    sandwichNorm: gemma,
    slidingWindow,
    layerTypes,
    // transformers' Gemma3ForCausalLM caps the final logits when the config says so; Gemma3ForConditionalGeneration never does.
    finalLogitSoftcap: conditional ? null : r.optNum('final_logit_softcapping'),
    attnLogitSoftcap: r.optNum('attn_logit_softcapping'),
    embedScale: gemma ? Math.sqrt(hiddenSize) : 1,
    attnScale: 1 / Math.sqrt(qpas ?? headDim),
  };
}

/**
 * RoPE inverse frequencies (HS/2 values) for a layer, HF convention, with linear and llama3 scaling.
 * Sliding layers of Gemma 3 use the local theta and no scaling.
 */
export function ropeInvFreq(cfg: ModelConfig, layer = 0): Float64Array {
  const local = cfg.layerTypes[layer] === 'sliding_attention' && cfg.ropeLocalTheta !== null;
  const theta = local ? (cfg.ropeLocalTheta as number) : cfg.ropeTheta;
  const half = cfg.headDim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / theta ** ((2 * i) / cfg.headDim);
  const s = local ? null : cfg.ropeScaling;
  if (!s) return inv;
  if (s.type === 'linear') {
    for (let i = 0; i < half; i++) inv[i] /= s.factor;
  } else if (s.type === 'llama3') {
    const low = s.lowFreqFactor ?? 1;
    const high = s.highFreqFactor ?? 4;
    const orig = s.originalMaxPositionEmbeddings ?? 8192;
    const lowWavelen = orig / low;
    const highWavelen = orig / high;
    for (let i = 0; i < half; i++) {
      const wavelen = (2 * Math.PI) / inv[i];
      if (wavelen > lowWavelen) inv[i] /= s.factor;
      else if (wavelen >= highWavelen) {
        const smooth = (orig / wavelen - low) / (high - low);
        inv[i] = (1 - smooth) * (inv[i] / s.factor) + smooth * inv[i];
      }
    }
  } else {
    throw new Error(`rope_scaling type '${s.type}' is not supported (supported: linear, llama3)`);
  }
  return inv;
}

/** Total parameter count of the base model described by `cfg`. */
export function countModelParams(cfg: ModelConfig): number {
  const C = cfg.hiddenSize;
  const q = cfg.numHeads * cfg.headDim;
  const kv = cfg.numKvHeads * cfg.headDim;
  let layer = 2 * C + C * q + 2 * C * kv + q * C + 3 * C * cfg.intermediateSize;
  if (cfg.attentionBias) layer += q + 2 * kv;
  if (cfg.oProjBias) layer += C;
  if (cfg.mlpBias) layer += 2 * cfg.intermediateSize + C;
  if (cfg.qkNorm) layer += 2 * cfg.headDim;
  if (cfg.sandwichNorm) layer += 2 * C;
  return cfg.vocabSize * C * (cfg.tieWordEmbeddings ? 1 : 2) + cfg.numLayers * layer + C;
}
