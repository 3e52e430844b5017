// This adapter's limits as the page sees them on load: name, vendor, buffer limits, f16 and subgroups.
import { useStudio } from '../store/store.ts';
import { formatBytes } from '../../hub/progress.ts';

export function GpuLimits() {
  const gpu = useStudio((s) => s.gpu);
  if (!gpu) return <p className="muted">Looking for a WebGPU adapter…</p>;
  if (!gpu.ok) return <p className="muted">No WebGPU adapter in this browser (see the explanation above): the memory plan uses SwiftShader's limits.</p>;
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  return (
    <dl className="facts model-facts" data-testid="gpu-limits">
      <dt>Adapter</dt>
      <dd>
        {gpu.name}
        {gpu.isFallback && ' (software fallback: slow)'}
      </dd>
      <dt>Vendor</dt>
      <dd>{gpu.vendor}</dd>
      <dt>maxBufferSize</dt>
      <dd>{formatBytes(gpu.maxBufferSize)}</dd>
      <dt>maxStorageBufferBindingSize</dt>
      <dd>{formatBytes(gpu.maxStorageBufferBindingSize)}</dd>
      <dt>shader-f16</dt>
      <dd>{yes(gpu.shaderF16)}</dd>
      <dt>subgroups</dt>
      <dd>{yes(gpu.subgroups)}</dd>
    </dl>
  );
}
