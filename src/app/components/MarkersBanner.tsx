// Names the voice markers the figures were measured with, at the top of the dashboard and of the
// marker editor: the curriculum's own, the user's edits, provisional suggestions, or none yet.
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function MarkersBanner({ where }: { where: 'dashboard' | 'editor' }) {
  const { mk, suggested, setTab } = useStudio(
    useShallow((s) => ({ mk: s.result?.analysis.markers, suggested: s.result?.suggestions?.suggestions.length ?? null, setTab: s.setTab })),
  );
  if (!mk) return null;
  const toEditor = where === 'dashboard' && (
    <button className="small" onClick={() => setTab('markers')} data-testid="markers-banner-open">
      {mk.origin === 'none' ? 'Write or discover markers' : mk.origin === 'suggested' ? 'Review the suggestions' : 'Edit markers'}
    </button>
  );
  if (mk.origin === 'none') {
    return (
      <div className="markers-banner none" data-testid="markers-banner" data-origin="none">
        <div>
          <strong>No voice markers yet: write or discover them.</strong>{' '}
          <span className="muted">
            {suggested === null
              ? 'Without preference pairs there is nothing to discover from: write the phrases of the voice in the Voice markers tab, or add a voice_markers.yaml to the curriculum folder.'
              : 'No phrase separates your preference pairs: write the phrases of the voice yourself.'}{' '}
            Until then voice density is not measured and nothing is flagged for it.
          </span>
        </div>
        {toEditor}
      </div>
    );
  }
  const what = `${plural(mk.densityMarkers, 'density marker')} · ${plural(mk.categories.length, 'category', 'categories')}${
    mk.categories.length ? ` (${mk.categories.join(', ')})` : ''
  } · ${plural(mk.negativePatterns, 'negative pattern')}`;
  return (
    <div className={`markers-banner ${mk.judged ? 'own' : 'provisional'}`} data-testid="markers-banner" data-origin={mk.origin}>
      <div>
        <span className="muted">Voice markers:</span>{' '}
        <strong data-testid="markers-name">{mk.origin === 'suggested' ? 'provisional, suggested from your pairs' : (mk.name ?? mk.label)}</strong>
        {mk.name && <span className="muted"> · {mk.label}</span>}
        <span className="muted"> · {what}</span>
        {!mk.judged && (
          <div className="small-text">
            Not reviewed yet, so voice density and pair quality are shown but not held against their targets. Accept, edit or reject each suggestion
            {where === 'dashboard' ? ' in the Voice markers tab' : ' below'} to make them yours.
          </div>
        )}
      </div>
      {toEditor}
    </div>
  );
}
