// Golden JSONL cases (test/fixtures/data/jsonl-cases.json): every shape, alias and bad-line kind,
// read through DatasetBuilder.addJsonl in small chunks.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DatasetBuilder } from '../../../src/data/builder.ts';
import { chunksOf } from '../../../src/data/line-reader.ts';
import type { FileKind } from '../../../src/data/types.ts';

interface Expected {
  kind: FileKind;
  sft?: Record<string, unknown>[];
  preference?: Record<string, unknown>[];
  distinctions?: Record<string, unknown>[];
  errors?: { line: number; message: string }[];
  duplicates?: { line: number; message: string }[];
}
interface Case {
  name: string;
  file: string;
  kind?: FileKind;
  lines: (string | Record<string, unknown>)[];
  expect: Expected;
}

const cases = JSON.parse(readFileSync(new URL('../../fixtures/data/jsonl-cases.json', import.meta.url), 'utf8')) as Case[];

function expectList(got: object[], want: Record<string, unknown>[] | undefined, what: string): void {
  if (want === undefined) return;
  expect(got.length, `${what}: ${JSON.stringify(got, null, 1)}`).toBe(want.length);
  want.forEach((w, i) => expect(got[i], `${what}[${i}]`).toMatchObject(w));
}

function expectProblems(got: { line: number; message: string }[], want: { line: number; message: string }[] | undefined, what: string): void {
  if (want === undefined) return;
  expect(
    got.map((e) => `${e.line}: ${e.message}`),
    what,
  ).toHaveLength(want.length);
  want.forEach((w, i) => {
    expect(got[i]!.line, `${what}[${i}] line`).toBe(w.line);
    expect(got[i]!.message, `${what}[${i}] message`).toContain(w.message);
  });
}

describe('JSONL golden cases', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const text = c.lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
      const b = new DatasetBuilder();
      const file = await b.addJsonl(c.file, chunksOf(text, 13), c.kind);
      const ds = b.build();
      expect(file.kind).toBe(c.expect.kind);
      expectList(ds.sft, c.expect.sft, 'sft');
      expectList(ds.preference, c.expect.preference, 'preference');
      expectList(ds.distinctions, c.expect.distinctions, 'distinctions');
      expectProblems(file.errors, c.expect.errors, 'errors');
      expectProblems(file.duplicates, c.expect.duplicates ?? [], 'duplicates');
      for (const e of [...file.errors, ...file.duplicates]) expect(e.file).toBe(c.file);
      const kept = ds.sft.length + ds.preference.length + ds.distinctions.length;
      expect(file.records).toBe(kept);
      // the result does not depend on how the bytes were chunked
      const b1 = new DatasetBuilder();
      const file1 = await b1.addJsonl(c.file, chunksOf('\uFEFF' + text.replace(/\n/g, '\r\n'), 1), c.kind);
      expect(file1).toEqual(file);
      expect(b1.build()).toEqual(ds);
      for (const r of [...ds.sft, ...ds.preference, ...ds.distinctions]) {
        expect(r.file).toBe(c.file);
        expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
      }
    });
  }
});
