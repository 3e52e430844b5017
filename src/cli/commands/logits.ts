// `mindprint logits --model DIR|tiny [--adapter DIR] --ids 1,2,3 [--json]`: next-token logits per position,
// computed by the WebGPU engine (the contract other tools compare their own implementations against).
import { parseCommandArgs, UsageError, type Command } from '../command.ts';
import { gpuBackend, type Backend } from '../../engine/backend.ts';
import type { GpuTensor } from '../../engine/op.ts';
import type { GpuRuntime } from '../../engine/runtime.ts';
import { Decoder, Workspace } from '../../model/decoder.ts';
import { LoraParams } from '../../model/lora-params.ts';
import { createNodeRuntime } from '../../engine/node-driver.ts';
import { loadModel, type ModelBundle, type ModelLoadOptions } from '../../model/load.ts';
import { PRECISION_OPTIONS, PRECISION_USAGE, precisionFromFlags } from '../precision-flags.ts';
import { importPeftFolder } from '../../storage/peft.ts';

const usage = `Usage: mindprint logits --model DIR|ORG/NAME[@REV]|tiny [--token TOKEN] [--adapter DIR] --ids 1,2,3 [--json]

Runs one forward pass of the model over the given token ids on the WebGPU engine and prints the
next-token logits at every position.

Options:
  --model DIR     Hugging Face model folder (config.json, *.safetensors, tokenizer files), a Hub id
                  ORG/NAME[@REV] (from the Hugging Face cache, downloaded if missing), or 'tiny'
                  for the generated tiny model
  --token TOKEN   Hugging Face access token for gated or private Hub models (default: HF_TOKEN)
${PRECISION_USAGE}
  --adapter DIR   PEFT LoRA adapter folder (adapter_config.json, adapter_model.safetensors) applied
                  as a live adapter on top of the base weights
  --ids LIST      comma-separated token ids, each an integer in [0, vocab_size)
  --json          print {"logits": [[...], ...]}: one row of vocab_size logits per position;
                  without it, a short summary (shape and the top tokens at each position)`;

/** The engine opened on a model (and optionally a PEFT adapter) for the CLI commands. */
export interface OpenEngine {
  rt: GpuRuntime;
  be: Backend<GpuTensor>;
  bundle: ModelBundle;
  decoder: Decoder<GpuTensor>;
  lora: LoraParams<GpuTensor> | null;
  close(): void;
}

/** loadModel, with a bad --model reported as a usage error (the message names the file and what was wrong). */
export async function loadModelArg(modelArg: string, token?: string, precision: ModelLoadOptions = {}): Promise<ModelBundle> {
  try {
    const bundle = await loadModel(modelArg, { token }, precision);
    for (const note of bundle.model.precisionNotes) console.error(`note: ${note}`);
    return bundle;
  } catch (err) {
    throw new UsageError(`--model: ${(err as Error).message}`);
  }
}

/** Reads the adapter (if any), creates the Node WebGPU runtime (printing which GPU adapter) and uploads the weights. */
export async function openEngine(bundle: ModelBundle, adapterDir: string | undefined): Promise<OpenEngine> {
  let adapter = null;
  if (adapterDir) {
    try {
      adapter = await importPeftFolder(adapterDir, bundle.model.config);
    } catch (err) {
      throw new UsageError(`--adapter: ${(err as Error).message}`);
    }
  }
  if (adapter && adapter.baseModel && adapter.baseModel !== bundle.name) {
    console.error(`note: ${adapterDir} was trained on '${adapter.baseModel}'; applying it to '${bundle.name}' (shapes match)`);
  }
  const rt = await createNodeRuntime();
  try {
    const be = gpuBackend(rt);
    const decoder = new Decoder(be, bundle.model.config, bundle.model.weights, bundle.model.packed);
    const lora = adapter ? LoraParams.create(be, adapter) : null;
    return { rt, be, bundle, decoder, lora, close: () => rt.destroy() };
  } catch (err) {
    rt.destroy();
    throw err;
  }
}

/** Parses --ids: comma-separated integers in [0, vocab). */
export function parseIds(text: string, vocabSize: number): number[] {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.every((p) => p === '')) throw new UsageError('--ids: expected a comma-separated list of token ids, got nothing');
  return parts.map((p, i) => {
    if (!/^\d+$/.test(p)) throw new UsageError(`--ids: item ${i + 1} is '${p}', expected a non-negative integer token id`);
    const id = Number(p);
    if (id >= vocabSize) throw new UsageError(`--ids: item ${i + 1} is ${id}, outside the model's vocabulary [0, ${vocabSize})`);
    return id;
  });
}

/** Logits (T, V) of one sequence as rows, from the engine. */
export async function engineLogits(e: OpenEngine, ids: number[]): Promise<Float32Array[]> {
  const cfg = e.bundle.model.config;
  const T = ids.length,
    V = cfg.vocabSize;
  const ws = new Workspace(e.be, cfg, 1, T, Decoder.loraRanks(e.lora));
  try {
    ws.setBatch(Uint32Array.from(ids), Uint32Array.of(T));
    e.be.beginStep();
    e.decoder.forward(ws, e.lora);
    e.be.submit();
    const flat = await e.be.read(ws.logits!); // (T, V)
    return Array.from({ length: T }, (_, t) => flat.slice(t * V, (t + 1) * V));
  } finally {
    ws.release();
  }
}

function topK(row: Float32Array, k: number): number[] {
  const order = Array.from(row.keys());
  order.sort((a, b) => row[b] - row[a] || a - b);
  return order.slice(0, k);
}

export const command: Command = {
  summary: 'print the next-token logits of a token sequence, computed on the WebGPU engine',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      model: { type: 'string' },
      token: { type: 'string' },
      ...PRECISION_OPTIONS,
      adapter: { type: 'string' },
      ids: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'\n\n${usage}`);
    if (!values.model) throw new UsageError(`--model DIR|tiny is required\n\n${usage}`);
    if (values.ids === undefined) throw new UsageError(`--ids LIST is required\n\n${usage}`);
    const bundle = await loadModelArg(values.model, values.token, precisionFromFlags(values));
    const cfg = bundle.model.config;
    const ids = parseIds(values.ids, cfg.vocabSize);
    if (ids.length > cfg.maxPositionEmbeddings) {
      throw new UsageError(`--ids: ${ids.length} tokens exceed the model's max_position_embeddings (${cfg.maxPositionEmbeddings})`);
    }
    const e = await openEngine(bundle, values.adapter);
    try {
      const rows = await engineLogits(e, ids);
      if (values.json) {
        console.log(JSON.stringify({ logits: rows.map((r) => Array.from(r)) }));
        return 0;
      }
      const tok = e.bundle.tokenizer;
      const show = (id: number) => JSON.stringify(tok.decode([id]));
      console.log(`logits: ${rows.length} × ${cfg.vocabSize} (model ${e.bundle.name}${values.adapter ? `, adapter ${values.adapter}` : ''})`);
      rows.forEach((row, t) => {
        const top = topK(row, 5)
          .map((id) => `${id} ${show(id)} ${row[id].toFixed(3)}`)
          .join(', ');
        console.log(`  ${t}: after ${ids[t]} ${show(ids[t])} → ${top}`);
      });
      return 0;
    } finally {
      e.close();
    }
  },
};
