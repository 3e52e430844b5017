// Golden file cases (test/fixtures/data/file-cases.json): the curriculum's files as users have them —
// multiple-choice answers without correct_option, null values, empty and binary files — read through
// DatasetBuilder in small chunks, with the counts and headings the CLI and the studio show.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DatasetBuilder } from '../../../src/data/builder.ts';
import { chunksOf } from '../../../src/data/line-reader.ts';
import { problemGroups, recordsText } from '../../../src/data/problems.ts';
import type { FileKind, RecordError } from '../../../src/data/types.ts';

interface Case {
  name: string;
  file: string;
  json?: unknown;
  lines?: (string | Record<string, unknown>)[];
  text?: string;
  base64?: string;
  expect: {
    kind: FileKind;
    records: number;
    present: number;
    recordsText: string;
    summary: string;
    empty?: boolean;
    correctOptions?: string[];
    errors: Partial<RecordError>[];
    warnings: Partial<RecordError>[];
  };
}

const cases = JSON.parse(readFileSync(new URL('../../fixtures/data/file-cases.json', import.meta.url), 'utf8')) as Case[];

function bytesOf(c: Case): Uint8Array {
  if (c.base64 !== undefined) return new Uint8Array(Buffer.from(c.base64, 'base64'));
  if (c.json !== undefined) return new TextEncoder().encode(JSON.stringify(c.json, null, 1));
  if (c.lines !== undefined) return new TextEncoder().encode(c.lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return new TextEncoder().encode(c.text ?? '');
}

function expectProblems(got: RecordError[], want: Partial<RecordError>[], what: string): void {
  expect(
    got.map((e) => `${e.path ?? e.line}: ${e.message}`),
    what,
  ).toHaveLength(want.length);
  want.forEach((w, i) => {
    const { message, ...rest } = w;
    expect(got[i], `${what}[${i}]`).toMatchObject(rest);
    // an invalid-JSON message carries the parser's words after ours
    expect(got[i]!.message, `${what}[${i}] message`).toMatch(new RegExp(`^${message!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    if (w.subject === undefined) expect(got[i]!.subject, `${what}[${i}] subject`).toBeUndefined();
    // each part said once: the message repeats neither the path nor the subject
    if (got[i]!.path) expect(got[i]!.message).not.toContain(got[i]!.path);
    const named = /"[^"]+"|\([^)]+\)/.exec(got[i]!.subject ?? '')?.[0];
    if (named !== undefined) expect(got[i]!.message).not.toContain(named);
  });
}

describe('curriculum files as users have them', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const b = new DatasetBuilder();
      const bytes = bytesOf(c);
      const f = c.file.endsWith('.json') ? await b.addJsonChunks(c.file, chunksOf(bytes, 7)) : await b.addJsonl(c.file, chunksOf(bytes, 13));
      const ds = b.build();
      expect(f.kind).toBe(c.expect.kind);
      expect(f.records).toBe(c.expect.records);
      expect(f.present).toBe(c.expect.present);
      expect(f.empty ?? false).toBe(c.expect.empty ?? false);
      expect(recordsText(f)).toBe(c.expect.recordsText);
      expect(
        problemGroups(f)
          .map((g) => g.summary)
          .join(', '),
      ).toBe(c.expect.summary);
      expectProblems(f.errors, c.expect.errors, 'errors');
      expectProblems(f.warnings ?? [], c.expect.warnings, 'warnings');
      for (const e of [...f.errors, ...(f.warnings ?? [])]) expect(e.file).toBe(c.file);
      if (c.expect.correctOptions) {
        expect(ds.evalSets.flatMap((s) => s.questions.map((q) => q.correctOption))).toEqual(c.expect.correctOptions);
      }
      // the same bytes in one chunk give the same file
      const whole = new DatasetBuilder();
      const f1 = c.file.endsWith('.json') ? await whole.addJsonChunks(c.file, chunksOf(bytes)) : await whole.addJsonl(c.file, chunksOf(bytes));
      expect(f1).toEqual(f);
    });
  }
});
