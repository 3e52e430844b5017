// One LoRA SFT step on random weights of any Llama shape: the step the trainers run (trainSft: forward,
// loss over completion tokens, backward, grad clip, AdamW), timed per step, with dispatches and peak GPU bytes.
// `npm run bench -- step --hidden H --layers L ... --json` prints the result as the last stdout line; the
// peer (bench/peer-tfjs.ts) and the scaling bench (bench/scaling.ts) take the same StepShape.
import { parseArgs } from 'node:util';
import { gpuBackend } from '../src/engine/backend.ts';
import { GpuRuntime, type KernelProfile } from '../src/engine/runtime.ts';
import { Decoder } from '../src/model/decoder.ts';
import { countModelParams, parseModelConfig, type ModelConfig } from '../src/model/hf-config.ts';
import { LoraParams } from '../src/model/lora-params.ts';
import { initLora, LORA_TARGETS, type LoraAdapter, type LoraConfig, type LoraTarget } from '../src/model/lora-types.ts';
import { TINY_VOCAB_SIZE } from '../src/model/tiny-model.ts';
import { expectedTensorShapes } from '../src/model/weights.ts';
import { trainSft, type TokenizedExample } from '../src/training/sft.ts';
import { Rng } from '../src/util/rng.ts';

/** A Llama shape and the step's batch; C = hidden, HS = hidden / heads. */
export interface StepShape {
  hidden: number; // C
  layers: number; // L
  heads: number; // NH
  kvHeads: number; // NKV
  ffn: number; // MLP width
  vocab: number; // V
  seq: number; // T
  batch: number; // B
  rank: number; // LoRA r (alpha = 2r)
  targets: LoraTarget[];
  tied: boolean; // LM head shares the embedding (SmolLM, Qwen2.5-0.5B)
  steps: number; // measured steps
  warmup: number; // steps before the measured ones (pipeline compilation, first bind groups)
  kernels?: KernelProfile; // force the kernel profile (default: the adapter's)
  subgroups?: boolean; // false: leave the device's subgroups feature off (the tree reductions)
}

/** The generated tiny model's shape (src/model/tiny-model.ts) at B 2 × T 64, r 8 on q, v, o. */
export const TINY_SHAPE: StepShape = {
  hidden: 64,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  ffn: 128,
  vocab: TINY_VOCAB_SIZE,
  seq: 64,
  batch: 2,
  rank: 8,
  targets: ['q_proj', 'v_proj', 'o_proj'],
  tied: false,
  steps: 5,
  warmup: 1,
};

export const PROMPT_SHARE = 0.25; // the first quarter of every example is prompt (loss mask 0), the rest completion
export const LEARNING_RATE = 1e-4;

/** The step flags (also read by bench/run.ts), as node:util parseArgs options. */
export const STEP_OPTIONS = {
  hidden: { type: 'string' },
  layers: { type: 'string' },
  heads: { type: 'string' },
  'kv-heads': { type: 'string' },
  ffn: { type: 'string' },
  vocab: { type: 'string' },
  seq: { type: 'string' },
  batch: { type: 'string' },
  rank: { type: 'string' },
  targets: { type: 'string' },
  tied: { type: 'boolean' },
  steps: { type: 'string' },
  warmup: { type: 'string' },
  kernels: { type: 'string' },
  'no-subgroups': { type: 'boolean' },
} as const;

type StepValues = { [K in keyof typeof STEP_OPTIONS]?: (typeof STEP_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function intFlag(values: StepValues, name: keyof typeof STEP_OPTIONS, fallback: number, min: number): number {
  const v = values[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got '${v}'`);
  return n;
}

/** q,v,o or q_proj,v_proj,o_proj (also k, gate, up, down) as LoRA targets; names the bad entry. */
export function parseTargets(list: string): LoraTarget[] {
  const out: LoraTarget[] = [];
  for (const raw of list.split(',').map((s) => s.trim())) {
    const name = (raw.endsWith('_proj') ? raw : `${raw}_proj`) as LoraTarget;
    if (!LORA_TARGETS.includes(name)) throw new Error(`--targets: unknown target '${raw}' (expected some of q,k,v,o,gate,up,down)`);
    if (!out.includes(name)) out.push(name);
  }
  if (!out.length) throw new Error('--targets: empty list (expected some of q,k,v,o,gate,up,down)');
  return out;
}

function kernelsFlag(v: string): KernelProfile {
  if (v !== 'gpu' && v !== 'software') throw new Error(`--kernels must be gpu or software, got '${v}'`);
  return v;
}

/** The shape from parsed flags over TINY_SHAPE; every size checked, with the flag and value in the error. */
export function shapeFromValues(values: StepValues, base: StepShape = TINY_SHAPE): StepShape {
  const s: StepShape = {
    hidden: intFlag(values, 'hidden', base.hidden, 1),
    layers: intFlag(values, 'layers', base.layers, 1),
    heads: intFlag(values, 'heads', base.heads, 1),
    kvHeads: intFlag(values, 'kv-heads', base.kvHeads, 1),
    ffn: intFlag(values, 'ffn', base.ffn, 1),
    vocab: intFlag(values, 'vocab', base.vocab, 2),
    seq: intFlag(values, 'seq', base.seq, 2),
    batch: intFlag(values, 'batch', base.batch, 1),
    rank: intFlag(values, 'rank', base.rank, 1),
    targets: values.targets !== undefined ? parseTargets(values.targets) : base.targets,
    tied: values.tied ?? base.tied,
    steps: intFlag(values, 'steps', base.steps, 1),
    warmup: intFlag(values, 'warmup', base.warmup, 1),
    ...(values.kernels !== undefined ? { kernels: kernelsFlag(values.kernels) } : base.kernels ? { kernels: base.kernels } : {}),
    ...(values['no-subgroups'] || base.subgroups === false ? { subgroups: false } : {}),
  };
  if (s.hidden % s.heads) throw new Error(`--hidden ${s.hidden} must be a multiple of --heads ${s.heads} (head size = hidden / heads)`);
  if (s.heads % s.kvHeads) throw new Error(`--heads ${s.heads} must be a multiple of --kv-heads ${s.kvHeads} (grouped-query attention)`);
  return s;
}

/** Parses `step` flags alone (strict: an unknown flag is an error naming it). */
export function parseStepArgs(argv: string[]): StepShape {
  const { values } = parseArgs({ args: argv, options: STEP_OPTIONS, strict: true, allowPositionals: false });
  return shapeFromValues(values);
}

export function describeShape(s: StepShape): string {
  const t = s.targets.map((x) => x.replace('_proj', '')).join(',');
  return `C ${s.hidden}, L ${s.layers}, NH ${s.heads}/NKV ${s.kvHeads}, F ${s.ffn}, V ${s.vocab}${s.tied ? ' (tied)' : ''}, B ${s.batch} × T ${s.seq}, r ${s.rank} on ${t}`;
}

/** The Llama config of a shape (f32 weights, RoPE θ 10000, RMSNorm ε 1e-5). */
export function llamaConfig(s: StepShape): ModelConfig {
  const json = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: s.hidden,
    intermediate_size: s.ffn,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    num_key_value_heads: s.kvHeads,
    head_dim: s.hidden / s.heads,
    vocab_size: s.vocab,
    max_position_embeddings: Math.max(2048, s.seq),
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    hidden_act: 'silu',
    tie_word_embeddings: s.tied,
    torch_dtype: 'float32',
  };
  return parseModelConfig(json, `bench step shape (${describeShape(s)})`);
}

export function loraConfig(s: StepShape): LoraConfig {
  return { r: s.rank, alpha: 2 * s.rank, dropout: 0, targetModules: [...s.targets], useRslora: false };
}

/** Random weights for a config: norms 1, matrices uniform with std 0.02 (the values only need to be finite). */
export function randomWeights(cfg: ModelConfig, seed: number): Map<string, Float32Array> {
  const rng = new Rng(seed);
  const half = 0.02 * Math.sqrt(3);
  const weights = new Map<string, Float32Array>();
  for (const [name, shape] of expectedTensorShapes(cfg)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (shape.length === 1) data.fill(1);
    else for (let i = 0; i < data.length; i++) data[i] = (2 * rng.next() - 1) * half;
    weights.set(name, data);
  }
  return weights;
}

/** B examples of exactly T random tokens, the first PROMPT_SHARE of each masked out of the loss. */
export function randomExamples(B: number, T: number, vocab: number, seed: number): TokenizedExample[] {
  const rng = new Rng(seed);
  const prompt = Math.round(T * PROMPT_SHARE);
  return Array.from({ length: B }, () => {
    const ids = Array.from({ length: T }, () => rng.int(vocab));
    return { ids, lossMask: ids.map((_, t) => (t >= prompt ? 1 : 0)) };
  });
}

/** Everything one step bench needs, built once so the peer can run on the very same weights, adapter and data. */
export interface StepInputs {
  shape: StepShape;
  cfg: ModelConfig;
  weights: Map<string, Float32Array>;
  adapter: LoraAdapter; // A random, B = 0
  examples: TokenizedExample[];
}

export function stepInputs(shape: StepShape): StepInputs {
  const cfg = llamaConfig(shape);
  return {
    shape,
    cfg,
    weights: randomWeights(cfg, 1),
    adapter: initLora(cfg, loraConfig(shape), new Rng(1)),
    examples: randomExamples(shape.batch, shape.seq, shape.vocab, 7),
  };
}

export interface StepResult {
  shape: string;
  parameters: number;
  loraTrainable: number;
  msPerStep: number; // median of the measured steps
  msPerStepMin: number;
  tokensPerSecond: number; // B·T / median step
  dispatchesPerStep: number;
  kernels?: string; // the kernel profile that ran ('gpu, subgroups', 'gpu, no subgroups', 'software')
  submitsPerStep?: number; // command buffers per step
  readBacksPerStep?: number; // host read-backs per step
  dispatchesPerLayer?: number;
  dispatchesOutsideLayers?: number;
  dispatchesByOp?: Record<string, number>; // one step's dispatches by kernel, most first
  peakGpuBytes: number;
  peakGpuMiB: number;
  stepMs: number[]; // every step, warm-up first
  losses: number[];
  clock: 'wall';
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs warmup + steps trainSft steps on a fresh runtime; per-step wall time and dispatches from onStep. */
async function timeSteps(
  inp: StepInputs,
  log: (m: string) => void,
): Promise<{
  kernels: string;
  stepMs: number[];
  dispatches: number[];
  submits: number[];
  readBacks: number[];
  byOp: Record<string, number>;
  losses: number[];
  peak: number;
  loraCount: number;
}> {
  const { shape, cfg } = inp;
  const rt = await GpuRuntime.create(shape.subgroups === false ? { disableFeatures: ['subgroups' as GPUFeatureName] } : {});
  if (shape.kernels) rt.profile = shape.kernels;
  try {
    const be = gpuBackend(rt);
    const decoder = new Decoder(be, cfg, inp.weights);
    const lora = LoraParams.create(be, inp.adapter);
    const total = shape.warmup + shape.steps;
    const stepMs: number[] = [];
    const dispatches: number[] = [];
    const submits: number[] = [];
    const readBacks: number[] = [];
    const losses: number[] = [];
    let last = performance.now();
    let lastDispatches = rt.stats.dispatches;
    // Submits and read-backs where the runtime counts them (not at df16f37).
    const io = () => rt.stats as { submits?: number; readBacks?: number };
    let lastSubmits = io().submits ?? 0;
    let lastReadBacks = io().readBacks ?? 0;
    // Dispatches by op name where the runtime counts them (not at df16f37): the last step's, as a profile.
    const opCounts = () => ({ ...((rt.stats as { dispatchesByOp?: Record<string, number> }).dispatchesByOp ?? {}) });
    let beforeLast = opCounts();
    let byOp: Record<string, number> = {};
    await trainSft(be, decoder, lora, inp.examples, {
      epochs: total,
      batchSize: shape.batch,
      learningRate: LEARNING_RATE,
      seed: 3,
      maxSteps: total,
      warmupRatio: 0,
      scheduler: 'constant',
      onStep: (m) => {
        const now = performance.now();
        stepMs.push(now - last);
        dispatches.push(rt.stats.dispatches - lastDispatches);
        submits.push((io().submits ?? 0) - lastSubmits);
        readBacks.push((io().readBacks ?? 0) - lastReadBacks);
        [lastSubmits, lastReadBacks] = [io().submits ?? 0, io().readBacks ?? 0];
        losses.push(m.loss);
        log(`step ${m.step}/${total}${m.step <= shape.warmup ? ' (warm-up)' : ''} ${(now - last).toFixed(0)} ms, loss ${m.loss.toFixed(4)}`);
        last = now;
        lastDispatches = rt.stats.dispatches;
        const counts = opCounts();
        byOp = Object.fromEntries(
          Object.entries(counts)
            .map(([k, v]) => [k, v - (beforeLast[k] ?? 0)])
            .filter(([, v]) => (v as number) > 0),
        );
        beforeLast = counts;
      },
    });
    await rt.sync(); // the last update, and any recorded GPU error, before reading the stats
    if (!losses.every(Number.isFinite)) throw new Error(`step bench: non-finite loss ${losses.join(', ')}`);
    const loraCount = lora.count;
    lora.release();
    decoder.release();
    const kernels = `${rt.profile}${rt.profile === 'gpu' ? (rt.features.subgroups ? ', subgroups' : ', no subgroups') : ''}`;
    return { stepMs, dispatches, submits, readBacks, byOp, losses, peak: rt.stats.peakBytes, loraCount, kernels };
  } finally {
    rt.destroy();
  }
}

/**
 * Dispatches per layer: the same step on a narrow twin (same B, T, V, heads, targets; head size 16, MLP 2×C)
 * with 1 and 2 layers; dispatch counts depend on the structure, not the widths.
 */
async function dispatchesPerLayer(shape: StepShape): Promise<{ perLayer: number; outside: number }> {
  const at = async (layers: number) => {
    const twin: StepShape = { ...shape, layers, hidden: 16 * shape.heads, ffn: 32 * shape.heads, warmup: 1, steps: 1 };
    const r = await timeSteps(stepInputs(twin), () => {});
    return r.dispatches[r.dispatches.length - 1];
  };
  const one = await at(1);
  const two = await at(2);
  return { perLayer: two - one, outside: 2 * one - two };
}

/** The step bench: inputs built here unless given (the peer reuses them). */
export async function benchStep(
  shape: StepShape = TINY_SHAPE,
  opts: { inputs?: StepInputs; perLayer?: boolean; log?: (m: string) => void } = {},
): Promise<StepResult> {
  const log = opts.log ?? ((m: string) => console.error(`step bench: ${m}`));
  const inp = opts.inputs ?? stepInputs(shape);
  log(`${describeShape(shape)}: ${shape.warmup} warm-up + ${shape.steps} measured steps`);
  const r = await timeSteps(inp, log);
  const measured = r.stepMs.slice(shape.warmup);
  const ms = median(measured);
  const perStep = median(r.dispatches.slice(shape.warmup));
  const io = { submits: r.submits.some((n) => n > 0) };
  const layers = opts.perLayer === false ? null : await dispatchesPerLayer(shape);
  return {
    shape: describeShape(shape),
    kernels: r.kernels,
    parameters: countModelParams(inp.cfg),
    loraTrainable: r.loraCount,
    msPerStep: round(ms, 1),
    msPerStepMin: round(Math.min(...measured), 1),
    tokensPerSecond: round((shape.batch * shape.seq * 1000) / ms, 1),
    dispatchesPerStep: perStep,
    ...(io.submits ? { submitsPerStep: median(r.submits.slice(shape.warmup)), readBacksPerStep: median(r.readBacks.slice(shape.warmup)) } : {}),
    ...(layers ? { dispatchesPerLayer: layers.perLayer, dispatchesOutsideLayers: layers.outside } : {}),
    ...(Object.keys(r.byOp).length ? { dispatchesByOp: Object.fromEntries(Object.entries(r.byOp).sort((a, b) => b[1] - a[1])) } : {}),
    peakGpuBytes: r.peak,
    peakGpuMiB: round(r.peak / 2 ** 20, 1),
    stepMs: r.stepMs.map((x) => round(x, 1)),
    losses: r.losses.map((x) => round(x, 4)),
    clock: 'wall',
  };
}
