// How the reading of a file is told to the user, the same in the CLI and the studio: the records
// count ("253 of 254"), the headings of its problem lists, and where each problem is.
import type { ParsedFile, RecordError } from './types.ts';
import { isJsonDocumentName } from './detect.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Records read, and of how many when some were not: "253 of 254", else "254". */
export function recordsText(f: ParsedFile, fmt: (n: number) => string = String): string {
  const present = f.present ?? f.records;
  return present > f.records ? `${fmt(f.records)} of ${fmt(present)}` : fmt(f.records);
}

/** A problem about the whole file (binary, invalid JSON, unreadable), not about one record. */
export function isWholeFile(e: RecordError): boolean {
  return e.line === 0 && e.path === undefined;
}

/** What the file's records are called in problem headings: JSON documents hold entries, JSONL files lines. */
export function recordUnit(f: ParsedFile): 'entry' | 'line' {
  return isJsonDocumentName(f.path) ? 'entry' : 'line';
}

export interface ProblemGroup {
  kind: 'file' | 'records' | 'warnings' | 'duplicates';
  /** "File not read", "Entries that were not read", "Lines that were not read", ... */
  title: string;
  /** "not read", "2 entries not read", "1 read with a warning", "1 duplicate (kept once)". */
  summary: string;
  problems: RecordError[];
}

/** A file's problems in the order they are shown, each group with its heading; empty groups left out. */
export function problemGroups(f: ParsedFile): ProblemGroup[] {
  const whole = f.errors.filter(isWholeFile);
  const records = f.errors.filter((e) => !isWholeFile(e));
  const warnings = f.warnings ?? [];
  const entries = recordUnit(f) === 'entry';
  const groups: ProblemGroup[] = [];
  if (whole.length) {
    const stopped = f.records > 0 || records.length > 0;
    groups.push({ kind: 'file', title: stopped ? 'Reading stopped' : 'File not read', summary: stopped ? 'reading stopped' : 'not read', problems: whole });
  }
  if (records.length) {
    groups.push({
      kind: 'records',
      title: entries ? 'Entries that were not read' : 'Lines that were not read',
      summary: `${plural(records.length, entries ? 'entry' : 'line', entries ? 'entries' : 'lines')} not read`,
      problems: records,
    });
  }
  if (warnings.length) groups.push({ kind: 'warnings', title: 'Read with a warning', summary: `${warnings.length} read with a warning`, problems: warnings });
  if (f.duplicates.length) {
    groups.push({
      kind: 'duplicates',
      title: 'Duplicates (kept once)',
      summary: `${plural(f.duplicates.length, 'duplicate')} (kept once)`,
      problems: f.duplicates,
    });
  }
  return groups;
}

/** Where a problem is: `sft.jsonl:4` (a line), `quiz_data.json $[0].questions[1].options` (a JSON
 *  entry), `exams.jsonl:3 $.questions[0]` (an entry in a line), `sft.jsonl` (the whole file). */
export function problemWhere(e: RecordError): string {
  const at = e.line > 0 ? `${e.file}:${e.line}` : e.file;
  return e.path !== undefined ? `${at} ${e.path}` : at;
}

/** One line for a terminal: where, what the entry is, what was wrong. */
export function problemText(e: RecordError): string {
  return `${problemWhere(e)}${e.subject !== undefined ? ` — ${e.subject}` : ''}: ${e.message}`;
}
