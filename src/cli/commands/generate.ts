// `mindprint generate --model DIR|tiny [--adapter DIR] --prompt TEXT ...`: a chat reply from the WebGPU
// engine with the KV cache, streamed to stdout as the tokens come.
import { parseCommandArgs, UsageError, type Command } from '../command.ts';
import { generateText } from '../../model/generate.ts';
import { Rng } from '../../util/rng.ts';
import { PRECISION_OPTIONS, PRECISION_USAGE, precisionFromFlags } from '../precision-flags.ts';
import { loadModelArg, openEngine } from './logits.ts';

const usage = `Usage: mindprint generate --model DIR|ORG/NAME[@REV]|tiny [--token TOKEN] [--adapter DIR] --prompt TEXT [--max-tokens N]
                          [--temperature T] [--top-p P] [--seed N]

Generates a reply to TEXT (rendered as a user message by the model's chat template, with the
assistant generation prompt) on the WebGPU engine with a KV cache, and prints it as it is generated.
Stops at the model's end-of-turn / end-of-text token or after --max-tokens tokens.

Options:
  --model DIR        Hugging Face model folder, a Hub id ORG/NAME[@REV] (from the Hugging Face cache,
                     downloaded if missing), or 'tiny' for the generated tiny model
  --token TOKEN      Hugging Face access token for gated or private Hub models (default: HF_TOKEN)
${PRECISION_USAGE}
  --adapter DIR      PEFT LoRA adapter folder applied as a live adapter on top of the base weights
  --prompt TEXT      the user message
  --max-tokens N     most new tokens to generate, a positive integer (default 128)
  --temperature T    0 = greedy (default); > 0 samples from softmax(logits / T)
  --top-p P          nucleus sampling: keep the most likely tokens whose mass reaches P, in (0, 1]
                     (default 1 = no cut; only used with --temperature > 0)
  --seed N           seed of the sampling generator, an integer from 0 to 4294967295 (default 0)`;

function parseNumber(name: string, text: string | undefined, fallback: number, ok: (x: number) => boolean, expected: string): number {
  if (text === undefined) return fallback;
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || !ok(x)) throw new UsageError(`--${name}: expected ${expected}, got '${text}'`);
  return x;
}

export const command: Command = {
  summary: 'generate a reply to a prompt with the WebGPU engine (greedy, temperature, top-p)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      model: { type: 'string' },
      token: { type: 'string' },
      ...PRECISION_OPTIONS,
      adapter: { type: 'string' },
      prompt: { type: 'string' },
      'max-tokens': { type: 'string' },
      temperature: { type: 'string' },
      'top-p': { type: 'string' },
      seed: { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'\n\n${usage}`);
    if (!values.model) throw new UsageError(`--model DIR|tiny is required\n\n${usage}`);
    if (values.prompt === undefined) throw new UsageError(`--prompt TEXT is required\n\n${usage}`);
    const maxNewTokens = parseNumber('max-tokens', values['max-tokens'], 128, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
    const temperature = parseNumber('temperature', values.temperature, 0, (x) => x >= 0, 'a number >= 0');
    const topP = parseNumber('top-p', values['top-p'], 1, (x) => x > 0 && x <= 1, 'a number in (0, 1]');
    const seed = parseNumber('seed', values.seed, 0, (x) => Number.isInteger(x) && x >= 0 && x <= 0xffffffff, 'an integer from 0 to 4294967295');

    const bundle = await loadModelArg(values.model, values.token, precisionFromFlags(values));
    const promptLen = bundle.tokenizer.hasChatTemplate
      ? bundle.tokenizer.encodeChat([{ role: 'user', content: values.prompt }], { addGenerationPrompt: true }).length
      : bundle.tokenizer.encode(values.prompt, { addSpecialTokens: true }).length;
    const maxPos = bundle.model.config.maxPositionEmbeddings;
    if (promptLen + maxNewTokens > maxPos) {
      throw new UsageError(`the prompt is ${promptLen} tokens; with --max-tokens ${maxNewTokens} that exceeds the model's max_position_embeddings (${maxPos})`);
    }
    const e = await openEngine(bundle, values.adapter);
    try {
      const res = await generateText(e.be, e.decoder, e.lora, bundle.tokenizer, values.prompt, {
        maxNewTokens,
        temperature,
        topP,
        rng: new Rng(seed),
        onText: (delta) => process.stdout.write(delta),
      });
      process.stdout.write('\n');
      if (res.stoppedBy === 'length') console.error(`(stopped after --max-tokens ${maxNewTokens} tokens)`);
      return 0;
    } finally {
      e.close();
    }
  },
};
