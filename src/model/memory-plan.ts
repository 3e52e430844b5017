// A memory plan before anything is loaded: from a model's config alone, the GPU bytes a LoRA run needs
// (frozen base weights in a chosen precision, the adapters with their gradients and AdamW moments, the
// training activations of one B × T batch as the decoder's Workspace allocates them, the KV cache of
// generation) compared with an adapter's buffer limits and a memory budget, with a plain verdict.
import type { ModelConfig } from './hf-config.ts';
import { LORA_TARGETS, type LoraTarget } from './lora-types.ts';
import { LOGITS_BUDGET_BYTES, logitRowsFor } from './workspace.ts';

/** How the frozen base weights sit on the GPU: f32, 16-bit as stored, or 4-bit group-wise (affine, 16-bit scale and offset per group). */
export type WeightPrecision = 'f32' | 'bf16' | 'f16' | 'q4';

export interface PlanRequest {
  precision: WeightPrecision;
  batch: number; // B: sequences per optimizer step (and rollouts per PPO step)
  seq: number; // T: tokens per sequence
  rank: number; // LoRA r
  targets: readonly LoraTarget[];
  /** Group size of q4 along the input dimension (default 64). */
  groupSize?: number;
}

export interface AdapterLimits {
  label: string;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** Memory the GPU may use, when known (unified memory: about what the OS lets the GPU wire). */
  memoryBytes: number | null;
}

/** Buffer limits as browsers report them on a Mac, and SwiftShader's (for plans without an adapter at hand). */
export const LIMIT_PRESETS: Record<string, AdapterLimits> = {
  'mac-chrome': { label: 'Chrome on a Mac (Metal)', maxBufferSize: 4 * 2 ** 30, maxStorageBufferBindingSize: 4 * 2 ** 30 - 4, memoryBytes: null },
  'mac-safari': { label: 'Safari on a Mac (Metal)', maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 31, memoryBytes: null },
  swiftshader: { label: 'SwiftShader (software)', maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 30, memoryBytes: null },
};

export interface MemoryPlan {
  parameters: number; // base parameters
  loraParameters: number;
  bytes: {
    weights: number; // frozen base weights at the chosen precision (norms and biases in f32)
    lora: number; // the trained adapter: parameters, gradients, AdamW m and v (f32)
    ppoExtra: number; // PPO also holds the frozen reference and the reward model's adapters
    activations: number; // training activations and backward scratch for B × T, logits excluded
    activationsRecompute: number; // the same with each layer recomputed in the backward pass (only layer inputs kept)
    logits: number; // f32 logits: (B·T, V), or one chunk of rows when that would pass the logits budget or a binding (doubled when soft-capped)
    kvCache: number; // generation: keys and values of B sequences of T tokens, f32
    total: number; // weights + lora + ppoExtra + activations + logits + kvCache
  };
  largestTensor: { name: string; bytes: number };
  fits: boolean;
  verdict: string;
}

const F32 = 4;

/** (in, out) widths of a LoRA target module. */
function moduleShape(cfg: ModelConfig, target: LoraTarget): [number, number] {
  const C = cfg.hiddenSize,
    H = cfg.intermediateSize,
    QD = cfg.numHeads * cfg.headDim,
    KD = cfg.numKvHeads * cfg.headDim;
  const shapes: Record<LoraTarget, [number, number]> = {
    q_proj: [C, QD],
    k_proj: [C, KD],
    v_proj: [C, KD],
    o_proj: [QD, C],
    gate_proj: [C, H],
    up_proj: [C, H],
    down_proj: [H, C],
  };
  return shapes[target];
}

/** Bytes of one frozen matrix of `n` values at a precision (q4: half a byte each plus 4 bytes per group). */
export function matrixBytes(n: number, precision: WeightPrecision, groupSize = 64): number {
  if (precision === 'f32') return n * 4;
  if (precision === 'q4') return n / 2 + Math.ceil(n / groupSize) * 4;
  return n * 2;
}

/** The base's matrices (name, values) and its 1-D tensors' total, as the decoder holds them. */
function baseTensors(cfg: ModelConfig): { matrices: { name: string; n: number; perLayer: boolean }[]; vectors: number } {
  const C = cfg.hiddenSize,
    L = cfg.numLayers;
  const matrices = [{ name: 'embed_tokens', n: cfg.vocabSize * C, perLayer: false }];
  if (!cfg.tieWordEmbeddings) matrices.push({ name: 'lm_head', n: cfg.vocabSize * C, perLayer: false });
  for (const t of LORA_TARGETS) {
    const [i, o] = moduleShape(cfg, t);
    matrices.push({ name: t, n: i * o, perLayer: true });
  }
  const norms = (cfg.sandwichNorm ? 4 : 2) * C + (cfg.qkNorm ? 2 * cfg.headDim : 0);
  const [, QD] = moduleShape(cfg, 'q_proj');
  const [, KD] = moduleShape(cfg, 'k_proj');
  const biases = (cfg.attentionBias ? QD + 2 * KD : 0) + (cfg.oProjBias ? C : 0) + (cfg.mlpBias ? 2 * cfg.intermediateSize + C : 0);
  return { matrices, vectors: L * (norms + biases) + C };
}

/** f32 values per token the Workspace keeps: all layers' activations plus the backward scratch (see decoder.ts). */
function activationValuesPerToken(cfg: ModelConfig, req: PlanRequest, recompute: boolean): number {
  const C = cfg.hiddenSize,
    H = cfg.intermediateSize,
    L = cfg.numLayers;
  const [, QD] = moduleShape(cfg, 'q_proj');
  const [, KD] = moduleShape(cfg, 'k_proj');
  const loraH = req.targets.length * req.rank;
  let layer = 3 * C + 2 + 2 * QD + 2 * KD + cfg.numHeads + 3 * H + loraH; // h1 rstd1 q k v att lse x2 h2 rstd2 gate up act loraH
  if (cfg.qkNorm) layer += QD + KD + 2 * cfg.numHeads; // normed q, k and their rstd
  if (cfg.sandwichNorm) layer += 2 * C + 2; // post-attention and post-feedforward norms
  const streams = (L + 1) * C + C + 1; // residual streams, final norm
  const scratch = 3 * C + 2 * QD + 2 * KD + 3 * H + cfg.numHeads + req.rank + 2; // dx dtmp dh dq datt dk dv dact dgate dup delta dLoraH, losses ceLse
  return streams + scratch + (recompute ? layer : L * layer);
}

/** The matrices the decoder splits into row parts when they exceed one binding. */
const VOCAB_MATRICES = new Set(['embed_tokens', 'lm_head']);

/** Plans a LoRA run of `cfg` under `limits`. */
export function planMemory(cfg: ModelConfig, req: PlanRequest, limits: AdapterLimits): MemoryPlan {
  for (const [k, v] of [
    ['batch', req.batch],
    ['seq', req.seq],
    ['rank', req.rank],
  ] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`planMemory: ${k}: expected an integer >= 1, got ${v}`);
  }
  const g = req.groupSize ?? 64;
  const { matrices, vectors } = baseTensors(cfg);
  const L = cfg.numLayers;
  let parameters = vectors;
  let weights = vectors * F32;
  let largestTensor = { name: '', bytes: 0 };
  let largestUnsplit = { name: '', bytes: 0 };
  for (const m of matrices) {
    const count = m.perLayer ? L : 1;
    parameters += m.n * count;
    const b = matrixBytes(m.n, req.precision, g);
    weights += b * count;
    if (b > largestTensor.bytes) largestTensor = { name: m.name, bytes: b };
    if (!VOCAB_MATRICES.has(m.name) && b > largestUnsplit.bytes) largestUnsplit = { name: m.name, bytes: b };
  }
  const loraParameters = L * req.targets.reduce((s, t) => s + req.rank * moduleShape(cfg, t).reduce((a, b) => a + b, 0), 0);
  const N = req.batch * req.seq;
  const bytes = {
    weights,
    lora: 4 * loraParameters * F32,
    ppoExtra: 2 * loraParameters * F32,
    activations: (N * activationValuesPerToken(cfg, req, false) + 3) * F32, // + the loss pair and the gradient norm
    activationsRecompute: (N * activationValuesPerToken(cfg, req, true) + 3) * F32,
    logits:
      logitRowsFor(N, cfg.vocabSize, !!cfg.finalLogitSoftcap, LOGITS_BUDGET_BYTES, limits.maxStorageBufferBindingSize) *
      cfg.vocabSize *
      F32 *
      (cfg.finalLogitSoftcap ? 2 : 1),
    kvCache: 2 * L * cfg.numKvHeads * cfg.headDim * N * F32,
    total: 0,
  };
  bytes.total = bytes.weights + bytes.lora + bytes.ppoExtra + bytes.activations + bytes.logits + bytes.kvCache;
  const largestBuffer = Math.max(largestUnsplit.bytes, bytes.logits);
  const judged = judge(cfg, req, limits, bytes, largestUnsplit, largestBuffer);
  // The embedding and LM head are uploaded in row parts when one binding cannot hold them (decoder-weights.ts).
  const parts = Math.ceil(largestTensor.bytes / limits.maxStorageBufferBindingSize);
  const verdict =
    judged.fits && VOCAB_MATRICES.has(largestTensor.name) && parts > 1 ? `${judged.verdict} (${largestTensor.name} in ${parts} buffer parts)` : judged.verdict;
  const fits = judged.fits;
  return { parameters, loraParameters, bytes, largestTensor, fits, verdict };
}

function judge(
  cfg: ModelConfig,
  req: PlanRequest,
  limits: AdapterLimits,
  bytes: MemoryPlan['bytes'],
  largest: { name: string; bytes: number },
  largestBuffer: number,
): { fits: boolean; verdict: string } {
  const problems: string[] = [];
  if (largest.bytes > limits.maxStorageBufferBindingSize) {
    problems.push(`${largest.name} (${formatGiB(largest.bytes)}) is larger than one buffer binding here (${formatGiB(limits.maxStorageBufferBindingSize)})`);
  }
  if (bytes.logits === largestBuffer && bytes.logits > limits.maxStorageBufferBindingSize) {
    problems.push(
      `the logits of ${req.batch} × ${req.seq} tokens over a ${cfg.vocabSize.toLocaleString('en-US')}-token vocabulary (${formatGiB(bytes.logits)}) exceed one buffer binding`,
    );
  }
  if (limits.memoryBytes !== null && bytes.total > limits.memoryBytes) {
    problems.push(`${formatGiB(bytes.total)} is more than the ${formatGiB(limits.memoryBytes)} the GPU may use`);
  }
  if (!problems.length) {
    return { fits: true, verdict: limits.memoryBytes === null ? `fits the buffer limits; needs about ${formatGiB(bytes.total)} of GPU memory` : 'fits' };
  }
  const tries: string[] = [];
  if (req.precision !== 'q4') tries.push('--quantize q4');
  if (req.batch > 1) tries.push('--batch 1');
  if (req.seq > 256) tries.push(`--seq ${Math.max(256, req.seq >> 1)}`);
  tries.push('a smaller model');
  return { fits: false, verdict: `too large: ${problems.join('; ')}. Try ${tries.join(', ')}` };
}

export function formatGiB(bytes: number): string {
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/** 1.23 B, 135 M, 12.3 K: a parameter count for people. */
export function formatCount(n: number): string {
  if (n >= 0.9995e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)} M`;
  return `${(n / 1e3).toFixed(1)} K`;
}

/** The settings of the README's table of recommended models. */
export const TABLE_REQUEST: Omit<PlanRequest, 'precision'> = { batch: 1, seq: 512, rank: 8, targets: ['q_proj', 'v_proj', 'o_proj'] };

/** A Markdown table: per model its parameters and the planned GPU bytes at f16 and q4 (TABLE_REQUEST). */
export function modelTable(models: { id: string; cfg: ModelConfig }[]): string {
  const unlimited: AdapterLimits = { label: 'none', maxBufferSize: Infinity, maxStorageBufferBindingSize: Infinity, memoryBytes: null };
  const rows = models.map(({ id, cfg }) => {
    const [f16, q4] = (['f16', 'q4'] as const).map((precision) => planMemory(cfg, { ...TABLE_REQUEST, precision }, unlimited));
    return `| ${id} | ${formatCount(f16.parameters)} | ${formatGiB(f16.bytes.weights)} | ${formatGiB(f16.bytes.total)} | ${formatGiB(q4.bytes.weights)} | ${formatGiB(q4.bytes.total)} | ${formatGiB(f16.largestTensor.bytes)} |`;
  });
  return ['| Model | Parameters | Weights f16 | Training f16 | Weights q4 | Training q4 | Largest tensor f16 |', '|---|---|---|---|---|---|---|', ...rows].join(
    '\n',
  );
}
