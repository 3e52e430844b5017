// Pair-quality histogram (recharts): low (< 0.5) red, middling amber, high (> 1.5) green.
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { QualityHistogram } from '../../workers/protocol.ts';

function bins(h: QualityHistogram) {
  const { edges, counts } = h;
  return counts.map((count, i) => {
    const lo = i === 0 ? null : edges[i - 1]!;
    const hi = i < edges.length ? edges[i]! : null;
    const label = lo === null ? `< ${hi}` : hi === null ? `≥ ${lo}` : `${lo}–${hi}`;
    const color = hi !== null && hi <= 0.5 ? '#c8553d' : lo !== null && lo >= 1.5 ? '#3f8f5f' : '#d9a441';
    return { label, count, color };
  });
}

export function QualityChart({ histogram, height = 200 }: { histogram: QualityHistogram; height?: number }) {
  const data = bins(histogram);
  return (
    <div style={{ width: '100%', height }} data-testid="quality-chart">
      <ResponsiveContainer>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -18 }}>
          <CartesianGrid vertical={false} stroke="#e6e8eb" />
          <XAxis dataKey="label" tick={{ fontSize: 11, fill: '#5b6470' }} tickLine={false} axisLine={{ stroke: '#cfd4da' }} interval={0} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: '#5b6470' }} tickLine={false} axisLine={false} />
          <Tooltip cursor={{ fill: 'rgba(47,93,138,0.06)' }} formatter={(v) => [v, 'pairs']} labelFormatter={(l) => `quality ${l}`} />
          <Bar dataKey="count" radius={[3, 3, 0, 0]} isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.label} fill={d.color} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
