// Shown on load, above every tab, when the browser offers no WebGPU adapter: why, worded for this
// browser, and that analysis and config still work. Also starts the Model tab's load-time probe.
import { useEffect } from 'react';
import { useStudio } from '../store/store.ts';
import { noWebGpuAdvice } from '../gpu-probe.ts';

export function NoWebGpu() {
  const gpu = useStudio((s) => s.gpu);
  const initModel = useStudio((s) => s.initModel);
  useEffect(() => void initModel(), [initModel]);
  if (!gpu || gpu.ok) return null;
  const { title, steps } = noWebGpuAdvice(gpu, navigator.userAgent);
  return (
    <div className="no-webgpu" role="alert" data-testid="no-webgpu">
      <strong>{title}</strong>
      <ul>
        {steps.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      <p>Loading files, the dashboard, voice markers, the training config and the report work without it.</p>
    </div>
  );
}
