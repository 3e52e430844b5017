// Live training charts (recharts): SFT loss, reward-model train/validation loss and accuracy per epoch,
// PPO reward and KL (or the DPO margin and accuracy), for all topics in run order or one topic.
import { useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStudio } from '../store/store.ts';
import type { PhaseMetric } from '../../training/metric-types.ts';

interface Series {
  key: string;
  label: string;
  color: string;
  /** 'right' puts the series on a second axis (accuracies, KL). */
  axis?: 'right';
}

type Point = Record<string, number | string | null>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const tick = { fontSize: 11, fill: '#5b6470' };

/** What a chart card shows. */
interface ChartProps {
  title: string;
  sub?: string;
  data: Point[];
  series: Series[];
  testId: string;
  empty: string;
}

/** One line chart card: a title, a subtitle, and the series over the points (or a note when there are none). */
function Chart({ title, sub, data, series, testId, empty }: ChartProps) {
  const right = series.some((s) => s.axis === 'right');
  return (
    <div className="card chart-card" data-testid={testId} data-points={data.length}>
      <div className="chart-head">
        <h2>{title}</h2>
        {sub && <div className="muted small-text">{sub}</div>}
      </div>
      {data.length === 0 ? (
        <div className="chart-empty muted">{empty}</div>
      ) : (
        <div style={{ width: '100%', height: 190 }}>
          <ResponsiveContainer>
            <LineChart data={data} margin={{ top: 6, right: right ? 2 : 10, bottom: 0, left: 0 }}>
              <CartesianGrid vertical={false} stroke="#e6e8eb" />
              <XAxis dataKey="x" tick={tick} tickLine={false} axisLine={{ stroke: '#cfd4da' }} allowDecimals={false} />
              <YAxis
                yAxisId="left"
                tick={tick}
                tickLine={false}
                axisLine={false}
                width={56}
                tickFormatter={(v: number) => fmtTick(v)}
                domain={['auto', 'auto']}
              />
              {right && (
                <YAxis
                  yAxisId="right"
                  orientation="right"
                  tick={tick}
                  tickLine={false}
                  axisLine={false}
                  width={52}
                  tickFormatter={(v: number) => fmtTick(v)}
                  domain={['auto', 'auto']}
                />
              )}
              <Tooltip
                formatter={(v, name) => [typeof v === 'number' ? v.toFixed(4) : String(v), name]}
                labelFormatter={(_l, payload) => {
                  const p = payload?.[0]?.payload as Point | undefined;
                  return p ? `${p.topic} · ${p.label}` : '';
                }}
              />
              <Legend wrapperStyle={{ fontSize: 12 }} iconType="plainline" />
              {series.map((s) => (
                <Line
                  key={s.key}
                  yAxisId={s.axis ?? 'left'}
                  type="linear"
                  dataKey={s.key}
                  name={s.label}
                  stroke={s.color}
                  strokeWidth={1.8}
                  dot={data.length <= 40 ? { r: 2.5 } : false}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </div>
  );
}

/** Four significant digits, so close values (a loss of 13.28 vs 13.24) get distinct ticks. */
function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1000 || a < 0.001 ? v.toExponential(1) : String(Number(v.toPrecision(4)));
}

/** Chart points numbered from 1, each with its topic and label for the tooltip. */
function points<M extends PhaseMetric>(records: M[], label: (m: M) => string, pick: (m: M) => Record<string, number | null>): Point[] {
  return records.map((m, i) => ({ x: i + 1, topic: m.topicId, label: label(m), ...pick(m) }));
}

/** A metric's retry suffix for a point label (" · retry 1"), empty on the first attempt. */
const retrySuffix = (m: PhaseMetric) => (m.attempt ? ` · retry ${m.attempt}` : '');

/** The points of each chart (SFT, reward model, PPO, DPO) from the metrics shown. */
function useChartPoints(shown: PhaseMetric[]): { sft: Point[]; reward: Point[]; ppo: Point[]; dpo: Point[] } {
  const sft = useMemo(
    () =>
      points(
        shown.filter((m) => m.phase === 'sft'),
        (m) => `step ${m.step}/${m.totalSteps}${retrySuffix(m)}`,
        (m) => ({ loss: num(m.loss) }),
      ),
    [shown],
  );
  const reward = useMemo(
    () =>
      points(
        shown.filter((m) => m.phase === 'reward' && m.kind === 'epoch'),
        (m) => `epoch ${m.epoch + 1}${retrySuffix(m)}`,
        (m) => ({ trainLoss: num(m.trainLoss), valLoss: num(m.valLoss), trainAccuracy: num(m.trainAccuracy), valAccuracy: num(m.valAccuracy) }),
      ),
    [shown],
  );
  const ppo = useMemo(
    () =>
      points(
        shown.filter((m) => m.phase === 'ppo'),
        (m) => `step ${m.step}${retrySuffix(m)}`,
        (m) => ({ reward: num(m.meanReward), kl: num(m.kl) }),
      ),
    [shown],
  );
  const dpo = useMemo(
    () =>
      points(
        shown.filter((m) => m.phase === 'dpo'),
        (m) => `step ${m.step}/${m.totalSteps}${retrySuffix(m)}`,
        (m) => ({ margin: num(m.margin), accuracy: num(m.accuracy) }),
      ),
    [shown],
  );
  return { sft, reward, ppo, dpo };
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

/** A chart's fixed parts: everything but its points. */
type ChartSpec = Omit<ChartProps, 'data'>;

/** The four charts: SFT loss, the reward model, and the alignment phase (DPO or PPO). */
const CHARTS: Record<'sft' | 'reward' | 'dpo' | 'ppo', ChartSpec> = {
  sft: {
    title: 'SFT loss',
    sub: 'completion tokens, per optimizer step',
    series: [{ key: 'loss', label: 'loss', color: '#2f5d8a' }],
    testId: 'sft-chart',
    empty: 'No SFT steps yet',
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
  },
  dpo: {
    title: 'DPO',
    sub: 'chosen-over-rejected margin (log-prob) and accuracy',
    testId: 'dpo-chart',
    empty: 'No DPO steps yet',
    series: [
      { key: 'margin', label: 'margin', color: '#3f8f5f' },
      { key: 'accuracy', label: 'accuracy', color: '#d9a441', axis: 'right' },
    ],
  },
  ppo: {
    title: 'PPO',
    sub: 'mean reward-model score and KL to the SFT policy',
    testId: 'ppo-chart',
    empty: 'No PPO steps yet',
    series: [
      { key: 'reward', label: 'reward', color: '#3f8f5f' },
      { key: 'kl', label: 'KL (nats/token)', color: '#d9a441', axis: 'right' },
    ],
  },
};

/** The live training charts with their topic picker. */
export function TrainingCharts() {
  const metrics = useStudio((s) => s.training.metrics);
  const alignment = useStudio((s) => s.training.runOptions?.alignment ?? s.trainOptions.alignment);
  const [topic, setTopic] = useState<string>('*');
  const topics = useMemo(() => [...new Set(metrics.map((m) => m.topicId))], [metrics]);
  const shown = useMemo(() => (topic === '*' ? metrics : metrics.filter((m) => m.topicId === topic)), [metrics, topic]);
  const { sft, reward, ppo, dpo } = useChartPoints(shown);
  const useDpo = alignment === 'dpo' || (dpo.length > 0 && ppo.length === 0);

  return (
    <div className="stack">
      <TopicFilter topic={topic} topics={topics} onChange={setTopic} />
      <div className="chart-grid">
        <Chart {...CHARTS.sft} data={sft} />
        <Chart {...CHARTS.reward} data={reward} />
        {useDpo ? <Chart {...CHARTS.dpo} data={dpo} /> : <Chart {...CHARTS.ppo} data={ppo} />}
      </div>
    </div>
  );
}
