import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { benchAnalysis } from '../../../bench/analysis.ts';

describe('benchAnalysis (1 MB)', () => {
  it('generates, loads and analyses, reports rates and memory, and removes its files', async () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('mindprint-bench-')).length;
    const r = await benchAnalysis({ megabytes: 1 });
    expect(r.megabytes).toBeGreaterThanOrEqual(1);
    expect(r.megabytes).toBeLessThan(1.2);
    expect(r.sftRecords).toBe(r.sftLines);
    expect(r.pairs).toBe(r.preferenceLines);
    expect(r.lineErrors).toBe(0);
    expect(r.unassignedPairs as number).toBeGreaterThan(0);
    expect(r.unassignedPairs as number).toBeLessThan((r.pairs as number) * 0.2); // most prompts match an SFT instruction
    for (const k of ['loadMBps', 'analyzeMBps', 'totalMBps', 'peakRssMB', 'peakHeapUsedMB']) expect(r[k] as number).toBeGreaterThan(0);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('mindprint-bench-')).length).toBe(before);
  });
});
