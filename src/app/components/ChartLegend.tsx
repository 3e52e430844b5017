// The legend under a training chart: one entry per base series (its colour), and how retries and
// reference lines are drawn, so colours and dashes are explained once.
import type { SeriesDef } from '../chart-series.ts';

export function ChartLegend({ series, attempts }: { series: readonly SeriesDef[]; attempts: readonly number[] }) {
  return (
    <div className="chart-legend small-text" data-testid="chart-legend">
      {series.map((s) => (
        <span key={s.key} className="legend-item">
          <svg width="22" height="8" aria-hidden>
            <line
              className={`series-${s.key}`}
              x1="0"
              y1="4"
              x2="22"
              y2="4"
              stroke={s.color}
              strokeWidth="2"
              strokeDasharray={s.reference ? '4 3' : undefined}
            />
          </svg>
          {s.label}
          {s.axis === 'right' ? ' (right axis)' : ''}
        </span>
      ))}
      {attempts.some((a) => a > 0) && (
        <span className="legend-item muted">
          <svg width="22" height="8" aria-hidden>
            <line x1="0" y1="4" x2="22" y2="4" stroke="currentColor" strokeWidth="2" strokeDasharray="1 3" />
          </svg>
          retries (each attempt its own line)
        </span>
      )}
    </div>
  );
}
