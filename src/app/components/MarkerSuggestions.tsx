// Marker discovery's suggestions in the marker editor: each phrase the chosen answers use and the
// rejected ones lack, with its counts; the user edits the phrase or its category and accepts it,
// rejects it, or removes one already in use.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SuggestionList } from '../../workers/protocol.ts';
import { useStudio } from '../store/store.ts';

type Suggestion = SuggestionList['suggestions'][number];

const EVAL_CATEGORIES = ['confidence', 'psychology', 'terminology'];

/**
 * A suggestion's buttons: in use (remove it when the markers hold it as written), accepted under an
 * edited phrase (remove that), or open (a category, accept with the row's edited phrase, reject).
 */
function SuggestionActions(props: {
  s: Suggestion;
  categories: string[];
  editedAs: string | undefined;
  phrase: string;
  category: string;
  setCategory: (c: string) => void;
}) {
  const { s, categories, editedAs, phrase, category, setCategory } = props;
  const { accept, reject, remove, busy } = useStudio(
    useShallow((st) => ({ accept: st.acceptSuggestion, reject: st.rejectSuggestion, remove: st.removeSuggestion, busy: st.markersPending })),
  );
  const exact = s.coveredBy !== null && s.coveredBy.toLowerCase() === s.phrase.toLowerCase();
  return (
    <div className="suggestion-actions">
      {s.coveredBy ? (
        <>
          <span className="tag ok">{exact ? 'in use' : `counted by “${s.coveredBy}”`}</span>
          {exact && (
            <button className="small quiet" disabled={busy} onClick={() => remove(s.phrase)} data-testid="suggestion-remove">
              Remove
            </button>
          )}
        </>
      ) : editedAs ? (
        <>
          <span className="tag ok">accepted as “{editedAs}”</span>
          <button className="small quiet" disabled={busy} onClick={() => remove(editedAs, s.phrase)} data-testid="suggestion-remove">
            Remove
          </button>
        </>
      ) : (
        <>
          <select value={category} onChange={(e) => setCategory(e.target.value)} aria-label="Also a pattern of category" data-testid="suggestion-category">
            <option value="">density only</option>
            {categories.map((c) => (
              <option key={c} value={c}>
                + {c}
              </option>
            ))}
          </select>
          <button
            className="small primary"
            disabled={busy || !phrase.trim()}
            onClick={() => accept(s.phrase, phrase, category || null)}
            data-testid="suggestion-accept"
          >
            Accept
          </button>
          <button className="small quiet" onClick={() => reject(s.phrase)} data-testid="suggestion-reject">
            Reject
          </button>
        </>
      )}
    </div>
  );
}

/** How well a suggestion separates the pairs: a bar and the counts. */
function SuggestionStats({ s, pairs }: { s: Suggestion; pairs: number }) {
  return (
    <div className="suggestion-stats">
      <span className="bar" title={`separates ${s.support} of ${pairs} pairs`}>
        <span className="fill good" style={{ width: `${(100 * s.support) / Math.max(1, pairs)}%` }} />
      </span>
      <span className="suggestion-counts" data-testid="suggestion-counts">
        separates {s.support} of {pairs} pairs{s.against ? ` (${s.against} the other way)` : ''} · {s.chosenCount}× in chosen, {s.rejectedCount}× in rejected
      </span>
    </div>
  );
}

function SuggestionRow({ s, pairs, categories }: { s: Suggestion; pairs: number; categories: string[] }) {
  const editedAs = useStudio((st) => st.acceptedAs[s.phrase.toLowerCase()] as string | undefined);
  const [phrase, setPhrase] = useState(s.phrase);
  const [category, setCategory] = useState(s.category ?? '');
  return (
    <li className={`suggestion${s.coveredBy || editedAs ? ' in-use' : ''}`} data-testid="suggestion" data-phrase={s.phrase}>
      <div className="suggestion-top">
        {s.coveredBy || editedAs ? (
          <span className="suggestion-phrase" title="already counted by the markers">
            {s.phrase}
          </span>
        ) : (
          <input
            className="suggestion-phrase"
            value={phrase}
            onChange={(e) => setPhrase(e.target.value)}
            aria-label={`Suggested phrase ${s.phrase}`}
            data-testid="suggestion-phrase"
          />
        )}
        <SuggestionActions s={s} categories={categories} editedAs={editedAs} phrase={phrase} category={category} setCategory={setCategory} />
      </div>
      <SuggestionStats s={s} pairs={pairs} />
    </li>
  );
}

export function MarkerSuggestions() {
  const { list, rejected, restore, cats } = useStudio(
    useShallow((s) => ({
      list: s.result?.suggestions,
      rejected: s.rejectedSuggestions,
      restore: s.restoreSuggestions,
      cats: s.result?.analysis.markers?.categories,
    })),
  );
  const hasData = useStudio((s) => s.result !== null);
  const categories = [...new Set([...EVAL_CATEGORIES, ...(cats ?? [])])];
  const shown = list ? list.suggestions.filter((s) => !rejected.includes(s.phrase.toLowerCase())) : [];
  const hidden = list ? list.suggestions.length - shown.length : 0;
  return (
    <section className="card" data-testid="suggestions">
      <div className="card-head">
        <h2>Suggested from your pairs</h2>
        {list && (
          <span className="muted small-text">
            {list.differingPairs} of {list.pairs} pairs differ{list.examined < list.differingPairs ? ` (${list.examined} examined)` : ''} · a phrase separates
            at least {list.minSupport}
          </span>
        )}
      </div>
      {!hasData ? (
        <p className="muted">Load a curriculum: its preference pairs are where suggestions come from.</p>
      ) : !list ? (
        <p className="muted" data-testid="suggestions-empty">
          No preference pairs: nothing to discover markers from. Write the phrases of the voice in the editor.
        </p>
      ) : list.suggestions.length === 0 ? (
        <p className="muted" data-testid="suggestions-empty">
          No phrase separates the pairs: their rejected answers are not the chosen ones with the voice taken out.
        </p>
      ) : (
        <>
          <p className="muted small-text">
            Phrases the chosen answers use and the rejected ones lack, best first: ranked by the pairs they separate. Edit a phrase before accepting it; choose
            a category to score it in the evaluation too.
          </p>
          <ol className="suggestions" data-testid="suggestion-list">
            {shown.map((s) => (
              <SuggestionRow key={s.phrase} s={s} pairs={list.examined} categories={categories} />
            ))}
          </ol>
          {hidden > 0 && (
            <p className="muted small-text">
              {hidden} rejected{' '}
              <button className="link small" onClick={restore}>
                show again
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
