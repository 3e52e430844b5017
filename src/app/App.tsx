// The studio shell: header with the main actions, status line, tabs, and the active panel.
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from './store/store.ts';
import type { Tab } from './store/ui-slice.ts';
import { StatusBar } from './components/StatusBar.tsx';
import { FilesPanel } from './components/FilesPanel.tsx';
import { Dashboard } from './components/Dashboard.tsx';
import { MarkerEditor } from './components/MarkerEditor.tsx';
import { ConfigTable } from './components/ConfigTable.tsx';
import { ExportBundle } from './components/ExportBundle.tsx';
import { TrainingPanel } from './components/TrainingPanel.tsx';
import { RunHistory } from './components/RunHistory.tsx';
import { Playground } from './components/Playground.tsx';
import { ModelPanel } from './components/ModelPanel.tsx';
import { StoragePanel } from './components/StoragePanel.tsx';
import { NoWebGpu } from './components/NoWebGpu.tsx';
import { downloadReport } from './download.ts';
import { tabForKey } from './tab-keys.ts';

const TABS: { id: Tab; label: string }[] = [
  { id: 'files', label: 'Files' },
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'markers', label: 'Voice markers' },
  { id: 'config', label: 'Training config' },
  { id: 'model', label: 'Model' },
  { id: 'training', label: 'Training' },
  { id: 'runs', label: 'Runs' },
  { id: 'playground', label: 'Playground' },
  { id: 'storage', label: 'Storage' },
];

function Header() {
  const { hasData, busy, loadSample, clearAll } = useStudio(
    useShallow((s) => ({ hasData: s.result !== null, busy: s.busy !== null, loadSample: s.loadSample, clearAll: s.clearAll })),
  );
  return (
    <header className="app-header">
      <div className="brand">
        <h1>Mindprint Studio</h1>
        <span className="tagline">Teach an open model one person's voice — on your own GPU, data never leaves this machine</span>
      </div>
      <div className="header-actions">
        <button onClick={() => void loadSample()} disabled={busy}>
          Load sample curriculum
        </button>
        <button onClick={() => downloadReport(useStudio.getState().result?.report ?? '')} disabled={!hasData} data-testid="download-report">
          Download report
        </button>
        <button
          className="quiet danger"
          disabled={busy}
          onClick={() => {
            if (confirm('Remove every loaded file, marker edit and override from this browser?')) void clearAll();
          }}
        >
          Clear
        </button>
      </div>
    </header>
  );
}

function Tabs() {
  const { tab, setTab, fileCount, topicCount } = useStudio(
    useShallow((s) => ({ tab: s.tab, setTab: s.setTab, fileCount: s.files.length, topicCount: s.result?.analysis.topics.length ?? 0 })),
  );
  const badge = (id: Tab) => (id === 'files' && fileCount ? fileCount : id === 'dashboard' && topicCount ? topicCount : null);
  return (
    <div
      className="tabs"
      role="tablist"
      aria-label="Studio sections"
      onKeyDown={(e) => {
        const next = tabForKey(
          TABS.map((t) => t.id),
          tab,
          e.key,
        );
        if (next === null) return;
        e.preventDefault();
        setTab(next);
        document.getElementById(`tab-${next}`)?.focus();
      }}
    >
      {TABS.map((t) => (
        <button
          key={t.id}
          id={`tab-${t.id}`}
          role="tab"
          aria-selected={tab === t.id}
          aria-controls="tab-panel"
          tabIndex={tab === t.id ? 0 : -1}
          className={tab === t.id ? 'tab active' : 'tab'}
          onClick={() => setTab(t.id)}
        >
          {t.label}
          {badge(t.id) !== null && <span className="badge">{badge(t.id)}</span>}
        </button>
      ))}
    </div>
  );
}

export function App() {
  const tab = useStudio((s) => s.tab);
  return (
    <div className="app">
      <Header />
      <NoWebGpu />
      <Tabs />
      <StatusBar />
      <main className="panel" role="tabpanel" id="tab-panel" aria-labelledby={`tab-${tab}`}>
        {tab === 'files' && <FilesPanel />}
        {tab === 'dashboard' && <Dashboard />}
        {tab === 'markers' && <MarkerEditor />}
        {tab === 'config' && <ConfigTable />}
        {tab === 'config' && <ExportBundle />}
        {tab === 'training' && <TrainingPanel />}
        {tab === 'runs' && <RunHistory />}
        {tab === 'playground' && <Playground />}
        {tab === 'model' && <ModelPanel />}
        {tab === 'storage' && <StoragePanel />}
      </main>
    </div>
  );
}
