// DatasetBuilder: reads curriculum files one by one (JSONL streamed, evaluation JSON whole), keeps
// every valid record, reports every bad line once, drops exact duplicates, and builds the normalised
// Dataset. A binary file gets one error, an empty file is marked empty.
import type { Dataset, Distinction, EvalSet, FileKind, ParsedFile, PreferencePair, RecordError, SftRecord } from './types.ts';
import { readLineBatches, streamChunks, withProgress } from './line-reader.ts';
import { NotTextError, textChunks } from './sniff.ts';
import { FieldError, RecordShapeError, describeType, isObject, normalizeWhitespace, own, type JsonObject } from './fields.ts';
import { classifyRecord, parseDistinction, parsePreference, parseSft } from './records.ts';
import { DETECT_SAMPLE, detectKind, isJsonDocumentName, kindFromName } from './detect.ts';
import { looksLikeEval, parseEvalDocument, shorten } from './eval-sets.ts';
import { orderTopics } from './curriculum.ts';
import { DuplicateIndex } from './duplicates.ts';

const UNKNOWN_MESSAGE =
  'could not tell what this file holds: no record has the fields of SFT data ' +
  '(instruction/output, question/answer, prompt/completion or messages), preference pairs ' +
  '(prompt/chosen/rejected) or critical distinctions (correct/incorrect); set the file kind';

/** A file being read: every count and list present. */
type FileState = ParsedFile & { present: number; warnings: RecordError[] };

function newFile(path: string, kind: FileKind): FileState {
  return { path, kind, records: 0, present: 0, errors: [], warnings: [], duplicates: [] };
}

const RECORD_NOUNS: Record<FileKind, string> = { sft: 'example', preference: 'pair', distinctions: 'distinction', eval: 'set', unknown: 'record' };

/** `example "Why reef early?"`: a record of a JSON array named by its prompt, when it has one. */
function recordSubject(kind: FileKind, obj: JsonObject): string | undefined {
  for (const k of ['instruction', 'prompt', 'question', 'distinction', 'correct']) {
    const v = own(obj, k);
    if (typeof v === 'string' && v.trim() !== '') return `${RECORD_NOUNS[kind]} "${shorten(v)}"`;
  }
  return undefined;
}

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
   *  fails part-way keeps what was read and reports the failure as a whole-file error (line 0); so
   *  does binary content, which stops the reading where it starts. */
  async addJsonl(name: string, chunks: AsyncIterable<Uint8Array>, kind?: FileKind, opts: AddOptions = {}): Promise<ParsedFile> {
    const file = newFile(name, 'unknown');
    let decided: FileKind | null = kind !== undefined && kind !== 'unknown' ? kind : null;
    let pending: { obj: JsonObject; line: number }[] = [];
    let seenObjects = false;
    const flush = (k: FileKind): void => {
      decided = k;
      for (const p of pending) this.addRecord(file, k, p.obj, p.line);
      pending = [];
    };
    let lastLine = 0;
    const notRead = (line: number, message: string): void => {
      file.present++;
      file.errors.push({ file: name, line, message });
    };
    const source = textChunks(opts.onProgress ? withProgress(chunks, opts.onProgress) : chunks);
    try {
      for await (const batch of readLineBatches(source)) {
        for (const l of batch) {
          lastLine = l.line;
          if (l.error !== undefined) {
            notRead(l.line, l.error);
            continue;
          }
          let value: unknown;
          try {
            value = JSON.parse(l.text);
          } catch (err) {
            notRead(l.line, `invalid JSON: ${(err as Error).message}`);
            continue;
          }
          if (!isObject(value)) {
            notRead(l.line, `not a JSON object (got ${describeType(value)})`);
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
      let message: string;
      if (err instanceof NotTextError && lastLine === 0) message = err.message;
      else if (err instanceof NotTextError) message = `${err.message}, after line ${lastLine}: reading stopped there`;
      else message = `reading stopped ${lastLine > 0 ? `after line ${lastLine}` : 'before the first line'}: ${(err as Error).message}`;
      file.errors.push({ file: name, line: 0, message });
    }
    if (decided === null) flush(kindFromName(name) ?? 'unknown');
    file.kind = decided ?? 'unknown';
    if (lastLine === 0 && file.errors.length === 0) file.empty = true;
    if (file.kind === 'unknown' && seenObjects) file.errors.push({ file: name, line: 0, message: UNKNOWN_MESSAGE });
    file.errors.sort((a, b) => a.line - b.line);
    this.files.push(file);
    return file;
  }

  /** Any curriculum file as byte chunks, read by its name: a `.json` document whole (addJsonChunks),
   *  anything else streamed as JSONL (addJsonl). The one place that makes this choice. */
  addFile(name: string, chunks: AsyncIterable<Uint8Array>, kind?: FileKind, opts: AddOptions = {}): Promise<ParsedFile> {
    if (isJsonDocumentName(name)) return this.addJsonChunks(name, chunks, kind, opts);
    return this.addJsonl(name, chunks, kind, opts);
  }

  /** A dropped or picked file (browser File / Blob), as addFile. */
  addBlob(name: string, blob: Blob, kind?: FileKind, opts: AddOptions = {}): Promise<ParsedFile> {
    return this.addFile(name, streamChunks(blob.stream()), kind, opts);
  }

  /** One JSON document given as byte chunks: checked for binary content as it streams in (one error,
   *  nothing parsed), then decoded and read by addJson. */
  async addJsonChunks(name: string, chunks: AsyncIterable<Uint8Array>, kind?: FileKind, opts: AddOptions = {}): Promise<ParsedFile> {
    const decoder = new TextDecoder('utf-8');
    let text = '';
    try {
      for await (const chunk of textChunks(opts.onProgress ? withProgress(chunks, opts.onProgress) : chunks)) {
        text += decoder.decode(chunk, { stream: true });
      }
      text += decoder.decode();
    } catch (err) {
      const file = newFile(name, kind !== undefined && kind !== 'unknown' ? kind : (kindFromName(name) ?? 'unknown'));
      const message = err instanceof NotTextError ? err.message : `reading stopped: ${(err as Error).message}`;
      file.errors.push({ file: name, line: 0, message });
      this.files.push(file);
      return file;
    }
    return this.addJson(name, text, kind);
  }

  /** Parses one whole JSON file: evaluation sets (quiz_data, chapter_tests, unit_exams,
   *  final_assessment), or a JSON array of SFT / preference / distinction records. */
  addJson(name: string, text: string, kind?: FileKind): ParsedFile {
    const file = newFile(name, 'eval');
    file.sets = 0;
    this.files.push(file);
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    const fallbackKind = (): FileKind => (kind !== undefined && kind !== 'unknown' ? kind : (kindFromName(name) ?? 'unknown'));
    if (body.trim() === '') {
      file.kind = fallbackKind();
      file.empty = true;
      return file;
    }
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch (err) {
      file.kind = fallbackKind();
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
      const doc = parseEvalDocument(name, value, file);
      for (const s of doc.sets) this.evalSets.push(s);
      file.sets = doc.sets.length;
      file.records = doc.sets.reduce((n, s) => n + s.questions.length, 0);
      file.present = doc.questionsFound;
    } else if (k === 'unknown') {
      file.errors.push({ file: name, line: 0, message: UNKNOWN_MESSAGE });
    } else if (!Array.isArray(value)) {
      file.errors.push({ file: name, line: 0, path: '$', message: `not a list of ${k} records (got ${describeType(value)})` });
    } else {
      value.forEach((v: unknown, i: number) => {
        const path = `$[${i}]`;
        if (!isObject(v)) {
          file.present++;
          file.errors.push({ file: name, line: 0, path, message: `not a JSON object (got ${describeType(v)})` });
          return;
        }
        this.addRecord(file, k, v, 0, path);
      });
    }
    return file;
  }

  /** Validates one record of a known kind and keeps it, or reports why not. `path`: the record's
   *  place in a JSON array (records of JSONL files go by line). */
  private addRecord(file: FileState, kind: FileKind, obj: JsonObject, line: number, path?: string): void {
    if (kind !== 'eval') file.present++;
    const fail = (message: string): void => {
      const e: RecordError = { file: file.path, line, message };
      if (path) {
        e.path = path;
        const subject = recordSubject(kind, obj);
        if (subject !== undefined) e.subject = subject;
      }
      file.errors.push(e);
    };
    try {
      switch (kind) {
        case 'sft':
          this.keep(file, this.sftIndex, this.sft, parseSft(obj, file.path, line), line, path);
          break;
        case 'preference':
          this.keep(file, this.pairIndex, this.preference, parsePreference(obj, file.path, line), line, path);
          break;
        case 'distinctions':
          this.keep(file, this.distinctionIndex, this.distinctions, parseDistinction(obj, file.path, line), line, path);
          break;
        case 'eval': {
          const doc = parseEvalDocument(file.path, obj, file, line);
          for (const s of doc.sets) this.evalSets.push(s);
          file.sets = (file.sets ?? 0) + doc.sets.length;
          file.records += doc.sets.reduce((n, s) => n + s.questions.length, 0);
          file.present += doc.questionsFound;
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
    file: FileState,
    index: DuplicateIndex<T>,
    list: T[],
    record: T,
    line: number,
    path: string | undefined,
  ): void {
    const first = index.findOrAdd(record, list);
    if (first !== undefined) {
      const at = first.line > 0 ? `line ${first.line}` : 'an earlier entry';
      const where = first.file === file.path ? at : first.line > 0 ? `${first.file} ${at}` : first.file;
      const d: RecordError = { file: file.path, line, message: `duplicate of ${where} (kept once)` };
      if (path) d.path = path;
      file.duplicates.push(d);
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
