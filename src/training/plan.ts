// The order a run takes: topics in curriculum order, each chapter's test after its last topic (and the
// chapter's own material), each unit's exam and merge after the unit, the final assessment at the end.
import type { Dataset, EvalSet } from '../data/types.ts';
import type { TopicConfig } from '../analysis/adaptive.ts';

export type PlanStep = { kind: 'topic'; topicId: string; index: number; total: number } | { kind: 'exam'; set: EvalSet } | { kind: 'merge'; unit: string };

function chapterOf(id: string): string | null {
  const parts = id.split('/');
  return parts.length >= 2 ? parts.slice(0, 2).join('/') : null;
}

/** topicConfigs must be in curriculum order (adaptTopics keeps the analysis order). */
export function planCurriculum(ds: Dataset, topicConfigs: TopicConfig[], filter?: string[]): PlanStep[] {
  if (filter?.length) {
    const known = new Set(topicConfigs.map((t) => t.id));
    const unknown = filter.filter((f) => !known.has(f));
    if (unknown.length) throw new Error(`unknown topic(s): ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  }
  const topics = topicConfigs.filter((t) => !filter?.length || filter.includes(t.id));
  const exams = (level: EvalSet['level'], scope: string) => ds.evalSets.filter((s) => s.level === level && s.scopeId === scope);
  const steps: PlanStep[] = [];
  topics.forEach((t, i) => {
    steps.push({ kind: 'topic', topicId: t.id, index: i, total: topics.length });
    const next = topics[i + 1]?.id;
    const unit = t.id.split('/')[0];
    const chapter = chapterOf(t.id);
    if (chapter && (!next || chapterOf(next) !== chapter)) for (const set of exams('chapter', chapter)) steps.push({ kind: 'exam', set });
    if (!next || next.split('/')[0] !== unit) {
      for (const set of exams('unit', unit)) steps.push({ kind: 'exam', set });
      steps.push({ kind: 'merge', unit });
    }
  });
  if (!filter?.length) for (const set of ds.evalSets.filter((s) => s.level === 'final')) steps.push({ kind: 'exam', set });
  return steps;
}
