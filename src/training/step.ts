// One optimizer step, shared by SFT, the reward model, DPO and PPO: zero the gradients, run the loss
// closure (forward, loss, backward), clip the global gradient norm, read the logged scalars, skip a
// non-finite step (and count it), AdamW at the scheduled LR. A closure that only records (SFT's) goes
// through stepRecorded: the whole step is then one command buffer and one read-back.
import type { Backend, Tensor } from '../engine/backend.ts';
import { clipFactor } from '../engine/ref/grad-clip.ts';

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
 * Runs optimizer steps over fixed parameter groups. With one group the whole update happens on the device:
 * gradClip measures the norm, and one adamwClipUpdate dispatch clips, skips a non-finite step and updates,
 * after which one read-back brings [norm, loss] for the log. With several groups, each group's norm is
 * measured on the device, combined on the CPU, and every group is scaled by the same factor
 * min(1, maxNorm / (norm + 1e-6)).
 */
export class Optimizer<T extends Tensor> {
  /** Steps skipped for a non-finite loss or gradient since construction. */
  skippedSteps = 0;
  private readonly norms: T[];
  /** One group: (2) the step's [gradient norm, loss], written on the device and read once per step. */
  private readonly stat: T | null;

  constructor(
    readonly be: Backend<T>,
    readonly groups: ParamGroup<T>[],
    readonly opts: OptimizerOptions = {},
  ) {
    if (!groups.length) throw new Error('Optimizer: no parameter groups');
    this.norms = groups.length === 1 ? [] : groups.map(() => be.zeros([1]));
    this.stat = groups.length === 1 ? be.zeros([2]) : null;
  }

  /**
   * One step. `at.t` is AdamW's 1-based step for bias correction; `at.lr` the LR, one for all groups or
   * one per group.
   */
  async step(closure: () => LossPass<T> | Promise<LossPass<T>>, at: { t: number; lr: number | readonly number[] }): Promise<StepResult> {
    const { be, groups } = this;
    be.beginStep();
    for (const g of groups) be.fill(g.grads, 0);
    be.submit();
    const pass = await closure();
    if (typeof pass.loss === 'number' && !Number.isFinite(pass.loss)) return this.skip(pass.loss, NaN);
    pass.backward?.();
    if (this.stat) return this.deviceStep(this.stat, pass.loss, at.t, at.lr);
    const { gradNorm, factor } = await this.clipNorm();
    const loss = typeof pass.loss === 'number' ? pass.loss : (await be.read(pass.loss))[0];
    if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) return this.skip(loss, gradNorm);
    this.update(factor, at.t, at.lr);
    return { loss, gradNorm, skipped: false };
  }

  /**
   * One step whose forward, loss and backward `record` puts into the open step without reading anything back,
   * returning the device scalar it wrote the loss to. With one group, zeroing, the pass, clip, skip test and
   * update are one command buffer and [norm, loss] one read-back; with several it runs as step().
   */
  async stepRecorded(record: () => T, at: { t: number; lr: number | readonly number[] }): Promise<StepResult> {
    const { be, stat } = this;
    if (!stat) {
      return this.step(() => {
        be.beginStep();
        const loss = this.recordOrAbandon(record);
        be.submit();
        return { loss };
      }, at);
    }
    be.beginStep();
    for (const g of this.groups) be.fill(g.grads, 0);
    const loss = this.recordOrAbandon(record);
    return this.deviceStep(stat, loss, at.t, at.lr, true);
  }

  private recordOrAbandon(record: () => T): T {
    try {
      return record();
    } catch (e) {
      this.be.abandonStep();
      throw e;
    }
  }

  /**
   * One group: norm, clip, skip test and update in one submit (into the step already open when `open`), then one read-back of [norm, loss]. A host loss
   * is reported as given.
   */
  private async deviceStep(stat: T, loss: number | T, t: number, lr: number | readonly number[], open = false): Promise<StepResult> {
    const { be } = this;
    const g = this.groups[0];
    const normSlot = be.view(stat, 0, [1]),
      lossSlot = be.view(stat, 1, [1]);
    const hp = this.hyper(t, this.lrOf(lr, 0));
    if (!open) be.beginStep();
    be.gradClip(g.grads, normSlot, 0); // measure only: adamwClipUpdate clips
    // A host loss was checked finite before the backward: the device's test then only needs the norm.
    if (typeof loss === 'number') be.write(lossSlot, Float32Array.of(0));
    else be.copy(lossSlot, be.view(loss, 0, [1]));
    be.adamwClipUpdate(g.params, g.grads, g.m, g.v, stat, this.opts.maxGradNorm ?? 1.0, hp);
    be.submit();
    const [gradNorm, deviceLoss] = await be.read(stat);
    const value = typeof loss === 'number' ? loss : deviceLoss;
    if (!Number.isFinite(value) || !Number.isFinite(gradNorm)) return this.skip(value, gradNorm);
    return { loss: value, gradNorm, skipped: false };
  }

  private lrOf(lr: number | readonly number[], i: number): number {
    if (typeof lr !== 'number' && lr.length !== this.groups.length) throw new Error(`Optimizer: ${lr.length} learning rates for ${this.groups.length} groups`);
    return typeof lr === 'number' ? lr : lr[i];
  }

  private hyper(t: number, lr: number) {
    const [beta1, beta2] = this.opts.betas ?? [0.9, 0.999];
    return { lr, beta1, beta2, eps: this.opts.eps ?? 1e-8, weightDecay: this.opts.weightDecay ?? 0, step: t };
  }

  /** Several groups: the global norm of all groups' gradients, and the clip factor still to apply. */
  private async clipNorm(): Promise<{ gradNorm: number; factor: number }> {
    const { be, groups, norms } = this;
    const maxNorm = this.opts.maxGradNorm ?? 1.0;
    be.beginStep();
    groups.forEach((g, i) => be.gradClip(g.grads, norms[i], 0));
    be.submit();
    let ss = 0;
    for (const n of norms) ss += (await be.read(n))[0] ** 2;
    const gradNorm = Math.sqrt(ss);
    return { gradNorm, factor: Number.isFinite(gradNorm) ? clipFactor(gradNorm, maxNorm) : 1 };
  }

  private update(factor: number, t: number, lr: number | readonly number[]): void {
    const { be, groups } = this;
    groups.forEach((_, i) => this.lrOf(lr, i));
    be.beginStep();
    if (factor !== 1) for (const g of groups) be.scale(g.grads, factor);
    groups.forEach((g, i) => be.adamwUpdate(g.params, g.grads, g.m, g.v, this.hyper(t, this.lrOf(lr, i))));
    be.submit();
  }

  private skip(loss: number, gradNorm: number): StepResult {
    this.skippedSteps++;
    return { loss, gradNorm, skipped: true };
  }

  release(): void {
    for (const n of this.norms) this.be.release(n);
    if (this.stat) this.be.release(this.stat);
  }
}
