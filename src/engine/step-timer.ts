// GPU time of a whole step from timestamp queries: the first compute pass writes the start, every pass
// writes the end (the last one wins). Only used where the device has 'timestamp-query'.

export class StepTimer {
  private readonly querySet: GPUQuerySet;
  private readonly resolve: GPUBuffer;
  private readonly readback: GPUBuffer;
  private firstPass = true;

  constructor(device: GPUDevice) {
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
    this.resolve = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    this.readback = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  }

  begin(): void {
    this.firstPass = true;
  }

  /** Descriptor for the next compute pass of a timed step. */
  passDescriptor(): GPUComputePassDescriptor {
    const first = this.firstPass;
    this.firstPass = false;
    return { timestampWrites: { querySet: this.querySet, beginningOfPassWriteIndex: first ? 0 : undefined, endOfPassWriteIndex: 1 } };
  }

  /** Records the copy of both timestamps into the readable buffer at the end of the step. */
  end(enc: GPUCommandEncoder): void {
    enc.resolveQuerySet(this.querySet, 0, 2, this.resolve, 0);
    enc.copyBufferToBuffer(this.resolve, 0, this.readback, 0, 16);
  }

  /** Nanoseconds between the first pass's start and the last pass's end of the last timed step. */
  async read(): Promise<number> {
    await this.readback.mapAsync(GPUMapMode.READ);
    const t = new BigUint64Array(this.readback.getMappedRange().slice(0));
    this.readback.unmap();
    return Number(t[1] - t[0]);
  }
}
