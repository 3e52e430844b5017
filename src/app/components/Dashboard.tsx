// The per-topic dashboard: the voice markers in use, headline figures, curriculum tree, topic table
// and the selected topic's (or all pairs') quality histogram, recommendations and flags. Figures that
// depend on markers are coloured against their targets only when the markers are the user's own.
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Analysis, TopicAnalysis } from '../../analysis/analysis-types.ts';
import { HIGH_QUALITY, TARGETS } from '../../analysis/analysis-types.ts';
import { useStudio } from '../store/store.ts';
import { CurriculumTreeView } from './CurriculumTreeView.tsx';
import { QualityChart } from './QualityChart.tsx';
import { EmptyState } from './EmptyState.tsx';
import { MarkersBanner } from './MarkersBanner.tsx';
import { fmt1, fmt2, fmtInt, pct } from '../format.ts';

function Stat({ label, value, sub, tone }: { label: string; value: string; sub?: string; tone?: 'good' | 'bad' }) {
  return (
    <div className={`stat${tone ? ` ${tone}` : ''}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub && <div className="stat-sub">{sub}</div>}
    </div>
  );
}

/** Whether figures built on the markers are held against their targets (see Analysis.markers). */
const judged = (a: Analysis) => a.markers?.judged ?? true;

function Summary({ a }: { a: Analysis }) {
  const p = a.preference;
  const j = judged(a);
  const evalQ = Object.values(a.evalSets).reduce((n, s) => n + s.questions, 0);
  const flags = Object.values(a.flagCounts).reduce((n, c) => n + c, 0);
  return (
    <div className="stats" data-testid="summary">
      <Stat label="Topics" value={fmtInt(a.topics.length)} />
      <Stat label="SFT examples" value={fmtInt(a.sftExamples)} />
      <Stat label="Preference pairs" value={fmtInt(p.pairs)} sub={p.unassigned.count ? `${fmtInt(p.unassigned.count)} unassigned` : 'all matched to topics'} />
      <Stat
        label="Mean pair quality"
        value={fmt2(p.meanQuality)}
        sub={j || !p.pairs ? undefined : a.markers?.origin === 'none' ? 'length only' : 'provisional markers'}
        tone={!j ? undefined : p.meanQuality >= HIGH_QUALITY ? 'good' : p.meanQuality < 1 ? 'bad' : undefined}
      />
      <Stat
        label={`Pairs above ${HIGH_QUALITY}`}
        value={pct(p.highQualityShare)}
        sub={`${fmtInt(p.highQuality)} high · ${fmtInt(p.lowQuality)} low`}
        tone={!j ? undefined : p.highQualityShare > TARGETS.minHighQualityShare ? 'good' : 'bad'}
      />
      <Stat label="Distinctions" value={fmtInt(a.totalDistinctions)} sub={`${fmtInt(a.globalDistinctions)} curriculum-wide`} />
      <Stat
        label="Evaluation questions"
        value={fmtInt(evalQ)}
        sub={`${a.evalSets.topic.sets} quizzes · ${a.evalSets.chapter.sets + a.evalSets.unit.sets + a.evalSets.final.sets} tests`}
      />
      <Stat label="Flags" value={fmtInt(flags)} tone={flags ? 'bad' : 'good'} />
    </div>
  );
}

function TopicTable({ topics, judged: j, measured }: { topics: TopicAnalysis[]; judged: boolean; measured: boolean }) {
  const { selected, select } = useStudio(useShallow((s) => ({ selected: s.selectedTopic, select: s.selectTopic })));
  return (
    <table className="grid compact" data-testid="topic-table">
      <thead>
        <tr>
          <th>Topic</th>
          <th className="num" title="SFT examples">
            SFT
          </th>
          <th className="num" title="Mean output length in characters (target 600–1200)">
            Output chars
          </th>
          <th
            className="num"
            title={
              j ? 'Voice marker occurrences per 100 words (target > 20)' : 'Voice marker occurrences per 100 words (not judged: the markers are not yet yours)'
            }
          >
            Density
          </th>
          <th className="num">Pairs</th>
          <th className="num" title="Mean pair quality (high > 1.5)">
            Quality
          </th>
          <th className="num" title="Share of pairs above 1.5 (target > 80%)">
            High
          </th>
          <th className="num" title="Critical distinctions naming this topic">
            Dist.
          </th>
          <th className="num" title="Quiz questions">
            Quiz
          </th>
          <th className="num">Flags</th>
        </tr>
      </thead>
      <tbody>
        {topics.map((t) => {
          const flags = Object.values(t.flagCounts).reduce((n, c) => n + (c ?? 0), 0);
          const quiz = t.evalQuestions.open + t.evalQuestions.multiple_choice + t.evalQuestions.true_false;
          const out = t.sft.outputChars.mean;
          return (
            <tr
              key={t.id}
              className={`clickable${selected === t.id ? ' selected' : ''}`}
              onClick={() => select(selected === t.id ? null : t.id)}
              // Reachable by Tab; Enter or Space opens (or closes) the topic's detail, as a click does.
              tabIndex={0}
              aria-current={selected === t.id ? 'true' : undefined}
              onKeyDown={(e) => {
                if (e.key !== 'Enter' && e.key !== ' ') return;
                e.preventDefault();
                select(selected === t.id ? null : t.id);
              }}
              data-testid="topic-row"
              data-topic={t.id}
            >
              <td className="topic-id">{t.id}</td>
              <td className="num">{t.sft.examples}</td>
              <td className={`num ${t.sft.examples && (out < TARGETS.minOutputChars || out > TARGETS.maxOutputChars) ? 'warn' : ''}`}>
                {t.sft.examples ? fmtInt(Math.round(out)) : '—'}
              </td>
              <td className={`num ${t.sft.examples && j ? (t.sft.voiceDensity > TARGETS.minDensity ? 'good' : 'bad') : ''}`} data-testid="topic-density">
                {t.sft.examples && measured ? fmt1(t.sft.voiceDensity) : '—'}
              </td>
              <td className="num">{t.preference.pairs}</td>
              <td
                className={`num ${t.preference.pairs && j ? (t.preference.meanQuality > HIGH_QUALITY ? 'good' : t.preference.meanQuality < 1 ? 'bad' : '') : ''}`}
              >
                {t.preference.pairs ? fmt2(t.preference.meanQuality) : '—'}
              </td>
              <td className="num">{t.preference.pairs ? pct(t.preference.highQualityShare) : '—'}</td>
              <td className="num">{t.distinctions || ''}</td>
              <td className="num">{quiz || ''}</td>
              <td className={`num ${flags ? 'bad' : ''}`}>{flags || ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Detail({ a }: { a: Analysis }) {
  const { selected, histograms } = useStudio(useShallow((s) => ({ selected: s.selectedTopic, histograms: s.result?.histograms })));
  const t = selected ? a.topics.find((x) => x.id === selected) : undefined;
  const h = histograms?.[t ? t.id : '*'];
  const allFlags = a.flags.filter((f) => (t ? f.topicId === t.id : true));
  const flags = allFlags.slice(0, 12);
  const flagTotal = t ? Object.values(t.flagCounts).reduce((n, c) => n + (c ?? 0), 0) : Object.values(a.flagCounts).reduce((n, c) => n + c, 0);
  const recs = t ? t.recommendations : [];
  const ref = useRef<HTMLDivElement>(null);
  // Opening a topic scrolls its detail into view (it sits below the table).
  useEffect(() => {
    if (selected) ref.current?.scrollIntoView?.({ behavior: 'smooth', block: 'nearest' });
  }, [selected]);
  return (
    <div className="detail-grid" ref={ref} data-testid="topic-detail">
      <section className="card">
        <div className="card-head">
          <h2>Pair quality {t ? <span className="muted">· {t.id}</span> : <span className="muted">· all pairs</span>}</h2>
        </div>
        {h && h.counts.some((c) => c > 0) ? <QualityChart histogram={h} /> : <p className="muted">No preference pairs{t ? ' for this topic' : ''}.</p>}
        <p className="legend">
          <span className="sw low" /> low (&lt; 0.5) <span className="sw mid" /> middling <span className="sw high" /> high (&gt; 1.5)
        </p>
      </section>
      <section className="card">
        <div className="card-head">
          <h2>{t ? 'Recommendations' : 'Flags'}</h2>
          {!t && <span className="muted">select a topic for its recommendations</span>}
        </div>
        {t && (
          <>
            <dl className="facts">
              <dt>Output length</dt>
              <dd>
                median {fmtInt(Math.round(t.sft.outputChars.median))}, p10–p90 {fmtInt(Math.round(t.sft.outputChars.p10))}–
                {fmtInt(Math.round(t.sft.outputChars.p90))} chars
              </dd>
              <dt>Categories</dt>
              <dd>
                {Object.entries(t.sft.categoryScores)
                  .map(([k, v]) => `${k} ${fmt2(v)}`)
                  .join(' · ') || '—'}
              </dd>
              <dt>Quality ratio</dt>
              <dd>{t.preference.pairs ? fmt2(t.preference.qualityRatio) : '—'}</dd>
            </dl>
            {recs.length ? (
              <ul className="recs">
                {recs.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            ) : (
              <p className="ok">Meets every target.</p>
            )}
          </>
        )}
        {flags.length > 0 && (
          <ul className="flags">
            {flags.map((f, i) => (
              <li key={i}>
                <span className="where">
                  {f.file}:{f.line}
                </span>{' '}
                {f.message}
              </li>
            ))}
          </ul>
        )}
        {flagTotal > flags.length && <p className="muted small-text">and {fmtInt(flagTotal - flags.length)} more flags (all in the report)</p>}
        {!t && flags.length === 0 && <p className="ok">No flags.</p>}
      </section>
    </div>
  );
}

/** What the table's colours mean, with the targets they are judged against. */
function ColourLegend() {
  return (
    <p className="legend colour-legend small-text" data-testid="colour-legend">
      <span className="key-good">green</span> meets its target · <span className="key-bad">red</span> misses it (voice density ≤ {TARGETS.minDensity}
      /100 words, pair quality &lt; 1, high-quality share ≤ {pct(TARGETS.minHighQualityShare)}, any flag) · <span className="key-warn">amber</span> output
      length outside {TARGETS.minOutputChars}–{TARGETS.maxOutputChars} characters · <span className="key-selected">highlighted</span> the topic whose detail is
      open.
    </p>
  );
}

export function Dashboard() {
  const result = useStudio((s) => s.result);
  if (!result) return <EmptyState />;
  const a = result.analysis;
  return (
    <div className="stack">
      <MarkersBanner where="dashboard" />
      <Summary a={a} />
      <div className="dash-grid">
        <section className="card tree-card">
          <div className="card-head">
            <h2>Curriculum</h2>
          </div>
          <CurriculumTreeView tree={result.tree} topics={a.topics} />
        </section>
        <section className="card">
          <div className="card-head">
            <h2>Topics</h2>
            <span className="muted">in curriculum order · click a row for details</span>
          </div>
          <div className="scroll-x">
            <TopicTable topics={a.topics} judged={judged(a)} measured={a.markers?.origin !== 'none'} />
          </div>
          <ColourLegend />
        </section>
      </div>
      <Detail a={a} />
    </div>
  );
}
