// The GPU-free parts of `mindprint logits` / `generate`: help texts, argument validation, id parsing, model loading.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/command.ts';
import { command as logits, parseIds } from '../../../src/cli/commands/logits.ts';
import { command as generate } from '../../../src/cli/commands/generate.ts';
import { loadModel } from '../../../src/model/load.ts';
import { main } from '../../../src/cli/main.ts';

describe('logits / generate CLI (no GPU)', () => {
  it('help texts list every option', () => {
    for (const opt of ['--model', '--adapter', '--ids', '--json']) expect(logits.usage).toContain(opt);
    for (const opt of ['--model', '--adapter', '--prompt', '--max-tokens', '--temperature', '--top-p', '--seed']) expect(generate.usage).toContain(opt);
  });

  it('parseIds accepts comma-separated ids in the vocabulary and names the bad item otherwise', () => {
    expect(parseIds('1, 2,3', 10)).toEqual([1, 2, 3]);
    expect(parseIds('0', 1)).toEqual([0]);
    expect(() => parseIds('', 10)).toThrow(UsageError);
    expect(() => parseIds('1,,2', 10)).toThrow(/item 2 is ''/);
    expect(() => parseIds('1,10', 10)).toThrow(/item 2 is 10, outside the model's vocabulary \[0, 10\)/);
    expect(() => parseIds('3,x', 10)).toThrow(/item 2 is 'x', expected a non-negative integer/);
    expect(() => parseIds('-1', 10)).toThrow(/item 1 is '-1'/);
  });

  it('missing or bad arguments are usage errors before any GPU work', async () => {
    await expect(logits.run(['--ids', '1'])).rejects.toThrow(/--model DIR\|tiny is required/);
    await expect(logits.run(['--model', 'tiny', '--bogus'])).rejects.toThrow(UsageError);
    await expect(logits.run(['--model', '/nonexistent/model', '--ids', '1'])).rejects.toThrow(/--model: \/nonexistent\/model: no such model folder/);
    await expect(generate.run(['--model', 'tiny'])).rejects.toThrow(/--prompt TEXT is required/);
    await expect(generate.run(['--model', 'tiny', '--prompt', 'x', '--max-tokens', '0'])).rejects.toThrow(/--max-tokens: expected a positive integer, got '0'/);
    await expect(generate.run(['--model', 'tiny', '--prompt', 'x', '--temperature=-1'])).rejects.toThrow(/--temperature: expected a number >= 0/);
    await expect(generate.run(['--model', 'tiny', '--prompt', 'x', '--top-p', '1.5'])).rejects.toThrow(/--top-p/);
    await expect(generate.run(['--model', 'tiny', '--prompt', 'x', '--seed', '1.5'])).rejects.toThrow(/--seed/);
  });

  it('the dispatcher lists both commands and turns their usage errors into exit code 2', async () => {
    const logs: string[] = [];
    const errs: string[] = [];
    const log = console.log,
      err = console.error;
    console.log = (...a: unknown[]) => void logs.push(a.join(' '));
    console.error = (...a: unknown[]) => void errs.push(a.join(' '));
    try {
      expect(await main(['--help'])).toBe(0);
      expect(await main(['logits', '--model', 'tiny', '--ids', 'abc'])).toBe(2);
    } finally {
      console.log = log;
      console.error = err;
    }
    expect(logs.join('\n')).toMatch(/logits .*\n[\s\S]*generate|generate[\s\S]*logits/);
    expect(errs.join('\n')).toContain("mindprint logits: --ids: item 1 is 'abc'");
  });

  it("loadModel('tiny') gives the generated model, its tokenizer and the name adapters record", async () => {
    const { model, tokenizer, name } = await loadModel('tiny');
    expect(name).toBe('tiny');
    expect(model.config.vocabSize).toBe(512);
    expect(tokenizer.eosIds).toContain(510);
    expect(tokenizer.decode(tokenizer.encode('the river'))).toBe('the river');
  });
});
