// Bind groups for GpuRuntime.run(): checks each tensor against its binding (dtype, view alignment, a written
// buffer bound twice), appends the op's uniform slot, and caches the GPUBindGroup by pipeline key, buffer
// ids, offsets and sizes, so a steady-state step creates none.
import { pipelineKey, shapeStr, type GpuTensor, type OpDescription } from './op.ts';
import { SLOT, type UniformArena } from './uniforms.ts';

export class BindGroupCache {
  private readonly groups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 1;

  constructor(
    private readonly device: GPUDevice,
    private readonly stats: { bindGroupsCreated: number },
  ) {}

  /** A small stable id per GPU buffer, for cache keys. */
  idOf(buffer: GPUBuffer): number {
    let id = this.bufferIds.get(buffer);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(buffer, id);
    }
    return id;
  }

  /** Forgets every cached group (their buffers may be destroyed). */
  clear(): void {
    this.groups.clear();
  }

  /** The bind group of `op` over `bindings` (by binding name), with `values` written to a fresh uniform slot of `arena`. */
  groupFor(
    op: OpDescription,
    layout: GPUBindGroupLayout,
    bindings: Record<string, GpuTensor>,
    values: Record<string, number>,
    arena: UniformArena,
  ): GPUBindGroup {
    const align = this.device.limits.minStorageBufferOffsetAlignment;
    const keyParts: (string | number)[] = [pipelineKey(op)];
    const seen = new Map<GPUBuffer, string>();
    const entries: GPUBindGroupEntry[] = op.bindings.map((b, i) => {
      const t = bindings[b.name];
      if (!t) throw new Error(`op ${op.name}: binding '${b.name}' missing (got ${Object.keys(bindings).join(', ') || 'none'})`);
      const want = b.type === 'u32' ? 'u32' : 'f32';
      if (t.dtype !== want) throw new Error(`op ${op.name}: binding '${b.name}' must be ${want}, got a ${t.dtype} tensor ${shapeStr(t.shape)}`);
      if (b.type === 'vec4<f32>' && t.size % 4 !== 0) {
        throw new Error(`op ${op.name}: binding '${b.name}' is read as vec4<f32> and needs a multiple of 4 elements, got ${shapeStr(t.shape)}`);
      }
      if ((t.offset * 4) % align !== 0) {
        throw new Error(`op ${op.name}: binding '${b.name}' is a view at element ${t.offset}; bound views need offsets that are multiples of ${align / 4}`);
      }
      const other = seen.get(t.buffer);
      if (other !== undefined && (b.access === 'read_write' || op.bindings.find((d) => d.name === other)?.access === 'read_write')) {
        throw new Error(
          `op ${op.name}: bindings '${other}' and '${b.name}' share one GPU buffer and one of them is written; WebGPU forbids that, pass separate tensors`,
        );
      }
      seen.set(t.buffer, b.name);
      const size = Math.max(4, (t.words ?? t.size) * 4);
      keyParts.push(this.idOf(t.buffer), t.offset, size);
      return { binding: i, resource: { buffer: t.buffer, offset: t.offset * 4, size } };
    });
    if (op.uniforms?.length) {
      const { buffer, offset } = arena.write(op, values);
      keyParts.push('u', this.idOf(buffer), offset);
      entries.push({ binding: op.bindings.length, resource: { buffer, offset, size: SLOT } });
    }
    const key = keyParts.join(':');
    let group = this.groups.get(key);
    if (!group) {
      if (this.groups.size > 8192) this.groups.clear();
      group = this.device.createBindGroup({ layout, entries });
      this.stats.bindGroupsCreated++;
      this.groups.set(key, group);
    }
    return group;
  }
}
