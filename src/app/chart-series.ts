// Pure chart building for the training charts: points in run order split into one series per
// (topic, attempt) segment, so a retry is its own line and never joined to the attempt before it; and
// "nice" axis ticks whose labels are all distinct at the precision shown.

export interface SeriesDef {
  key: string;
  label: string;
  color: string;
  /** 'right' puts the series on the second axis (accuracies, KL). */
  axis?: 'right';
  /** A reference (such as the pass threshold): one dashed series across every segment, not split by attempt. */
  reference?: boolean;
}

export type Point = Record<string, number | string | null>;

/** One drawn line: a base series over one segment of the run (a topic's attempt). */
export interface SegmentLine {
  dataKey: string;
  def: SeriesDef;
  topic: string;
  attempt: number;
}

export interface ChartData {
  points: Point[];
  lines: SegmentLine[];
  /** The distinct attempts drawn (0 = first; 1 = first retry). */
  attempts: number[];
}

interface Located {
  topicId: string;
  attempt: number;
}

/**
 * Points numbered from 1 in the order given, each with its topic and tooltip label; each base series'
 * value goes under a key of its segment (`${key}#${n}`, n counting runs of the same topic and attempt),
 * so the lines of different attempts (and topics) are separate series. A reference series keeps its
 * own key and is one line over all points.
 */
export function segmentedChart<M extends Located>(
  records: readonly M[],
  defs: readonly SeriesDef[],
  label: (m: M) => string,
  pick: (m: M) => Record<string, number | null>,
): ChartData {
  const points: Point[] = [];
  const lines: SegmentLine[] = [];
  const attempts = new Set<number>();
  const split = defs.filter((d) => !d.reference);
  if (records.length) for (const def of defs.filter((d) => d.reference)) lines.push({ dataKey: def.key, def, topic: '*', attempt: 0 });
  let seg = -1;
  let prev: Located | null = null;
  records.forEach((m, i) => {
    if (!prev || prev.topicId !== m.topicId || prev.attempt !== m.attempt) {
      seg++;
      for (const def of split) lines.push({ dataKey: `${def.key}#${seg}`, def, topic: m.topicId, attempt: m.attempt });
      attempts.add(m.attempt);
    }
    prev = m;
    const values = pick(m);
    const p: Point = { x: i + 1, topic: m.topicId, attempt: m.attempt, label: label(m) };
    for (const def of defs) p[def.reference ? def.key : `${def.key}#${seg}`] = values[def.key] ?? null;
    points.push(p);
  });
  return { points, lines, attempts: [...attempts].sort((a, b) => a - b) };
}

/** A tick step of 1, 2, 2.5 or 5 × 10^k near range / count. */
function niceStep(range: number, count: number): number {
  const raw = range / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
}

/** Decimals that show every multiple of `step` distinctly (2.5e-3 needs 4). */
function decimalsFor(step: number): number {
  for (let d = 0; d < 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * Math.max(1, scaled)) return d;
  }
  return 12;
}

export interface Ticks {
  ticks: number[];
  domain: [number, number];
  format: (v: number) => string;
}

/** About `count` evenly spaced ticks covering the values, with labels that differ from each other. */
export function niceTicks(values: readonly number[], count = 4): Ticks | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return null;
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) > 1e-12 ? Math.abs(lo) * 0.05 : 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  const start = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v < hi + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  const d = decimalsFor(step);
  const big = Math.max(...ticks.map(Math.abs)) >= 1e5;
  const format = (v: number) => (big ? v.toExponential(2) : v.toFixed(d));
  return { ticks, domain: [ticks[0], ticks[ticks.length - 1]], format };
}

/** Every value of the series on one axis. */
export function axisValues(data: ChartData, axis: 'left' | 'right'): number[] {
  const keys = data.lines.filter((l) => (l.def.axis ?? 'left') === axis).map((l) => l.dataKey);
  const out: number[] = [];
  for (const p of data.points) for (const k of keys) if (typeof p[k] === 'number') out.push(p[k] as number);
  return out;
}
