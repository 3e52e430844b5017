// The shared optimizer step on the CPU twin: zeroing, global clipping over one or several groups,
// skipping non-finite steps without touching parameters or moments, and per-group learning rates.
import { describe, expect, it } from 'vitest';
import { cpuBackend, type CpuTensor } from '../../../src/engine/backend.ts';
import { adamwUpdate } from '../../../src/engine/ref/adamw.ts';
import { refTensor as t } from '../../../src/engine/ref/tensor.ts';
import { Optimizer, type ParamGroup } from '../../../src/training/step.ts';

const be = cpuBackend();

function group(params: number[]): ParamGroup<CpuTensor> {
  const P = params.length;
  return { params: be.upload(Float32Array.from(params), [P]), grads: be.zeros([P]), m: be.zeros([P]), v: be.zeros([P]) };
}

/** A closure whose backward writes fixed gradients into the groups (after the optimizer zeroed them). */
function pass(groups: ParamGroup<CpuTensor>[], grads: number[][], loss = 1) {
  return () => ({ loss, backward: () => groups.forEach((g, i) => be.write(g.grads, Float32Array.from(grads[i]))) });
}

/** AdamW by hand on host arrays, after scaling the gradients by f. */
function expected(params: number[], grads: number[], f: number, lr: number): Float32Array {
  const p = Float32Array.from(params),
    g = Float32Array.from(grads, (x) => x * f);
  adamwUpdate(t(p), t(g), t(new Float32Array(p.length)), t(new Float32Array(p.length)), { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 });
  return p;
}

describe('Optimizer (CPU twin)', () => {
  it('one group: clips on the device to maxGradNorm and applies AdamW at the given LR', async () => {
    const g = group([1, -2, 3]);
    const opt = new Optimizer(be, [g], { maxGradNorm: 1 });
    const r = await opt.step(pass([g], [[3, 4, 0]]), { t: 1, lr: 0.1 });
    expect(r).toEqual({ loss: 1, gradNorm: 5, skipped: false });
    const want = expected([1, -2, 3], [3, 4, 0], 1 / (5 + 1e-6), 0.1);
    Array.from(await be.read(g.params)).forEach((x, i) => expect(x).toBeCloseTo(want[i], 6));
  });

  it('several groups: one global norm, every group scaled by the same factor, an LR per group', async () => {
    const a = group([1, 2]),
      b = group([0.5, -0.5, 0.25]);
    const opt = new Optimizer(be, [a, b], { maxGradNorm: 2 });
    const r = await opt.step(
      pass(
        [a, b],
        [
          [3, 0],
          [0, 4, 0],
        ],
      ),
      { t: 1, lr: [0.1, 0.3] },
    );
    expect(r.gradNorm).toBeCloseTo(5, 6);
    const f = 2 / (5 + 1e-6);
    const wantA = expected([1, 2], [3, 0], f, 0.1),
      wantB = expected([0.5, -0.5, 0.25], [0, 4, 0], f, 0.3);
    Array.from(await be.read(a.params)).forEach((x, i) => expect(x).toBeCloseTo(wantA[i], 6));
    Array.from(await be.read(b.params)).forEach((x, i) => expect(x).toBeCloseTo(wantB[i], 6));
    // The clipped gradients are what AdamW saw: both scaled by f.
    expect((await be.read(a.grads))[0]).toBeCloseTo(3 * f, 6);
    expect((await be.read(b.grads))[1]).toBeCloseTo(4 * f, 6);
  });

  it('zeroes the gradients before the closure runs', async () => {
    const g = group([1, 1]);
    be.write(g.grads, Float32Array.from([7, 7]));
    const opt = new Optimizer(be, [g], { maxGradNorm: 0 });
    let seen: number[] = [];
    await opt.step(
      async () => {
        seen = Array.from(await be.read(g.grads));
        return { loss: 0, backward: () => be.write(g.grads, Float32Array.from([0, 1])) };
      },
      { t: 1, lr: 0.01 },
    );
    expect(seen).toEqual([0, 0]);
  });

  it('skips and counts a non-finite host loss without running the backward', async () => {
    const g = group([1, 2]);
    const opt = new Optimizer(be, [g]);
    let backwardRan = false;
    const r = await opt.step(() => ({ loss: NaN, backward: () => void (backwardRan = true) }), { t: 1, lr: 0.1 });
    expect(r.skipped).toBe(true);
    expect(r.gradNorm).toBeNaN();
    expect(backwardRan).toBe(false);
    expect(opt.skippedSteps).toBe(1);
    expect(Array.from(await be.read(g.params))).toEqual([1, 2]);
  });

  it('skips a non-finite gradient or device loss: parameters and moments untouched', async () => {
    const a = group([1, 2]),
      b = group([3]);
    const opt = new Optimizer(be, [a, b]);
    const r1 = await opt.step(pass([a, b], [[1, Infinity], [1]]), { t: 1, lr: 0.1 });
    const lossT = be.upload(Float32Array.from([NaN]), [1]);
    const r2 = await opt.step(() => ({ loss: lossT }), { t: 2, lr: 0.1 });
    expect([r1.skipped, r2.skipped, opt.skippedSteps]).toEqual([true, true, 2]);
    expect(r2.loss).toBeNaN();
    expect(Array.from(await be.read(a.params))).toEqual([1, 2]);
    expect(Array.from(await be.read(a.m))).toEqual([0, 0]);
    expect(Array.from(await be.read(b.v))).toEqual([0]);
  });

  it('refuses a learning-rate list of the wrong length', async () => {
    const a = group([1]),
      b = group([2]);
    const opt = new Optimizer(be, [a, b]);
    await expect(opt.step(pass([a, b], [[1], [1]]), { t: 1, lr: [0.1] })).rejects.toThrow(/1 learning rates for 2 groups/);
  });

  it('stepRecorded: zeroes, records, clips and updates like step(), with the device loss', async () => {
    const g = group([1, -2, 3]);
    be.write(g.grads, Float32Array.from([9, 9, 9]));
    const opt = new Optimizer(be, [g], { maxGradNorm: 1 });
    const loss = be.upload(Float32Array.from([2.5]), [1]);
    let seen: number[] = [];
    const r = await opt.stepRecorded(
      () => {
        seen = Array.from(g.grads.data);
        be.write(g.grads, Float32Array.from([3, 4, 0]));
        return loss;
      },
      { t: 1, lr: 0.1 },
    );
    expect(seen).toEqual([0, 0, 0]);
    expect(r).toEqual({ loss: 2.5, gradNorm: 5, skipped: false });
    const want = expected([1, -2, 3], [3, 4, 0], 1 / (5 + 1e-6), 0.1);
    Array.from(await be.read(g.params)).forEach((x, i) => expect(x).toBeCloseTo(want[i], 6));
  });

  it('stepRecorded: a non-finite device loss skips the update; several groups share one clip factor', async () => {
    const g = group([1, 2]);
    const opt = new Optimizer(be, [g]);
    const r = await opt.stepRecorded(
      () => {
        be.write(g.grads, Float32Array.from([1, 1]));
        return be.upload(Float32Array.from([NaN]), [1]);
      },
      { t: 1, lr: 0.1 },
    );
    expect([r.skipped, opt.skippedSteps]).toEqual([true, 1]);
    expect(Array.from(await be.read(g.params))).toEqual([1, 2]);

    const a = group([1, 2]),
      b = group([0.5]);
    const two = new Optimizer(be, [a, b], { maxGradNorm: 2 });
    const r2 = await two.stepRecorded(
      () => {
        be.write(a.grads, Float32Array.from([3, 0]));
        be.write(b.grads, Float32Array.from([4]));
        return be.upload(Float32Array.from([1]), [1]);
      },
      { t: 1, lr: 0.1 },
    );
    expect(r2.gradNorm).toBeCloseTo(5, 6);
    expect((await be.read(b.grads))[0]).toBeCloseTo((4 * 2) / (5 + 1e-6), 6);
  });

  it('stepRecorded: an exception while recording drops the open step and reaches the caller', async () => {
    const g = group([1]);
    const dropped: string[] = [];
    const spy = { ...be, abandonStep: () => void dropped.push('abandoned') };
    const opt = new Optimizer(spy, [g]);
    await expect(
      opt.stepRecorded(
        () => {
          throw new Error('shape mismatch in the forward');
        },
        { t: 1, lr: 0.1 },
      ),
    ).rejects.toThrow(/shape mismatch/);
    expect(dropped).toEqual(['abandoned']);
    expect(Array.from(await be.read(g.params))).toEqual([1]);
  });
});
