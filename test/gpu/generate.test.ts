// KV-cache generation on the WebGPU engine against greedy decoding by repeated full forwards of the plain
// HF Llama math; stopping on EOS; and the `logits` / `generate` CLI commands run in-process.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runtime } from './helpers.ts';
import { gpuBackend } from '../../src/engine/backend.ts';
import { Decoder } from '../../src/model/decoder.ts';
import { generate, generateText } from '../../src/model/generate.ts';
import { loadModel } from '../../src/model/load.ts';
import { LoraParams } from '../../src/model/lora-params.ts';
import { initLora, type LoraAdapter } from '../../src/model/lora-types.ts';
import { referenceLogits } from '../helpers/reference-llama.ts';
import { UsageError } from '../../src/cli/command.ts';
import { command as logitsCommand } from '../../src/cli/commands/logits.ts';
import { command as generateCommand } from '../../src/cli/commands/generate.ts';
import { Rng } from '../../src/util/rng.ts';

const { model, tokenizer } = await loadModel('tiny');
const cfg = model.config;
const NEW_TOKENS = 8;

/** An adapter with non-zero B so the LoRA path changes the generated tokens' logits. */
function randomAdapter(seed: number): LoraAdapter {
  const a = initLora(
    cfg,
    { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'], useRslora: false },
    new Rng(seed),
  );
  const rng = new Rng(seed + 1);
  for (const layer of a.layers.values()) for (let i = 0; i < layer.B.length; i++) layer.B[i] = rng.normal() * 0.05;
  return a;
}

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Greedy decoding by a full reference forward over the whole sequence at every step (no cache). */
function referenceGreedy(prompt: number[], n: number, adapter?: LoraAdapter): { ids: number[]; margins: number[] } {
  const seq = [...prompt];
  const ids: number[] = [];
  const margins: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = referenceLogits(cfg, model.weights, seq, adapter).at(-1)!;
    const best = argmax(row);
    margins.push(row[best] - Math.max(...Array.from(row).filter((_, k) => k !== best)));
    ids.push(best);
    seq.push(best);
  }
  return { ids, margins };
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0,
    s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / Math.max(s, 1e-12);
}

/** Runs a command in-process; returns its exit code and what it printed with console.log / stdout.write. */
async function runCommand(cmd: { run(argv: string[]): Promise<number> }, argv: string[]): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void chunks.push(args.join(' ') + '\n'));
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    chunks.push(typeof s === 'string' ? s : new TextDecoder().decode(s));
    return true;
  });
  try {
    const code = await cmd.run(argv);
    return { code, out: chunks.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('generate (KV cache)', () => {
  const prompt = tokenizer.encodeChat([{ role: 'user', content: 'Why does the bread rise?' }], { addGenerationPrompt: true });

  it('greedy generation with the KV cache equals greedy decoding by repeated full reference forwards, with and without LoRA', async () => {
    const be = gpuBackend(await runtime());
    const dec = new Decoder(be, cfg, model.weights);
    for (const adapter of [undefined, randomAdapter(5)]) {
      const lora = adapter ? LoraParams.create(be, adapter) : null;
      const got = await generate(be, dec, lora, prompt, { maxNewTokens: NEW_TOKENS, stopIds: [] });
      const want = referenceGreedy(prompt, NEW_TOKENS, adapter);
      console.log(
        `greedy ${adapter ? 'with' : 'without'} LoRA: gpu ${got.ids.join(' ')} | reference ${want.ids.join(' ')} | min top-2 margin ${Math.min(...want.margins).toFixed(4)}`,
      );
      expect(got.ids).toEqual(want.ids);
      expect(got.stoppedBy).toBe('length');
      lora?.release();
    }
    dec.release();
  });

  it('stops on a stop id (kept as the last token) and reports eos; length otherwise', async () => {
    const be = gpuBackend(await runtime());
    const dec = new Decoder(be, cfg, model.weights);
    const free = await generate(be, dec, null, prompt, { maxNewTokens: NEW_TOKENS, stopIds: [] });
    expect(free.ids).toHaveLength(NEW_TOKENS);
    // Plant the EOS: make the 4th greedy token a stop id; generation must end right there.
    const planted = free.ids[3];
    const k = free.ids.indexOf(planted);
    const stopped = await generate(be, dec, null, prompt, { maxNewTokens: NEW_TOKENS, stopIds: [planted] });
    expect(stopped).toEqual({ ids: free.ids.slice(0, k + 1), stoppedBy: 'eos' });
    // A stop id that is never produced changes nothing.
    const unused = [...Array(cfg.vocabSize).keys()].find((id) => !free.ids.includes(id))!;
    expect(await generate(be, dec, null, prompt, { maxNewTokens: NEW_TOKENS, stopIds: [unused] })).toEqual(free);
    dec.release();
  });

  it('seeded temperature sampling repeats for the same seed, streams every token, and checks the position limit', async () => {
    const be = gpuBackend(await runtime());
    const dec = new Decoder(be, cfg, model.weights);
    const run = (seed: number, seen?: number[]) =>
      generate(be, dec, null, prompt, { maxNewTokens: 6, temperature: 1.5, topP: 0.95, rng: new Rng(seed), stopIds: [], onToken: (id) => seen?.push(id) });
    const seen: number[] = [];
    const a = await run(1, seen);
    expect(seen).toEqual(a.ids);
    expect(await run(1)).toEqual(a);
    const others = await Promise.all([2, 3, 4].map((s) => run(s)));
    expect(others.some((o) => o.ids.join() !== a.ids.join())).toBe(true);
    await expect(generate(be, dec, null, prompt, { maxNewTokens: cfg.maxPositionEmbeddings, stopIds: [] })).rejects.toThrow(/max_position_embeddings \(512\)/);
    await expect(generate(be, dec, null, [1, cfg.vocabSize], { maxNewTokens: 1, stopIds: [] })).rejects.toThrow(/prompt token 1 is 512/);
    dec.release();
  });

  it('generateText applies the chat template and decodes the new tokens without special tokens', async () => {
    const be = gpuBackend(await runtime());
    const dec = new Decoder(be, cfg, model.weights);
    const deltas: string[] = [];
    const res = await generateText(be, dec, null, tokenizer, 'Why does the bread rise?', { maxNewTokens: NEW_TOKENS, onText: (d) => deltas.push(d) });
    expect(res.promptIds).toEqual(prompt);
    const body = res.ids.filter((id) => !tokenizer.eosIds.includes(id));
    expect(res.text).toBe(tokenizer.decode(body, { skipSpecialTokens: true }));
    expect(deltas.join('')).toBe(res.text);
    dec.release();
  });
});

describe('CLI logits / generate', () => {
  const ids = [507, 12, 99, 300, 45, 7];

  it('`logits --json` prints one vocabulary row per position matching the HF Llama math within 1e-4 relative', async () => {
    const { code, out } = await runCommand(logitsCommand, ['--model', 'tiny', '--ids', ids.join(','), '--json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { logits: number[][] };
    expect(Object.keys(parsed)).toEqual(['logits']);
    expect(parsed.logits).toHaveLength(ids.length);
    const want = referenceLogits(cfg, model.weights, ids);
    parsed.logits.forEach((row, t) => {
      expect(row).toHaveLength(cfg.vocabSize);
      expect(maxRelDiff(row, want[t])).toBeLessThan(1e-4);
    });
  });

  it('`logits` without --json summarises; bad ids are usage errors naming the item', async () => {
    const { code, out } = await runCommand(logitsCommand, ['--model', 'tiny', '--ids', '507,12']);
    expect(code).toBe(0);
    expect(out).toMatch(/^logits: 2 × 512 \(model tiny\)/);
    const top = argmax(referenceLogits(cfg, model.weights, [507, 12])[1]);
    expect(out.split('\n')[2]).toMatch(new RegExp(`^  1: after 12 .* → ${top} `));
    await expect(logitsCommand.run(['--model', 'tiny', '--ids', '1,512'])).rejects.toThrow(UsageError);
    await expect(logitsCommand.run(['--model', 'tiny', '--ids', '1,512'])).rejects.toThrow(/item 2 is 512, outside the model's vocabulary \[0, 512\)/);
    await expect(logitsCommand.run(['--model', 'tiny', '--ids', '1,-3'])).rejects.toThrow(/item 2 is '-3'/);
    await expect(logitsCommand.run(['--model', 'tiny', '--ids', '1.5'])).rejects.toThrow(/item 1 is '1.5'/);
    await expect(logitsCommand.run(['--model', 'tiny'])).rejects.toThrow(/--ids LIST is required/);
  });

  it('`generate` prints the greedy reply of generateText', async () => {
    const be = gpuBackend(await runtime());
    const dec = new Decoder(be, cfg, model.weights);
    const want = await generateText(be, dec, null, tokenizer, 'Where is the river going?', { maxNewTokens: 6 });
    dec.release();
    const { code, out } = await runCommand(generateCommand, ['--model', 'tiny', '--prompt', 'Where is the river going?', '--max-tokens', '6']);
    expect(code).toBe(0);
    expect(out).toBe(want.text + '\n');
    await expect(generateCommand.run(['--model', 'tiny', '--prompt', 'x', '--top-p', '0'])).rejects.toThrow(/--top-p: expected a number in \(0, 1\]/);
    await expect(generateCommand.run(['--model', 'tiny', '--prompt', 'x', '--max-tokens', '600'])).rejects.toThrow(/max_position_embeddings \(512\)/);
  });
});
