// Live training charts (recharts): SFT loss, reward-model train/validation loss and accuracy per epoch,
// PPO reward and KL (or the DPO margin and accuracy), and the evaluation score against each topic's pass
// threshold; for all topics in run order or one topic. Every (topic, attempt) is its own line, so a
// retry is never joined to the attempt before it; axes are titled with their units.
import { useMemo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStudio } from '../store/store.ts';
import type { PhaseMetric } from '../../training/metric-types.ts';
import { axisValues, niceTicks, segmentedChart, type ChartData, type Point, type SeriesDef } from '../chart-series.ts';
import { ChartLegend } from './ChartLegend.tsx';

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const tick = { fontSize: 11 };
const ACCURACY_TICKS = [0, 0.25, 0.5, 0.75, 1];

/** A chart's fixed parts: everything but its points. */
interface ChartSpec {
  title: string;
  sub?: string;
  series: SeriesDef[];
  testId: string;
  empty: string;
  xTitle: string;
  yTitle: string;
  /** Title of the right axis; an accuracy axis (0-1) when rightIsAccuracy. */
  rightTitle?: string;
  rightIsAccuracy?: boolean;
  /** The left axis is a 0-1 score. */
  leftIsScore?: boolean;
}

function yAxisProps(values: number[], fixed01: boolean) {
  if (fixed01) return { domain: [0, 1] as [number, number], ticks: ACCURACY_TICKS, tickFormatter: (v: number) => String(v) };
  const t = niceTicks(values);
  return t ? { domain: t.domain, ticks: t.ticks, tickFormatter: t.format } : { domain: ['auto', 'auto'] as [string, string] };
}

/** The one value a series takes at every point, or null when it varies (or has none). */
function constantValue(data: ChartData, key: string): number | null {
  const vs = new Set(data.points.map((p) => p[key]).filter((v): v is number => typeof v === 'number'));
  return vs.size === 1 ? [...vs][0] : null;
}

/** One line chart card: a title, a subtitle, titled axes, a line per series and attempt, and the legend. */
function Chart({ spec, data }: { spec: ChartSpec; data: ChartData }) {
  const right = spec.series.some((s) => s.axis === 'right');
  const left = useMemo(() => yAxisProps(axisValues(data, 'left'), !!spec.leftIsScore), [data, spec.leftIsScore]);
  const rightAxis = useMemo(() => yAxisProps(axisValues(data, 'right'), !!spec.rightIsAccuracy), [data, spec.rightIsAccuracy]);
  const dense = data.points.length > 40;
  return (
    <div
      className="card chart-card"
      data-testid={spec.testId}
      data-points={data.points.length}
      data-lines={data.lines.length}
      data-attempts={data.attempts.join(',')}
    >
      <div className="chart-head">
        <h2>{spec.title}</h2>
        {spec.sub && <div className="muted small-text">{spec.sub}</div>}
      </div>
      {data.points.length === 0 ? (
        <div className="chart-empty muted">{spec.empty}</div>
      ) : (
        <>
          <div style={{ width: '100%', height: 210 }}>
            <ResponsiveContainer>
              <LineChart data={data.points} margin={{ top: 6, right: right ? 4 : 12, bottom: 16, left: 8 }}>
                <CartesianGrid vertical={false} />
                <XAxis
                  dataKey="x"
                  tick={tick}
                  tickLine={false}
                  allowDecimals={false}
                  padding={{ left: 8, right: 8 }}
                  label={{ value: spec.xTitle, position: 'insideBottom', offset: -10, fontSize: 11, className: 'axis-title' }}
                />
                <YAxis
                  yAxisId="left"
                  tick={tick}
                  tickLine={false}
                  axisLine={false}
                  width={62}
                  {...left}
                  label={{ value: spec.yTitle, angle: -90, position: 'insideLeft', offset: 4, dy: 50, fontSize: 11, className: 'axis-title' }}
                />
                {right && (
                  <YAxis
                    yAxisId="right"
                    orientation="right"
                    tick={tick}
                    tickLine={false}
                    axisLine={false}
                    width={58}
                    {...rightAxis}
                    label={{ value: spec.rightTitle, angle: 90, position: 'insideRight', offset: 4, dy: -40, fontSize: 11, className: 'axis-title' }}
                  />
                )}
                <Tooltip
                  formatter={(v, name) => [typeof v === 'number' ? v.toFixed(4) : String(v), name]}
                  labelFormatter={(_l, payload) => {
                    const p = payload?.[0]?.payload as Point | undefined;
                    return p ? `${p.topic} · ${p.label}` : '';
                  }}
                />
                {data.lines.map((l) => {
                  const flat = l.def.reference ? constantValue(data, l.dataKey) : null;
                  return flat !== null ? (
                    <ReferenceLine
                      key={l.dataKey}
                      yAxisId={l.def.axis ?? 'left'}
                      y={flat}
                      stroke={l.def.color}
                      strokeDasharray="4 3"
                      className={`series-${l.def.key}`}
                      label={{ value: `${l.def.label} ${flat}`, position: 'insideTopRight', fontSize: 11 }}
                    />
                  ) : (
                    <Line
                      key={l.dataKey}
                      yAxisId={l.def.axis ?? 'left'}
                      dataKey={l.dataKey}
                      name={`${l.def.label}${l.attempt ? ` (retry ${l.attempt})` : ''}`}
                      stroke={l.def.color}
                      strokeWidth={l.def.reference ? 1.4 : 1.8}
                      strokeDasharray={l.def.reference ? '4 3' : l.attempt ? '1 3' : undefined}
                      type={l.def.reference ? 'stepAfter' : 'linear'}
                      dot={dense || l.def.reference ? false : { r: 2.5, strokeDasharray: '' }}
                      isAnimationActive={false}
                      connectNulls={false}
                      className={`series-${l.def.key} attempt-${l.attempt}`}
                    />
                  );
                })}
              </LineChart>
            </ResponsiveContainer>
          </div>
          <ChartLegend series={spec.series} attempts={data.attempts} />
        </>
      )}
    </div>
  );
}

/** A metric's retry suffix for a point label (" · retry 1"), empty on the first attempt. */
const retrySuffix = (m: PhaseMetric) => (m.attempt ? ` · retry ${m.attempt}` : '');

/** The four charts: SFT loss, the reward model, the alignment phase (DPO or PPO), and the evaluation. */
const CHARTS = {
  sft: {
    title: 'SFT loss',
    sub: 'cross-entropy on completion tokens, per optimizer step',
    series: [{ key: 'loss', label: 'loss', color: '#2f5d8a' }],
    testId: 'sft-chart',
    empty: 'No SFT steps yet',
    xTitle: 'optimizer step (run order)',
    yTitle: 'nats / completion token',
  },
  reward: {
    title: 'Reward model',
    sub: 'Bradley–Terry loss and pairs ranked right, per epoch',
    series: [
      { key: 'trainLoss', label: 'train loss', color: '#2f5d8a' },
      { key: 'valLoss', label: 'val loss', color: '#c8553d' },
      { key: 'trainAccuracy', label: 'train acc', color: '#7aa6cf', axis: 'right' },
      { key: 'valAccuracy', label: 'val acc', color: '#e3a08f', axis: 'right' },
    ],
    testId: 'reward-chart',
    empty: 'No reward-model epochs yet',
    xTitle: 'epoch (run order)',
    yTitle: 'loss (nats / pair)',
    rightTitle: 'accuracy (0-1)',
    rightIsAccuracy: true,
  },
  dpo: {
    title: 'DPO',
    sub: 'chosen-over-rejected margin and pairs ranked right',
    series: [
      { key: 'margin', label: 'margin', color: '#3f8f5f' },
      { key: 'accuracy', label: 'accuracy', color: '#d9a441', axis: 'right' },
    ],
    testId: 'dpo-chart',
    empty: 'No DPO steps yet',
    xTitle: 'optimizer step (run order)',
    yTitle: 'margin (nats)',
    rightTitle: 'accuracy (0-1)',
    rightIsAccuracy: true,
  },
  ppo: {
    title: 'PPO',
    sub: 'mean reward-model score and KL to the SFT policy',
    series: [
      { key: 'reward', label: 'reward', color: '#3f8f5f' },
      { key: 'kl', label: 'KL', color: '#d9a441', axis: 'right' },
    ],
    testId: 'ppo-chart',
    empty: 'No PPO steps yet',
    xTitle: 'optimizer step (run order)',
    yTitle: 'reward (RM score)',
    rightTitle: 'KL (nats / token)',
  },
  eval: {
    title: 'Evaluation',
    sub: 'topic score against its pass threshold, per evaluation',
    series: [
      { key: 'score', label: 'score', color: '#6b4fa0' },
      { key: 'threshold', label: 'pass threshold', color: '#8a939e', reference: true },
    ],
    testId: 'eval-chart',
    empty: 'No evaluation yet',
    xTitle: 'evaluation (run order)',
    yTitle: 'score (0-1)',
    leftIsScore: true,
  },
} satisfies Record<string, ChartSpec>;

/** The data of each chart from the metrics shown. */
function useChartData(shown: PhaseMetric[]) {
  return useMemo(() => {
    const sft = segmentedChart(
      shown.filter((m) => m.phase === 'sft'),
      CHARTS.sft.series,
      (m) => `step ${m.step}/${m.totalSteps}${retrySuffix(m)}`,
      (m) => ({ loss: num(m.loss) }),
    );
    const reward = segmentedChart(
      shown.filter((m) => m.phase === 'reward' && m.kind === 'epoch'),
      CHARTS.reward.series,
      (m) => `epoch ${m.epoch + 1}${retrySuffix(m)}`,
      (m) => ({ trainLoss: num(m.trainLoss), valLoss: num(m.valLoss), trainAccuracy: num(m.trainAccuracy), valAccuracy: num(m.valAccuracy) }),
    );
    const ppo = segmentedChart(
      shown.filter((m) => m.phase === 'ppo'),
      CHARTS.ppo.series,
      (m) => `step ${m.step}${retrySuffix(m)}`,
      (m) => ({ reward: num(m.meanReward), kl: num(m.kl) }),
    );
    const dpo = segmentedChart(
      shown.filter((m) => m.phase === 'dpo'),
      CHARTS.dpo.series,
      (m) => `step ${m.step}/${m.totalSteps}${retrySuffix(m)}`,
      (m) => ({ margin: num(m.margin), accuracy: num(m.accuracy) }),
    );
    const evaluation = segmentedChart(
      shown.filter((m) => m.phase === 'eval'),
      CHARTS.eval.series,
      (m) => `evaluation${retrySuffix(m)} · ${m.passed ? 'passed' : 'failed'}`,
      (m) => ({ score: num(m.score), threshold: num(m.threshold) }),
    );
    return { sft, reward, ppo, dpo, evaluation };
  }, [shown]);
}

/** The topic picker above the charts: all topics in run order, or one. */
function TopicFilter({ topic, topics, onChange }: { topic: string; topics: string[]; onChange: (topic: string) => void }) {
  return (
    <div className="chart-filter small-text">
      <label>
        Charts for{' '}
        <select value={topic} onChange={(e) => onChange(e.target.value)} data-testid="chart-topic">
          <option value="*">all topics, in run order</option>
          {topics.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** The live training charts with their topic picker. */
export function TrainingCharts() {
  const metrics = useStudio((s) => s.training.metrics);
  const alignment = useStudio((s) => s.training.runOptions?.alignment ?? s.trainOptions.alignment);
  const [topic, setTopic] = useState<string>('*');
  const topics = useMemo(() => [...new Set(metrics.map((m) => m.topicId))], [metrics]);
  const shown = useMemo(() => (topic === '*' ? metrics : metrics.filter((m) => m.topicId === topic)), [metrics, topic]);
  const { sft, reward, ppo, dpo, evaluation } = useChartData(shown);
  const useDpo = alignment === 'dpo' || (dpo.points.length > 0 && ppo.points.length === 0);

  return (
    <div className="stack">
      <TopicFilter topic={topic} topics={topics} onChange={setTopic} />
      <div className="chart-grid">
        <Chart spec={CHARTS.sft} data={sft} />
        <Chart spec={CHARTS.reward} data={reward} />
        {useDpo ? <Chart spec={CHARTS.dpo} data={dpo} /> : <Chart spec={CHARTS.ppo} data={ppo} />}
        <Chart spec={CHARTS.eval} data={evaluation} />
      </div>
    </div>
  );
}
