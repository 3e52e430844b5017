// The workgroup reductions by subgroups (ops/common.ts) on SwiftShader, which has `subgroups`: every 'gpu'-profile
// kernel that reduces over a workgroup, with subgroups and with the feature disabled (the tree), against the twins;
// each case also checks from the pipeline keys which variant ran. Rows are long enough that a lost partial shows.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { pipelineKey, type OpDescription } from '../../src/engine/op.ts';
import { GpuRuntime } from '../../src/engine/runtime.ts';
import * as attention from '../../src/engine/ops/attention.ts';
import * as ce from '../../src/engine/ops/cross-entropy.ts';
import * as clip from '../../src/engine/ops/grad-clip.ts';
import * as norm from '../../src/engine/ops/rmsnorm.ts';
import { ENTRY, reductions, subgroupFields, reducesBySubgroups, variants } from '../../src/engine/ops/common.ts';
import * as refAttention from '../../src/engine/ref/attention.ts';
import * as refCe from '../../src/engine/ref/cross-entropy.ts';
import * as refClip from '../../src/engine/ref/grad-clip.ts';
import * as refNorm from '../../src/engine/ref/rmsnorm.ts';
import { refTensor as host } from '../../src/engine/ref/tensor.ts';
import { compare, compareRel, randn } from './helpers.ts';

const MODES = [
  { name: 'subgroups', rt: await GpuRuntime.create() },
  { name: 'tree (subgroups disabled)', rt: await GpuRuntime.create({ disableFeatures: ['subgroups' as GPUFeatureName] }) },
];
afterAll(() => {
  for (const m of MODES) m.rt.destroy();
});

/** Runs `body` with every rt.run recorded; the ops named in `reducing` must all have run with or without subgroups. */
async function expectVariant(rt: GpuRuntime, reducing: string[], body: () => Promise<void>): Promise<void> {
  const spy = vi.spyOn(rt, 'run');
  let ops: OpDescription[];
  try {
    await body();
  } finally {
    ops = spy.mock.calls.map(([op]) => op);
    spy.mockRestore();
  }
  for (const name of reducing) {
    const keys = ops.filter((op) => op.name === name).map(pipelineKey);
    expect(keys.length, `${name} ran`).toBeGreaterThan(0);
    for (const key of keys) expect(key.includes('"subgroups":true'), key).toBe(rt.features.subgroups);
  }
  for (const op of ops) expect(op.enables?.includes('subgroups') ?? false, op.name).toBe(op.facts?.subgroups === true);
}

// Each invocation's x in; out[i] = (reduceSum(x), reduceMax(x), reduceLse(m, s)) as invocation i saw them.
const reduceOp = variants(
  (subgroups: boolean, wg: number): OpDescription => ({
    name: 'test_reductions',
    workgroupSize: [wg],
    ...subgroupFields(subgroups),
    bindings: [
      { name: 'out', access: 'read_write' },
      { name: 'x', access: 'read' },
      { name: 'm', access: 'read' },
      { name: 's', access: 'read' },
    ],
    wgsl: `${reductions(subgroups, 'sum', 'max', 'lse')}
${ENTRY} {
  let i = linearWorkgroup(wid, nwg) * WG_X + lid;
  let a = reduceSum(lid, x[i]);
  let b = reduceMax(lid, x[i]);
  let c = reduceLse(lid, m[i], s[i]);
  out[i * 3u] = a;
  out[i * 3u + 1u] = b;
  out[i * 3u + 2u] = c;
}`,
  }),
);

describe.each(MODES)('$name', ({ name, rt }) => {
  rt.profile = 'gpu';

  it('has the feature as asked', () => {
    expect(rt.features.subgroups).toBe(name === 'subgroups');
  });

  for (const wg of [64, 256]) {
    it(`reduceSum, reduceMax and reduceLse give every invocation the workgroup's value (WG_X=${wg}, 3 workgroups)`, async () => {
      const groups = 3;
      const n = wg * groups;
      const x = randn(20 + wg, n, 4);
      // lse pairs (x, 1), masked (NEG, 0) on every 5th invocation and on all but one of the last workgroup's
      const live = Array.from({ length: n }, (_, i) => i % 5 !== 3 && (i < 2 * wg || i === n - 7));
      const m = Float32Array.from(x, (v, i) => (live[i] ? v : -1e30));
      const sw = Float32Array.from(live, (l) => (l ? 1 : 0));
      const t = { out: rt.empty([n, 3]), x: rt.upload(x, [n]), m: rt.upload(m, [n]), s: rt.upload(sw, [n]) };
      const sub = reducesBySubgroups(rt);
      rt.run(reduceOp(sub, wg), t, {}, groups);
      const out = await rt.read(t.out);
      const want = new Float64Array(n * 3);
      for (let g = 0; g < groups; g++) {
        const idx = Array.from({ length: wg }, (_, j) => g * wg + j);
        const sum = idx.reduce((a, i) => a + x[i], 0);
        const max = Math.max(...idx.map((i) => x[i]));
        const lse = Math.log(idx.reduce((a, i) => a + (live[i] ? Math.exp(x[i]) : 0), 0));
        for (const i of idx) want.set([sum, max, lse], i * 3);
      }
      expect(compare(`reductions WG_X=${wg}`, out, want)).toBeLessThan(2e-5);
    });
  }

  for (const [N, C] of [
    [3, 300],
    [4, 37],
  ]) {
    it(`rmsnorm forward/backward, the residual forward and the accumulating backward (N=${N}, C=${C})`, async () => {
      const eps = 1e-6;
      const inp = randn(1, N * C, 3);
      inp.fill(0, C, 2 * C); // a zero row: rstd = 1e3
      const [res, weight, dout, dinp0] = [randn(2, N * C), randn(3, C), randn(4, N * C), randn(5, N * C)];
      const t = {
        inp: rt.upload(inp, [N, C]),
        sum: rt.upload(inp, [N, C]),
        res: rt.upload(res, [N, C]),
        weight: rt.upload(weight, [C]),
        out: rt.empty([N, C]),
        out2: rt.empty([N, C]),
        rstd: rt.empty([N]),
        rstd2: rt.empty([N]),
        dout: rt.upload(dout, [N, C]),
        dinp: rt.empty([N, C]),
        dinp2: rt.upload(dinp0, [N, C]),
      };
      await expectVariant(rt, ['rmsnorm_forward', 'rmsnorm_residual_forward', 'rmsnorm_backward'], async () => {
        rt.beginStep();
        norm.rmsnormForward(rt, t.out, t.rstd, t.inp, t.weight, eps, 1);
        norm.rmsnormBackward(rt, t.dinp, null, t.dout, t.inp, t.weight, t.rstd, 1);
        norm.rmsnormResidualForward(rt, t.out2, t.rstd2, t.sum, t.res, t.weight, eps);
        norm.rmsnormBackward(rt, t.dinp2, null, t.dout, t.sum, t.weight, t.rstd2, 0, true);
        rt.submit();
      });
      const r = { out: new Float32Array(N * C), rstd: new Float32Array(N), dinp: new Float32Array(N * C) };
      const r2 = { out: new Float32Array(N * C), rstd: new Float32Array(N), sum: inp.slice(), dinp: dinp0.slice() };
      refNorm.rmsnormForward(host(r.out, [N, C]), host(r.rstd), host(inp, [N, C]), host(weight), eps, 1);
      refNorm.rmsnormBackward(host(r.dinp, [N, C]), null, host(dout, [N, C]), host(inp, [N, C]), host(weight), host(r.rstd), 1);
      refNorm.rmsnormResidualForward(host(r2.out, [N, C]), host(r2.rstd), host(r2.sum, [N, C]), host(res, [N, C]), host(weight), eps);
      refNorm.rmsnormBackward(host(r2.dinp, [N, C]), null, host(dout, [N, C]), host(r2.sum, [N, C]), host(weight), host(r2.rstd), 0, true);
      expect(compare('rmsnorm out', await rt.read(t.out), r.out)).toBeLessThan(1e-4);
      expect(compareRel('rmsnorm rstd', await rt.read(t.rstd), r.rstd)).toBeLessThan(1e-6);
      expect(compareRel('rmsnorm dinp', await rt.read(t.dinp), r.dinp)).toBeLessThan(1e-6);
      expect(compare('residual rmsnorm out', await rt.read(t.out2), r2.out)).toBeLessThan(1e-4);
      expect(compareRel('residual rmsnorm rstd', await rt.read(t.rstd2), r2.rstd)).toBeLessThan(1e-6);
      expect(compareRel('accumulated dinp', await rt.read(t.dinp2), r2.dinp)).toBeLessThan(1e-5);
      for (const x of Object.values(t)) rt.release(x);
    });
  }

  it('cross-entropy forward, mean, backward and log-probabilities (N=4, V=1000: +-80 logits, -inf entries, masked rows)', async () => {
    const [N, V] = [4, 1000];
    const logits = randn(6, N * V, 2);
    for (let c = 0; c < V; c++) logits[V + c] = c % 2 ? -80 : 80 - c / V; // row 1: +-80
    for (let c = 0; c < V; c++) if (c % 97) logits[2 * V + c] = -Infinity; // row 2: all but 11 entries masked out
    const targets = Uint32Array.from([5, 998, 97, 0]);
    const mask = Float32Array.from([1, 1, 1, 0]);
    const t = {
      logits: rt.upload(logits, [N, V]),
      targets: rt.upload(targets, [N]),
      mask: rt.upload(mask, [N]),
      losses: rt.empty([N]),
      loss: rt.empty([2]),
      lse: rt.empty([N]),
      dlogits: rt.empty([N, V]),
      logprobs: rt.empty([N]),
    };
    await expectVariant(rt, ['cross_entropy_forward', 'cross_entropy_mean', 'cross_entropy_logprobs'], async () => {
      rt.beginStep();
      ce.crossEntropyForward(rt, t.losses, t.loss, t.lse, t.logits, t.targets, t.mask, N, V);
      ce.crossEntropyBackward(rt, t.dlogits, t.logits, t.lse, t.targets, t.mask, t.loss, N, V, 0.5);
      ce.crossEntropyLogprobs(rt, t.logprobs, t.logits, t.targets, N, V);
      rt.submit();
    });
    const r = {
      losses: new Float64Array(N),
      loss: new Float64Array(2),
      lse: new Float64Array(N),
      dlogits: new Float64Array(N * V),
      logprobs: new Float64Array(N),
    };
    refCe.crossEntropyForward(host(r.losses), host(r.loss), host(r.lse), host(logits), host(targets), host(mask), N, V);
    refCe.crossEntropyBackward(host(r.dlogits), host(logits), host(r.lse), host(targets), host(mask), host(r.loss), N, V, 0.5);
    refCe.crossEntropyLogprobs(host(r.logprobs), host(logits), host(targets), N, V);
    const tol = 2e-6 + 80 * 4e-7; // f32 rounding of lse ~ 80
    expect(compare('cross-entropy lse', await rt.read(t.lse), r.lse)).toBeLessThan(tol);
    expect(compare('cross-entropy losses', await rt.read(t.losses), r.losses)).toBeLessThan(tol);
    expect(compare('cross-entropy loss', await rt.read(t.loss), r.loss)).toBeLessThan(tol);
    expect(compare('cross-entropy dlogits', await rt.read(t.dlogits), r.dlogits)).toBeLessThan(1e-6);
    expect(compare('cross-entropy logprobs', await rt.read(t.logprobs), r.logprobs)).toBeLessThan(tol);
    for (const x of Object.values(t)) rt.release(x);
  });

  it('cross-entropy mean over N=300 rows (more rows than invocations)', async () => {
    const N = 300;
    const losses = randn(7, N).map(Math.abs);
    const mask = Float32Array.from({ length: N }, (_, n) => (n % 7 ? 1 : 0));
    const t = { losses: rt.upload(losses, [N]), mask: rt.upload(mask, [N]), loss: rt.empty([2]) };
    await expectVariant(rt, ['cross_entropy_mean'], async () => ce.crossEntropyMean(rt, t.loss, t.losses, t.mask, N));
    let sum = 0;
    for (const x of losses) sum += x;
    const count = mask.reduce((a, b) => a + b, 0);
    expect(compare('cross-entropy mean', await rt.read(t.loss), [sum / count, count])).toBeLessThan(1e-5);
    for (const x of Object.values(t)) rt.release(x);
  });

  for (const P of [1283, 300_001]) {
    it(`grad-clip norm and scale (P=${P}: ${Math.min(1024, Math.ceil(P / 256))} partial sums)`, async () => {
      const grads = randn(8, P, 0.1);
      const t = { grads: rt.upload(grads, [P]), norm: rt.empty([1]) };
      await expectVariant(rt, ['grad_clip_partial', 'grad_clip_final'], async () => clip.gradClip(rt, t.grads, t.norm, 1));
      const r = { grads: Float64Array.from(grads), norm: new Float64Array(1) };
      refClip.gradClip(host(r.grads), host(r.norm), 1);
      expect(compareRel('grad-clip norm', await rt.read(t.norm), r.norm)).toBeLessThan(1e-5);
      expect(compare('grad-clip grads', await rt.read(t.grads), r.grads)).toBeLessThan(1e-6);
      for (const x of Object.values(t)) rt.release(x);
    });
  }

  it('attention forward/backward (no reductions) and decode (max and sum per 64-key chunk), T=70', async () => {
    const [B, T, NH, NKV, HS, Tq] = [1, 70, 2, 1, 16, 2];
    const [nq, nk] = [B * T * NH * HS, B * T * NKV * HS];
    const [q, k, v, dout] = [randn(9, nq), randn(10, nk), randn(11, nk), randn(12, nq)];
    const opts = { window: 50 };
    const t = {
      q: rt.upload(q, [B, T, NH * HS]),
      k: rt.upload(k, [B, T, NKV * HS]),
      v: rt.upload(v, [B, T, NKV * HS]),
      dout: rt.upload(dout, [B, T, NH * HS]),
      out: rt.empty([B, T, NH * HS]),
      lse: rt.empty([B, NH, T]),
      dq: rt.empty([B, T, NH * HS]),
      dk: rt.empty([B, T, NKV * HS]),
      dv: rt.empty([B, T, NKV * HS]),
      delta: rt.empty([B, NH, T]),
      qd: rt.upload(q.subarray(0, B * Tq * NH * HS), [B, Tq, NH * HS]),
      outd: rt.empty([B, Tq, NH * HS]),
    };
    await expectVariant(rt, ['attention_decode'], async () => {
      rt.beginStep();
      attention.attentionForward(rt, t.out, t.lse, t.q, t.k, t.v, B, T, NH, NKV, HS, opts);
      attention.attentionBackward(rt, t.dq, t.dk, t.dv, t.delta, t.dout, t.out, t.lse, t.q, t.k, t.v, B, T, NH, NKV, HS, opts);
      attention.attentionDecode(rt, t.outd, t.qd, t.k, t.v, B, Tq, NH, NKV, HS, T - Tq, T); // 69 and 70 keys: two chunks
      rt.submit();
    });
    const r = { out: new Float64Array(nq), lse: new Float64Array(B * NH * T), dq: new Float64Array(nq), dk: new Float64Array(nk), dv: new Float64Array(nk) };
    const refOpts = { lens: null, window: opts.window };
    refAttention.attentionForward(host(r.out), host(r.lse), host(q), host(k), host(v), B, T, NH, NKV, HS, refOpts);
    const [out32, lse32] = [Float32Array.from(r.out), Float32Array.from(r.lse)];
    const delta = new Float64Array(B * NH * T);
    refAttention.attentionBackward(
      host(r.dq),
      host(r.dk),
      host(r.dv),
      host(delta),
      host(dout),
      host(out32),
      host(lse32),
      host(q),
      host(k),
      host(v),
      B,
      T,
      NH,
      NKV,
      HS,
      refOpts,
    );
    const outd = new Float64Array(B * Tq * NH * HS);
    refAttention.attentionDecode(host(outd), host(q.slice(0, outd.length)), host(k), host(v), B, Tq, NH, NKV, HS, T - Tq, T);
    for (const [n, d] of [
      ['out', compare('attention out', await rt.read(t.out), r.out)],
      ['lse', compare('attention lse', await rt.read(t.lse), r.lse)],
      ['dq', compare('attention dq', await rt.read(t.dq), r.dq)],
      ['dk', compare('attention dk', await rt.read(t.dk), r.dk)],
      ['dv', compare('attention dv', await rt.read(t.dv), r.dv)],
      ['decode', compare('attention decode', await rt.read(t.outd), outd)],
    ] as const) {
      expect(d, n).toBeLessThan(2e-5);
    }
    for (const x of Object.values(t)) rt.release(x);
  });
});
