// How the cost of our LoRA SFT step grows: tokens/s and peak GPU bytes against sequence length (the tiny
// model's shape, B 1, T 256 → 2048) and against model width (tiny → ~0.1B-class → ~0.5B-class Llama shapes
// on random weights), with a least-squares fit of peak bytes against T to say whether memory is linear in T.
// On a software adapter the wide models keep their real widths (C, F, V, heads) but few layers and one
// measured step: the output says so (`layersCut`).
import { benchStep, TINY_SHAPE, type StepShape } from './step.ts';

/** Real Llama-family widths; `layers` is the real depth, cut to `benchLayers` here (see WIDTHS use). */
export const WIDTHS: Record<string, { shape: Omit<StepShape, 'seq' | 'batch' | 'steps' | 'warmup' | 'rank' | 'targets'>; realLayers: number; about: string }> =
  {
    tiny: { shape: { ...TINY_SHAPE }, realLayers: TINY_SHAPE.layers, about: 'the generated tiny model' },
    '0.1b': {
      shape: { hidden: 768, layers: 2, heads: 12, kvHeads: 4, ffn: 2048, vocab: 32000, tied: true },
      realLayers: 12,
      about: '~0.1B Llama shape (C 768, 12 layers, V 32000, tied; SmolLM-like)',
    },
    '0.5b': {
      shape: { hidden: 896, layers: 1, heads: 14, kvHeads: 2, ffn: 4864, vocab: 151936, tied: true },
      realLayers: 24,
      about: 'Qwen2.5-0.5B shape (C 896, 24 layers, NH 14 / NKV 2, F 4864, V 151936, tied)',
    },
  };

export interface ScalingOptions {
  seqs?: number[]; // sequence lengths at the tiny width (default 256, 512, 1024, 2048)
  widths?: string[]; // WIDTHS keys (default all)
  widthSeq?: number; // T of the width rows (default 64: a 0.5B LM head over 151936 tokens is most of the step)
  steps?: number; // measured steps per row (default 1)
  log?: (m: string) => void;
}

interface Row {
  label: string;
  seq: number;
  layers: number;
  realLayers: number;
  msPerStep?: number;
  tokensPerSecond?: number;
  peakGpuBytes?: number;
  peakGpuMiB?: number;
  error?: string;
}

/** Least squares y = a + b·x, with R² and the last segment's slope over the first's (1 for a straight line). */
export function linearFit(xs: number[], ys: number[]): { intercept: number; slope: number; r2: number; slopeRatio: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  const first = (ys[1] - ys[0]) / (xs[1] - xs[0]);
  const last = (ys[n - 1] - ys[n - 2]) / (xs[n - 1] - xs[n - 2]);
  return { intercept: my - slope * mx, slope, r2: syy ? (sxy * sxy) / (sxx * syy) : 1, slopeRatio: first ? last / first : Number.NaN };
}

export async function benchScaling(opts: ScalingOptions = {}): Promise<object> {
  const log = opts.log ?? ((m: string) => console.error(`scaling bench: ${m}`));
  const seqs = opts.seqs ?? [256, 512, 1024, 2048];
  const widths = opts.widths ?? Object.keys(WIDTHS);
  const steps = opts.steps ?? 1;
  const widthSeq = opts.widthSeq ?? 64;
  const rows: Row[] = [];
  const run = async (label: string, shape: StepShape, realLayers: number) => {
    const row: Row = { label, seq: shape.seq, layers: shape.layers, realLayers };
    try {
      const r = await benchStep(shape, { perLayer: false, log: (m) => log(`[${label} T ${shape.seq}] ${m}`) });
      Object.assign(row, { msPerStep: r.msPerStep, tokensPerSecond: r.tokensPerSecond, peakGpuBytes: r.peakGpuBytes, peakGpuMiB: r.peakGpuMiB });
    } catch (err) {
      row.error = (err as Error).message;
    }
    rows.push(row);
  };
  for (const T of seqs) await run('tiny', { ...TINY_SHAPE, batch: 1, seq: T, steps, warmup: 1 }, TINY_SHAPE.layers);
  for (const w of widths) {
    const spec = WIDTHS[w];
    if (!spec) throw new Error(`scaling: unknown width '${w}' (expected ${Object.keys(WIDTHS).join(', ')})`);
    await run(w, { ...TINY_SHAPE, ...spec.shape, batch: 1, seq: widthSeq, steps, warmup: 1 }, spec.realLayers);
  }
  const bySeq = rows.filter((r) => r.label === 'tiny' && r.seq !== undefined && r.peakGpuBytes !== undefined && seqs.includes(r.seq));
  let memoryVsT: object | undefined;
  if (bySeq.length >= 3) {
    const fit = linearFit(
      bySeq.map((r) => r.seq),
      bySeq.map((r) => r.peakGpuBytes ?? 0),
    );
    const linear = fit.r2 > 0.999 && fit.slopeRatio < 1.2;
    memoryVsT = {
      bytesPerToken: Math.round(fit.slope),
      fixedBytes: Math.round(fit.intercept),
      r2: Number(fit.r2.toFixed(5)),
      lastOverFirstSlope: Number(fit.slopeRatio.toFixed(3)),
      linear,
      summary: `peak ≈ ${(fit.intercept / 2 ** 20).toFixed(1)} MiB + ${(fit.slope / 1024).toFixed(1)} KiB × T (R² ${fit.r2.toFixed(5)}, slope T ${bySeq[bySeq.length - 2].seq}→${bySeq[bySeq.length - 1].seq} is ${fit.slopeRatio.toFixed(2)}× the first segment's): ${linear ? 'linear in T' : 'NOT linear in T'}`,
    };
  }
  const cut = rows.filter((r) => r.layers < r.realLayers).map((r) => `${r.label} ${r.layers} of ${r.realLayers} layers`);
  return {
    note:
      `T rows: tiny shape, B 1; width rows: B 1 × T ${widthSeq}; 1 warm-up + ${steps} measured step(s) each.` +
      (cut.length
        ? ` Layers cut (${[...new Set(cut)].join(', ')}): on a software adapter a full-depth step takes minutes; per-layer cost is the same, so tokens/s at full depth is lower by about the layer ratio (the LM head's share aside), and peak bytes grow by the weights and activations of the missing layers.`
        : ''),
    widths: Object.fromEntries(widths.map((w) => [w, WIDTHS[w].about])),
    rows,
    ...(memoryVsT ? { memoryVsT } : {}),
  };
}
