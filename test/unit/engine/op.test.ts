// The pure parts of the op description: WGSL assembly, cache keys, dispatch splitting, flat layouts.
import { describe, expect, it } from 'vitest';
import { assembleWgsl, numel, packLayout, pipelineKey, splitWorkgroups, type OpDescription } from '../../../src/engine/op.ts';

const OP: OpDescription = {
  name: 'demo',
  workgroupSize: [64],
  bindings: [
    { name: 'out', access: 'read_write' },
    { name: 'ids', access: 'read', type: 'u32' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['eps', 'f32'],
  ],
  facts: { tile: 16 },
  wgsl: '@compute @workgroup_size(WG_X) fn main() {}',
};

describe('op descriptions', () => {
  it('assembles bindings in order, the uniform struct last, and the workgroup constants', () => {
    const code = assembleWgsl(OP);
    expect(code).toContain('@group(0) @binding(0) var<storage, read_write> out: array<f32>;');
    expect(code).toContain('@group(0) @binding(1) var<storage, read> ids: array<u32>;');
    expect(code).toContain('struct Uniforms { n: u32, eps: f32, };');
    expect(code).toContain('@group(0) @binding(2) var<uniform> u: Uniforms;');
    expect(code).toContain('const WG_X: u32 = 64u;');
    expect(code).toContain('const WG_Y: u32 = 1u;');
    expect(code.startsWith('// op demo|')).toBe(true);
  });

  it('writes enable directives before everything else', () => {
    expect(assembleWgsl({ ...OP, enables: ['subgroups'] }).startsWith('enable subgroups;\n// op demo|')).toBe(true);
  });

  it('keys pipelines by name, workgroup size and facts only', () => {
    expect(pipelineKey(OP)).toBe('demo|wg=64x1x1|{"tile":16}');
    expect(pipelineKey({ ...OP, facts: { tile: 32 } })).not.toBe(pipelineKey(OP));
    expect(pipelineKey({ ...OP, workgroupSize: [128] })).not.toBe(pipelineKey(OP));
    expect(() => assembleWgsl({ ...OP, uniforms: Array.from({ length: 65 }, (_, i) => [`u${i}`, 'u32'] as const) })).toThrow(/65 uniforms, at most 64/);
  });

  it('splits 1-D dispatches above the per-axis limit over x and y', () => {
    expect(splitWorkgroups('a', 100, 65535)).toEqual([100, 1, 1]);
    expect(splitWorkgroups('a', 65535, 65535)).toEqual([65535, 1, 1]);
    const [x, y] = splitWorkgroups('a', 200_000, 65535);
    expect(y).toBe(4);
    expect(x * y).toBeGreaterThanOrEqual(200_000);
    expect(x).toBeLessThanOrEqual(65535);
    expect(() => splitWorkgroups('a', 65535 * 65535 + 1, 65535)).toThrow(/exceed 65535×65535/);
    expect(() => splitWorkgroups('a', [70000, 1, 1], 65535)).toThrow(/dispatch \[70000, 1, 1\] exceeds/);
    expect(() => splitWorkgroups('a', 1.5, 65535)).toThrow(/integer >= 0, got 1.5/);
  });

  it('packs named views at 64-element offsets and validates shapes', () => {
    const l = packLayout({ a: [1], b: [64], c: [65], d: [0] });
    expect(l.offsets).toEqual({ a: 0, b: 64, c: 128, d: 256 });
    expect(l.total).toBe(256);
    expect(numel([2, 3, 4])).toBe(24);
    expect(() => numel([2, -1])).toThrow(/bad shape \[2, -1\]/);
  });
});
