// A LoRA adapter on a backend: parameters, gradients and AdamW state in four flat buffers with named
// views per module (STYLE 6), so the optimizer, clipping and checkpointing are single dispatches.
import type { Backend, Tensor } from '../engine/backend.ts';
import { loraScale, type LoraAdapter, type LoraConfig, type LoraLayer } from './lora-types.ts';

const ALIGN = 64; // elements: bound GPU views need 256-byte offsets

export interface LoraModule<T> {
  path: string; // 'layers.0.self_attn.q_proj'
  r: number;
  inFeatures: number;
  outFeatures: number;
  scale: number;
  A: T; // (r, in)
  B: T; // (out, r)
  dA: T;
  dB: T;
  offsetA: number; // element offsets into the flat buffers
  offsetB: number;
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

export class LoraParams<T extends Tensor> {
  readonly modules = new Map<string, LoraModule<T>>();

  private constructor(
    readonly be: Backend<T>,
    readonly config: LoraConfig,
    readonly baseModel: string,
    readonly params: T, // (P)
    readonly grads: T, // (P)
    readonly m: T, // (P) AdamW first moment
    readonly v: T, // (P) AdamW second moment
    readonly count: number, // trainable parameters (without padding)
  ) {}

  /** Uploads an adapter (B = 0 for a fresh one) with zeroed gradients and optimizer state. */
  static create<T extends Tensor>(be: Backend<T>, adapter: LoraAdapter): LoraParams<T> {
    let P = 0;
    let count = 0;
    const layout: { path: string; layer: LoraLayer; offsetA: number; offsetB: number }[] = [];
    for (const [path, layer] of adapter.layers) {
      const offsetA = P;
      P += align(layer.A.length);
      const offsetB = P;
      P += align(layer.B.length);
      count += layer.A.length + layer.B.length;
      layout.push({ path, layer, offsetA, offsetB });
    }
    P = Math.max(P, ALIGN);
    const host = new Float32Array(P);
    for (const { layer, offsetA, offsetB } of layout) {
      host.set(layer.A, offsetA);
      host.set(layer.B, offsetB);
    }
    const lp = new LoraParams(be, adapter.config, adapter.baseModel, be.upload(host, [P]), be.zeros([P]), be.zeros([P]), be.zeros([P]), count);
    const scale = loraScale(adapter.config);
    const r = adapter.config.r;
    for (const { path, layer, offsetA, offsetB } of layout) {
      const I = layer.inFeatures;
      const O = layer.outFeatures;
      lp.modules.set(path, {
        path,
        r,
        inFeatures: I,
        outFeatures: O,
        scale,
        offsetA,
        offsetB,
        A: be.view(lp.params, offsetA, [r, I]),
        B: be.view(lp.params, offsetB, [O, r]),
        dA: be.view(lp.grads, offsetA, [r, I]),
        dB: be.view(lp.grads, offsetB, [O, r]),
      });
    }
    return lp;
  }

  get size(): number {
    return this.params.size;
  }

  zeroGrads(): void {
    this.be.fill(this.grads, 0);
  }

  /** Reads the parameters back as a plain adapter (for saving / PEFT export). */
  async toAdapter(): Promise<LoraAdapter> {
    const host = await this.be.read(this.params);
    const layers = new Map<string, LoraLayer>();
    for (const [path, mod] of this.modules) {
      layers.set(path, {
        A: host.slice(mod.offsetA, mod.offsetA + mod.r * mod.inFeatures),
        B: host.slice(mod.offsetB, mod.offsetB + mod.outFeatures * mod.r),
        inFeatures: mod.inFeatures,
        outFeatures: mod.outFeatures,
      });
    }
    return { config: { ...this.config, targetModules: [...this.config.targetModules] }, baseModel: this.baseModel, layers };
  }

  /** Parameters and optimizer state as host arrays (checkpoints). */
  async readState(): Promise<{ params: Float32Array; m: Float32Array; v: Float32Array }> {
    return { params: await this.be.read(this.params), m: await this.be.read(this.m), v: await this.be.read(this.v) };
  }

  writeState(state: { params: Float32Array; m: Float32Array; v: Float32Array }): void {
    for (const k of ['params', 'm', 'v'] as const) {
      if (state[k].length !== this.size) throw new Error(`lora state: ${k} has ${state[k].length} elements, this adapter has ${this.size}`);
    }
    this.be.write(this.params, state.params);
    this.be.write(this.m, state.m);
    this.be.write(this.v, state.v);
  }

  /** Copies another adapter's parameters of the same layout into this one (PPO policy from SFT). */
  copyParamsFrom(other: LoraParams<T>): void {
    if (other.size !== this.size) throw new Error(`lora copy: layouts differ (${other.size} vs ${this.size} elements)`);
    this.be.copy(this.params, other.params);
  }

  release(): void {
    for (const t of [this.params, this.grads, this.m, this.v]) this.be.release(t);
  }
}
