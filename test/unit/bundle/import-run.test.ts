// `mindprint import-run`: a bundle output in train.py's layout (adapters written by our own PEFT export,
// run.json in the studio's shape, plan.json from the bundle builder) comes back as a finished run with
// the right pass rate and loadable adapters; bad input is one error naming the file and the field, and
// nothing is written.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsStore } from '../../../src/storage/fs-store.ts';
import { importPeftFolder } from '../../../src/storage/peft.ts';
import { RunStore } from '../../../src/storage/run-store.ts';
import { T1, T2, tinyConfig as config, trlAdapter as adapter, writeTrlOutput, type OutputEdit } from '../../helpers/trl-output.ts';
import { cli, tmpDir } from './helpers.ts';

/** A bundle output folder as train.py leaves it (test/helpers/trl-output.ts); `edit` changes run.json or the adapters. */
async function bundleOutput(edit: OutputEdit = {}): Promise<string> {
  const dir = await tmpDir('trl-out');
  await writeTrlOutput(await FsStore.open(dir), edit);
  return dir;
}

async function importInto(dir: string, ...extra: string[]) {
  const target = path.join(await tmpDir('imported'), 'run');
  return { target, ...(await cli('import-run', dir, '--out', target, '--model', 'tiny', ...extra)) };
}

describe('mindprint import-run', () => {
  it('records the run with its pass rate, and every adapter loads as it was written', async () => {
    const dir = await bundleOutput();
    const r = await importInto(dir);
    expect(r.err).toBe('');
    expect(r.rc).toBe(0);
    expect(r.out).toContain('Pass rate: 1 of 2 topics (50.0%)');
    const runs = new RunStore(await FsStore.open(r.target));
    const state = (await runs.readState())!;
    expect(state.finished).toBe(true);
    expect(state.topics.map((t) => [t.id, t.score, t.passed])).toEqual([
      [T1, 0.82, true],
      [T2, 0.61, false],
    ]);
    expect(state.folded).toEqual([`adapters/${T1}/ppo_adapter`]);
    const summary = JSON.parse(await fs.readFile(path.join(r.target, 'run.json'), 'utf8'));
    expect(summary.passRate).toEqual({ passed: 1, trained: 2, rate: 0.5 });
    expect(summary.importedFrom).toEqual({ trainer: 'trl', folder: dir });
    expect((await runs.listAdapters()).map((a) => a.key)).toEqual([
      `adapters/${T1}/ppo_adapter`,
      `adapters/${T1}/reward_adapter`,
      `adapters/${T1}/sft_adapter`,
      `adapters/${T2}/ppo_adapter`,
      `adapters/${T2}/reward_adapter`,
      `adapters/${T2}/sft_adapter`,
      'merged_adapters/unit-01_merged',
    ]);
    const back = await runs.loadAdapter(`adapters/${T1}/sft_adapter`, config(), 'tiny');
    const want = adapter(10);
    for (const [p, l] of want.layers) expect([...back.adapter.layers.get(p)!.B]).toEqual([...l.B]);
    expect((await runs.loadAdapter(`adapters/${T2}/reward_adapter`, config())).head!['score.weight'].shape).toEqual([1, 64]);
    // What `mindprint eval --adapter` reads: the PEFT folder, checked against the model.
    expect((await importPeftFolder(path.join(r.target, `adapters/${T1}/ppo_adapter`), config(), 'tiny')).layers.size).toBe(2 * 3); // 2 layers × q, v, o
    expect(await fs.readFile(path.join(r.target, 'report.md'), 'utf8')).toContain('**Pass rate: 1 of 2 topics (50.0%)**');
    // A second import into the same run needs --force.
    const again = await cli('import-run', dir, '--out', r.target, '--model', 'tiny');
    expect(again).toMatchObject({ rc: 2, err: expect.stringContaining('already holds a run') });
    expect((await cli('import-run', dir, '--out', r.target, '--model', 'tiny', '--force')).rc).toBe(0);
  });

  it('names the file and the field of bad input, and writes nothing', async () => {
    const noRun = await bundleOutput();
    await fs.rm(path.join(noRun, 'run.json'));
    const cases: [string, string][] = [
      [noRun, `${noRun}/run.json: missing`],
      [
        await bundleOutput({ sft1: adapter(10, { arch: 'qwen3' }) }),
        `${T1}/sft_adapter/adapter_model.safetensors: tensor 'base_model.model.model.layers.0.self_attn.o_proj.lora_A.weight' has shape [8, 96], expected [8, 64]`,
      ],
      [await bundleOutput({ sft1: adapter(10, { r: 4 }) }), `${T1}/sft_adapter/adapter_config.json: r: expected 8`],
      [
        await bundleOutput({ run: (r) => ((r.topics as { id: string }[])[1].id = 'unit-09/chapter-01/topic-01') }),
        "run.json: topics[1].id: unknown topic 'unit-09/chapter-01/topic-01'",
      ],
      [
        await bundleOutput({ run: (r) => ((r.topics as { score: unknown }[])[0].score = 'high') }),
        'run.json: topics[0].score: expected a number or null, got "high"',
      ],
      [await bundleOutput({ run: (r) => ((r.passRate as { passed: number }).passed = 2) }), 'run.json: passRate: says 2 of 2, but its topics say 1 of 2'],
      [await bundleOutput({ run: (r) => (r.finished = false) }), 'run.json: finished: false: train.py stopped before the end'],
    ];
    for (const [dir, message] of cases) {
      const r = await importInto(dir);
      expect(r.rc, message).toBe(2);
      expect(r.err).toContain(message);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(await new RunStore(await FsStore.open(r.target)).readState()).toBeNull();
      expect(await fs.readdir(r.target).catch(() => [])).toEqual([]);
    }
    const gone = await bundleOutput();
    await fs.rm(path.join(gone, `adapters/${T2}/reward_adapter/adapter_model.safetensors`));
    const r = await importInto(gone);
    expect(r.err).toContain(
      `adapters/${T2}/reward_adapter/adapter_model.safetensors: missing (${gone}/run.json: topics[1].attempts[0].adapters.reward names this adapter)`,
    );
  });
});
