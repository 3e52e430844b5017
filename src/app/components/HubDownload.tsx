// A Hub model by id (ORG/NAME[@REV]): Check reads its config and file list (size and memory plan
// show before any weights come), Download fetches the rest into this browser's cache with a progress
// bar (bytes, rate, time left) and Cancel; the Hub address and the access token are set below it.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { formatBytes } from '../../hub/progress.ts';

function HubSettings() {
  const { endpoint, tokenSaved, setEndpoint, setToken } = useStudio(
    useShallow((s) => ({ endpoint: s.hub.endpoint, tokenSaved: s.hub.tokenSaved, setEndpoint: s.setHubEndpoint, setToken: s.setHubToken })),
  );
  const [text, setText] = useState(endpoint);
  const [error, setError] = useState<string | null>(null);
  const [token, setTokenText] = useState('');
  return (
    <details className="hub-settings" open={endpoint !== 'https://huggingface.co' || undefined}>
      <summary>Hub address and access token</summary>
      <div className="options-row">
        <label className="field">
          <span>Hub address</span>
          <input value={text} data-testid="hub-endpoint" onChange={(e) => setText(e.target.value)} onBlur={() => setError(setEndpoint(text))} />
          {error && <span className="field-error">{error}</span>}
        </label>
        <label className="field" title="Kept only in this browser (localStorage), sent only to the Hub address above, never logged or exported">
          <span>Access token {tokenSaved ? '(saved in this browser)' : '(for gated models)'}</span>
          <input
            type="password"
            autoComplete="off"
            value={token}
            placeholder={tokenSaved ? '••••••••' : 'hf_…'}
            data-testid="hub-token"
            onChange={(e) => setTokenText(e.target.value)}
          />
        </label>
        <button
          data-testid="hub-token-save"
          onClick={() => {
            setToken(token);
            setTokenText('');
          }}
        >
          {token ? 'Save token' : 'Forget token'}
        </button>
      </div>
    </details>
  );
}

function HubProgress() {
  const { progress, cancel } = useStudio(useShallow((s) => ({ progress: s.hub.progress, cancel: s.cancelHub })));
  if (!progress) return null;
  const pct = progress.total ? (100 * progress.done) / progress.total : 0;
  return (
    <div className="hub-progress">
      <progress max={progress.total} value={progress.done} data-testid="hub-progress" aria-label="Download progress" />
      <span className="small-text" data-testid="hub-progress-text">
        {pct.toFixed(0)}% · {progress.text}
        {progress.file && ` · ${progress.file}`}
      </span>
      <button className="quiet danger" data-testid="hub-cancel" onClick={cancel}>
        Cancel
      </button>
    </div>
  );
}

function HubStatus() {
  const { hub, download, chosen } = useStudio(
    useShallow((s) => ({ hub: s.hub, download: s.downloadHub, chosen: s.trainModel.kind === 'tiny' ? 'the tiny model' : s.trainModel.label })),
  );
  const insp = hub.inspection;
  return (
    <>
      {hub.error && (
        <p className="field-error" role="alert" data-testid="hub-error">
          {hub.error}
        </p>
      )}
      {insp && (
        <p data-testid="hub-size">
          {insp.id.repoId} at {insp.commit.slice(0, 7)}: {insp.files.length} files, {formatBytes(insp.totalBytes)}
          {insp.cached ? ' — in this browser, nothing to download.' : insp.haveBytes > 0 ? ` (${formatBytes(insp.haveBytes)} already here).` : '.'}
        </p>
      )}
      {insp && !insp.cached && hub.phase !== 'downloading' && (
        <p>
          <button className="primary" data-testid="hub-download" onClick={() => void download()}>
            Download {formatBytes(insp.totalBytes - insp.haveBytes)}
          </button>{' '}
          <span className="muted small-text">Training uses {chosen} until the download is complete.</span>
        </p>
      )}
      {hub.phase === 'downloading' && <HubProgress />}
    </>
  );
}

export function HubDownload() {
  const { phase, inspect } = useStudio(useShallow((s) => ({ phase: s.hub.phase, inspect: s.inspectHub })));
  const [id, setId] = useState('');
  const busy = phase === 'inspecting' || phase === 'downloading';
  return (
    <div className="hub-download" data-testid="hub-download-panel">
      <form
        className="options-row"
        onSubmit={(e) => {
          e.preventDefault();
          void inspect(id);
        }}
      >
        <label className="field hub-id">
          <span>Hugging Face model id</span>
          <input value={id} placeholder="Qwen/Qwen2.5-0.5B-Instruct or ORG/NAME@REVISION" data-testid="hub-id" onChange={(e) => setId(e.target.value)} />
        </label>
        <button type="submit" disabled={busy || !id.trim()} data-testid="hub-check">
          {phase === 'inspecting' ? 'Checking…' : 'Check'}
        </button>
      </form>
      <HubStatus />
      <HubSettings />
    </div>
  );
}
