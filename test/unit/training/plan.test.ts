// planCurriculum: topics in curriculum order, each chapter's test after its last topic, each unit's exam
// and merge after the unit, the final assessment at the end (not in a filtered run), unknown topics named.
import { describe, expect, it } from 'vitest';
import type { TopicConfig } from '../../../src/analysis/adaptive.ts';
import type { Dataset, EvalSet } from '../../../src/data/types.ts';
import { planCurriculum, type PlanStep } from '../../../src/training/plan.ts';

const set = (level: EvalSet['level'], scopeId: string): EvalSet => ({ level, scopeId, title: `${level} ${scopeId}`, questions: [] }) as unknown as EvalSet;
const topic = (id: string) => ({ id }) as TopicConfig;
const ds = (evalSets: EvalSet[]) => ({ sft: [], preference: [], distinctions: [], evalSets }) as unknown as Dataset;

/** A step as a short string: "t:id", "exam:level:scope", "merge:unit". */
function show(steps: PlanStep[]): string[] {
  return steps.map((s) => (s.kind === 'topic' ? `t:${s.topicId}` : s.kind === 'exam' ? `exam:${s.set.level}:${s.set.scopeId}` : `merge:${s.unit}`));
}

const IDS = [
  'unit-01/chapter-01/topic-01',
  'unit-01/chapter-01/topic-02',
  'unit-01/chapter-01',
  'unit-01/chapter-02/topic-01',
  'unit-01',
  'unit-02/chapter-01/topic-01',
];
const SETS = [
  set('chapter', 'unit-01/chapter-01'),
  set('chapter', 'unit-01/chapter-02'),
  set('unit', 'unit-01'),
  set('unit', 'unit-02'),
  set('final', ''),
  set('topic', 'unit-01/chapter-01/topic-01'),
];

describe('planCurriculum', () => {
  it('puts each chapter test after the chapter (its own material included), each unit exam and merge after the unit, the final last', () => {
    expect(show(planCurriculum(ds(SETS), IDS.map(topic)))).toEqual([
      't:unit-01/chapter-01/topic-01',
      't:unit-01/chapter-01/topic-02',
      't:unit-01/chapter-01',
      'exam:chapter:unit-01/chapter-01',
      't:unit-01/chapter-02/topic-01',
      'exam:chapter:unit-01/chapter-02',
      't:unit-01',
      'exam:unit:unit-01',
      'merge:unit-01',
      't:unit-02/chapter-01/topic-01',
      'exam:unit:unit-02',
      'merge:unit-02',
      'exam:final:',
    ]);
  });

  it('numbers the topics of the run (index of total), not the plan steps', () => {
    const topics = planCurriculum(ds(SETS), IDS.map(topic)).filter((s) => s.kind === 'topic');
    expect(topics.map((s) => s.kind === 'topic' && `${s.index}/${s.total}`)).toEqual(['0/6', '1/6', '2/6', '3/6', '4/6', '5/6']);
  });

  it('a filtered run: only those topics, their chapter and unit steps after the last of them, no final assessment', () => {
    const steps = planCurriculum(ds(SETS), IDS.map(topic), ['unit-01/chapter-01/topic-02', 'unit-02/chapter-01/topic-01']);
    expect(show(steps)).toEqual([
      't:unit-01/chapter-01/topic-02',
      'exam:chapter:unit-01/chapter-01',
      'exam:unit:unit-01',
      'merge:unit-01',
      't:unit-02/chapter-01/topic-01',
      'exam:unit:unit-02',
      'merge:unit-02',
    ]);
    expect(steps[0]).toMatchObject({ index: 0, total: 2 });
  });

  it('flat sources (transcripts): each is its own unit with a merge, no chapter tests', () => {
    expect(show(planCurriculum(ds([set('final', '')]), [topic('episode-2019-02-19'), topic('episode-2019-03-05')]))).toEqual([
      't:episode-2019-02-19',
      'merge:episode-2019-02-19',
      't:episode-2019-03-05',
      'merge:episode-2019-03-05',
      'exam:final:',
    ]);
  });

  it('names unknown topics of a filter, with the known ones', () => {
    expect(() => planCurriculum(ds([]), IDS.slice(0, 2).map(topic), ['unit-09'])).toThrow(
      'unknown topic(s): unit-09 (known: unit-01/chapter-01/topic-01, unit-01/chapter-01/topic-02)',
    );
  });

  it('an empty curriculum plans nothing but its final assessment', () => {
    expect(show(planCurriculum(ds([set('final', '')]), []))).toEqual(['exam:final:']);
  });
});
