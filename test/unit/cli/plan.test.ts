// `mindprint plan` end to end with a preset's limits (no GPU needed): the report, the JSON, the exit
// code of a run that does not fit, and its usage errors.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { command } from '../../../src/cli/commands/plan.ts';

const fixture = (id: string) => path.join(import.meta.dirname, '../../fixtures/hf-configs', `${id}.json`);

async function plan(...argv: string[]): Promise<{ rc: number; out: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((l: string) => void lines.push(l));
  try {
    return { rc: await command.run(argv), out: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

describe('mindprint plan', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints each part of the plan and a verdict', async () => {
    const { rc, out } = await plan(
      '--model',
      fixture('google--gemma-3-1b-it'),
      '--limits',
      'mac-chrome',
      '--dtype',
      'bf16',
      '--batch',
      '1',
      '--seq',
      '512',
      '--memory',
      '16',
    );
    expect(rc).toBe(0);
    expect(out).toContain('1.00 B parameters; LoRA r 8 on q_proj, v_proj, o_proj');
    expect(out).toMatch(/base weights \(bf16\)\s+1\.86 GiB {2}largest: embed_tokens 576 MiB/);
    expect(out).toMatch(/activations \(training\)\s+[\d.]+ [MG]iB {2}[\d.]+ MiB with per-layer recomputation/);
    expect(out).toContain('verdict: fits');
  });

  it('exits 1 when the run does not fit, and says whether q4 would', async () => {
    const { rc, out } = await plan('--model', fixture('google--gemma-3-12b-it'), '--limits', 'swiftshader', '--memory', '16', '--batch', '1', '--seq', '256');
    expect(rc).toBe(1);
    // The checkpoint is bf16 (torch_dtype), so that is what training keeps on the GPU unless told otherwise.
    expect(out).toMatch(/base weights \(bf16\)\s+2[\d.]+ GiB {2}largest: embed_tokens 1\.88 GiB/);
    expect(out).toMatch(/verdict: too large: [\d.]+ GiB is more than the 16\.00 GiB the GPU may use/);
    expect(out).toMatch(/with --quantize q4: fits \(total [\d.]+ GiB\)/);
    const json = JSON.parse((await plan('--model', fixture('google--gemma-3-12b-it'), '--limits', 'swiftshader', '--quantize', 'q4', '--json')).out);
    expect(json.request.precision).toBe('q4');
    expect(json.plan.largestTensor.name).toBe('embed_tokens');
  });

  it('names what is wrong with its arguments', async () => {
    await expect(plan('--limits', 'mac-chrome')).rejects.toThrow('--model is required');
    await expect(plan('--model', 'tiny', '--quantize', 'q8')).rejects.toThrow("--quantize must be q4, got 'q8'");
    await expect(plan('--model', 'tiny', '--limits', 'mac')).rejects.toThrow(
      "--limits must be adapter or one of mac-chrome, mac-safari, swiftshader, got 'mac'",
    );
    await expect(plan('--model', '/nonexistent/model', '--limits', 'mac-chrome')).rejects.toThrow('--model /nonexistent/model: no such folder or file');
    await expect(plan('--model', 'tiny', '--batch', '0', '--limits', 'mac-chrome')).rejects.toThrow("--batch must be a positive integer, got '0'");
  });
});
