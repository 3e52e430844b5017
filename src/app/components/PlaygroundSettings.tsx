// The playground's settings: which adapter answers beside the base, and the sampling (temperature,
// top-p, max tokens, seed, stop sequences). Bad numbers show their message beside the field.
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { adapterLabel, answeringAdapters, MAX_PLAYGROUND_TOKENS, parseStopList, type PlaygroundSampling } from '../../workers/playground-plan.ts';

type NumKey = 'temperature' | 'topP' | 'maxTokens' | 'seed';

const FIELDS: { key: NumKey; label: string; step: string; check: (x: number) => string | null }[] = [
  { key: 'temperature', label: 'Temperature', step: '0.1', check: (x) => (x >= 0 ? null : 'a number ≥ 0 (0 = greedy)') },
  { key: 'topP', label: 'Top-p', step: '0.05', check: (x) => (x > 0 && x <= 1 ? null : 'a number in (0, 1]') },
  {
    key: 'maxTokens',
    label: 'Max tokens',
    step: '1',
    check: (x) => (Number.isInteger(x) && x >= 1 && x <= MAX_PLAYGROUND_TOKENS ? null : `an integer from 1 to ${MAX_PLAYGROUND_TOKENS}`),
  },
  { key: 'seed', label: 'Seed', step: '1', check: (x) => (Number.isInteger(x) && x >= 0 ? null : 'an integer ≥ 0') },
];

function NumberField({ field, value, onValue }: { field: (typeof FIELDS)[number]; value: number; onValue: (x: number) => void }) {
  const [text, setText] = useState(String(value));
  const x = Number(text);
  const problem = text.trim() === '' || !Number.isFinite(x) ? 'a number' : field.check(x);
  return (
    <label className="pg-field">
      <span>{field.label}</span>
      <input
        type="number"
        step={field.step}
        value={text}
        aria-invalid={!!problem}
        data-testid={`pg-${field.key}`}
        onChange={(e) => {
          setText(e.target.value);
          const v = Number(e.target.value);
          if (e.target.value.trim() !== '' && Number.isFinite(v) && !field.check(v)) onValue(v);
        }}
      />
      {problem && <span className="field-error">expected {problem}</span>}
    </label>
  );
}

export function PlaygroundSettings() {
  const { adapters, imports, historyLoaded, loadHistory, adapterKey, sampling, setPlayground, setSampling } = useStudio(
    useShallow((s) => ({
      adapters: s.training.adapters,
      imports: s.history.imports,
      historyLoaded: s.history.loaded,
      loadHistory: s.loadHistory,
      adapterKey: s.playground.adapterKey,
      sampling: s.playground.sampling,
      setPlayground: s.setPlayground,
      setSampling: s.setSampling,
    })),
  );
  const options = useMemo(() => answeringAdapters(adapters), [adapters]);
  // Imported adapters (Runs tab) answer too: list them once the store has been read.
  useEffect(() => {
    if (!historyLoaded) void loadHistory();
  }, [historyLoaded, loadHistory]);
  const [stopText, setStopText] = useState(sampling.stop.join('\n'));
  return (
    <div className="card pg-settings">
      <label className="pg-field pg-adapter">
        <span>Adapter beside the base</span>
        <select value={adapterKey} onChange={(e) => setPlayground({ adapterKey: e.target.value })} data-testid="pg-adapter">
          <option value="">none (base only)</option>
          {options.length > 0 && (
            <optgroup label="This run">
              {options.map((a) => (
                <option key={a.key} value={a.key}>
                  {adapterLabel(a)}
                </option>
              ))}
            </optgroup>
          )}
          {imports.length > 0 && (
            <optgroup label="Imported">
              {imports.map((k) => (
                <option key={k} value={k}>
                  {k.replace(/^imports\//, '')} · imported
                </option>
              ))}
            </optgroup>
          )}
        </select>
        {!options.length && !imports.length && (
          <span className="muted small-text">Train a topic to get adapters (the current run's are listed), or import one on the Runs tab.</span>
        )}
      </label>
      {FIELDS.map((f) => (
        <NumberField key={f.key} field={f} value={sampling[f.key]} onValue={(v) => setSampling({ [f.key]: v } as Partial<PlaygroundSampling>)} />
      ))}
      <label className="pg-field">
        <span>Stop sequences</span>
        <textarea
          rows={1}
          value={stopText}
          placeholder="one per line"
          data-testid="pg-stop-list"
          onChange={(e) => {
            setStopText(e.target.value);
            setSampling({ stop: parseStopList(e.target.value) });
          }}
        />
      </label>
    </div>
  );
}
