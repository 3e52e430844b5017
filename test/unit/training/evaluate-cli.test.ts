// `mindprint eval` argument checks: every bad argument is a usage error naming the option, before any
// model or GPU work starts.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/command.ts';
import { command } from '../../../src/cli/commands/eval.ts';

describe('mindprint eval arguments', () => {
  it('requires --model', async () => {
    await expect(command.run([])).rejects.toThrow(UsageError);
    await expect(command.run([])).rejects.toThrow(/--model DIR\|tiny is required/);
  });

  it('rejects a bad --max-new-tokens and stray positionals', async () => {
    for (const bad of ['0', '-3', '2.5', 'ten']) {
      await expect(command.run(['--model', 'tiny', `--max-new-tokens=${bad}`])).rejects.toThrow(
        new RegExp(`--max-new-tokens: expected a positive integer, got '${bad}'`),
      );
    }
    await expect(command.run(['--model', 'tiny', 'extra'])).rejects.toThrow(/unexpected argument 'extra'/);
  });

  it('names unknown --topics and lists the known ones', async () => {
    const err = await command.run(['--model', 'tiny', '--topics', 'unit-09/nowhere']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/--topics: unknown topic unit-09\/nowhere; the data has .*unit-01\/chapter-01\/topic-01/);
  });

  it('a missing --data folder is a usage error naming it', async () => {
    await expect(command.run(['--model', 'tiny', '--data', '/nonexistent/curriculum'])).rejects.toThrow(/\/nonexistent\/curriculum/);
  });
});
