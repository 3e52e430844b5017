// DatasetBuilder: pair→topic matching, topics of a dataset, duplicates across files, __proto__
// safety, invalid UTF-8 lines, JSON arrays of records, and a large-file smoke test.
import { describe, expect, it } from 'vitest';
import { DatasetBuilder } from '../../../src/data/builder.ts';
import { chunksOf } from '../../../src/data/line-reader.ts';
import { kindFromName, detectKind } from '../../../src/data/detect.ts';

const jsonl = (...records: unknown[]): string => records.map((r) => JSON.stringify(r)).join('\n');

describe('pair → topic matching', () => {
  it('assigns a pair without a source to the topic whose SFT instruction equals its prompt, whitespace-normalised', async () => {
    const b = new DatasetBuilder();
    await b.addJsonl(
      'sft_data.jsonl',
      chunksOf(
        jsonl(
          { instruction: 'What is  a ratio?', input: '', output: 'o', source: 'unit-01/chapter-01/topic-01' },
          { instruction: 'Explain', input: 'scaling', output: 'o', source: 'unit-01/chapter-02' },
          { instruction: 'What is a ratio?', output: 'second topic with the same prompt', source: 'unit-09' },
        ),
      ),
    );
    await b.addJsonl(
      'preference_data.jsonl',
      chunksOf(
        jsonl(
          { prompt: '  What is a\tratio?\n', chosen: 'c1', rejected: 'r1' },
          { prompt: 'Explain\n\nscaling', chosen: 'c2', rejected: 'r2' },
          { prompt: 'what is a ratio?', chosen: 'c3', rejected: 'r3' },
          { prompt: 'What is a ratio?', chosen: 'c4', rejected: 'r4', source: 'unit-05' },
          { prompt: 'Nothing like it', chosen: 'c5', rejected: 'r5' },
        ),
      ),
    );
    const ds = b.build();
    expect(ds.preference.map((p) => [p.chosen, p.sourceTopicId, p.topicId])).toEqual([
      ['c1', null, 'unit-01/chapter-01/topic-01'], // first SFT topic with that instruction wins
      ['c2', null, 'unit-01/chapter-02'], // matched against the instruction with its input joined
      ['c3', null, null], // case differs: unassigned
      ['c4', 'unit-05', 'unit-05'], // an explicit source wins
      ['c5', null, null],
    ]);
    expect(ds.topics.map((t) => t.id)).toEqual(['unit-01/chapter-01/topic-01', 'unit-01/chapter-02', 'unit-05', 'unit-09']);
  });

  it('matches pairs loaded before the SFT file (matching happens in build)', async () => {
    const b = new DatasetBuilder();
    await b.addJsonl('preference_data.jsonl', chunksOf(jsonl({ prompt: 'Q', chosen: 'c', rejected: 'r' })));
    expect(b.build().preference[0]!.topicId).toBeNull();
    await b.addJsonl('sft_data.jsonl', chunksOf(jsonl({ instruction: 'Q', output: 'o', source: 'unit-03' })));
    expect(b.build().preference[0]!.topicId).toBe('unit-03');
  });

  it('keeps distinctions without a topic curriculum-wide (null) and adds topics named by distinctions and quizzes', async () => {
    const b = new DatasetBuilder();
    await b.addJsonl(
      'critical_distinctions.jsonl',
      chunksOf(jsonl({ prompt: 'p', chosen: 'c', rejected: 'r' }, { correct: 'c', incorrect: 'i', source: 'unit-04/chapter-01' })),
    );
    b.addJson(
      'quiz_data.json',
      JSON.stringify([{ level: 'topic', topic: 'unit-04/chapter-01/topic-01', questions: [{ question: 'q', reference_answer: 'r' }] }]),
    );
    const ds = b.build();
    expect(ds.distinctions.map((d) => d.topicId)).toEqual([null, 'unit-04/chapter-01']);
    expect(ds.topics.map((t) => t.id)).toEqual(['unit-04/chapter-01/topic-01', 'unit-04/chapter-01']);
  });
});

describe('robustness', () => {
  it('never lets a __proto__ key reach a prototype', async () => {
    const b = new DatasetBuilder();
    const lines = [
      '{"__proto__": {"polluted": "yes"}, "instruction": "q", "output": "a"}',
      '{"instruction": "q2", "output": "a2", "constructor": {"prototype": {"polluted": "yes"}}}',
      '{"prompt": "p", "chosen": "c", "rejected": "r", "__proto__": {"topicId": "evil", "polluted": "yes"}}',
      '{"instruction": "toString"}',
    ].join('\n');
    await b.addJsonl('sft_data.jsonl', chunksOf(lines));
    await b.addJsonl('preference_data.jsonl', chunksOf(lines.split('\n')[2]!));
    b.addJson(
      'quiz_data.json',
      '[{"__proto__": {"polluted": "yes"}, "topic": "t", "questions": [{"__proto__": {"polluted": "yes"}, "question": "q", "reference_answer": "r", "type": "__proto__"}, {"question": "q", "reference_answer": "r", "type": "constructor"}]}]',
    );
    const ds = b.build();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    for (const r of [...ds.sft, ...ds.preference, ...ds.evalSets]) {
      expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
      expect((r as unknown as Record<string, unknown>).polluted).toBeUndefined();
    }
    expect(ds.sft.map((r) => r.instruction)).toEqual(['q', 'q2']);
    expect(ds.preference[0]!.topicId).toBeNull();
    // an inherited name ("toString", "constructor") is never taken for a field
    expect(ds.files[0]!.errors.map((e) => [e.line, e.message])).toEqual([
      [3, 'missing field "output" (or "answer", "response", "completion")'], // a pair inside an SFT file
      [4, 'missing field "output" (or "answer", "response", "completion")'],
    ]);
    expect(ds.files[2]!.errors.map((e) => [e.path, e.message])).toEqual([
      ['$[0].questions[0].type', 'type must be one of open, multiple_choice, true_false (got "__proto__")'],
      ['$[0].questions[1].type', 'type must be one of open, multiple_choice, true_false (got "constructor")'],
      ['$[0].questions', 'questions has no valid question'],
    ]);
  });

  it('reports an invalid UTF-8 line and keeps the lines around it', async () => {
    const enc = new TextEncoder();
    const a = enc.encode(jsonl({ instruction: 'q1', output: 'a1' }) + '\n');
    const bad = new Uint8Array([...enc.encode('{"instruction": "caf'), 0xe9, ...enc.encode('", "output": "x"}\n')]);
    const c = enc.encode(jsonl({ instruction: 'q3', output: 'a3' }));
    const b = new DatasetBuilder();
    const f = await b.addJsonl('sft_data.jsonl', chunksOf(new Uint8Array([...a, ...bad, ...c]), 5));
    expect(f.records).toBe(2);
    expect(f.errors).toEqual([{ file: 'sft_data.jsonl', line: 2, message: 'invalid UTF-8 at byte 21 of the line (byte 0xe9)' }]);
  });

  it('reports duplicates across files and keeps the first', async () => {
    const b = new DatasetBuilder();
    const text = jsonl({ prompt: 'p', chosen: 'c', rejected: 'r' });
    await b.addJsonl('a/preference_data.jsonl', chunksOf(text));
    const second = await b.addJsonl('b/preference_data.jsonl', chunksOf(text));
    expect(second.records).toBe(0);
    expect(second.duplicates).toEqual([{ file: 'b/preference_data.jsonl', line: 1, message: 'duplicate of a/preference_data.jsonl line 1 (kept once)' }]);
    expect(b.build().preference).toHaveLength(1);
  });

  it('long texts that differ in one character are not duplicates (hash sampling is confirmed by comparison)', async () => {
    const base = 'abcdefghij'.repeat(2000);
    const variants = Array.from({ length: 40 }, (_, i) => base.slice(0, 7001 + i) + 'Z' + base.slice(7002 + i));
    const b = new DatasetBuilder();
    const f = await b.addJsonl(
      'sft_data.jsonl',
      chunksOf(jsonl(...variants.map((output) => ({ instruction: 'q', output })), { instruction: 'q', output: variants[17] })),
    );
    expect(f.records).toBe(40);
    expect(f.duplicates.map((d) => [d.line, d.message])).toEqual([[41, 'duplicate of line 18 (kept once)']]);
  });

  it('reads a JSON array of records, reporting bad entries by JSON path', () => {
    const b = new DatasetBuilder();
    const f = b.addJson('sft.json', JSON.stringify([{ instruction: 'q', output: 'a' }, 3, { instruction: 'q' }]));
    expect(f.kind).toBe('sft');
    expect(f.records).toBe(1);
    expect(f.errors.map((e) => [e.path, e.subject, e.message])).toEqual([
      ['$[1]', undefined, 'not a JSON object (got number)'],
      ['$[2]', 'example "q"', 'missing field "output" (or "answer", "response", "completion")'],
    ]);
    expect(f.present).toBe(3);
    // a repeat inside a JSON array is a duplicate of "an earlier entry" (its records have no line)
    const twice = b.addJson(
      'more_sft.json',
      JSON.stringify([
        { instruction: 'x', output: 'y' },
        { instruction: 'x', output: 'y' },
      ]),
    );
    expect(twice.duplicates).toEqual([{ file: 'more_sft.json', line: 0, path: '$[1]', message: 'duplicate of an earlier entry (kept once)' }]);
    expect([twice.records, twice.present]).toEqual([1, 2]);
  });

  it('addBlob streams .jsonl blobs and reads .json blobs whole', async () => {
    const b = new DatasetBuilder();
    const sft = await b.addBlob('sft_data.jsonl', new Blob(['{"instruction": "q", "output": "a"}\n', '{"instruction": "q2", ', '"output": "a2"}']));
    const quiz = await b.addBlob('quiz_data.json', new Blob(['[{"topic": "t", "questions": [{"question": "q", "reference_answer": "r"}]}]']));
    expect([sft.kind, sft.records, quiz.kind, quiz.records]).toEqual(['sft', 2, 'eval', 1]);
  });

  it('keeps what was read when the stream fails part-way, and reports the failure', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('{"instruction": "q1", "output": "a1"}\n{"instruction": "q2", "output": "a2"}\n{"instr');
      throw new Error('disk went away');
    }
    const b = new DatasetBuilder();
    const f = await b.addJsonl('sft_data.jsonl', failing());
    expect(f.records).toBe(2);
    expect(f.errors).toEqual([{ file: 'sft_data.jsonl', line: 0, message: 'reading stopped after line 2: disk went away' }]);
    expect(f.empty).toBeUndefined();
    expect(b.build().files).toHaveLength(1);
  });

  it('reports progress in bytes, about every MiB and at the end', async () => {
    const text = jsonl(...Array.from({ length: 30000 }, (_, i) => ({ instruction: `q${i}`, output: 'x'.repeat(60) })));
    const bytes = new TextEncoder().encode(text);
    const seen: number[] = [];
    const b = new DatasetBuilder();
    await b.addJsonl('sft_data.jsonl', chunksOf(bytes, 100_000), undefined, { onProgress: (n) => seen.push(n) });
    expect(seen.at(-1)).toBe(bytes.length);
    expect(seen.length).toBe(Math.floor(bytes.length / 1_100_000) + 1);
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
  });

  it('an empty file has no records and no errors, and says it is empty', async () => {
    const b = new DatasetBuilder();
    const f = await b.addJsonl('sft_data.jsonl', chunksOf(''));
    expect(f).toEqual({ path: 'sft_data.jsonl', kind: 'sft', records: 0, present: 0, errors: [], warnings: [], duplicates: [], empty: true });
  });

  it('binary content after text stops the reading there with one error, keeping the lines before it', async () => {
    const enc = new TextEncoder();
    const text = jsonl(...Array.from({ length: 300 }, (_, i) => ({ instruction: `q${i}`, output: 'a'.repeat(40) }))) + '\n';
    const junk = new Uint8Array(5000).map((_, i) => (i * 37) % 256); // starts with a NUL byte, has newlines
    const bytes = new Uint8Array([...enc.encode(text), ...junk]);
    expect(text.length).toBeGreaterThan(8192); // past the first bytes the file is judged on
    for (const size of [bytes.length, 4096, 1000, 7]) {
      const b = new DatasetBuilder();
      const f = await b.addJsonl('sft_data.jsonl', chunksOf(bytes, size));
      expect(f.records, `chunks of ${size}`).toBe(300);
      expect(f.errors).toEqual([
        { file: 'sft_data.jsonl', line: 0, message: `not text: binary content at byte ${text.length + 1}, after line 300: reading stopped there` },
      ]);
    }
  });

  it('a binary file streamed from a web Blob gets one error and nothing else', async () => {
    const bytes = new Uint8Array(20000).map((_, i) => (i * 131 + 7) % 256);
    const b = new DatasetBuilder();
    const f = await b.addBlob('sft_data.jsonl', new Blob([bytes]));
    const nul = bytes.indexOf(0);
    expect(f.errors).toEqual([{ file: 'sft_data.jsonl', line: 0, message: `not text: binary content at byte ${nul + 1}` }]);
    expect([f.records, f.present, f.empty]).toEqual([0, 0, undefined]);
    const j = await b.addBlob('quiz_data.json', new Blob([bytes]));
    expect(j.errors.map((e) => e.message)).toEqual([`not text: binary content at byte ${nul + 1}`]);
  });

  it('streams a ~20 MB file with long outputs', async () => {
    const long = 'In my voice, friends: '.repeat(800); // ~17,600 characters, like transcript outputs
    const n = 1200;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({ instruction: `Question ${i}?`, input: '', output: `${long}${i}`, source: `unit-${(i % 12) + 1}` }));
    const bytes = new TextEncoder().encode(lines.join('\n'));
    expect(bytes.length).toBeGreaterThan(20e6);
    const b = new DatasetBuilder();
    const f = await b.addJsonl('sft_data.jsonl', chunksOf(bytes, 64 * 1024));
    expect(f.records).toBe(n);
    const ds = b.build();
    expect(ds.topics.map((t) => t.id).slice(0, 3)).toEqual(['unit-1', 'unit-2', 'unit-3']);
    expect(ds.topics).toHaveLength(12);
  });
});

describe('kind detection', () => {
  it('from the file name', () => {
    expect(kindFromName('critical_distinctions.jsonl')).toBe('distinctions');
    expect(kindFromName('dir/Critical-Points.jsonl')).toBe('distinctions');
    expect(kindFromName('preference_data.jsonl')).toBe('preference');
    expect(kindFromName('dpo_pairs.jsonl')).toBe('preference');
    expect(kindFromName('sft_data.jsonl')).toBe('sft');
    expect(kindFromName('quiz_data.json')).toBe('eval');
    expect(kindFromName('notes.jsonl')).toBeNull();
  });

  it('content decides, except that a critical* name turns pairs into distinctions', () => {
    const pair = { prompt: 'p', chosen: 'c', rejected: 'r' };
    expect(detectKind('sft_data.jsonl', pair)).toBe('preference');
    expect(detectKind('critical_distinctions.jsonl', pair)).toBe('distinctions');
    expect(detectKind('critical_distinctions.jsonl', { instruction: 'q', output: 'a' })).toBe('sft');
    expect(detectKind('preference_data.jsonl', { correct: 'c', incorrect: 'i' })).toBe('distinctions');
    expect(detectKind('preference_data.jsonl', { other: 1 })).toBe('preference');
    expect(detectKind('x.jsonl', { messages: [] })).toBe('sft');
    expect(detectKind('x.jsonl', null)).toBe('unknown');
  });
});
