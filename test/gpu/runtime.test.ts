// The runtime itself: util ops against their twins, pipeline cache reuse, dispatch splitting,
// allocation errors, steps without allocation, and surviving device loss.
import { describe, expect, it } from 'vitest';
import { GpuRuntime, DeviceLostError, packLayout } from '../../src/engine/runtime.ts';
import type { OpDescription } from '../../src/engine/op.ts';
import * as gpu from '../../src/engine/ops/util.ts';
import * as ref from '../../src/engine/ref/util.ts';
import { compare, randn, runtime } from './helpers.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';

describe('GpuRuntime', () => {
  it('runs fill / scale / add / copy like the twins, on odd sizes', async () => {
    const rt = await runtime();
    const n = 1237;
    const a = randn(1, n);
    const b = randn(2, n);
    const ta = rt.upload(a, [n]);
    const tb = rt.upload(b, [n]);
    const tc = rt.empty([n]);
    rt.beginStep();
    gpu.scale(rt, ta, -1.5);
    gpu.add(rt, ta, tb, 0.25);
    gpu.copy(rt, tc, ta);
    gpu.fill(rt, tb, 3.5);
    rt.submit();
    const ra = a.slice();
    ref.scale(host(ra), -1.5);
    ref.add(host(ra), host(b), 0.25);
    const rb = new Float32Array(n);
    ref.fill(host(rb), 3.5);
    expect(compare('scale+add', await rt.read(ta), ra)).toBeLessThan(1e-6);
    expect(compare('copy', await rt.read(tc), ra)).toBe(0);
    expect(compare('fill', await rt.read(tb), rb)).toBe(0);
  });

  it('reuses pipelines, bind groups and buffers across steps (no allocation in steady state)', async () => {
    const rt = await runtime();
    const x = rt.upload(randn(3, 300), [300]);
    const y = rt.upload(randn(4, 300), [300]);
    const step = () => {
      rt.beginStep();
      gpu.scale(rt, x, 0.5);
      gpu.add(rt, x, y, 1);
      gpu.scale(rt, x, 2);
      rt.submit();
    };
    step();
    const compiled = rt.stats.pipelinesCompiled;
    const created = rt.stats.buffersCreated;
    const groups = rt.stats.bindGroupsCreated;
    const hits = rt.stats.pipelineCacheHits;
    const bytes = rt.stats.bytesAllocated;
    for (let i = 0; i < 5; i++) step();
    await rt.sync();
    expect(rt.stats.pipelinesCompiled).toBe(compiled);
    expect(rt.stats.pipelineCacheHits).toBe(hits + 15);
    expect(rt.stats.buffersCreated).toBe(created);
    expect(rt.stats.bindGroupsCreated).toBe(groups);
    expect(rt.stats.bytesAllocated).toBe(bytes);
    // A released tensor's buffer comes back from the pool for the same size.
    const t = rt.empty([300]);
    const buf = t.buffer;
    rt.release(t);
    const again = rt.empty([300]);
    expect(again.buffer).toBe(buf);
    rt.release(again);
    expect(() => rt.release(again)).toThrow(/already released/);
  });

  it('packs named views into one flat buffer at bindable offsets', async () => {
    const rt = await runtime();
    const layout = packLayout({ a: [3, 5], b: [7], c: [2, 2] });
    expect(layout.offsets).toEqual({ a: 0, b: 64, c: 128 });
    const flat = rt.empty([layout.total]);
    gpu.fill(rt, flat, 0);
    const v = rt.views(flat, layout);
    gpu.fill(rt, v.b, 2);
    gpu.fill(rt, v.c, 3);
    const out = await rt.read(flat);
    expect(out[63]).toBe(0);
    expect([...out.slice(64, 71)]).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(out[71]).toBe(0);
    expect([...out.slice(128, 132)]).toEqual([3, 3, 3, 3]);
    expect([...(await rt.read(v.c))]).toEqual([3, 3, 3, 3]);
  });

  it('refuses a different WGSL under the same cache key', async () => {
    const rt = await runtime();
    const x = rt.empty([4]);
    const op = (body: string): OpDescription => ({
      name: 'test-same-key',
      workgroupSize: [1],
      bindings: [{ name: 'x', access: 'read_write' }],
      wgsl: `@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>) { x[wid.x] = ${body}; }`,
    });
    rt.run(op('1.0'), { x }, {}, 4);
    expect(() => rt.run(op('2.0'), { x }, {}, 4)).toThrow(/two different WGSL sources/);
  });

  it('splits a 1-D dispatch of more than 65535 workgroups over x and y', async () => {
    const rt = await runtime();
    const n = 70_001;
    const x = rt.empty([n]);
    const op: OpDescription = {
      name: 'test-index',
      workgroupSize: [1],
      bindings: [{ name: 'x', access: 'read_write' }],
      uniforms: [['n', 'u32']],
      wgsl: `@compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = linearWorkgroup(wid, nwg);
  if (i >= u.n) { return; }
  x[i] = f32(i);
}`,
    };
    rt.run(op, { x }, { n }, n);
    const out = await rt.read(x);
    let bad = -1;
    for (let i = 0; i < n; i++)
      if (out[i] !== i) {
        bad = i;
        break;
      }
    expect(bad).toBe(-1);
  });

  it('names the byte size when a buffer is too large, and reports WGSL compile errors with the op name', async () => {
    const rt = await runtime();
    const huge = rt.limits.maxBufferSize / 4 + 1024;
    expect(() => rt.empty([huge])).toThrow(new RegExp(`allocation of ${huge * 4} bytes`));
    await expect(rt.allocate([huge])).rejects.toThrow(/exceeds this device's largest bindable buffer/);
    const ok = await rt.allocate([1000]);
    expect(ok.size).toBe(1000);
    const broken: OpDescription = {
      name: 'test-broken',
      workgroupSize: [1],
      bindings: [{ name: 'x', access: 'read_write' }],
      wgsl: `@compute @workgroup_size(WG_X) fn main() { x[0] = undefined_name; }`,
    };
    await expect(rt.prepare(broken)).rejects.toThrow(/op test-broken .* failed to compile/);
    // The runtime keeps working after a reported error.
    const t = rt.upload(new Float32Array([1, 2, 3]), [3]);
    gpu.scale(rt, t, 2);
    expect([...(await rt.read(t))]).toEqual([2, 4, 6]);
  });

  it('reports bad bindings before dispatching: missing, wrong dtype, misaligned view', async () => {
    const rt = await runtime();
    const x = rt.empty([100]);
    const ids = rt.upload(new Uint32Array(100), [100]);
    expect(() => gpu.add(rt, x, ids)).toThrow(/binding 'src' must be f32, got a u32 tensor/);
    expect(() => gpu.scale(rt, rt.view(x, 3, [10]), 2)).toThrow(/view at element 3/);
    gpu.fill(rt, rt.view(x, 64, [36]), 1); // aligned view binds
    const out = await rt.read(x);
    expect(out[64]).toBe(1);
    expect(out[99]).toBe(1);
  });

  it('refuses, before recording anything, an op that binds more storage buffers than the device allows', async () => {
    const rt = await runtime();
    const max = rt.limits.maxStorageBuffersPerShaderStage;
    const names = Array.from({ length: max + 1 }, (_, i) => `b${i}`);
    const op: OpDescription = {
      name: 'test_many_bindings',
      workgroupSize: [1],
      bindings: names.map((name) => ({ name, access: 'read_write' as const })),
      wgsl: `@compute @workgroup_size(1) fn main() { ${names.map((n) => `${n}[0] = 1.0;`).join(' ')} }`,
    };
    const t = Object.fromEntries(names.map((n) => [n, rt.empty([1])]));
    const compiled = rt.stats.pipelinesCompiled;
    expect(() => rt.run(op, t, {}, 1)).toThrow(
      new RegExp(`op test_many_bindings binds ${max + 1} storage buffers, and this WebGPU device allows ${max} per shader stage`),
    );
    expect(rt.stats.pipelinesCompiled).toBe(compiled);
    await rt.checkErrors(); // nothing was recorded or compiled
  });

  it('abandons a step that threw while recording, and the next step runs', async () => {
    const rt = await runtime();
    const x = rt.upload(new Float32Array([1, 2, 3]), [3]);
    rt.beginStep();
    gpu.scale(rt, x, 10);
    expect(() => gpu.add(rt, x, rt.empty([4]))).toThrow(/dst has 3 elements, src 4/);
    expect(() => rt.beginStep()).toThrow(/previous step was not submitted/);
    rt.abandonStep();
    rt.beginStep();
    gpu.scale(rt, x, 2);
    rt.submit();
    expect([...(await rt.read(x))]).toEqual([2, 4, 6]); // the abandoned scale by 10 never ran
  });

  it('survives device loss: DeviceLostError, onLost called, a new runtime works', async () => {
    let lostReason = '';
    const rt = await GpuRuntime.create({ onLost: (info) => (lostReason = info.reason) });
    const t = rt.upload(new Float32Array([1, 2]), [2]);
    rt.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(lostReason).toBe('destroyed');
    expect(rt.isLost).toBe(true);
    expect(() => gpu.scale(rt, t, 2)).toThrow(DeviceLostError);
    await expect(rt.read(t)).rejects.toThrow(/device lost \(destroyed\)/);
    const fresh = await GpuRuntime.create();
    const t2 = fresh.upload(new Float32Array([1, 2]), [2]);
    gpu.scale(fresh, t2, 3);
    expect([...(await fresh.read(t2))]).toEqual([3, 6]);
  });
});
