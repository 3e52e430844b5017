// Pooled GPU storage buffers, bucketed by size (rounded to 256 bytes): released tensors' buffers come back
// for the next tensor of the same size, so steady-state steps create no buffers. Also the readback staging pool.

export interface PoolStats {
  buffersCreated: number;
  bytesAllocated: number; // bytes in all GPU buffers the runtime holds (live + pooled + uniforms)
  peakBytes: number; // high-water mark of bytesAllocated
}

export interface AllocationScopes {
  validation: Promise<GPUError | null>;
  oom: Promise<GPUError | null>;
  bytes: number; // requested size
  what: string; // e.g. 'tensor (128, 896) f32'
  held: number; // bytes the runtime held before this allocation
}

export const BUCKET = 256;

export function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private readonly released = new WeakSet<GPUBuffer>(); // to catch a double release
  private readonly staging = new Map<number, GPUBuffer[]>();
  private readonly usage: number;

  constructor(
    private readonly device: GPUDevice,
    private readonly stats: PoolStats,
    /** Registers the error scopes of one allocation, to be reported with its size and purpose. */
    private readonly watch: (scopes: AllocationScopes) => void,
  ) {
    // Read here, not at module load: in Node GPUBufferUsage exists only after getGpu() installed Dawn's globals.
    this.usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  }

  /** A storage buffer of at least `bytes`, reused when one of that bucket is free. `what` names it in errors. */
  acquire(bytes: number, what: string): GPUBuffer {
    const rounded = roundUp(Math.max(bytes, 4), BUCKET);
    const reuse = this.free.get(rounded)?.pop();
    if (reuse) {
      this.released.delete(reuse);
      return reuse;
    }
    return this.create(bytes, rounded, what, false);
  }

  /**
   * A new storage buffer holding `data`, written through a mapping at creation: the caller's array is not
   * referenced once this returns (queue.writeBuffer keeps it until the queue has run), so a model uploaded
   * tensor by tensor never sits in host memory twice.
   */
  createFilled(data: Uint8Array, what: string): GPUBuffer {
    const buffer = this.create(data.byteLength, roundUp(Math.max(data.byteLength, 4), BUCKET), what, true);
    new Uint8Array(buffer.getMappedRange(0, data.byteLength)).set(data);
    buffer.unmap();
    return buffer;
  }

  private create(bytes: number, rounded: number, what: string, mappedAtCreation: boolean): GPUBuffer {
    const limits = this.device.limits;
    const max = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
    if (rounded > max) {
      throw new Error(
        `GPU allocation of ${bytes} bytes for ${what} exceeds this device's largest bindable buffer (${max} bytes: maxBufferSize / maxStorageBufferBindingSize)`,
      );
    }
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    const buffer = this.device.createBuffer({ size: rounded, usage: this.usage, label: what, mappedAtCreation });
    const validation = this.device.popErrorScope();
    const oom = this.device.popErrorScope();
    this.watch({ validation, oom, bytes, what, held: this.stats.bytesAllocated });
    this.stats.buffersCreated++;
    this.counted(rounded);
    return buffer;
  }

  /** Marks a buffer released (throws on a second release); give it back with put() when the GPU may reuse it. */
  markReleased(buffer: GPUBuffer, what: string): void {
    if (this.released.has(buffer)) throw new Error(`release: ${what} was already released`);
    this.released.add(buffer);
  }

  put(buffer: GPUBuffer): void {
    const list = this.free.get(buffer.size);
    if (list) list.push(buffer);
    else this.free.set(buffer.size, [buffer]);
  }

  /** Adds bytes of a buffer created elsewhere (uniform chunks) to the accounting. */
  counted(bytes: number): void {
    this.stats.bytesAllocated += bytes;
    this.stats.peakBytes = Math.max(this.stats.peakBytes, this.stats.bytesAllocated);
  }

  /** Destroys the free buffers. */
  trim(): void {
    for (const list of this.free.values()) {
      for (const b of list) {
        this.stats.bytesAllocated -= b.size;
        b.destroy();
      }
    }
    this.free.clear();
  }

  /** Copies `bytes` at `offset` of `src` to the CPU through a pooled MAP_READ buffer. */
  async readBack(src: GPUBuffer, offset: number, bytes: number, beforeMap: () => Promise<void>): Promise<ArrayBuffer> {
    const rounded = roundUp(Math.max(bytes, 4), BUCKET);
    const list = this.staging.get(rounded);
    const buf = list?.pop() ?? this.device.createBuffer({ size: rounded, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = this.device.createCommandEncoder();
    if (bytes > 0) enc.copyBufferToBuffer(src, offset, buf, 0, bytes);
    this.device.queue.submit([enc.finish()]);
    await beforeMap();
    await buf.mapAsync(GPUMapMode.READ, 0, rounded);
    const out = buf.getMappedRange(0, bytes).slice(0);
    buf.unmap();
    if (list) list.push(buf);
    else this.staging.set(rounded, [buf]);
    return out;
  }
}
