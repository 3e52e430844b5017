// Building a compute pipeline for an op: its explicit bind group layout (storage bindings in order, then the
// uniform slot), WGSL with line numbers for compile errors, and the runtime's pipeline cache.
import { assembleWgsl, pipelineKey, type OpDescription } from './op.ts';

export interface Pipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  wgsl: string;
}

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

/** Compiled pipelines by cache key (name, workgroup size, facts); compile errors go to `track` with the numbered WGSL. */
export class PipelineCache {
  private readonly pipelines = new Map<string, Pipeline>();

  constructor(
    private readonly device: GPUDevice,
    private readonly stats: { pipelinesCompiled: number; pipelineCacheHits: number },
    private readonly track: (scope: Promise<GPUError | null>, describe: (e: GPUError) => string) => void,
  ) {}

  get size(): number {
    return this.pipelines.size;
  }

  /** The op's pipeline, compiled on first use; throws when two different WGSL sources share one cache key. */
  pipelineFor(op: OpDescription): Pipeline {
    const key = pipelineKey(op);
    const hit = this.pipelines.get(key);
    if (hit) {
      if (hit.wgsl !== op.wgsl) throw new Error(`op ${op.name}: two different WGSL sources share the cache key ${key}; put the difference in facts`);
      this.stats.pipelineCacheHits++;
      return hit;
    }
    const code = assembleWgsl(op);
    this.device.pushErrorScope('validation');
    const made = { ...buildPipeline(this.device, op, code, key), wgsl: op.wgsl };
    this.track(this.device.popErrorScope(), (e) => `op ${op.name} (${key}) failed to compile: ${e.message}\n--- WGSL ---\n${numbered(code)}`);
    this.pipelines.set(key, made);
    this.stats.pipelinesCompiled++;
    return made;
  }
}
