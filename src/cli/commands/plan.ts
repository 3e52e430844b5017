// `mindprint plan`: the GPU memory a LoRA run of a model needs, from its config.json alone (nothing is
// loaded), against this machine's WebGPU adapter limits or a named preset, with a plain verdict.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadDefaultPipelineConfig, loadPipelineConfigFile } from '../../analysis/node-defaults.ts';
import { parseModelConfig, type ModelConfig } from '../../model/hf-config.ts';
import { LORA_TARGETS, type LoraTarget } from '../../model/lora-types.ts';
import {
  formatCount,
  formatGiB,
  LIMIT_PRESETS,
  planMemory,
  type AdapterLimits,
  type MemoryPlan,
  type PlanRequest,
  type WeightPrecision,
} from '../../model/memory-plan.ts';
import { buildTinyModel } from '../../model/tiny-model.ts';
import { parseHubId } from '../../hub/hub-id.ts';
import { createNodeRuntime } from '../../engine/node-driver.ts';
import { parseCommandArgs, UsageError, type Command } from '../command.ts';

const usage = `Usage: mindprint plan --model DIR|CONFIG.json|ORG/NAME[@REV]|tiny [options]

Estimates the GPU memory of a LoRA training run from the model's config.json (no weights are read):
frozen base weights, the adapter with its gradients and AdamW state, PPO's extra adapters, training
activations for one batch (and with per-layer recomputation), logits, the generation KV cache; then
compares them with the WebGPU adapter's buffer limits and says whether it fits.

Options:
  --model DIR|FILE     a Hugging Face model folder, its config.json, a Hub id ORG/NAME[@REV] (only its
                       config.json is fetched, from the Hugging Face cache or the Hub), or 'tiny'
  --token TOKEN        Hugging Face access token for gated or private Hub models (default: HF_TOKEN)
  --dtype f32|bf16|f16 precision of the frozen base weights (default: the checkpoint's torch_dtype, as
                       training loads it; f32 when the config does not say)
  --quantize q4        4-bit group-wise base weights (group 64, 16-bit scale and offset per group)
  --batch B            sequences per step (default: the config's sft.batch_size)
  --seq T              tokens per sequence (default: the config's max_seq_length)
  --rank R             LoRA rank (default: the config's lora.r); targets from lora.target_modules
  --config FILE        a training_pipeline.yaml to take those defaults from
  --memory GIB         memory the GPU may use (default: unknown, only the buffer limits are checked)
  --limits NAME        adapter (default: this machine's WebGPU adapter), ${Object.keys(LIMIT_PRESETS).join(', ')}
  --json               print the plan as JSON`;

/** The precision training keeps a checkpoint's weights in by default (--dtype stored): its torch_dtype. */
function storedPrecision(torchDtype: string | null): 'f32' | 'bf16' | 'f16' {
  return torchDtype === 'bfloat16' ? 'bf16' : torchDtype === 'float16' ? 'f16' : 'f32';
}

/** The config.json of a Hub id (cache first), or null when `model` is not one. */
async function hubConfigFile(model: string, token: string | undefined): Promise<string | null> {
  const id = parseHubId(model);
  if (!id) return null;
  const { resolveHubModel } = await import('../../hub/resolve.ts');
  try {
    return path.join((await resolveHubModel(id, { need: 'config', token })).dir, 'config.json');
  } catch (err) {
    throw new UsageError(`--model: ${(err as Error).message}`);
  }
}

async function modelConfig(model: string, token?: string): Promise<{ cfg: ModelConfig; where: string }> {
  if (model === 'tiny') {
    const text = buildTinyModel(0)['config.json'] as string;
    return { cfg: parseModelConfig(JSON.parse(text), 'tiny/config.json'), where: 'tiny' };
  }
  const s = await stat(model).catch(() => null);
  const hubFile = s ? null : await hubConfigFile(model, token);
  if (!s && !hubFile) throw new UsageError(`--model ${model}: no such folder or file`);
  const file = hubFile ?? (s!.isDirectory() ? path.join(model, 'config.json') : model);
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`${file}: not found (a Hugging Face model folder holds config.json)`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return { cfg: parseModelConfig(json as Record<string, unknown>, file), where: hubFile ? model : file };
}

function positive(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
  return n;
}

async function adapterLimits(name: string | undefined, memoryGiB: number | null, log: (l: string) => void): Promise<AdapterLimits> {
  const memoryBytes = memoryGiB === null ? null : memoryGiB * 2 ** 30;
  if (name && name !== 'adapter') {
    const preset = LIMIT_PRESETS[name];
    if (!preset) throw new UsageError(`--limits must be adapter or one of ${Object.keys(LIMIT_PRESETS).join(', ')}, got '${name}'`);
    return { ...preset, memoryBytes };
  }
  const rt = await createNodeRuntime(log);
  try {
    const l = rt.limits;
    return {
      label: `this machine's adapter (${rt.adapter.description || rt.adapter.vendor})`,
      maxBufferSize: l.maxBufferSize,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      memoryBytes,
    };
  } finally {
    rt.destroy();
  }
}

function render(where: string, req: PlanRequest, limits: AdapterLimits, p: MemoryPlan, q4: MemoryPlan | null): string {
  const b = p.bytes;
  const row = (what: string, bytes: number, note = '') => `  ${what.padEnd(34)} ${formatGiB(bytes).padStart(10)}${note ? `  ${note}` : ''}`;
  const weightsName = req.precision === 'q4' ? 'q4 (group 64)' : req.precision;
  const lines = [
    `${where}: ${formatCount(p.parameters)} parameters; LoRA r ${req.rank} on ${req.targets.join(', ')}: ${formatCount(p.loraParameters)}`,
    `batch ${req.batch} × ${req.seq} tokens; limits: ${limits.label} (buffer ${formatGiB(limits.maxBufferSize)}, binding ${formatGiB(limits.maxStorageBufferBindingSize)})`,
    '',
    row(`base weights (${weightsName})`, b.weights, `largest: ${p.largestTensor.name} ${formatGiB(p.largestTensor.bytes)}`),
    row('LoRA + gradients + AdamW', b.lora),
    row('PPO reference + reward adapters', b.ppoExtra),
    row('activations (training)', b.activations, `${formatGiB(b.activationsRecompute)} with per-layer recomputation`),
    row('logits', b.logits),
    row('KV cache (generation)', b.kvCache),
    row('total', b.total),
    '',
    `verdict: ${p.verdict}`,
  ];
  if (q4) lines.push(`with --quantize q4: ${q4.fits ? 'fits' : 'still too large'} (total ${formatGiB(q4.bytes.total)})`);
  return lines.join('\n');
}

export const command: Command = {
  summary: 'estimate the GPU memory of a LoRA run from a model config (nothing loaded)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      model: { type: 'string' },
      token: { type: 'string' },
      dtype: { type: 'string' },
      quantize: { type: 'string' },
      batch: { type: 'string' },
      seq: { type: 'string' },
      rank: { type: 'string' },
      config: { type: 'string' },
      memory: { type: 'string' },
      limits: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}' (use --model)`);
    if (!values.model) throw new UsageError('--model is required (a model folder, its config.json, or tiny)');
    if (values.quantize !== undefined && values.quantize !== 'q4') throw new UsageError(`--quantize must be q4, got '${values.quantize}'`);
    const { cfg, where } = await modelConfig(values.model, values.token);
    const dtype = values.dtype ?? storedPrecision(cfg.torchDtype);
    if (!['f32', 'bf16', 'f16'].includes(dtype)) throw new UsageError(`--dtype must be f32, bf16 or f16, got '${dtype}'`);
    const memory = values.memory === undefined ? null : Number(values.memory);
    if (memory !== null && !(memory > 0)) throw new UsageError(`--memory must be a positive number of GiB, got '${values.memory}'`);
    const pipeline = values.config ? await loadPipelineConfigFile(values.config) : await loadDefaultPipelineConfig();
    const req: PlanRequest = {
      precision: (values.quantize ?? dtype) as WeightPrecision,
      batch: positive(values.batch, 'batch') ?? pipeline.sft.batch_size,
      seq: positive(values.seq, 'seq') ?? pipeline.max_seq_length,
      rank: positive(values.rank, 'rank') ?? pipeline.lora.r,
      targets: pipeline.lora.target_modules.filter((t): t is LoraTarget => (LORA_TARGETS as readonly string[]).includes(t)),
    };
    const limits = await adapterLimits(values.limits, memory, (l) => console.error(l));
    const plan = planMemory(cfg, req, limits);
    const q4 = !plan.fits && req.precision !== 'q4' ? planMemory(cfg, { ...req, precision: 'q4' }, limits) : null;
    if (values.json) console.log(JSON.stringify({ model: where, request: req, limits, plan, q4: q4 && { fits: q4.fits, total: q4.bytes.total } }, null, 2));
    else console.log(render(where, req, limits, plan, q4));
    return plan.fits ? 0 : 1;
  },
};
