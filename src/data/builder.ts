// DatasetBuilder: reads curriculum files one by one (JSONL streamed, evaluation JSON whole), keeps
// every valid record, reports every bad line, drops exact duplicates, and builds the normalised Dataset.
import type { Dataset, Distinction, EvalSet, FileKind, ParsedFile, PreferencePair, RecordError, SftRecord } from './types.ts';
import { readLineBatches, streamChunks, withProgress } from './line-reader.ts';
import { FieldError, RecordShapeError, describeType, isObject, normalizeWhitespace, type JsonObject } from './fields.ts';
import { classifyRecord, parseDistinction, parsePreference, parseSft } from './records.ts';
import { DETECT_SAMPLE, detectKind, kindFromName } from './detect.ts';
import { looksLikeEval, parseEvalDocument } from './eval-sets.ts';
import { orderTopics } from './curriculum.ts';
import { DuplicateIndex } from './duplicates.ts';

const UNKNOWN_MESSAGE =
  'could not tell what this file holds: no record has the fields of SFT data ' +
  '(instruction/output, question/answer, prompt/completion or messages), preference pairs ' +
  '(prompt/chosen/rejected) or critical distinctions (correct/incorrect); set the file kind';

export interface AddOptions {
  /** Called with the bytes read so far, about every MiB and once at the end. */
  onProgress?: (bytesRead: number) => void;
}

export class DatasetBuilder {
  private readonly files: ParsedFile[] = [];
  private readonly sft: SftRecord[] = [];
  private readonly preference: PreferencePair[] = [];
  private readonly distinctions: Distinction[] = [];
  private readonly evalSets: EvalSet[] = [];
  private readonly sftIndex = new DuplicateIndex<SftRecord>((r) => [r.instruction, r.output, r.topicId]);
  private readonly pairIndex = new DuplicateIndex<PreferencePair>((r) => [r.prompt, r.chosen, r.rejected, r.sourceTopicId ?? '\u0000']);
  private readonly distinctionIndex = new DuplicateIndex<Distinction>((r) => [
    r.prompt,
    r.correct,
    r.incorrect,
    r.explanation ?? '\u0000',
    r.topicId ?? '\u0000',
  ]);

  /** Streams one JSONL file. `kind` forces the file kind ('unknown' means: detect). A stream that
   *  fails part-way keeps what was read and reports the failure as a whole-file error (line 0). */
  async addJsonl(name: string, chunks: AsyncIterable<Uint8Array>, kind?: FileKind, opts: AddOptions = {}): Promise<ParsedFile> {
    const file: ParsedFile = { path: name, kind: 'unknown', records: 0, errors: [], duplicates: [] };
    let decided: FileKind | null = kind !== undefined && kind !== 'unknown' ? kind : null;
    let pending: { obj: JsonObject; line: number }[] = [];
    let seenObjects = false;
    const flush = (k: FileKind): void => {
      decided = k;
      for (const p of pending) this.addRecord(file, k, p.obj, p.line);
      pending = [];
    };
    let lastLine = 0;
    const source = opts.onProgress ? withProgress(chunks, opts.onProgress) : chunks;
    try {
      for await (const batch of readLineBatches(source)) {
        for (const l of batch) {
          lastLine = l.line;
          if (l.error !== undefined) {
            file.errors.push({ file: name, line: l.line, message: l.error });
            continue;
          }
          let value: unknown;
          try {
            value = JSON.parse(l.text);
          } catch (err) {
            file.errors.push({ file: name, line: l.line, message: `invalid JSON: ${(err as Error).message}` });
            continue;
          }
          if (!isObject(value)) {
            file.errors.push({ file: name, line: l.line, message: `not a JSON object (got ${describeType(value)})` });
            continue;
          }
          seenObjects = true;
          if (decided !== null) {
            this.addRecord(file, decided, value, l.line);
            continue;
          }
          pending.push({ obj: value, line: l.line });
          if (classifyRecord(value) !== null || looksLikeEval(value)) flush(looksLikeEval(value) ? 'eval' : detectKind(name, value));
          else if (pending.length >= DETECT_SAMPLE) flush(kindFromName(name) ?? 'unknown');
        }
      }
    } catch (err) {
      const after = lastLine > 0 ? `after line ${lastLine}` : 'before the first line';
      file.errors.push({ file: name, line: 0, message: `reading stopped ${after}: ${(err as Error).message}` });
    }
    if (decided === null) flush(kindFromName(name) ?? 'unknown');
    file.kind = decided ?? 'unknown';
    if (file.kind === 'unknown' && seenObjects) file.errors.push({ file: name, line: 0, message: UNKNOWN_MESSAGE });
    file.errors.sort((a, b) => a.line - b.line);
    this.files.push(file);
    return file;
  }

  /** A dropped or picked file (browser File / Blob): `.json` read whole, anything else streamed as JSONL. */
  async addBlob(name: string, blob: Blob, kind?: FileKind, opts: AddOptions = {}): Promise<ParsedFile> {
    if (/\.json$/i.test(name)) {
      const file = this.addJson(name, await blob.text(), kind);
      opts.onProgress?.(blob.size);
      return file;
    }
    return this.addJsonl(name, streamChunks(blob.stream()), kind, opts);
  }

  /** Parses one whole JSON file: evaluation sets (quiz_data, chapter_tests, unit_exams,
   *  final_assessment), or a JSON array of SFT / preference / distinction records. */
  addJson(name: string, text: string, kind?: FileKind): ParsedFile {
    const file: ParsedFile = { path: name, kind: 'eval', records: 0, errors: [], duplicates: [], sets: 0 };
    this.files.push(file);
    let value: unknown;
    try {
      value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch (err) {
      file.kind = kind !== undefined && kind !== 'unknown' ? kind : (kindFromName(name) ?? 'unknown');
      file.errors.push({ file: name, line: 0, message: `invalid JSON: ${(err as Error).message}` });
      return file;
    }
    let k: FileKind | null = kind !== undefined && kind !== 'unknown' ? kind : null;
    if (k === null) {
      if (looksLikeEval(value)) k = 'eval';
      else if (Array.isArray(value)) {
        const first = value.find((v: unknown) => isObject(v) && classifyRecord(v) !== null) as JsonObject | undefined;
        k = first ? detectKind(name, first) : (kindFromName(name) ?? 'unknown');
      } else k = kindFromName(name) ?? 'unknown';
    }
    file.kind = k;
    if (k === 'eval') {
      const sets = parseEvalDocument(name, value, file.errors);
      for (const s of sets) this.evalSets.push(s);
      file.sets = sets.length;
      file.records = sets.reduce((n, s) => n + s.questions.length, 0);
    } else if (k === 'unknown') {
      file.errors.push({ file: name, line: 0, message: UNKNOWN_MESSAGE });
    } else if (!Array.isArray(value)) {
      file.errors.push({ file: name, line: 0, path: '$', message: `$: must be a list of ${k} records (got ${describeType(value)})` });
    } else {
      value.forEach((v: unknown, i: number) => {
        const path = `$[${i}]`;
        if (!isObject(v)) {
          file.errors.push({ file: name, line: 0, path, message: `${path}: not a JSON object (got ${describeType(v)})` });
          return;
        }
        this.addRecord(file, k, v, 0, path);
      });
    }
    return file;
  }

  /** Validates one record of a known kind and keeps it, or reports why not. */
  private addRecord(file: ParsedFile, kind: FileKind, obj: JsonObject, line: number, path?: string): void {
    const at = path ? `${path}: ` : '';
    const fail = (message: string): void => {
      const e: RecordError = { file: file.path, line, message: at + message };
      if (path) e.path = path;
      file.errors.push(e);
    };
    try {
      switch (kind) {
        case 'sft':
          this.keep(file, this.sftIndex, this.sft, parseSft(obj, file.path, line), line, at);
          break;
        case 'preference':
          this.keep(file, this.pairIndex, this.preference, parsePreference(obj, file.path, line), line, at);
          break;
        case 'distinctions':
          this.keep(file, this.distinctionIndex, this.distinctions, parseDistinction(obj, file.path, line), line, at);
          break;
        case 'eval': {
          const sets = parseEvalDocument(file.path, obj, file.errors, line);
          for (const s of sets) this.evalSets.push(s);
          file.sets = (file.sets ?? 0) + sets.length;
          file.records += sets.reduce((n, s) => n + s.questions.length, 0);
          break;
        }
        case 'unknown':
          break;
      }
    } catch (err) {
      if (err instanceof FieldError || err instanceof RecordShapeError) fail(err.message);
      else throw err;
    }
  }

  private keep<T extends { file: string; line: number }>(
    file: ParsedFile,
    index: DuplicateIndex<T>,
    list: T[],
    record: T,
    line: number,
    at: string,
  ): void {
    const first = index.findOrAdd(record, list);
    if (first !== undefined) {
      const where = first.file === file.path ? `line ${first.line}` : `${first.file} line ${first.line}`;
      file.duplicates.push({ file: file.path, line, message: `${at}duplicate of ${where} (kept once)` });
      return;
    }
    list.push(record);
    file.records++;
  }

  /** The dataset so far: pairs matched to topics, topics in curriculum order. Can be called again
   *  after adding more files. */
  build(): Dataset {
    const byInstruction = new Map<string, string>();
    for (const r of this.sft) {
      const key = normalizeWhitespace(r.instruction);
      if (!byInstruction.has(key)) byInstruction.set(key, r.topicId);
    }
    for (const p of this.preference) {
      p.topicId = p.sourceTopicId ?? byInstruction.get(normalizeWhitespace(p.prompt)) ?? null;
    }
    const ids = new Set<string>();
    for (const r of this.sft) ids.add(r.topicId);
    for (const p of this.preference) if (p.topicId !== null) ids.add(p.topicId);
    for (const d of this.distinctions) if (d.topicId !== null) ids.add(d.topicId);
    for (const s of this.evalSets) if (s.level === 'topic') ids.add(s.scopeId);
    return {
      files: [...this.files],
      sft: [...this.sft],
      preference: [...this.preference],
      distinctions: [...this.distinctions],
      evalSets: [...this.evalSets],
      topics: orderTopics(ids),
    };
  }
}

