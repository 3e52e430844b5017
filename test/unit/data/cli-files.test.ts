// `mindprint analyze` on a folder with the files users really have: a quiz whose multiple-choice
// answers carry the letter but correct_option is null, a null field, an empty file and a binary file.
// The file list says "read of present", headings fit the format, each problem is said once.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { command as analyze } from '../../../src/cli/commands/analyze.ts';

/** The fixture folder (see its README): a quiz, an SFT file with a cut-off line, an empty file, a PNG. */
const dir = fileURLToPath(new URL('../../fixtures/data/as-users-have-them/', import.meta.url)).replace(/\/$/, '');

afterEach(() => vi.restoreAllMocks());

async function run(args: string[]): Promise<string> {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  expect(await analyze.run(args)).toBe(0);
  return out.join('\n');
}

describe('mindprint analyze: the files list', () => {
  it('says records read of present, "empty", one binary error, and names each bad entry once', async () => {
    const out = await run([dir]);
    const row = (name: string) =>
      out
        .split('\n')
        .find((l) => l.startsWith(join(dir, name)))!
        .replace(/\s+/g, ' ');
    // File, Kind, Records, Errors, Warnings, Duplicates
    expect(row('empty.jsonl')).toBe(`${join(dir, 'empty.jsonl')} empty 0 0 0 0`);
    expect(row('photo.jsonl')).toBe(`${join(dir, 'photo.jsonl')} unknown 0 1 0 0`);
    expect(row('quiz_data.json')).toBe(`${join(dir, 'quiz_data.json')} eval 2 of 3 1 1 0`);
    expect(row('sft_data.jsonl')).toBe(`${join(dir, 'sft_data.jsonl')} sft 2 of 3 1 0 0`);

    const quiz = join(dir, 'quiz_data.json');
    expect(out).toContain(`  ${quiz}: 1 entry not read, 1 read with a warning\n`);
    expect(out).toContain(
      `    ${quiz} $[0].questions[1].reference_answer — question "What is a plan?" (unit-01/chapter-01/topic-01): reference_answer is null\n`,
    );
    expect(out).toContain(
      `    warning: ${quiz} $[0].questions[0].correct_option — question "The market is up 40% and you have no plan. What do you do…" ` +
        `(unit-01/chapter-01/topic-01): correct_option is null; took "C" from the start of reference_answer\n`,
    );
    expect(out.split('$[0].questions[1]')).toHaveLength(2); // the path once
    expect(out).toContain(`  ${join(dir, 'photo.jsonl')}: not read\n    ${join(dir, 'photo.jsonl')}: not text: binary content at byte 9\n`);
    expect(out).toContain(`  ${join(dir, 'sft_data.jsonl')}: 1 line not read\n    ${join(dir, 'sft_data.jsonl')}:3: invalid JSON`);
    expect(out).not.toContain('missing');
  });

  it("--json carries present, empty, warnings and each problem's subject", async () => {
    const j = JSON.parse(await run([dir, '--json']));
    const file = (name: string) => j.files.find((f: { path: string }) => f.path === join(dir, name));
    expect(file('empty.jsonl')).toMatchObject({ records: 0, present: 0, empty: true, errors: [], warnings: [] });
    expect(file('photo.jsonl').errors).toEqual([{ line: 0, message: 'not text: binary content at byte 9' }]);
    expect(file('quiz_data.json')).toMatchObject({
      records: 2,
      present: 3,
      errors: [
        {
          line: 0,
          path: '$[0].questions[1].reference_answer',
          subject: 'question "What is a plan?" (unit-01/chapter-01/topic-01)',
          message: 'reference_answer is null',
        },
      ],
      warnings: [{ line: 0, path: '$[0].questions[0].correct_option', message: 'correct_option is null; took "C" from the start of reference_answer' }],
    });
  });
});
