// Early stopping at its boundaries: an improvement of exactly minDelta, patience running out, state round trip.
import { describe, expect, it } from 'vitest';
import { EarlyStopping } from '../../../src/training/early-stopping.ts';

describe('EarlyStopping', () => {
  it('the first finite loss improves', () => {
    const es = new EarlyStopping();
    expect(es.update(2.5)).toEqual({ improved: true, stop: false, best: 2.5, bad: 0 });
  });

  it('an improvement of exactly minDelta does not count; a bit more does', () => {
    // Binary-exact values so the boundary is exact: 1 − 0.75 = 0.25 = minDelta.
    const es = new EarlyStopping(3, 0.25);
    es.update(1);
    expect(es.update(0.75)).toEqual({ improved: false, stop: false, best: 1, bad: 1 });
    expect(es.update(0.7499)).toEqual({ improved: true, stop: false, best: 0.7499, bad: 0 });
  });

  it('stops when patience is exhausted, not before', () => {
    const es = new EarlyStopping(3, 0.01);
    es.update(1.0);
    expect(es.update(0.995)).toMatchObject({ improved: false, stop: false, bad: 1 }); // < minDelta better
    expect(es.update(1.2)).toMatchObject({ improved: false, stop: false, bad: 2 });
    expect(es.update(1.0)).toMatchObject({ improved: false, stop: true, bad: 3, best: 1.0 });
    expect(es.shouldStop).toBe(true);
    expect(es.bestUpdate).toBe(0);
  });

  it('an improvement resets the count', () => {
    const es = new EarlyStopping(2, 0);
    es.update(1);
    es.update(1); // equal: not better by more than 0
    expect(es.update(0.9)).toMatchObject({ improved: true, bad: 0 });
    expect(es.update(0.95)).toMatchObject({ stop: false, bad: 1 });
    expect(es.update(0.9)).toMatchObject({ stop: true, bad: 2 });
    expect(es.bestUpdate).toBe(2);
  });

  it('NaN and Inf never improve', () => {
    const es = new EarlyStopping(1);
    expect(es.update(Number.NaN)).toEqual({ improved: false, stop: true, best: null, bad: 1 });
    const es2 = new EarlyStopping(2);
    es2.update(1);
    expect(es2.update(-Infinity)).toMatchObject({ improved: false, best: 1 });
  });

  it('round-trips its state through JSON and continues identically', () => {
    const a = new EarlyStopping(3, 0.05);
    a.update(1);
    a.update(0.99);
    const b = EarlyStopping.fromJSON(JSON.parse(JSON.stringify(a)));
    for (const loss of [0.98, 0.97]) expect(b.update(loss)).toEqual(a.update(loss));
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(EarlyStopping.fromJSON(JSON.parse(JSON.stringify(new EarlyStopping()))).best).toBeNull();
  });

  it('validates settings and state', () => {
    expect(() => new EarlyStopping(0)).toThrow(/patience: expected an integer >= 1, got 0/);
    expect(() => new EarlyStopping(3, -1)).toThrow(/minDelta/);
    expect(() => EarlyStopping.fromJSON({ patience: 3, minDelta: 0.01, best: 1, bad: -2, updates: 1, bestUpdate: 0 }, 'ckpt.earlyStopping')).toThrow(
      /ckpt.earlyStopping: bad: expected an integer >= 0, got -2/,
    );
  });
});
