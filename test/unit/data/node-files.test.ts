// loadDataset: a curriculum folder from disk (plus one level of subfolders), forced kinds, and the
// error when nothing readable is given.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoCurriculumError, loadDataset } from '../../../src/data/node-files.ts';

const dir = fileURLToPath(new URL('../../fixtures/data/curriculum/', import.meta.url));

describe('loadDataset', () => {
  it('reads a curriculum folder: every file kind, CRLF pairs matched by prompt, one level of subfolders', async () => {
    const ds = await loadDataset([dir]);
    const kinds = Object.fromEntries(ds.files.map((f) => [f.path.slice(dir.length), [f.kind, f.records]]));
    expect(kinds).toEqual({
      'chapter_tests.json': ['eval', 2],
      'critical_distinctions.jsonl': ['distinctions', 2],
      'final_assessment.json': ['eval', 1],
      'preference_data.jsonl': ['preference', 3],
      'quiz_data.json': ['eval', 6],
      'sft_data.jsonl': ['sft', 5],
      'unit_exams.json': ['eval', 2],
      'extra/more_sft.jsonl': ['sft', 1],
    });
    expect(ds.sft).toHaveLength(6);
    expect(ds.sft.some((r) => r.output === 'Not read.')).toBe(false); // two levels down
    expect(ds.preference.map((p) => p.topicId)).toEqual(['unit-01/chapter-01/topic-01', null, 'unit-02/chapter-01/topic-01']);
    expect(ds.distinctions.map((d) => d.topicId)).toEqual([null, 'unit-02/chapter-01/topic-01']);
    expect(ds.topics.map((t) => t.id)).toEqual([
      'episode-2019-02-19',
      'unit-01/chapter-01/topic-01',
      'unit-01/chapter-01/topic-02',
      'unit-01/chapter-01',
      'unit-01',
      'unit-02/chapter-01/topic-01',
      'unit-02/chapter-01/topic-02',
    ]);
    expect(ds.evalSets.map((s) => s.level)).toEqual(['chapter', 'chapter', 'final', 'topic', 'topic', 'topic', 'unit', 'unit']);
  });

  it('takes single files, and forced kinds by base name or path', async () => {
    const pref = join(dir, 'preference_data.jsonl');
    const ds = await loadDataset([pref, join(dir, 'sft_data.jsonl')], { kinds: { 'preference_data.jsonl': 'distinctions' } });
    expect(ds.files.map((f) => f.kind)).toEqual(['distinctions', 'sft']);
    expect(ds.distinctions).toHaveLength(3);
    expect(ds.preference).toHaveLength(0);
    const ds2 = await loadDataset([pref], { kinds: { [pref]: 'distinctions' } });
    expect(ds2.files[0]!.kind).toBe('distinctions');
  });

  it('reads a file with any other extension as JSONL', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mindprint-data-'));
    const f = join(tmp, 'pairs.txt');
    writeFileSync(f, '{"prompt": "p", "chosen": "c", "rejected": "r"}\n');
    const ds = await loadDataset([f]);
    expect(ds.preference).toHaveLength(1);
  });

  it('reads empty, binary and JSON files from disk as the builder does: empty, one error, streamed JSON', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mindprint-files-'));
    writeFileSync(join(tmp, 'empty.jsonl'), '');
    writeFileSync(join(tmp, 'image.jsonl'), Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ', 'base64'));
    writeFileSync(join(tmp, 'program.json'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 10, 10]));
    const quiz = [{ topic: 't', questions: [{ question: 'Which?', options: ['A) x', 'B) y'], correct_option: null, reference_answer: '**B** y' }] }];
    writeFileSync(join(tmp, 'quiz_data.json'), JSON.stringify(quiz));
    const ds = await loadDataset([tmp]);
    const byName = Object.fromEntries(ds.files.map((f) => [f.path.slice(tmp.length + 1), f]));
    expect(byName['empty.jsonl']).toMatchObject({ empty: true, records: 0, errors: [] });
    expect(byName['image.jsonl']!.errors.map((e) => e.message)).toEqual(['not text: binary content at byte 9']);
    expect(byName['program.json']!.errors.map((e) => e.message)).toEqual(['not text: binary content at byte 8']);
    expect(byName['quiz_data.json']).toMatchObject({ records: 1, present: 1, errors: [] });
    expect(byName['quiz_data.json']!.warnings!.map((w) => w.message)).toEqual(['correct_option is null; took "B" from the start of reference_answer']);
    expect(ds.evalSets[0]!.questions[0]!.correctOption).toBe('B');
  });

  it('throws a clear error listing what was tried when nothing readable is found', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mindprint-empty-'));
    writeFileSync(join(empty, 'notes.md'), '# nothing');
    const missing = join(empty, 'does-not-exist.jsonl');
    const err = await loadDataset([empty, missing]).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(NoCurriculumError);
    expect(err!.message).toContain('no readable curriculum file');
    expect(err!.message).toContain(`${empty}: folder has no .jsonl or .json files`);
    expect(err!.message).toContain(`${missing}: not found`);
    await expect(loadDataset([])).rejects.toThrow('no paths given');
    // the same file named twice (as a folder member and directly) is read once
    const twice = await loadDataset([dir, join(dir, 'sft_data.jsonl'), `${dir}/./sft_data.jsonl`]);
    expect(twice.files.filter((f) => f.path.endsWith('sft_data.jsonl') && !f.path.includes('extra'))).toHaveLength(1);
  });
});
