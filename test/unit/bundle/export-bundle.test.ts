// `mindprint export-bundle` on the sample curriculum: byte-deterministic, plan.json equal to what
// `mindprint config --json` prints (overrides included), data files in TRL's documented shapes with
// every record in its topic, train.py compiling under python3, and its usage errors.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DATA_DIR } from '../../../src/cli/commands/analyze.ts';
import { loadDataset } from '../../../src/data/node-files.ts';
import { cli, filesUnder, PYTHON, tmpDir } from './helpers.ts';

const MODEL = 'HuggingFaceTB/SmolLM2-135M-Instruct';
const overrides = path.join(await tmpDir('cfg'), 'pipeline.yaml');
await fs.writeFile(overrides, 'topics:\n  unit-01/chapter-01/topic-02:\n    sft_epochs: 7\n    pass_threshold: 0.9\n');

async function exportTo(...extra: string[]): Promise<{ dir: string; files: Map<string, Buffer> }> {
  const dir = path.join(await tmpDir('bundle'), 'b');
  const r = await cli('export-bundle', SAMPLE_DATA_DIR, '--out', dir, '--model', MODEL, ...extra);
  expect(r.err).toBe('');
  expect(r.rc).toBe(0);
  return { dir, files: await filesUnder(dir) };
}

const json = (b: Buffer | undefined) => JSON.parse(b!.toString('utf8'));
const jsonl = (b: Buffer | undefined) =>
  b!
    .toString('utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l));

describe('mindprint export-bundle', () => {
  const first = exportTo('--config', overrides);

  it('writes the same bytes for the same inputs', async () => {
    const a = await first;
    const b = await exportTo('--config', overrides);
    expect([...b.files.keys()]).toEqual([...a.files.keys()]);
    for (const [p, bytes] of a.files) expect(b.files.get(p)!.equals(bytes), p).toBe(true);
    const dpo = await exportTo('--config', overrides, '--alignment', 'dpo');
    expect(json(dpo.files.get('plan.json')).phases).toEqual(['sft', 'dpo', 'eval']);
    expect(dpo.files.get('plan.json')!.equals(a.files.get('plan.json')!)).toBe(false);
  });

  it('plan.json holds what `mindprint config --json` prints, overrides and rationale included', async () => {
    const plan = json((await first).files.get('plan.json'));
    const config = await cli('config', SAMPLE_DATA_DIR, '--config', overrides, '--json');
    expect(config.rc).toBe(0);
    const printed = JSON.parse(config.out);
    expect(plan.topics).toEqual(printed.topics);
    expect(plan.markers).toEqual(printed.markers);
    const t2 = plan.topics.find((t: { id: string }) => t.id === 'unit-01/chapter-01/topic-02');
    expect(t2.sftEpochs).toBe(7);
    expect(t2.overridden).toEqual(['sftEpochs', 'passThreshold']);
    expect(plan.model).toBe(MODEL);
    expect(plan.pipeline.lora.target_modules).toEqual(['q_proj', 'v_proj', 'o_proj']);
    // The curriculum order: every topic once, a merge after each unit, exams pointing into data/exams.json.
    const exams = json((await first).files.get('data/exams.json'));
    const steps = plan.steps as { kind: string; topic?: string; exam?: number; level?: string; scope?: string }[];
    expect(steps.filter((s) => s.kind === 'topic').map((s) => s.topic)).toEqual(plan.topics.map((t: { id: string }) => t.id));
    for (const s of steps.filter((x) => x.kind === 'exam')) expect([exams[s.exam!].level, exams[s.exam!].scope]).toEqual([s.level, s.scope]);
    expect(steps.at(-1)).toMatchObject({ kind: 'exam', level: 'final' });
  });

  it("writes each topic's data in TRL's conversational formats, every record in its topic", async () => {
    const { files } = await first;
    const ds = await loadDataset([SAMPLE_DATA_DIR]);
    let sftRows = 0;
    let pairRows = 0;
    for (const t of ds.topics) {
      const dir = `data/topics/${t.id}`;
      const sft = jsonl(files.get(`${dir}/sft.jsonl`));
      const pairs = jsonl(files.get(`${dir}/preference.jsonl`));
      expect(sft).toEqual(
        ds.sft
          .filter((r) => r.topicId === t.id)
          .map((r) => ({
            messages: [
              { role: 'user', content: r.instruction },
              { role: 'assistant', content: r.output },
            ],
          })),
      );
      for (const p of pairs) {
        expect(Object.keys(p)).toEqual(['prompt', 'chosen', 'rejected']);
        expect([p.prompt[0].role, p.chosen[0].role, p.rejected[0].role]).toEqual(['user', 'assistant', 'assistant']);
      }
      expect(pairs.map((p) => p.prompt[0].content)).toEqual(ds.preference.filter((p) => p.topicId === t.id).map((p) => p.prompt));
      sftRows += sft.length;
      pairRows += pairs.length;
    }
    expect(sftRows).toBe(ds.sft.length);
    expect(pairRows).toBe(ds.preference.filter((p) => p.topicId !== null).length);
    const quiz = json(files.get('data/topics/unit-01/chapter-01/topic-01/quiz.json'));
    expect(quiz).toMatchObject({ level: 'topic', scope: 'unit-01/chapter-01/topic-01' });
    expect(quiz.questions[0]).toHaveProperty('reference_answer');
  });

  it.skipIf(!PYTHON)('train.py compiles under python3', async () => {
    const { dir } = await first;
    const r = spawnSync(PYTHON!, ['-m', 'py_compile', path.join(dir, 'train.py')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((await fs.stat(path.join(dir, 'train.py'))).mode & 0o111).not.toBe(0);
  });

  it('says what is wrong with the arguments', async () => {
    const { dir } = await first;
    expect(await cli('export-bundle', SAMPLE_DATA_DIR)).toMatchObject({ rc: 2, err: expect.stringContaining('--out BUNDLE is required') });
    const tiny = await cli('export-bundle', SAMPLE_DATA_DIR, '--out', `${dir}-x`, '--model', 'tiny');
    expect(tiny).toMatchObject({ rc: 2, err: expect.stringContaining('TRL needs a Hugging Face id') });
    const full = await cli('export-bundle', SAMPLE_DATA_DIR, '--out', dir, '--model', MODEL);
    expect(full).toMatchObject({ rc: 2, err: expect.stringContaining('not empty') });
    const bad = await cli('export-bundle', SAMPLE_DATA_DIR, '--out', `${dir}-y`, '--alignment', 'grpo');
    expect(bad).toMatchObject({ rc: 2, err: expect.stringContaining("--alignment: expected ppo or dpo, got 'grpo'") });
  });
});
