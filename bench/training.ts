// SFT training throughput on the WebGPU engine: tokens/s and peak GPU memory for the generated tiny model
// (B 4 × T 64) and a ~0.1B Llama-shaped model with random weights (B 1 × T 64, LoRA r 8 on q, v, o).
// Run alone with `npx tsx bench/training.ts`, or through `npm run bench`.
//
// tokens/s counts every token a step processes (prompt + completion, B·T per step) over the wall time of
// the measured steps: from the end of the last warm-up step (pipeline compilation, first bind groups) to
// the end of the last step, including the loss read-back each step does. Each model gets its own runtime,
// so peakBytes is that model's high-water mark (weights, workspace, adapter, optimizer state, uniforms).
import { selectNodeDriver } from '../src/engine/node-driver.ts';
import { GpuRuntime } from '../src/engine/runtime.ts';
import { gpuBackend } from '../src/engine/backend.ts';
import { Decoder } from '../src/model/decoder.ts';
import { countModelParams, parseModelConfig, type ModelConfig } from '../src/model/hf-config.ts';
import { LoraParams } from '../src/model/lora-params.ts';
import { initLora, type LoraConfig } from '../src/model/lora-types.ts';
import { tinyModelFiles } from '../src/model/tiny-model.ts';
import { expectedTensorShapes, loadModelFolder } from '../src/model/weights.ts';
import { trainSft, type TokenizedExample } from '../src/training/sft.ts';
import { Rng } from '../src/util/rng.ts';

await selectNodeDriver(); // the system's GPU when there is one, else SwiftShader (src/engine/adapter-choice.ts)

const LORA: LoraConfig = { r: 8, alpha: 16, dropout: 0, targetModules: ['q_proj', 'v_proj', 'o_proj'], useRslora: false };
const PROMPT_SHARE = 0.25; // the first quarter of every example is prompt (loss mask 0), the rest completion

/**
 * A Llama-shaped config of ~0.1B parameters (tied embeddings, like SmolLM): 12 layers of C 768, 12 query and
 * 4 KV heads of 64, MLP 2048, vocabulary 32000 → 75.5M in the layers + 24.6M in the embedding.
 */
const SMALL_LLAMA = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 768,
  intermediate_size: 2048,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  num_key_value_heads: 4,
  vocab_size: 32000,
  max_position_embeddings: 2048,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  hidden_act: 'silu',
  tie_word_embeddings: true,
  torch_dtype: 'float32',
};

interface Run {
  label: string;
  cfg: ModelConfig;
  weights: Map<string, Float32Array>;
  B: number;
  T: number;
  warmupSteps: number;
  measuredSteps: number;
}

/** Random weights for a config: norms 1, matrices uniform with std 0.02 (fast; the values only need to be finite). */
function randomWeights(cfg: ModelConfig, seed: number): Map<string, Float32Array> {
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

/** B examples of exactly T random tokens; one batch per step, the same batch every epoch. */
function examples(B: number, T: number, vocab: number, seed: number): TokenizedExample[] {
  const rng = new Rng(seed);
  const prompt = Math.round(T * PROMPT_SHARE);
  return Array.from({ length: B }, () => {
    const ids = Array.from({ length: T }, () => rng.int(vocab));
    return { ids, lossMask: ids.map((_, t) => (t >= prompt ? 1 : 0)) };
  });
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

async function measure(run: Run): Promise<object> {
  const { label, cfg, B, T, warmupSteps, measuredSteps } = run;
  const rt = await GpuRuntime.create();
  try {
    const be = gpuBackend(rt);
    const decoder = new Decoder(be, cfg, run.weights);
    const lora = LoraParams.create(be, initLora(cfg, LORA, new Rng(1)));
    const totalParams = countModelParams(cfg);
    console.error(
      `training bench [${label}]: ${(totalParams / 1e6).toFixed(1)}M base parameters, ${lora.count} trainable LoRA parameters ` +
        `(${((100 * lora.count) / totalParams).toFixed(3)}%), B ${B} × T ${T}, ${warmupSteps} warm-up + ${measuredSteps} measured steps`,
    );
    const total = warmupSteps + measuredSteps;
    const ends: number[] = [];
    const losses: number[] = [];
    let completionTokens = 0;
    let last = performance.now();
    const data = examples(B, T, cfg.vocabSize, 7);
    await trainSft(be, decoder, lora, data, {
      epochs: total,
      batchSize: B,
      learningRate: 1e-4,
      seed: 3,
      maxSteps: total,
      warmupRatio: 0,
      onStep: (m) => {
        const now = performance.now();
        ends.push(now);
        losses.push(m.loss);
        if (m.step > warmupSteps) completionTokens += m.tokens;
        console.error(
          `training bench [${label}]: step ${m.step}/${total}${m.step <= warmupSteps ? ' (warm-up)' : ''} ${((now - last) / 1000).toFixed(2)} s, loss ${m.loss.toFixed(4)}`,
        );
        last = now;
      },
    });
    await rt.sync(); // the last AdamW update, and any recorded GPU error, before reading the stats
    const seconds = (ends[total - 1] - ends[warmupSteps - 1]) / 1000;
    const tokens = measuredSteps * B * T;
    if (!losses.every(Number.isFinite)) throw new Error(`training bench [${label}]: non-finite loss ${losses.join(', ')}`);
    const result = {
      model: label,
      parameters: totalParams,
      loraTrainable: lora.count,
      lora: `r ${LORA.r} on ${LORA.targetModules.join(', ')}`,
      batch: B,
      seqLen: T,
      warmupSteps,
      measuredSteps,
      secondsPerStep: round(seconds / measuredSteps, 3),
      tokensPerSecond: round(tokens / seconds, 2),
      completionTokensPerSecond: round(completionTokens / seconds, 2),
      peakBytes: rt.stats.peakBytes,
      peakMiB: round(rt.stats.peakBytes / 2 ** 20, 1),
      dispatchesPerStep: Math.round(rt.stats.dispatches / total),
      losses: losses.map((l) => round(l, 4)),
    };
    lora.release();
    decoder.release();
    return result;
  } finally {
    rt.destroy();
  }
}

/** Both runs; `smallSteps` is the 0.1B model's measured step count (SwiftShader: tens of seconds a step). */
export async function benchTraining(opts: { tinySteps?: number; smallSteps?: number } = {}): Promise<object> {
  const tiny = await loadModelFolder(tinyModelFiles(0));
  const tinyResult = await measure({ label: 'tiny', cfg: tiny.config, weights: tiny.weights, B: 4, T: 64, warmupSteps: 2, measuredSteps: opts.tinySteps ?? 8 });
  const cfg = parseModelConfig(SMALL_LLAMA, 'bench/training.ts SMALL_LLAMA');
  const started = performance.now();
  const weights = randomWeights(cfg, 1);
  console.error(`training bench [0.1B]: random weights in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const smallResult = await measure({
    label: '0.1B llama-shaped (random weights)',
    cfg,
    weights,
    B: 1,
    T: 64,
    warmupSteps: 1,
    measuredSteps: opts.smallSteps ?? 2,
  });
  return { clock: 'wall', tokensCounted: 'prompt + completion (B × T per step)', tiny: tinyResult, small: smallResult };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchTraining(), null, 2));
  process.exit(0);
}
