// The curriculum tree: topic ids as paths (unit / chapter / topic), natural ordering, and the
// training order (per unit: each chapter's topics then the chapter's own material, then the unit's).
import type { Topic } from './types.ts';

/** Id of the bucket for records that name no topic at all; always ordered last. */
export const GENERAL_TOPIC = 'general';

const CHUNK = /(\d+)|(\D+)/g;

/** Natural string order: digit runs compare as numbers (unit-2 < unit-10), the rest as text. Ties
 *  (unit-01 vs unit-1) fall back to plain code-unit order so the order is total. */
export function naturalCompare(a: string, b: string): number {
  if (a === b) return 0;
  const xa = a.match(CHUNK) ?? [];
  const xb = b.match(CHUNK) ?? [];
  const n = Math.min(xa.length, xb.length);
  for (let i = 0; i < n; i++) {
    const pa = xa[i]!;
    const pb = xb[i]!;
    const da = pa.charCodeAt(0) >= 48 && pa.charCodeAt(0) <= 57;
    const db = pb.charCodeAt(0) >= 48 && pb.charCodeAt(0) <= 57;
    if (da && db) {
      const c = compareDigits(pa, pb);
      if (c !== 0) return c;
    } else if (pa !== pb) {
      if (da !== db) return da ? -1 : 1; // digits before letters, as in most file browsers
      return pa < pb ? -1 : 1;
    }
  }
  if (xa.length !== xb.length) return xa.length - xb.length;
  return a < b ? -1 : 1;
}

/** Compares two digit strings by value, any length (no overflow). */
function compareDigits(a: string, b: string): number {
  const ta = a.replace(/^0+/, '');
  const tb = b.replace(/^0+/, '');
  if (ta.length !== tb.length) return ta.length - tb.length;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

function segments(id: string): string[] {
  return id.split('/').filter((s) => s !== '');
}

/** The tree position of a topic id: unit = first segment, chapter = first two, topic = the full
 *  path from 3 segments on. Flat ids (`episode-2019-02-19`) and `general` have depth 1. */
export function topicFromId(id: string): Topic {
  const segs = segments(id);
  const depth = Math.max(1, segs.length);
  return { id, unit: segs[0] ?? id, chapter: segs.length >= 2 ? `${segs[0]}/${segs[1]}` : null, topic: segs.length >= 3 ? id : null, depth };
}

/** Curriculum order of two topics (see orderTopics). */
export function compareTopics(a: Topic, b: Topic): number {
  const ga = a.id === GENERAL_TOPIC;
  const gb = b.id === GENERAL_TOPIC;
  if (ga || gb) return ga === gb ? 0 : ga ? 1 : -1;
  const sa = segments(a.id);
  const sb = segments(b.id);
  const u = naturalCompare(sa[0] ?? '', sb[0] ?? '');
  if (u !== 0) return u;
  // Same unit: the unit's own material (depth 1) comes after all its chapters.
  if (sa.length <= 1 || sb.length <= 1) return sa.length <= 1 ? (sb.length <= 1 ? 0 : 1) : -1;
  const c = naturalCompare(sa[1]!, sb[1]!);
  if (c !== 0) return c;
  // Same chapter: its topics first, then the chapter's own material (depth 2).
  if (sa.length === 2 || sb.length === 2) return sa.length === 2 ? (sb.length === 2 ? 0 : 1) : -1;
  for (let i = 2; i < Math.min(sa.length, sb.length); i++) {
    const t = naturalCompare(sa[i]!, sb[i]!);
    if (t !== 0) return t;
  }
  return sa.length - sb.length || naturalCompare(a.id, b.id);
}

/** Distinct topic ids as Topics in curriculum order: units in natural order; within a unit each
 *  chapter (natural order) with its topics first, then the chapter's own material; then the unit's
 *  own material; `general` (records with no topic) last. */
export function orderTopics(ids: Iterable<string>): Topic[] {
  return [...new Set(ids)].map(topicFromId).sort(compareTopics);
}

export interface ChapterNode {
  /** `unit-01/chapter-02` */
  id: string;
  /** The chapter's own material (a depth-2 source), if any. */
  material: Topic | null;
  /** Its topics in order. */
  topics: Topic[];
}

export interface UnitNode {
  /** `unit-01`, or a flat id */
  id: string;
  chapters: ChapterNode[];
  /** The unit's own material (a depth-1 source), if any. */
  material: Topic | null;
}

export interface CurriculumTree {
  units: UnitNode[];
  /** Records that name no topic. */
  general: Topic | null;
}

/** Nests topics as unit → chapters → topics for display, in curriculum order. Chapters and units
 *  appear even when only their children have data. */
export function curriculumTree(topics: readonly Topic[]): CurriculumTree {
  const ordered = [...topics].sort(compareTopics);
  const units = new Map<string, UnitNode>();
  let general: Topic | null = null;
  for (const t of ordered) {
    if (t.id === GENERAL_TOPIC) {
      general = t;
      continue;
    }
    let unit = units.get(t.unit);
    if (!unit) {
      unit = { id: t.unit, chapters: [], material: null };
      units.set(t.unit, unit);
    }
    if (t.chapter === null) {
      unit.material = t;
      continue;
    }
    let chapter = unit.chapters.find((c) => c.id === t.chapter);
    if (!chapter) {
      chapter = { id: t.chapter, material: null, topics: [] };
      unit.chapters.push(chapter);
    }
    if (t.depth === 2) chapter.material = t;
    else chapter.topics.push(t);
  }
  return { units: [...units.values()], general };
}
