// "Export for a GPU cluster": the curriculum and the per-topic recipe shown above as a TRL + PEFT bundle
// (a zip: data, plan.json, train.py, requirements, accelerate and Slurm configs), built by its own
// worker from what the studio saved. The results come back with `mindprint import-run`.
import { useState } from 'react';
import type { BundleReply, BundleRequest } from '../../bundle/bundle.worker.ts';
import { useStudio } from '../store/store.ts';

const ZIP_NAME = 'mindprint-trl-bundle.zip';

function saveZip(bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = ZIP_NAME;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function ExportBundle() {
  const hasData = useStudio((s) => s.result !== null);
  const [model, setModel] = useState('HuggingFaceTB/SmolLM2-135M-Instruct');
  const [alignment, setAlignment] = useState<'ppo' | 'dpo'>('ppo');
  const [status, setStatus] = useState<{ busy: boolean; text: string; error?: boolean } | null>(null);

  const run = () => {
    setStatus({ busy: true, text: 'Building the bundle…' });
    const worker = new Worker(new URL('../../bundle/bundle.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<BundleReply>) => {
      worker.terminate();
      if (!e.data.ok) return setStatus({ busy: false, text: e.data.error, error: true });
      saveZip(e.data.zip);
      setStatus({ busy: false, text: `${ZIP_NAME}: ${e.data.files} files. Unzip, pip install -r requirements.txt, python train.py (its README says more).` });
    };
    worker.onerror = (e) => {
      worker.terminate();
      setStatus({ busy: false, text: `The bundle could not be built: ${e.message || 'the worker failed'}`, error: true });
    };
    worker.postMessage({ model, alignment } satisfies BundleRequest);
  };

  return (
    <section className="export-bundle" data-testid="export-bundle">
      <h3>Export for a GPU cluster</h3>
      <p>The curriculum and this per-topic recipe as a Hugging Face TRL + PEFT bundle, for a larger model on rented GPUs.</p>
      <label>
        Base model (Hugging Face id) <input value={model} onChange={(e) => setModel(e.target.value)} spellCheck={false} data-testid="export-bundle-model" />
      </label>{' '}
      <label>
        Alignment{' '}
        <select value={alignment} onChange={(e) => setAlignment(e.target.value as 'ppo' | 'dpo')}>
          <option value="ppo">reward model + PPO</option>
          <option value="dpo">DPO</option>
        </select>
      </label>{' '}
      <button onClick={run} disabled={!hasData || !!status?.busy || !model.trim()} data-testid="export-bundle-button">
        Export for a GPU cluster
      </button>
      {status && (
        <p className={status.error ? 'error' : undefined} role="status">
          {status.text}
        </p>
      )}
    </section>
  );
}
