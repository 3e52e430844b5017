// The uniform arena: one 256-byte slot per dispatch of a step, in a few persistent chunk buffers,
// written to the GPU once at submit. Steady-state steps allocate nothing.
import { MAX_UNIFORMS, type OpDescription } from './op.ts';

export const SLOT = 256; // bytes per slot (minUniformBufferOffsetAlignment)
const SLOTS_PER_CHUNK = 256;

interface Chunk {
  buffer: GPUBuffer;
  staging: ArrayBuffer;
}

export class UniformArena {
  private readonly chunks: Chunk[] = [];
  private slot = 0;

  constructor(
    private readonly device: GPUDevice,
    /** Called with each new chunk buffer (for ids and memory accounting). */
    private readonly onChunk: (buffer: GPUBuffer) => void,
  ) {}

  /** Starts a step: slots are handed out from the beginning again. */
  reset(): void {
    this.slot = 0;
  }

  /** Packs `values` in the op's uniform order into the next slot; returns where it lives. */
  write(op: OpDescription, values: Record<string, number>): { buffer: GPUBuffer; offset: number } {
    const uniforms = op.uniforms ?? [];
    const packed: number[] = uniforms.map(([name, type]) => {
      const v = values[name];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`op ${op.name}: uniform '${name}' must be a finite number, got ${v}`);
      if (type === 'u32' && (!Number.isInteger(v) || v < 0 || v > 0xffffffff)) throw new Error(`op ${op.name}: uniform '${name}' must be a u32, got ${v}`);
      if (type === 'i32' && (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff))
        throw new Error(`op ${op.name}: uniform '${name}' must be an i32, got ${v}`);
      return v;
    });
    const slot = this.slot++;
    const c = Math.floor(slot / SLOTS_PER_CHUNK);
    if (c >= this.chunks.length) {
      const buffer = this.device.createBuffer({ size: SLOT * SLOTS_PER_CHUNK, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      this.onChunk(buffer);
      this.chunks.push({ buffer, staging: new ArrayBuffer(SLOT * SLOTS_PER_CHUNK) });
    }
    const offset = (slot % SLOTS_PER_CHUNK) * SLOT;
    const { staging } = this.chunks[c];
    const u32 = new Uint32Array(staging, offset, MAX_UNIFORMS);
    const i32 = new Int32Array(staging, offset, MAX_UNIFORMS);
    const f32 = new Float32Array(staging, offset, MAX_UNIFORMS);
    uniforms.forEach(([, type], i) => {
      if (type === 'f32') f32[i] = packed[i];
      else if (type === 'i32') i32[i] = packed[i];
      else u32[i] = packed[i];
    });
    return { buffer: this.chunks[c].buffer, offset };
  }

  /** Queues the writes of every slot used in this step (before the step's command buffer is submitted). */
  flush(): void {
    const used = Math.ceil(this.slot / SLOTS_PER_CHUNK);
    for (let c = 0; c < used; c++) {
      const slots = Math.min(SLOTS_PER_CHUNK, this.slot - c * SLOTS_PER_CHUNK);
      this.device.queue.writeBuffer(this.chunks[c].buffer, 0, this.chunks[c].staging, 0, slots * SLOT);
    }
  }
}
