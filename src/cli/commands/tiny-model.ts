// `mindprint tiny-model --out DIR [--seed N]`: writes the deterministic tiny Llama model in the HF folder layout.
import { parseCommandArgs, UsageError, type Command } from '../command.ts';
import { writeTinyModel } from '../../model/tiny-model.ts';

const usage = `Usage: mindprint tiny-model --out DIR [--seed N]

Writes a tiny, deterministic Llama-architecture model (64 hidden, 2 layers, 4 heads / 2 KV heads,
byte-level BPE vocabulary of 512) in the Hugging Face layout: config.json, generation_config.json,
model.safetensors, tokenizer.json, tokenizer_config.json (ChatML chat template).

Options:
  --out DIR    folder to write (created if missing; existing files of the same names are replaced)
  --seed N     weight initialisation seed, a non-negative integer (default 0); same seed → same bytes`;

export const command: Command = {
  summary: 'write a deterministic tiny Llama model (HF layout) for tests and offline demos',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      out: { type: 'string' },
      seed: { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'\n\n${usage}`);
    if (!values.out) throw new UsageError(`--out DIR is required\n\n${usage}`);
    const seedText = values.seed ?? '0';
    if (!/^\d+$/.test(seedText) || Number(seedText) > 0xffffffff) {
      throw new UsageError(`--seed: expected an integer from 0 to 4294967295, got '${seedText}'`);
    }
    const names = await writeTinyModel(values.out, Number(seedText));
    console.log(`wrote tiny model (seed ${seedText}) to ${values.out}: ${names.join(', ')}`);
    return 0;
  },
};
