// The Model tab: which base model trains (the generated tiny model, a local Hugging Face folder checked
// when picked, or a Hub model downloaded into this browser), its summary and memory plan at the chosen
// precision, this adapter's limits, and the Hub models cached here.
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { GpuLimits } from './GpuLimits.tsx';
import { HubDownload } from './HubDownload.tsx';
import { CachedModels } from './CachedModels.tsx';
import { ModelSummaryCard } from './ModelSummaryCard.tsx';
import { MemoryPlanCard } from './MemoryPlanCard.tsx';

type Source = 'tiny' | 'files' | 'hub';

function FolderPicker() {
  const { chooseFolder, label } = useStudio(
    useShallow((s) => ({ chooseFolder: s.chooseFolder, label: s.trainModel.kind === 'files' ? s.trainModel.label : null })),
  );
  return (
    <div className="options-row">
      <button data-testid="model-folder-pick" onClick={() => document.getElementById('model-panel-folder')?.click()}>
        {label ? `${label} — pick another folder…` : 'Pick a model folder…'}
      </button>
      <input
        id="model-panel-folder"
        data-testid="model-folder-input"
        type="file"
        hidden
        multiple
        {...({ webkitdirectory: '' } as Record<string, string>)}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) void chooseFolder(files[0]!.webkitRelativePath.split('/')[0] || 'selected folder', files);
        }}
      />
    </div>
  );
}

function SourceChoice({ source, setSource }: { source: Source; setSource: (s: Source) => void }) {
  const { busy, chooseTiny } = useStudio(
    useShallow((s) => ({ busy: ['starting', 'running', 'pausing'].includes(s.training.status), chooseTiny: s.chooseTiny })),
  );
  const option = (id: Source, label: string) => (
    <label>
      <input
        type="radio"
        name="model-source"
        checked={source === id}
        disabled={busy}
        data-testid={`model-source-${id}`}
        onChange={() => {
          setSource(id);
          if (id === 'tiny') void chooseTiny();
        }}
      />{' '}
      {label}
    </label>
  );
  return (
    <div className="checks model-sources" role="radiogroup" aria-label="Base model">
      {option('tiny', 'Tiny demo model (generated)')}
      {option('files', 'A model folder on this computer')}
      {option('hub', 'A model from the Hugging Face Hub')}
    </div>
  );
}

export function ModelPanel() {
  const { kind, needsTiny, showTinySummary } = useStudio(
    useShallow((s) => ({
      kind: s.trainModel.kind,
      needsTiny: s.trainModel.kind === 'tiny' && !s.modelSummary && !s.modelCheck.busy,
      showTinySummary: s.showTinySummary,
    })),
  );
  useEffect(() => {
    if (needsTiny) void showTinySummary();
  }, [needsTiny, showTinySummary]);
  // Follows the chosen model (restored after a reload) until the user picks a source here.
  const [picked, setSource] = useState<Source | null>(null);
  const source = picked ?? kind;
  return (
    <div className="stack model-panel" data-testid="model-panel">
      <section className="card">
        <div className="card-head">
          <h2>Base model</h2>
        </div>
        <SourceChoice source={source} setSource={setSource} />
        {source === 'files' && <FolderPicker />}
        {source === 'hub' && <HubDownload />}
        <ModelSummaryCard />
      </section>
      <section className="card">
        <div className="card-head">
          <h2>Memory plan</h2>
        </div>
        <MemoryPlanCard />
      </section>
      <section className="card">
        <div className="card-head">
          <h2>This GPU</h2>
        </div>
        <GpuLimits />
      </section>
      <section className="card">
        <div className="card-head">
          <h2>Hub models in this browser</h2>
        </div>
        <CachedModels />
      </section>
    </div>
  );
}
