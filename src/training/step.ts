// One optimizer step, shared by SFT, the reward model, DPO and PPO: zero the gradients, run the loss
// closure (forward, loss, backward), clip the global gradient norm, read the logged scalars, skip a
// non-finite step (and count it), AdamW at the scheduled LR. The clip and update are one submit and one
// read-back after the closure's own; a closure that only records (SFT's) goes through stepRecorded, and the
// whole step is then one command buffer and one read-back.
import type { Backend, Tensor } from '../engine/backend.ts';
import { NORM_STRIDE } from '../engine/ref/adamw.ts';

/** Parameters trained together, with their gradients and AdamW moments (LoraParams and ScalarHead fit). */
export interface ParamGroup<T extends Tensor> {
  params: T; // (P)
  grads: T; // (P)
  m: T; // (P)
  v: T; // (P)
}

export interface OptimizerOptions {
  maxGradNorm?: number; // global L2 clip over all groups, default 1.0 (0 = measure only)
  betas?: [number, number]; // default [0.9, 0.999]
  eps?: number; // default 1e-8
  weightDecay?: number; // default 0
}

/** What a loss closure hands back. */
export interface LossPass<T extends Tensor> {
  /**
   * The batch loss: a host number, checked before the backward runs (a non-finite one skips the step
   * without a backward), or a device scalar the closure's own backward wrote, read after clipping.
   */
  loss: number | T;
  /** Records the backward into the groups' gradients (opening its own steps); omitted when the closure already ran it. */
  backward?: () => void;
}

export interface StepResult {
  loss: number;
  gradNorm: number; // global norm before clipping; NaN when the loss was non-finite and no backward ran
  skipped: boolean; // non-finite loss or gradient norm: no update was applied
}

/**
 * Runs optimizer steps over fixed parameter groups, the whole update on the device: gradClip measures each
 * group's norm (several groups: gradNormCombine makes the global one), and one adamwClipUpdate per group clips
 * every group by the same factor min(1, maxNorm / (norm + 1e-6)), skips a non-finite step and updates, in one
 * submit; one read-back brings [norm, loss] for the log.
 */
export class Optimizer<T extends Tensor> {
  /** Steps skipped for a non-finite loss or gradient since construction. */
  skippedSteps = 0;
  /** (2) the step's [gradient norm, loss], written on the device and read once per step. */
  private readonly stat: T;
  /** Several groups: (G, 64) each group's norm in column 0 (one bindable view per group); null for one. */
  private readonly norms: T | null;

  constructor(
    readonly be: Backend<T>,
    readonly groups: ParamGroup<T>[],
    readonly opts: OptimizerOptions = {},
  ) {
    if (!groups.length) throw new Error('Optimizer: no parameter groups');
    this.stat = be.zeros([2]);
    this.norms = groups.length > 1 ? be.zeros([groups.length, NORM_STRIDE]) : null;
  }

  /**
   * One step. `at.t` is AdamW's 1-based step for bias correction; `at.lr` the LR, one for all groups or
   * one per group.
   */
  async step(closure: () => LossPass<T> | Promise<LossPass<T>>, at: { t: number; lr: number | readonly number[] }): Promise<StepResult> {
    const { be, groups } = this;
    const lrs = this.lrs(at.lr); // checked before anything is recorded
    be.beginStep();
    for (const g of groups) be.fill(g.grads, 0);
    be.submit();
    const pass = await closure();
    if (typeof pass.loss === 'number' && !Number.isFinite(pass.loss)) return this.skip(pass.loss, NaN);
    pass.backward?.();
    be.beginStep();
    return this.update(pass.loss, at.t, lrs);
  }

  /**
   * One step whose forward, loss and backward `record` puts into the open step without reading anything back,
   * returning the device scalar it wrote the loss to: zeroing, the pass, clip, skip test and update are one
   * command buffer and [norm, loss] one read-back.
   */
  async stepRecorded(record: () => T, at: { t: number; lr: number | readonly number[] }): Promise<StepResult> {
    const { be } = this;
    const lrs = this.lrs(at.lr); // checked before anything is recorded
    be.beginStep();
    let loss: T;
    try {
      for (const g of this.groups) be.fill(g.grads, 0);
      loss = record();
    } catch (e) {
      be.abandonStep();
      throw e;
    }
    return this.update(loss, at.t, lrs);
  }

  /** Into the open step: norms, clip, skip test and update; submits it and reads [norm, loss] back. A host loss is reported as given. */
  private async update(loss: number | T, t: number, lrs: readonly number[]): Promise<StepResult> {
    const { be, groups, stat, norms } = this;
    const normSlot = be.view(stat, 0, [1]),
      lossSlot = be.view(stat, 1, [1]);
    if (norms) {
      groups.forEach((g, i) => be.gradClip(g.grads, be.view(norms, i * NORM_STRIDE, [1]), 0)); // measure only
      be.gradNormCombine(stat, norms);
    } else be.gradClip(groups[0].grads, normSlot, 0);
    // A host loss was checked finite before the backward: the device's test then only needs the norm.
    if (typeof loss === 'number') be.write(lossSlot, Float32Array.of(0));
    else be.copy(lossSlot, be.view(loss, 0, [1]));
    groups.forEach((g, i) => be.adamwClipUpdate(g.params, g.grads, g.m, g.v, stat, this.opts.maxGradNorm ?? 1.0, this.hyper(t, lrs[i])));
    be.submit();
    const [gradNorm, deviceLoss] = await be.read(stat);
    const value = typeof loss === 'number' ? loss : deviceLoss;
    if (!Number.isFinite(value) || !Number.isFinite(gradNorm)) return this.skip(value, gradNorm);
    return { loss: value, gradNorm, skipped: false };
  }

  /** One LR per group; throws on a list of the wrong length before anything is recorded. */
  private lrs(lr: number | readonly number[]): readonly number[] {
    if (typeof lr === 'number') return this.groups.map(() => lr);
    if (lr.length !== this.groups.length) throw new Error(`Optimizer: ${lr.length} learning rates for ${this.groups.length} groups`);
    return lr;
  }

  private hyper(t: number, lr: number) {
    const [beta1, beta2] = this.opts.betas ?? [0.9, 0.999];
    return { lr, beta1, beta2, eps: this.opts.eps ?? 1e-8, weightDecay: this.opts.weightDecay ?? 0, step: t };
  }

  private skip(loss: number, gradNorm: number): StepResult {
    this.skippedSteps++;
    return { loss, gradNorm, skipped: true };
  }

  release(): void {
    this.be.release(this.stat);
    if (this.norms) this.be.release(this.norms);
  }
}
