// Curriculum order and tree: natural numbers, topics before their chapter's material, chapters
// before their unit's material, `general` last.
import { describe, expect, it } from 'vitest';
import { curriculumTree, naturalCompare, orderTopics, topicFromId } from '../../../src/data/curriculum.ts';

describe('naturalCompare', () => {
  it('compares digit runs by value', () => {
    expect(['unit-10', 'unit-2', 'unit-1', 'unit-01b', 'unit-002'].sort(naturalCompare)).toEqual(['unit-1', 'unit-01b', 'unit-002', 'unit-2', 'unit-10']);
    expect(naturalCompare('unit-2', 'unit-10')).toBeLessThan(0);
    expect(naturalCompare('unit-10', 'unit-2')).toBeGreaterThan(0);
    expect(naturalCompare('a', 'a')).toBe(0);
    expect(naturalCompare('episode-2019-02-19', 'episode-2019-10-01')).toBeLessThan(0);
    expect(naturalCompare('x99999999999999999999', 'x100000000000000000000')).toBeLessThan(0);
  });

  it('is a total order (ties on leading zeros broken consistently)', () => {
    const a = naturalCompare('unit-01', 'unit-1');
    const b = naturalCompare('unit-1', 'unit-01');
    expect(a).not.toBe(0);
    expect(Math.sign(a)).toBe(-Math.sign(b));
  });
});

describe('topicFromId', () => {
  it('splits paths of 1-3 segments', () => {
    expect(topicFromId('unit-01/chapter-02/topic-03')).toEqual({
      id: 'unit-01/chapter-02/topic-03',
      unit: 'unit-01',
      chapter: 'unit-01/chapter-02',
      topic: 'unit-01/chapter-02/topic-03',
      depth: 3,
    });
    expect(topicFromId('unit-01/chapter-02')).toEqual({ id: 'unit-01/chapter-02', unit: 'unit-01', chapter: 'unit-01/chapter-02', topic: null, depth: 2 });
    expect(topicFromId('unit-01')).toEqual({ id: 'unit-01', unit: 'unit-01', chapter: null, topic: null, depth: 1 });
    expect(topicFromId('episode-2019-02-19')).toEqual({ id: 'episode-2019-02-19', unit: 'episode-2019-02-19', chapter: null, topic: null, depth: 1 });
    expect(topicFromId('general').depth).toBe(1);
  });
});

describe('orderTopics', () => {
  const shuffled = [
    'general',
    'unit-10',
    'unit-2/chapter-1',
    'unit-2',
    'unit-2/chapter-10/topic-1',
    'unit-2/chapter-2/topic-10',
    'unit-2/chapter-2',
    'unit-2/chapter-2/topic-2',
    'unit-10/chapter-1/topic-1',
    'unit-2/chapter-1/topic-1',
    'unit-2/chapter-10',
    'unit-2/chapter-2/topic-2',
  ];
  it('orders units naturally; per chapter its topics, then its own material; then the unit material; general last', () => {
    expect(orderTopics(shuffled).map((t) => t.id)).toEqual([
      'unit-2/chapter-1/topic-1',
      'unit-2/chapter-1',
      'unit-2/chapter-2/topic-2',
      'unit-2/chapter-2/topic-10',
      'unit-2/chapter-2',
      'unit-2/chapter-10/topic-1',
      'unit-2/chapter-10',
      'unit-2',
      'unit-10/chapter-1/topic-1',
      'unit-10',
      'general',
    ]);
  });

  it('does not depend on the input order', () => {
    const a = orderTopics(shuffled).map((t) => t.id);
    const b = orderTopics([...shuffled].reverse()).map((t) => t.id);
    expect(b).toEqual(a);
  });

  it('orders flat ids (transcript episodes) by date', () => {
    expect(orderTopics(['episode-2020-01-05', 'general', 'episode-2019-12-31', 'episode-2019-02-19']).map((t) => t.id)).toEqual([
      'episode-2019-02-19',
      'episode-2019-12-31',
      'episode-2020-01-05',
      'general',
    ]);
  });
});

describe('curriculumTree', () => {
  it('nests unit → chapters → topics with each level’s own material', () => {
    const tree = curriculumTree(
      orderTopics(['unit-2', 'unit-1/chapter-2/topic-1', 'unit-1/chapter-1', 'general', 'unit-1/chapter-2/topic-3', 'unit-1/chapter-2/topic-2', 'unit-1']),
    );
    expect(tree.general?.id).toBe('general');
    expect(tree.units.map((u) => u.id)).toEqual(['unit-1', 'unit-2']);
    const [u1, u2] = tree.units;
    expect(u1!.material?.id).toBe('unit-1');
    expect(u1!.chapters.map((c) => [c.id, c.material?.id ?? null, c.topics.map((t) => t.id)])).toEqual([
      ['unit-1/chapter-1', 'unit-1/chapter-1', []],
      ['unit-1/chapter-2', null, ['unit-1/chapter-2/topic-1', 'unit-1/chapter-2/topic-2', 'unit-1/chapter-2/topic-3']],
    ]);
    expect(u2).toEqual({ id: 'unit-2', chapters: [], material: topicFromId('unit-2') });
  });

  it('has no general node when every record names a topic', () => {
    expect(curriculumTree(orderTopics(['unit-1'])).general).toBeNull();
  });
});
