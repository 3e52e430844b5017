// The decoder's buffers for one (B, T) shape: inputs, every layer's activations kept for the backward
// pass, and the backward scratch. Allocated once per shape and reused across steps.
import type { Backend, Tensor } from '../engine/backend.ts';
import type { ModelConfig } from './hf-config.ts';

/** Per-layer activations kept for backward. N = B*T rows. */
interface LayerActs<T> {
  h1: T;
  rstd1: T; // (N, C), (N)
  q: T;
  k: T;
  v: T; // (N, NH*HS), (N, NKV*HS), (N, NKV*HS) after RoPE
  /** q/k norms (Qwen3, Gemma 3): the projections before their per-head norm, and its rstd: (N, NH*HS), (N, NKV*HS), (N*NH), (N*NKV). */
  qk: { qRaw: T; kRaw: T; rstdQ: T; rstdK: T } | null;
  att: T;
  lse: T; // (N, NH*HS), (B, NH, T)
  x2: T;
  h2: T;
  rstd2: T; // (N, C), (N, C), (N)
  gate: T;
  up: T;
  act: T; // (N, H) each
  loraH: Map<string, T>; // (N, r) per LoRA module of this layer
  /** Sandwich norms (Gemma 3): attention and MLP outputs before their post-norms, and its rstd: (N, C), (N), (N, C), (N). */
  post: { attn: T; rstdA: T; mlp: T; rstdM: T } | null;
}

/**
 * Bytes the logits of one workspace may take (both buffers when the model soft-caps them). Beyond it, or
 * beyond one binding, the LM head and its loss run over row chunks (src/training/logit-chunks.ts): a
 * 262k-token vocabulary at N = 2048 would otherwise need 2 GiB of f32 logits.
 */
export const LOGITS_BUDGET_BYTES = 256 * 2 ** 20;

/** Rows of logits a workspace of N rows keeps at once: N when they fit the budget and one binding, else a multiple of 64 (aligned views). */
export function logitRowsFor(N: number, V: number, softcap: boolean, maxBytes: number, maxTensorBytes: number): number {
  const rowBytes = V * 4;
  const budget = Math.min(maxBytes / (softcap ? 2 : 1), maxTensorBytes);
  if (N * rowBytes <= budget) return N;
  return Math.min(N, Math.max(64, Math.floor(budget / rowBytes / 64) * 64));
}

/** All buffers of one (B, T) shape: inputs, activations, backward scratch. Allocated once, reused. */
export class Workspace<T extends Tensor> {
  readonly N: number;
  ids: T;
  pos: T;
  lens: T;
  targets: T; // (N) u32, (N) u32, (B) u32, (N) u32
  mask: T; // (N) f32 loss mask
  xs: T[]; // L + 1 residual streams (N, C)
  layers: LayerActs<T>[];
  rstdF: T;
  hf: T; // (N), (N, C) final norm
  logits: T | null; // (logitRows, V)
  logitsRaw: T | null; // (logitRows, V) before the final soft cap (Gemma 3 causal LM with final_logit_softcapping)
  /** Rows the logits hold: N (the forward computes them all), or a chunk of rows (the head runs per chunk; see logitChunks). */
  readonly logitRows: number;
  private readonly loraRanks: Map<string, number>;
  /** Every buffer (or view of the parent's), in allocation order. */
  private readonly allocated: T[] = [];
  losses: T;
  loss: T;
  ceLse: T;
  gradNorm: T; // (N), (2), (N), (1)
  // backward scratch
  dx: T;
  dtmp: T;
  dh: T; // (N, C)
  dq: T;
  datt: T;
  dk: T;
  dv: T; // (N, NH*HS) x2, (N, NKV*HS) x2
  dact: T;
  dgate: T;
  dup: T; // (N, H)
  dqkRaw: { dq: T; dk: T } | null; // (N, NH*HS), (N, NKV*HS): gradients before the q/k norms
  delta: T; // (B, NH, T)
  dLoraH: Map<number, T>; // (N, r) by rank
  loraIn: Map<string, T>; // (N, in) the dropped-out input of each LoRA module (training with dropout only)
  dLoraIn: Map<number, T>; // (N, in) scratch by input width

  constructor(
    readonly be: Backend<T>,
    readonly cfg: ModelConfig,
    readonly B: number,
    readonly T: number,
    loraRanks: Map<string, number>,
    private readonly withLogits: boolean | { maxBytes: number } = true,
    private readonly withDropout = false,
    /** Whose buffers this one's are views of (see within()). */
    private readonly parent: Workspace<T> | null = null,
  ) {
    const N = (this.N = B * T);
    this.loraRanks = loraRanks;
    const C = cfg.hiddenSize,
      H = cfg.intermediateSize,
      QD = cfg.numHeads * cfg.headDim,
      KD = cfg.numKvHeads * cfg.headDim;
    // Every buffer in one order, so a workspace within this one takes the same buffer for the same role.
    const from = parent?.allocated;
    let k = 0;
    const take = (shape: number[], make: () => T): T => {
      const t = from ? be.view(from[k++], 0, shape) : make();
      this.allocated.push(t);
      return t;
    };
    const z = (shape: number[]) => take(shape, () => be.zeros(shape));
    const u32 = (n: number) => take([n], () => be.upload(new Uint32Array(n), [n]));
    this.ids = u32(N);
    this.pos = u32(N);
    this.lens = u32(B);
    this.targets = u32(N);
    this.mask = z([N]);
    this.xs = Array.from({ length: cfg.numLayers + 1 }, () => z([N, C]));
    this.layers = Array.from({ length: cfg.numLayers }, (_, l) => {
      const loraH = new Map<string, T>();
      for (const [path, r] of loraRanks) if (path.startsWith(`layers.${l}.`)) loraH.set(path, z([N, r]));
      return {
        h1: z([N, C]),
        rstd1: z([N]),
        q: z([N, QD]),
        k: z([N, KD]),
        v: z([N, KD]),
        att: z([N, QD]),
        lse: z([B * cfg.numHeads * T]),
        x2: z([N, C]),
        h2: z([N, C]),
        rstd2: z([N]),
        gate: z([N, H]),
        up: z([N, H]),
        act: z([N, H]),
        loraH,
        qk: cfg.qkNorm ? { qRaw: z([N, QD]), kRaw: z([N, KD]), rstdQ: z([N * cfg.numHeads]), rstdK: z([N * cfg.numKvHeads]) } : null,
        post: cfg.sandwichNorm ? { attn: z([N, C]), rstdA: z([N]), mlp: z([N, C]), rstdM: z([N]) } : null,
      };
    });
    this.rstdF = z([N]);
    this.hf = z([N, C]);
    const maxBytes = typeof withLogits === 'object' ? withLogits.maxBytes : LOGITS_BUDGET_BYTES;
    let R = withLogits ? logitRowsFor(N, cfg.vocabSize, !!cfg.finalLogitSoftcap, maxBytes, be.maxTensorBytes) : 0;
    if (parent && R > parent.logitRows) R = parent.logitRows; // chunked there (64-row multiples): chunk here too
    this.logitRows = R;
    this.logits = withLogits ? z([R, cfg.vocabSize]) : null;
    this.logitsRaw = withLogits && cfg.finalLogitSoftcap ? z([R, cfg.vocabSize]) : null;
    this.losses = z([N]);
    this.loss = z([2]);
    this.ceLse = z([N]);
    this.gradNorm = z([1]);
    this.dx = z([N, C]);
    this.dtmp = z([N, C]);
    this.dh = z([N, C]);
    this.dq = z([N, QD]);
    this.datt = z([N, QD]);
    this.dk = z([N, KD]);
    this.dv = z([N, KD]);
    this.dact = z([N, H]);
    this.dgate = z([N, H]);
    this.dup = z([N, H]);
    this.dqkRaw = cfg.qkNorm ? { dq: z([N, QD]), dk: z([N, KD]) } : null;
    this.delta = z([B * cfg.numHeads * T]);
    this.dLoraH = new Map();
    for (const r of new Set(loraRanks.values())) this.dLoraH.set(r, z([N, r]));
    this.loraIn = new Map();
    this.dLoraIn = new Map();
    if (withDropout) {
      for (const path of loraRanks.keys()) {
        const width = loraInputWidth(cfg, path);
        this.loraIn.set(path, z([N, width]));
        if (!this.dLoraIn.has(width)) this.dLoraIn.set(width, z([N, width]));
      }
    }
  }

  /**
   * Writes a batch: ids (B rows of T, padded), per-row valid lengths, optional next-token targets and mask.
   * Row b's tokens sit at positions startPos + t, or startPos[b] + t when given per row (a ragged decode).
   */
  setBatch(ids: Uint32Array, lens: Uint32Array, targets?: Uint32Array, mask?: Float32Array, startPos: number | ArrayLike<number> = 0): void {
    const pos = new Uint32Array(this.N);
    for (let b = 0; b < this.B; b++) {
      const s0 = typeof startPos === 'number' ? startPos : startPos[b];
      for (let t = 0; t < this.T; t++) pos[b * this.T + t] = s0 + t;
    }
    this.be.write(this.ids, ids);
    this.be.write(this.pos, pos);
    this.be.write(this.lens, lens);
    if (targets) this.be.write(this.targets, targets);
    if (mask) this.be.write(this.mask, mask);
  }

  /**
   * A workspace for (B, T2) with T2 ≤ T whose buffers are views of the first rows of this one's, so batches
   * padded to their own longest example share one allocation. Its release() frees nothing; this one's does.
   */
  within(T2: number): Workspace<T> {
    if (!Number.isInteger(T2) || T2 < 1 || T2 > this.T) throw new Error(`workspace: a sequence length of ${T2} does not fit within T = ${this.T}`);
    if (T2 === this.T) return this;
    return new Workspace(this.be, this.cfg, this.B, T2, this.loraRanks, this.withLogits, this.withDropout, this.parent ?? this);
  }

  release(): void {
    if (this.parent) return; // views of the parent's buffers
    const all: T[] = [
      this.ids,
      this.pos,
      this.lens,
      this.targets,
      this.mask,
      ...this.xs,
      this.rstdF,
      this.hf,
      this.losses,
      this.loss,
      this.ceLse,
      this.gradNorm,
      this.dx,
      this.dtmp,
      this.dh,
      this.dq,
      this.datt,
      this.dk,
      this.dv,
      this.dact,
      this.dgate,
      this.dup,
      this.delta,
      ...this.dLoraH.values(),
      ...this.loraIn.values(),
      ...this.dLoraIn.values(),
      ...(this.dqkRaw ? [this.dqkRaw.dq, this.dqkRaw.dk] : []),
    ];
    if (this.logits) all.push(this.logits);
    if (this.logitsRaw) all.push(this.logitsRaw);
    for (const a of this.layers) {
      all.push(a.h1, a.rstd1, a.q, a.k, a.v, a.att, a.lse, a.x2, a.h2, a.rstd2, a.gate, a.up, a.act, ...a.loraH.values());
      if (a.qk) all.push(a.qk.qRaw, a.qk.kRaw, a.qk.rstdQ, a.qk.rstdK);
      if (a.post) all.push(a.post.attn, a.post.rstdA, a.post.mlp, a.post.rstdM);
    }
    for (const t of all) this.be.release(t);
  }
}

/** Input width of a LoRA module ('layers.0.self_attn.o_proj' → NH*HS, down_proj → H, else C). */
export function loraInputWidth(cfg: ModelConfig, path: string): number {
  if (path.endsWith('.o_proj')) return cfg.numHeads * cfg.headDim;
  if (path.endsWith('.down_proj')) return cfg.intermediateSize;
  return cfg.hiddenSize;
}
