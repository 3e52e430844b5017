// The voice-marker editor: which markers are in use and where from, the YAML in a textarea
// (re-analysed in the worker as the user types, debounced; a parse error shows in place while the
// last good markers stay in use), the suggestions discovered in the pairs, and density per topic.
import { useShallow } from 'zustand/react/shallow';
import { TARGETS } from '../../analysis/analysis-types.ts';
import { useStudio } from '../store/store.ts';
import { downloadText } from '../download.ts';
import { fmt1 } from '../format.ts';
import { MarkersBanner } from './MarkersBanner.tsx';
import { MarkerSuggestions } from './MarkerSuggestions.tsx';

function DensityList() {
  const topics = useStudio((s) => s.result?.analysis.topics);
  const before = useStudio((s) => s.densityBefore);
  const judged = useStudio((s) => s.result?.analysis.markers?.judged ?? true);
  if (!topics) return <p className="muted">Load a curriculum to see each topic's voice density.</p>;
  const tone = (d: number) => (!judged ? '' : d > TARGETS.minDensity ? 'good' : 'bad');
  const withSft = topics.filter((t) => t.sft.examples > 0);
  const max = Math.max(TARGETS.minDensity * 1.5, ...withSft.map((t) => t.sft.voiceDensity));
  return (
    <table className="grid compact density" data-testid="density-list">
      <thead>
        <tr>
          <th>Topic</th>
          <th className="num">Density</th>
          <th className="num" title="Change from the last marker edit">
            Change
          </th>
          <th className="bar-col">
            <span className="muted">{judged ? <>target &gt; {TARGETS.minDensity} per 100 words</> : 'per 100 words · not judged'}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {withSft.map((t) => (
          <tr key={t.id} data-topic={t.id}>
            <td className="topic-id">{t.id}</td>
            <td className={`num ${tone(t.sft.voiceDensity)}`} data-testid="marker-density">
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
                <span className={`fill ${tone(t.sft.voiceDensity) || 'neutral'}`} style={{ width: `${(100 * t.sft.voiceDensity) / max}%` }} />
                {judged && <span className="target" style={{ left: `${(100 * TARGETS.minDensity) / max}%` }} />}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The editor card's buttons: keep suggested markers as the user's, reset, download. */
function MarkerActions() {
  const { yaml, error, pending, reset, keep, isBase, origin } = useStudio(
    useShallow((s) => ({
      yaml: s.markersYaml,
      error: s.markersError,
      pending: s.markersPending,
      reset: s.resetMarkers,
      keep: s.keepMarkers,
      isBase: s.markersYaml === s.defaultMarkersYaml,
      origin: s.result?.analysis.markers?.origin,
    })),
  );
  const resetLabel = origin ? "Reset to the curriculum's" : 'Reset';
  return (
    <span className="head-actions">
      {origin === 'suggested' && (
        <button className="small" onClick={keep} disabled={pending || !!error} data-testid="markers-keep" title="Use these markers as yours, as they are">
          Keep as my markers
        </button>
      )}
      <button
        className="quiet small"
        onClick={reset}
        disabled={isBase}
        data-testid="markers-reset"
        title="Back to the curriculum folder's voice_markers.yaml, else the suggestions from its pairs"
      >
        {resetLabel}
      </button>
      <button
        className="quiet small"
        onClick={() => downloadText(yaml, 'voice_markers.yaml', 'text/yaml')}
        disabled={!!error}
        data-testid="markers-download"
        title="Save as voice_markers.yaml in the curriculum folder"
      >
        Download
      </button>
    </span>
  );
}

/** Under the textarea: the parse error in place, re-analysing, or up to date with the category count. */
function EditorStatus() {
  const { error, pending, categories } = useStudio(
    useShallow((s) => ({ error: s.markersError, pending: s.markersPending, categories: s.result?.analysis.categories.length ?? null })),
  );
  return (
    <div className="editor-status" data-testid="markers-status">
      {error ? (
        <div className="status error" role="alert" data-testid="markers-error">
          {error}
          <div className="muted">The last valid markers are still in use.</div>
        </div>
      ) : pending ? (
        <span className="muted">Re-analysing…</span>
      ) : (
        <span className="ok">Up to date{categories !== null ? ` · ${categories} ${categories === 1 ? 'category' : 'categories'}` : ''}</span>
      )}
    </div>
  );
}

export function MarkerEditor() {
  const { yaml, error, edit } = useStudio(useShallow((s) => ({ yaml: s.markersYaml, error: s.markersError, edit: s.editMarkers })));
  return (
    <div className="stack">
      <MarkersBanner where="editor" />
      <div className="markers-grid">
        <section className="card">
          <div className="card-head">
            <h2>Voice markers</h2>
            <MarkerActions />
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
          <EditorStatus />
        </section>
        <div className="stack">
          <MarkerSuggestions />
          <section className="card">
            <div className="card-head">
              <h2>Voice density by topic</h2>
            </div>
            <DensityList />
          </section>
        </div>
      </div>
    </div>
  );
}
