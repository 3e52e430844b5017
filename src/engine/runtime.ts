// The WebGPU runtime: buffer pool, pipeline cache, uniform arena, and one command encoder per training step.
//
// How to declare and run an op (a complete one: ops/swiglu.ts; adding an op to both backends: registry.ts):
//
//   import type { OpDescription, GpuTensor } from '../op.ts';
//   const SCALE: OpDescription = {
//     name: 'util_scale',                             // <layer>_<part>; + workgroupSize + facts = cache key
//     workgroupSize: [256],                           // WGSL sees WG_X, WG_Y, WG_Z
//     bindings: [{ name: 'x', access: 'read_write' }], // → var<storage, read_write> x: array<f32>; (binding 0)
//     uniforms: [['n', 'u32'], ['alpha', 'f32']],     // → struct Uniforms { n: u32, alpha: f32 }; var<uniform> u
//     wgsl: `
//   @compute @workgroup_size(WG_X) fn main(@builtin(workgroup_id) wid: vec3<u32>,
//       @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
//     let i = linearWorkgroup(wid, nwg) * WG_X + lid;   // 1-D dispatches may be split over x/y
//     if (i >= u.n) { return; }
//     x[i] = x[i] * u.alpha;
//   }`,
//   };
//   export function scale(rt: GpuRuntime, x: GpuTensor, alpha: number): void {
//     rt.run(SCALE, { x }, { n: x.size, alpha }, Math.ceil(x.size / 256));   // workgroup count
//   }
//
// A training step:  rt.beginStep(); ...ops...; rt.submit();   (no allocation, no readback inside;
//                   rt.abandonStep() after an exception; a run() outside a step is submitted at once)
// Tensors:          rt.upload(Float32Array | Uint32Array, shape), rt.empty(shape), rt.write(t, data),
//                   rt.read(t) / rt.readU32(t) (tests, logged scalars), rt.release(t) (back to the pool)
// Flat buffers:     const layout = packLayout({ q_A: [R, C], ... }); const flat = rt.empty([layout.total]);
//                   const v = rt.views(flat, layout)   (views start at multiples of 64 elements, so they bind)
// Device loss:      GpuRuntime.create({ onLost }); afterwards every call throws DeviceLostError; create a new one.
// Stats:            rt.stats (pipelines compiled / cache hits, buffers and bind groups created, peakBytes,
//                   dispatches in all and by op name).
// Variants:         rt.profile ('gpu' | 'software', from the adapter) picks tiled or barrier-free kernels.
// Ops whose WGSL depends on compile-time facts build one OpDescription per fact set (variants() in
// ops/common.ts) and put the facts in `facts`; run-time sizes always go in uniforms. Errors from compilation,
// allocation and dispatch validation surface at the next `await rt.checkErrors()`, `rt.sync()` or `rt.read()`.

import { summarizeAdapterInfo, type AdapterSummary } from './adapter-choice.ts';
import { BufferPool } from './buffer-pool.ts';
import { StepTimer } from './step-timer.ts';
import { UniformArena } from './uniforms.ts';
import { BindGroupCache } from './bind-groups.ts';
import { createDevice, DeviceLostError, type DeviceFeatures, type DeviceLostInfo, type DeviceOptions } from './device.ts';
import { numel, shapeStr, splitWorkgroups, type Dtype, type FlatLayout, type GpuTensor, type OpDescription } from './op.ts';
import { PipelineCache } from './pipeline-build.ts';
import { formatName, packedWords, packProblem, type PackedFormat } from './packed.ts';

export type { FlatLayout, GpuTensor, OpDescription } from './op.ts';
export { packLayout } from './op.ts';
export { DeviceLostError } from './device.ts';

export interface RuntimeStats {
  pipelinesCompiled: number;
  pipelineCacheHits: number;
  buffersCreated: number;
  bindGroupsCreated: number;
  bytesLive: number; // bytes in tensors handed out and not released
  bytesAllocated: number; // bytes in all GPU buffers the runtime holds (live + pooled + uniforms)
  peakBytes: number; // high-water mark of bytesAllocated
  dispatches: number;
  submits: number; // command buffers submitted (a training step should be one)
  readBacks: number; // tensors read back to the host (a training step should be one)
  /** Dispatches by op name (profiling: which kernels a step is made of). */
  dispatchesByOp: Record<string, number>;
}

/**
 * Which kernel variants suit the adapter: 'gpu' (tiled kernels with workgroup memory and barriers) or
 * 'software' (a CPU implementation such as SwiftShader, where barriers are expensive: barrier-free kernels,
 * one row or one 4x4 block per invocation). Chosen from the adapter; tests set it to run both.
 */
export type KernelProfile = 'gpu' | 'software';

/** Uploads of at least this many bytes get a buffer of their own, written through a mapping. */
const LARGE_UPLOAD = 1 << 20;

export class GpuRuntime {
  readonly stats: RuntimeStats = {
    pipelinesCompiled: 0,
    pipelineCacheHits: 0,
    buffersCreated: 0,
    bindGroupsCreated: 0,
    bytesLive: 0,
    bytesAllocated: 0,
    peakBytes: 0,
    dispatches: 0,
    submits: 0,
    readBacks: 0,
    dispatchesByOp: {},
  };
  /** Kernel variants for this adapter (see KernelProfile); writable so tests can hold both against the twins. */
  profile: KernelProfile;
  private lostInfo: DeviceLostInfo | undefined;
  private readonly pipelines: PipelineCache;
  private readonly binds: BindGroupCache;
  private readonly pool: BufferPool;
  private readonly uniforms: UniformArena;
  private encoder: GPUCommandEncoder | undefined;
  private pass: GPUComputePassEncoder | undefined;
  private pendingRelease: GPUBuffer[] = [];
  private readonly pending = new Set<Promise<void>>();
  private firstError: Error | undefined;
  private timer: StepTimer | undefined;
  private timedThisStep = false;
  private readonly scratchBuffers = new Map<string, GpuTensor>();

  private constructor(
    readonly device: GPUDevice,
    readonly features: DeviceFeatures,
    lost: Promise<DeviceLostInfo>,
    /** Which adapter the device came from (vendor, architecture, device, software or GPU). */
    readonly adapter: AdapterSummary,
  ) {
    this.pool = new BufferPool(device, this.stats, (a) => {
      this.track(a.validation, (e) => `GPU allocation of ${a.bytes} bytes for ${a.what} failed: ${e.message}`);
      this.track(a.oom, () => `GPU out of memory allocating ${a.bytes} bytes for ${a.what} (${a.held} bytes already held by this runtime)`);
    });
    this.binds = new BindGroupCache(device, this.stats);
    this.pipelines = new PipelineCache(device, this.stats, (scope, describe) => this.track(scope, describe));
    this.uniforms = new UniformArena(device, (buffer) => {
      this.binds.idOf(buffer);
      this.pool.counted(buffer.size);
    });
    this.profile = adapter.software ? 'software' : 'gpu';
    void lost.then((info) => {
      this.lostInfo = info;
    });
  }

  /** A runtime on a fresh device. After device loss, call this again for a new one. */
  static async create(opts: DeviceOptions = {}): Promise<GpuRuntime> {
    const d = await createDevice(opts);
    return new GpuRuntime(d.device, d.features, d.lost, summarizeAdapterInfo(d.adapter.info ?? {}));
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  get isLost(): boolean {
    return this.lostInfo !== undefined;
  }

  private alive(): void {
    if (this.lostInfo) throw new DeviceLostError(this.lostInfo.reason, this.lostInfo.message);
  }

  // ---------------------------------------------------------------- tensors

  /** An uninitialised tensor from the pool (contents are whatever the buffer held). */
  empty(shape: readonly number[], dtype: Dtype = 'f32'): GpuTensor {
    this.alive();
    const size = numel(shape);
    const buffer = this.pool.acquire(size * 4, `tensor ${shapeStr(shape)} ${dtype}`);
    this.stats.bytesLive += buffer.size;
    return { buffer, shape: [...shape], size, dtype, offset: 0, owned: true };
  }

  /** Like empty(), but waits for the allocation's error scopes: an out-of-memory error is thrown here, naming the size. */
  async allocate(shape: readonly number[], dtype: Dtype = 'f32'): Promise<GpuTensor> {
    const t = this.empty(shape, dtype);
    await this.checkErrors();
    return t;
  }

  /** A new tensor holding `data` (Float32Array → f32, Uint32Array → u32). */
  upload(data: Float32Array | Uint32Array, shape: readonly number[]): GpuTensor {
    const size = numel(shape);
    if (data.length !== size) throw new Error(`upload: data has ${data.length} elements, shape ${shapeStr(shape)} needs ${size}`);
    const dtype = data instanceof Uint32Array ? 'u32' : 'f32';
    if (data.byteLength >= LARGE_UPLOAD) {
      // A new buffer filled through its mapping: the host array is free as soon as this returns (model weights).
      this.alive();
      const buffer = this.pool.createFilled(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), `tensor ${shapeStr(shape)} ${dtype}`);
      this.stats.bytesLive += buffer.size;
      return { buffer, shape: [...shape], size, dtype, offset: 0, owned: true };
    }
    const t = this.empty(shape, dtype);
    this.write(t, data);
    return t;
  }

  /** A frozen weight in a packed format (packed.ts): `words` u32 words for the logical `shape`. */
  uploadPacked(words: Uint32Array, shape: readonly number[], format: PackedFormat): GpuTensor {
    this.alive();
    const size = numel(shape);
    const problem = packProblem(format, shape);
    if (problem) throw new Error(`uploadPacked: ${problem}`);
    if (words.length !== packedWords(format, size)) {
      throw new Error(`uploadPacked: ${words.length} words for a ${formatName(format)} tensor ${shapeStr(shape)}, expected ${packedWords(format, size)}`);
    }
    const buffer = this.pool.createFilled(new Uint8Array(words.buffer, words.byteOffset, words.byteLength), `tensor ${shapeStr(shape)} ${formatName(format)}`);
    this.stats.bytesLive += buffer.size;
    return { buffer, shape: [...shape], size, dtype: 'u32', offset: 0, owned: true, format, words: words.length };
  }

  /** Overwrites a tensor's contents. Inside a step the write lands before the step's first dispatch. */
  write(t: GpuTensor, data: Float32Array | Uint32Array): void {
    this.alive();
    if (t.format) throw new Error(`write: ${shapeStr(t.shape)} is a packed ${formatName(t.format)} weight; upload a new one with uploadPacked`);
    if (data.length !== t.size) throw new Error(`write: data has ${data.length} elements, tensor ${shapeStr(t.shape)} has ${t.size}`);
    if (t.size > 0) this.device.queue.writeBuffer(t.buffer, t.offset * 4, data.buffer, data.byteOffset, data.byteLength);
  }

  /** A view of `size(shape)` elements of `base` starting at element `offset` (bindable when offset % 64 == 0). */
  view(base: GpuTensor, offset: number, shape: readonly number[]): GpuTensor {
    const size = numel(shape);
    if (base.format) throw new Error(`view: ${shapeStr(base.shape)} is a packed ${formatName(base.format)} weight; views of packed tensors are not supported`);
    if (!Number.isInteger(offset) || offset < 0 || offset + size > base.size) {
      throw new Error(`view: elements [${offset}, ${offset + size}) fall outside the base tensor ${shapeStr(base.shape)} of ${base.size}`);
    }
    return { buffer: base.buffer, shape: [...shape], size, dtype: base.dtype, offset: base.offset + offset };
  }

  /** Named views of a flat tensor laid out by packLayout (e.g. all LoRA parameters in one buffer). */
  views(base: GpuTensor, layout: FlatLayout): Record<string, GpuTensor> {
    if (base.size < layout.total) throw new Error(`views: the flat tensor has ${base.size} elements, the layout needs ${layout.total}`);
    const out: Record<string, GpuTensor> = {};
    for (const [name, offset] of Object.entries(layout.offsets)) out[name] = this.view(base, offset, layout.shapes[name]);
    return out;
  }

  /** Returns an owned tensor's buffer to the pool (views are ignored). Safe inside a step. */
  release(t: GpuTensor): void {
    if (!t.owned) return;
    this.pool.markReleased(t.buffer, `tensor ${shapeStr(t.shape)}`);
    this.stats.bytesLive -= t.buffer.size;
    if (this.encoder) this.pendingRelease.push(t.buffer);
    else this.pool.put(t.buffer);
  }

  /** Reads a tensor back (tests and logged scalars only; never inside a step). */
  async read(t: GpuTensor): Promise<Float32Array> {
    return new Float32Array(await this.readBytes(t));
  }

  async readU32(t: GpuTensor): Promise<Uint32Array> {
    return new Uint32Array(await this.readBytes(t));
  }

  private async readBytes(t: GpuTensor): Promise<ArrayBuffer> {
    this.alive();
    if (this.encoder) throw new Error('read: a step is open (beginStep without submit); submit it before reading back');
    this.stats.readBacks++;
    return this.pool.readBack(t.buffer, t.offset * 4, (t.words ?? t.size) * 4, () => this.checkErrors());
  }

  /** Destroys pooled (unused) buffers, e.g. between phases with different shapes. */
  trim(): void {
    this.pool.trim();
    this.binds.clear();
  }

  // ---------------------------------------------------------------- errors

  private track(scope: Promise<GPUError | null>, describe: (e: GPUError) => string): void {
    const p: Promise<void> = scope.then(
      (e) => {
        if (e && !this.firstError) this.firstError = new Error(describe(e));
      },
      () => undefined, // popErrorScope rejects only after device loss; alive() reports that
    );
    this.pending.add(p);
    void p.then(() => this.pending.delete(p));
  }

  /** Throws the first error recorded by compilation, allocation or a submitted step since the last check. */
  async checkErrors(): Promise<void> {
    await Promise.all([...this.pending]);
    this.alive();
    const e = this.firstError;
    this.firstError = undefined;
    if (e) throw e;
  }

  /** Waits until all submitted work finished, then reports recorded errors. */
  async sync(): Promise<void> {
    this.alive();
    if (this.encoder) throw new Error('sync: a step is open (beginStep without submit); submit it first');
    await this.device.queue.onSubmittedWorkDone();
    await this.checkErrors();
  }

  // ---------------------------------------------------------------- pipelines

  /** Compiles an op now and throws its compile errors (optional: run() compiles lazily). */
  async prepare(op: OpDescription): Promise<void> {
    this.alive();
    this.pipelines.pipelineFor(op);
    await this.checkErrors();
  }

  get pipelineCount(): number {
    return this.pipelines.size;
  }

  // ---------------------------------------------------------------- steps

  /** Opens a step: every run()/copy() until submit() goes into one command encoder. */
  beginStep(opts: { timed?: boolean } = {}): void {
    this.alive();
    if (this.encoder) throw new Error('beginStep: the previous step was not submitted');
    this.device.pushErrorScope('validation');
    this.encoder = this.device.createCommandEncoder();
    this.uniforms.reset();
    this.timedThisStep = !!opts.timed && this.features.timestamps;
    if (this.timedThisStep) (this.timer ??= new StepTimer(this.device)).begin();
  }

  /** Writes the step's uniforms, submits its command buffer and returns pooled releases. */
  submit(): void {
    this.alive();
    const enc = this.encoder;
    if (!enc) throw new Error('submit: no step is open (call beginStep first)');
    this.endPass();
    if (this.timedThisStep) this.timer?.end(enc);
    this.uniforms.flush();
    this.device.queue.submit([enc.finish()]);
    this.stats.submits++;
    this.encoder = undefined;
    this.track(this.device.popErrorScope(), (e) => `a submitted step failed validation: ${e.message}`);
    for (const b of this.pendingRelease) this.pool.put(b);
    this.pendingRelease = [];
  }

  /** Drops an open step without submitting it (after an exception while recording); its releases still return to the pool. */
  abandonStep(): void {
    if (!this.encoder) return;
    this.endPass();
    this.encoder = undefined;
    this.track(this.device.popErrorScope(), (e) => `an abandoned step had a validation error: ${e.message}`);
    for (const b of this.pendingRelease) this.pool.put(b);
    this.pendingRelease = [];
  }

  /** GPU time of the last timed step in nanoseconds (null without timestamp-query). */
  async lastStepNs(): Promise<number | null> {
    if (!this.timer) return null;
    await this.checkErrors();
    return this.timer.read();
  }

  private openPass(): GPUComputePassEncoder {
    this.pass ??= this.encoder!.beginComputePass(this.timedThisStep ? this.timer?.passDescriptor() : undefined);
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = undefined;
  }

  private beginImplicit(): boolean {
    if (this.encoder) return false;
    this.beginStep();
    return true;
  }

  /** Copies src into dst (same element count) inside the current step. */
  copy(dst: GpuTensor, src: GpuTensor): void {
    this.alive();
    if (dst.size !== src.size) throw new Error(`copy: dst ${shapeStr(dst.shape)} has ${dst.size} elements, src ${shapeStr(src.shape)} has ${src.size}`);
    const implicit = this.beginImplicit();
    this.endPass();
    if (src.size > 0) this.encoder!.copyBufferToBuffer(src.buffer, src.offset * 4, dst.buffer, dst.offset * 4, src.size * 4);
    if (implicit) this.submit();
  }

  /**
   * Runs an op: compiles (cached), binds tensors by binding name and uniforms by name, and dispatches
   * `workgroups` (a count, split over x/y past the per-axis limit, or an explicit [x, y, z]).
   */
  run(
    op: OpDescription,
    bindings: Record<string, GpuTensor>,
    uniforms: Record<string, number>,
    workgroups: number | readonly [number, number?, number?],
  ): void {
    this.alive();
    const maxStorage = this.limits.maxStorageBuffersPerShaderStage;
    if (op.bindings.length > maxStorage) {
      throw new Error(
        `op ${op.name} binds ${op.bindings.length} storage buffers, and this WebGPU device allows ${maxStorage} per shader stage (its adapter's maxStorageBuffersPerShaderStage), so it cannot run here; a browser or GPU that allows ${op.bindings.length} is needed`,
      );
    }
    const implicit = this.beginImplicit();
    try {
      const pipe = this.pipelines.pipelineFor(op);
      const [x, y, z] = splitWorkgroups(op.name, workgroups, this.limits.maxComputeWorkgroupsPerDimension);
      if (x * y * z === 0) return;
      const group = this.binds.groupFor(op, pipe.layout, bindings, uniforms, this.uniforms);
      const pass = this.openPass();
      pass.setPipeline(pipe.pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(x, y, z);
      this.stats.dispatches++;
      this.stats.dispatchesByOp[op.name] = (this.stats.dispatchesByOp[op.name] ?? 0) + 1;
    } finally {
      if (implicit) this.submit();
    }
  }

  /**
   * A buffer the runtime owns for an op's scratch, one per name, made on first use and kept until the
   * runtime goes (contents unspecified: the op writes before it reads).
   */
  scratch(name: string, shape: readonly number[], dtype: Dtype = 'f32'): GpuTensor {
    let t = this.scratchBuffers.get(name);
    if (!t || t.size !== numel(shape) || t.dtype !== dtype) {
      if (t) this.release(t);
      t = this.empty(shape, dtype);
      this.scratchBuffers.set(name, t);
    }
    return t;
  }

  /**
   * The first `elements` of a scratch buffer that only grows (to the next power of two), for scratch whose size
   * changes from call to call (padded batches): a view, reallocated only when a call needs more than ever before.
   */
  scratchAtLeast(name: string, elements: number): GpuTensor {
    const have = this.scratchBuffers.get(name);
    const t = have && have.size >= elements ? have : this.scratch(name, [2 ** Math.ceil(Math.log2(Math.max(64, elements)))]);
    return this.view(t, 0, [elements]);
  }

  /** Destroys the device (its lost promise then resolves with reason 'destroyed'). */
  destroy(): void {
    this.device.destroy();
  }
}
