// `mindprint tiny-model --out DIR [--seed N] [--arch A]`: writes a deterministic tiny model in the HF folder layout.
import { parseCommandArgs, UsageError, type Command } from '../command.ts';
import { TINY_ARCHS, writeTinyModel, type TinyArch } from '../../model/tiny-model.ts';

const usage = `Usage: mindprint tiny-model --out DIR [--seed N] [--arch llama|qwen3|gemma3] [--layout causal|conditional]

Writes a tiny, deterministic model (64 hidden, 2 layers, 4 heads / 2 KV heads, byte-level BPE
vocabulary of 512) in the Hugging Face layout: config.json, generation_config.json,
model.safetensors, tokenizer.json, tokenizer_config.json (ChatML chat template).

Options:
  --out DIR    folder to write (created if missing; existing files of the same names are replaced)
  --seed N     weight initialisation seed, a non-negative integer (default 0); same seed → same bytes
  --arch A     llama (default); qwen3 (per-head q/k norms, head size 24 independent of the width); gemma3
               (sandwich norms, GeGLU, sliding and full layers with local and global RoPE, tied embeddings)
  --layout L   gemma3 only: causal (Gemma3ForCausalLM, soft-capped logits; default) or conditional
               (Gemma3ForConditionalGeneration as on the Hub: text_config, language_model.* weights, a vision tower)`;

export const command: Command = {
  summary: 'write a deterministic tiny model (Llama, Qwen3 or Gemma 3; HF layout) for tests and offline demos',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      out: { type: 'string' },
      seed: { type: 'string' },
      arch: { type: 'string' },
      layout: { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'\n\n${usage}`);
    if (!values.out) throw new UsageError(`--out DIR is required\n\n${usage}`);
    const seedText = values.seed ?? '0';
    if (!/^\d+$/.test(seedText) || Number(seedText) > 0xffffffff) {
      throw new UsageError(`--seed: expected an integer from 0 to 4294967295, got '${seedText}'`);
    }
    const family = values.arch ?? 'llama';
    if (!['llama', 'qwen3', 'gemma3'].includes(family)) throw new UsageError(`--arch: expected one of llama, qwen3, gemma3, got '${values.arch}'`);
    const layout = values.layout ?? 'causal';
    if (layout !== 'causal' && layout !== 'conditional') throw new UsageError(`--layout: expected causal or conditional, got '${values.layout}'`);
    if (layout === 'conditional' && family !== 'gemma3') throw new UsageError('--layout conditional is a Gemma 3 layout: give --arch gemma3');
    const arch = (layout === 'conditional' ? 'gemma3-conditional' : family) as TinyArch;
    if (!TINY_ARCHS.includes(arch)) throw new UsageError(`--arch: unknown architecture '${arch}'`);
    const names = await writeTinyModel(values.out, Number(seedText), arch);
    console.log(`wrote tiny ${arch} model (seed ${seedText}) to ${values.out}: ${names.join(', ')}`);
    return 0;
  },
};
