// Building a compute pipeline for an op: its explicit bind group layout (storage bindings in order, then the
// uniform slot), and WGSL with line numbers for compile errors.
import type { OpDescription } from './op.ts';

/** Explicit bind group layout (storage bindings in order, then the uniform slot) and the compute pipeline. */
export function buildPipeline(device: GPUDevice, op: OpDescription, code: string, key: string): { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout } {
  const entries: GPUBindGroupLayoutEntry[] = op.bindings.map((b, i) => ({
    binding: i,
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type: b.access === 'read' ? 'read-only-storage' : 'storage' },
  }));
  if (op.uniforms?.length) entries.push({ binding: op.bindings.length, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
  const layout = device.createBindGroupLayout({ entries, label: key });
  const pipeline = device.createComputePipeline({
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module: device.createShaderModule({ code, label: key }), entryPoint: 'main' },
    label: key,
  });
  return { pipeline, layout };
}

/** WGSL with line numbers, for compile errors. */
export function numbered(code: string): string {
  return code
    .split('\n')
    .map((l, i) => `${String(i + 1).padStart(4)}  ${l}`)
    .join('\n');
}
