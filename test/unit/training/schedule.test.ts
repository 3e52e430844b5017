// LR schedules at their boundaries, checked against transformers' formulas.
import { describe, expect, it } from 'vitest';
import { constantWithWarmup, cosineWithWarmup, linearWarmup, lrAt, makeSchedule, trainerSchedule, warmupSteps } from '../../../src/training/schedule.ts';

describe('warmupSteps', () => {
  it('is ceil(ratio · total) without float noise', () => {
    expect(warmupSteps(30, 0.1)).toBe(3); // 0.1 * 30 = 3.0000000000000004 in floats
    expect(warmupSteps(25, 0.1)).toBe(3);
    expect(warmupSteps(100, 0)).toBe(0);
    expect(warmupSteps(7, 1)).toBe(7);
  });
});

describe('cosineWithWarmup', () => {
  const [total, ratio, lr] = [100, 0.1, 1e-4];
  it('starts at 0, rises linearly, peaks at the end of warmup', () => {
    expect(cosineWithWarmup(0, total, ratio, lr)).toBe(0);
    expect(cosineWithWarmup(5, total, ratio, lr)).toBeCloseTo(lr / 2, 15);
    expect(cosineWithWarmup(9, total, ratio, lr)).toBeCloseTo(0.9 * lr, 15);
    expect(cosineWithWarmup(10, total, ratio, lr)).toBe(lr);
  });
  it('is half way down at the middle of the decay and near minLr at the last step', () => {
    expect(cosineWithWarmup(55, total, ratio, lr)).toBeCloseTo(lr / 2, 15);
    // Last step (99): progress 89/90 → 0.5·(1 + cos(π·89/90)).
    expect(cosineWithWarmup(99, total, ratio, lr)).toBeCloseTo(lr * 0.5 * (1 + Math.cos((Math.PI * 89) / 90)), 18);
    expect(cosineWithWarmup(100, total, ratio, lr)).toBeCloseTo(0, 18);
    expect(cosineWithWarmup(120, total, ratio, lr)).toBeCloseTo(0, 18);
  });
  it('decays to minLr', () => {
    expect(cosineWithWarmup(10, total, ratio, lr, 1e-5)).toBe(lr);
    expect(cosineWithWarmup(55, total, ratio, lr, 1e-5)).toBeCloseTo(5.5e-5, 15);
    expect(cosineWithWarmup(100, total, ratio, lr, 1e-5)).toBeCloseTo(1e-5, 15);
  });
  it('is monotone after warmup and validates its arguments', () => {
    for (let s = 11; s <= total; s++) expect(cosineWithWarmup(s, total, ratio, lr)).toBeLessThan(cosineWithWarmup(s - 1, total, ratio, lr));
    expect(() => cosineWithWarmup(-1, total, ratio, lr)).toThrow(/step: expected an integer >= 0, got -1/);
    expect(() => cosineWithWarmup(0, 0, ratio, lr)).toThrow(/totalSteps: expected a positive integer, got 0/);
    expect(() => cosineWithWarmup(0, total, 1.5, lr)).toThrow(/warmupRatio/);
    expect(() => cosineWithWarmup(0, total, ratio, lr, 2 * lr)).toThrow(/minLr/);
  });
  it('without warmup starts at baseLr; a single step is baseLr', () => {
    expect(cosineWithWarmup(0, 10, 0, lr)).toBe(lr);
    expect(cosineWithWarmup(0, 1, 0, lr)).toBe(lr);
  });
});

describe('linearWarmup and constantWithWarmup', () => {
  it('linear: warmup, then a straight line to minLr at totalSteps', () => {
    expect(linearWarmup(0, 20, 0.25, 1)).toBe(0);
    expect(linearWarmup(5, 20, 0.25, 1)).toBe(1);
    expect(linearWarmup(19, 20, 0.25, 1)).toBeCloseTo(1 / 15, 15);
    expect(linearWarmup(20, 20, 0.25, 1)).toBe(0);
    expect(linearWarmup(20, 20, 0.25, 1, 0.5)).toBe(0.5);
    expect(linearWarmup(12, 20, 0.25, 1, 0.5)).toBeCloseTo(0.5 + 0.5 * (8 / 15), 15);
  });
  it('constant: warmup, then baseLr to the end', () => {
    expect(constantWithWarmup(0, 20, 0.1, 3)).toBe(0);
    expect(constantWithWarmup(1, 20, 0.1, 3)).toBe(1.5);
    expect(constantWithWarmup(2, 20, 0.1, 3)).toBe(3);
    expect(constantWithWarmup(19, 20, 0.1, 3)).toBe(3);
  });
  it('lrAt and makeSchedule dispatch on the config name', () => {
    expect(lrAt('cosine', 55, 100, 0.1, 1)).toBeCloseTo(0.5, 15);
    expect(lrAt('linear', 55, 100, 0.1, 1)).toBeCloseTo(0.5, 15);
    expect(lrAt('constant', 55, 100, 0.1, 1)).toBe(1);
    const f = makeSchedule('cosine', 100, 0.1, 2);
    expect(f(10)).toBe(2);
    expect(() => lrAt('step' as never, 0, 10, 0, 1)).toThrow(/unknown scheduler 'step'/);
    expect(() => makeSchedule('cosine', 0, 0.1, 1)).toThrow(/totalSteps/);
  });
});

describe('trainerSchedule', () => {
  it('is the config-named schedule at 0-based steps, warmup ceil(ratio · total) as transformers', () => {
    const lr = trainerSchedule({ kind: 'cosine', warmupRatio: 0.1 }, 12, 1); // ceil(1.2) = 2 warmup steps
    expect([lr(0), lr(1), lr(2)]).toEqual([0, 0.5, 1]);
    expect(lr(7)).toBeCloseTo(0.5, 15);
    expect(trainerSchedule({ kind: 'constant' }, 12, 3)(11)).toBe(3);
    expect(trainerSchedule({}, 100, 2)(55)).toBeCloseTo(1, 15); // defaults: cosine, warmup 0.1
  });
  it('ahead (SFT): step s runs at step s + 1, so the first step trains and the last reaches the floor', () => {
    const lr = trainerSchedule({ warmupRatio: 0.1, minLrRatio: 0.1, ahead: true }, 12, 1);
    expect([lr(0), lr(1)]).toEqual([0.5, 1]); // 2 warmup steps: 1/2, then the peak, exactly
    expect(lr(11)).toBeCloseTo(0.1, 15);
    for (let s = 2; s < 12; s++) expect(lr(s)).toBeLessThan(lr(s - 1));
  });
  it('ahead without warmup starts at the peak and decays to the floor over the run', () => {
    const lr = trainerSchedule({ warmupRatio: 0, minLrRatio: 0.1, ahead: true }, 12, 2);
    expect(lr(0)).toBe(2);
    expect(lr(11)).toBeCloseTo(0.2, 15);
    expect(lr(6)).toBeCloseTo(0.2 + 0.9 * (1 + Math.cos((Math.PI * 6) / 11)), 15);
    expect(trainerSchedule({ warmupRatio: 0, ahead: true }, 1, 2)(0)).toBe(2); // a single step trains at the peak
  });
  it('validates up front, naming the bad value', () => {
    expect(() => trainerSchedule({ warmupRatio: 1.5 }, 10, 1)).toThrow(/warmupRatio: expected a number in \[0, 1\], got 1.5/);
    expect(() => trainerSchedule({ minLrRatio: 2 }, 10, 1)).toThrow(/minLr/);
  });
});
