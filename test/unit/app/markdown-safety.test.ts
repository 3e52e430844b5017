// User text in the markdown reports renders as text: no HTML, no link, no broken table.
import { describe, expect, it } from 'vitest';
import { mdCode, mdText } from '../../../src/util/markdown.ts';
import { renderRunReport } from '../../../src/training/run-report.ts';
import type { RunState } from '../../../src/training/pipeline.ts';

const EVIL = '<img src=x onerror=alert(1)> | [click](http://evil.example) `x`\nnext';

describe('mdText and mdCode', () => {
  it('turns HTML, links, emphasis and cell breaks into plain text', () => {
    const s = mdText(EVIL);
    expect(s).not.toMatch(/<img/);
    expect(s).toContain('&lt;img');
    expect(s).not.toMatch(/(^|[^\\])\|/); // every pipe escaped
    expect(s).toContain('\\[click\\](http://evil.example)');
    expect(s).not.toContain('\n');
    expect(mdText('unit-01/chapter-01/topic-03')).toBe('unit-01/chapter-01/topic-03');
  });

  it('fences a code span past the backticks inside it', () => {
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`x`')).toBe('`` `x` ``');
    expect(mdCode('plain')).toBe('`plain`');
  });
});

describe('run report', () => {
  it('keeps an exam title and topic id from the user as text inside their table rows', () => {
    const state = {
      version: 2,
      seed: 1,
      modelName: 'tiny',
      alignment: 'ppo',
      phases: ['sft', 'eval'],
      cursor: 0,
      attemptPhase: null,
      topics: [
        {
          id: 'u1|<b>x</b>',
          unit: 'u1',
          trainable: true,
          threshold: 0.8,
          attempts: [],
          phasesRun: ['sft'],
          score: 0.5,
          passed: false,
          finalAdapter: null,
          truncatedExamples: 0,
          merged: false,
        },
      ],
      exams: [{ level: 'unit', scopeId: 'u1', title: EVIL, accuracy: 0.5, meanVoice: null, passed: false, bars: null, questions: 2 }],
      folded: [],
      unitParts: {},
      merged: [],
      metrics: [],
      progress: null,
      finished: true,
    } as unknown as RunState;
    const md = renderRunReport(state, { name: 'lexical', reason: '' });
    expect(md).not.toMatch(/<img|<b>/);
    expect(mdText('density 0.0 < 33.3 & more')).toBe('density 0.0 < 33.3 & more');
    const examRow = md.split('\n').find((l) => l.includes('&lt;img'))!;
    // 7 unescaped cell separators: the row still has its 6 columns.
    expect(examRow.match(/(?<!\\)\|/g)).toHaveLength(7);
    const topicRow = md.split('\n').find((l) => l.includes('&lt;b>'))!;
    expect(topicRow.match(/(?<!\\)\|/g)).toHaveLength(8);
  });
});
