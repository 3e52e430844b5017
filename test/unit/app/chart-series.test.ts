// Chart building: one series per (topic, attempt) so retries are separate lines, references as one
// continuous series, and axis ticks whose labels are all distinct.
import { describe, expect, it } from 'vitest';
import { axisValues, niceTicks, segmentedChart, type SeriesDef } from '../../../src/app/chart-series.ts';

const LOSS: SeriesDef[] = [{ key: 'loss', label: 'loss', color: '#000' }];
const rec = (topicId: string, attempt: number, loss: number) => ({ topicId, attempt, loss });
const build = (records: ReturnType<typeof rec>[], defs = LOSS) =>
  segmentedChart(
    records,
    defs,
    (m) => `a${m.attempt}`,
    (m) => ({ loss: m.loss, threshold: 0.8 }),
  );

describe('segmentedChart', () => {
  it('splits a retry into its own series, never joined to the attempt before it', () => {
    const d = build([rec('t1', 0, 3), rec('t1', 0, 2), rec('t1', 1, 2.5), rec('t1', 1, 1.5)]);
    expect(d.lines.map((l) => [l.dataKey, l.attempt])).toEqual([
      ['loss#0', 0],
      ['loss#1', 1],
    ]);
    expect(d.attempts).toEqual([0, 1]);
    // Each point has a value only under its own segment: a line through loss#0 stops at point 2.
    expect(d.points.map((p) => [p.x, p['loss#0'], p['loss#1']])).toEqual([
      [1, 3, undefined],
      [2, 2, undefined],
      [3, undefined, 2.5],
      [4, undefined, 1.5],
    ]);
  });

  it('starts a new segment per topic too, and keeps a reference series continuous', () => {
    const defs: SeriesDef[] = [...LOSS, { key: 'threshold', label: 'pass threshold', color: '#888', reference: true }];
    const d = build([rec('t1', 0, 1), rec('t2', 0, 2), rec('t2', 1, 3)], defs);
    expect(d.lines.map((l) => l.dataKey)).toEqual(['threshold', 'loss#0', 'loss#1', 'loss#2']);
    expect(d.points.map((p) => p.threshold)).toEqual([0.8, 0.8, 0.8]);
    expect(d.points.map((p) => p.topic)).toEqual(['t1', 't2', 't2']);
    expect(axisValues(d, 'left').sort()).toEqual([0.8, 0.8, 0.8, 1, 2, 3]);
  });

  it('has no lines for no records', () => {
    expect(build([])).toEqual({ points: [], lines: [], attempts: [] });
  });
});

describe('niceTicks', () => {
  const distinct = (values: number[]) => {
    const t = niceTicks(values)!;
    const labels = t.ticks.map(t.format);
    expect(new Set(labels).size, labels.join(', ')).toBe(labels.length);
    expect(t.domain[0]).toBeLessThanOrEqual(Math.min(...values));
    expect(t.domain[1]).toBeGreaterThanOrEqual(Math.max(...values));
    return labels;
  };

  it('labels close losses distinctly (13.28 vs 13.24 once repeated as "13.3")', () => {
    expect(distinct([13.281, 13.276, 13.243])).toEqual(['13.24', '13.25', '13.26', '13.27', '13.28', '13.29']);
  });

  it('covers wide, tiny, negative and constant ranges with distinct labels', () => {
    distinct([0, 1234.5]);
    distinct([0.00012, 0.00019]);
    distinct([-0.5, 0.25]);
    expect(distinct([2, 2])).toEqual(['1.9', '2.0', '2.1']);
    distinct([0, 0]);
  });

  it('returns null when there is nothing finite to show', () => {
    expect(niceTicks([])).toBeNull();
    expect(niceTicks([Number.NaN])).toBeNull();
  });
});
