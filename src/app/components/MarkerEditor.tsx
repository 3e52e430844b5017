// The voice-marker editor: YAML in a textarea, re-analysed in the worker as the user types (debounced);
// a parse error shows in place while the last good markers stay in use. Beside it, density per topic.
import { useShallow } from 'zustand/react/shallow';
import { TARGETS } from '../../analysis/analysis-types.ts';
import { useStudio } from '../store/store.ts';
import { fmt1 } from '../format.ts';

function DensityList() {
  const topics = useStudio((s) => s.result?.analysis.topics);
  const before = useStudio((s) => s.densityBefore);
  if (!topics) return <p className="muted">Load a curriculum to see each topic's voice density.</p>;
  const withSft = topics.filter((t) => t.sft.examples > 0);
  const max = Math.max(TARGETS.minDensity * 1.5, ...withSft.map((t) => t.sft.voiceDensity));
  return (
    <table className="grid compact density" data-testid="density-list">
      <thead>
        <tr>
          <th>Topic</th>
          <th className="num">Density</th>
          <th className="num" title="Change from the last marker edit">Change</th>
          <th className="bar-col">
            <span className="muted">target &gt; {TARGETS.minDensity} per 100 words</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {withSft.map((t) => (
          <tr key={t.id} data-topic={t.id}>
            <td className="topic-id">{t.id}</td>
            <td className={`num ${t.sft.voiceDensity > TARGETS.minDensity ? 'good' : 'bad'}`} data-testid="marker-density">
              {fmt1(t.sft.voiceDensity)}
            </td>
            <td className="num delta" data-testid="marker-density-change">
              {(() => {
                const d = before && before[t.id] !== undefined ? t.sft.voiceDensity - before[t.id]! : 0;
                return Math.abs(d) >= 0.05 ? `${d > 0 ? '+' : '−'}${fmt1(Math.abs(d))}` : '';
              })()}
            </td>
            <td className="bar-col">
              <span className="bar">
                <span className={t.sft.voiceDensity > TARGETS.minDensity ? 'fill good' : 'fill bad'} style={{ width: `${(100 * t.sft.voiceDensity) / max}%` }} />
                <span className="target" style={{ left: `${(100 * TARGETS.minDensity) / max}%` }} />
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function MarkerEditor() {
  const { yaml, error, pending, edit, reset, isDefault, categories } = useStudio(
    useShallow((s) => ({
      yaml: s.markersYaml,
      error: s.markersError,
      pending: s.markersPending,
      edit: s.editMarkers,
      reset: s.resetMarkers,
      isDefault: s.markersYaml === s.defaultMarkersYaml,
      categories: s.result?.analysis.categories.length ?? null,
    })),
  );
  return (
    <div className="markers-grid">
      <section className="card">
        <div className="card-head">
          <h2>Voice markers</h2>
          <button className="quiet small" onClick={reset} disabled={isDefault}>
            Reset to defaults
          </button>
        </div>
        <p className="muted small-text">
          <code>density_markers</code>: phrases counted per 100 words · <code>categories</code>: name → {'{expected, patterns}'} ·{' '}
          <code>negative_patterns</code>: regexes the voice never uses. Edits re-analyse as you type.
        </p>
        <textarea
          className={`yaml${error ? ' invalid' : ''}`}
          value={yaml}
          spellCheck={false}
          wrap="off"
          onChange={(e) => edit(e.target.value)}
          aria-label="Voice markers YAML"
          data-testid="markers-yaml"
        />
        <div className="editor-status" data-testid="markers-status">
          {error ? (
            <div className="status error" role="alert" data-testid="markers-error">
              {error}
              <div className="muted">The last valid markers are still in use.</div>
            </div>
          ) : pending ? (
            <span className="muted">Re-analysing…</span>
          ) : (
            <span className="ok">Up to date{categories !== null ? ` · ${categories} categories` : ''}</span>
          )}
        </div>
      </section>
      <section className="card">
        <div className="card-head">
          <h2>Voice density by topic</h2>
        </div>
        <DensityList />
      </section>
    </div>
  );
}
