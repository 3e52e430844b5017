// The step bench's flags: a shape over the tiny model's, the kernel profile and the subgroups switch, and
// errors that name the flag and the value.
import { describe, expect, it } from 'vitest';
import { describeShape, parseStepArgs, TINY_SHAPE } from '../../../bench/step.ts';

describe('bench step flags', () => {
  it('defaults to the tiny shape on the adapter’s own kernels', () => {
    const s = parseStepArgs([]);
    expect(s).toEqual(TINY_SHAPE);
    expect(s.kernels).toBeUndefined();
    expect(s.subgroups).toBeUndefined();
    expect(describeShape(s)).toBe('C 64, L 2, NH 4/NKV 2, F 128, V 512, B 2 × T 64, r 8 on q,v,o');
  });

  it('takes a shape, a kernel profile and --no-subgroups', () => {
    const s = parseStepArgs(['--hidden', '128', '--heads', '8', '--kv-heads', '2', '--targets', 'q,k,down', '--kernels', 'gpu', '--no-subgroups']);
    expect([s.hidden, s.heads, s.kvHeads, s.targets, s.kernels, s.subgroups]).toEqual([128, 8, 2, ['q_proj', 'k_proj', 'down_proj'], 'gpu', false]);
  });

  it('names the bad flag and value', () => {
    expect(() => parseStepArgs(['--kernels', 'metal'])).toThrow("--kernels must be gpu or software, got 'metal'");
    expect(() => parseStepArgs(['--hidden', '65'])).toThrow('--hidden 65 must be a multiple of --heads 4');
    expect(() => parseStepArgs(['--targets', 'q,x'])).toThrow("--targets: unknown target 'x'");
  });
});
