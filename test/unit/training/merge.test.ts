// Exact merging (merged delta = sum of parts) and SVD compression with its reported error.
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../../../src/model/hf-config.ts';
import { initLora, loraDelta, loraScale, type LoraAdapter, type LoraConfig } from '../../../src/model/lora-types.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { exportPeft, importPeft, mergeLoraIntoWeights } from '../../../src/storage/peft.ts';
import { compressAdapter, householderQr, jacobiSvd, mergeAdapters } from '../../../src/training/merge.ts';
import { Rng } from '../../../src/util/rng.ts';

const model = parseModelConfig(JSON.parse(buildTinyModel(0)['config.json'] as string));

function trained(cfg: LoraConfig, seed: number): LoraAdapter {
  const rng = new Rng(seed);
  const a = initLora(model, cfg, rng, 'mindprint/tiny-llama');
  for (const l of a.layers.values()) for (let i = 0; i < l.B.length; i++) l.B[i] = rng.normal() * 0.05;
  return a;
}

function frob(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i] - b[i]) ** 2;
  return Math.sqrt(d) / Math.max(frob(b), 1e-30);
}

/** Σ over parts of each part's delta for `module` (parts lacking it contribute nothing). */
function sumOfDeltas(parts: LoraAdapter[], module: string, size: number): Float64Array {
  const sum = new Float64Array(size);
  for (const p of parts) {
    if (!p.layers.has(module)) continue;
    const d = loraDelta(p, module);
    for (let i = 0; i < size; i++) sum[i] += d[i];
  }
  return sum;
}

const parts = [
  trained({ r: 4, alpha: 8, dropout: 0.05, targetModules: ['q_proj', 'v_proj', 'down_proj'], useRslora: false }, 1),
  trained({ r: 2, alpha: 16, dropout: 0, targetModules: ['q_proj', 'o_proj'], useRslora: true }, 2),
  trained({ r: 8, alpha: 4, dropout: 0.1, targetModules: ['v_proj', 'down_proj', 'gate_proj'], useRslora: false }, 3),
];

describe('loraDelta', () => {
  it('is sign · scale · B · A', () => {
    const a = parts[1];
    const l = a.layers.get('layers.0.self_attn.q_proj')!;
    const d = loraDelta(a, 'layers.0.self_attn.q_proj');
    const [o, i] = [5, 17];
    let want = 0;
    for (let k = 0; k < a.config.r; k++) want += l.B[o * a.config.r + k] * l.A[k * l.inFeatures + i];
    expect(d[o * l.inFeatures + i]).toBeCloseTo(loraScale(a.config) * want, 6);
    expect(loraDelta(a, 'layers.0.self_attn.q_proj', -1)).toEqual(d.map((x) => -x)); // removing a fold is exact
    expect(() => loraDelta(a, 'layers.9.mlp.up_proj')).toThrow(/no module 'layers.9.mlp.up_proj'/);
  });
});

describe('mergeAdapters', () => {
  const merged = mergeAdapters(parts);

  it('stores the summed rank with scale 1 and the union of modules', () => {
    expect(merged.config.r).toBe(14);
    expect(merged.config.alpha).toBe(14);
    expect(merged.config.useRslora).toBe(false);
    expect(loraScale(merged.config)).toBe(1);
    expect(merged.config.targetModules).toEqual(['q_proj', 'v_proj', 'o_proj', 'gate_proj', 'down_proj']);
    expect(merged.layers.size).toBe(2 * 5);
  });

  it('merged delta equals the sum of the parts (1e-6 relative), modules missing in some parts included', () => {
    for (const [path, l] of merged.layers) {
      const size = l.outFeatures * l.inFeatures;
      const err = relDiff(loraDelta(merged, path), sumOfDeltas(parts, path, size));
      expect(err, path).toBeLessThan(1e-6);
    }
  });

  it('is exact incrementally: merge(merge(p1, p2), p3) = p1 + p2 + p3', () => {
    const inc = mergeAdapters([mergeAdapters(parts.slice(0, 2)), parts[2]]);
    expect(inc.config.r).toBe(14);
    for (const [path, l] of inc.layers) {
      expect(relDiff(loraDelta(inc, path), sumOfDeltas(parts, path, l.outFeatures * l.inFeatures)), path).toBeLessThan(1e-6);
    }
  });

  it('fuses into base weights like the parts one after another, and survives a PEFT round trip', () => {
    const rng = new Rng(9);
    const weights = new Map<string, Float32Array>();
    for (const [path, l] of merged.layers)
      weights.set(
        `model.${path}.weight`,
        Float32Array.from({ length: l.outFeatures * l.inFeatures }, () => rng.normal()),
      );
    const viaMerged = mergeLoraIntoWeights(weights, importPeft(exportPeft(merged), model, 'mindprint/tiny-llama'));
    let seq = weights;
    for (const p of parts) seq = mergeLoraIntoWeights(seq, p);
    for (const [name, w] of viaMerged) expect(relDiff(w, seq.get(name)!), name).toBeLessThan(1e-6);
  });

  it('rejects mismatched parts', () => {
    expect(() => mergeAdapters([])).toThrow(/at least one/);
    const other = { ...parts[0], baseModel: 'someone/else' };
    expect(() => mergeAdapters([parts[0], other])).toThrow(/different base models \(mindprint\/tiny-llama, someone\/else\)/);
    const bad = trained({ r: 2, alpha: 2, dropout: 0, targetModules: ['q_proj'], useRslora: false }, 4);
    const l = bad.layers.get('layers.0.self_attn.q_proj')!;
    bad.layers.set('layers.0.self_attn.q_proj', { ...l, inFeatures: l.inFeatures / 2, A: new Float32Array(l.A.length / 2) });
    expect(() => mergeAdapters([parts[0], bad])).toThrow(/layers\.0\.self_attn\.q_proj is .* in part 1 but .* in part 0/);
  });
});

/** Orthonormal columns (m, n) from QR of a random matrix. */
function orthonormal(m: number, n: number, rng: Rng): Float64Array {
  return householderQr(
    Float64Array.from({ length: m * n }, () => rng.normal()),
    m,
    n,
  ).Q;
}

describe('householderQr and jacobiSvd', () => {
  it('reconstruct their input with orthonormal factors, rank-deficient and wide inputs included', () => {
    const rng = new Rng(5);
    for (const [m, n] of [
      [7, 4],
      [4, 7],
      [6, 6],
    ]) {
      const M = Float64Array.from({ length: m * n }, () => rng.normal());
      if (m >= n)
        for (let i = 0; i < m; i++) M[i * n + 1] = 0; // a zero column
      else for (let j = 0; j < n; j++) M[1 * n + j] = 0; // a zero row
      const { Q, R, p } = householderQr(M, m, n);
      const { U, S, V, k } = jacobiSvd(M, m, n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let qr = 0;
          for (let t = 0; t < p; t++) qr += Q[i * p + t] * R[t * n + j];
          let usv = 0;
          for (let t = 0; t < k; t++) usv += U[i * k + t] * S[t] * V[j * k + t];
          expect(qr).toBeCloseTo(M[i * n + j], 12);
          expect(usv).toBeCloseTo(M[i * n + j], 12);
        }
      }
      for (let a = 0; a < p; a++) {
        for (let b = 0; b < p; b++) {
          let g = 0;
          for (let i = 0; i < m; i++) g += Q[i * p + a] * Q[i * p + b];
          expect(g).toBeCloseTo(a === b ? 1 : 0, 12);
        }
      }
      for (let t = 1; t < k; t++) expect(S[t]).toBeLessThanOrEqual(S[t - 1]);
      expect(S[k - 1]).toBeCloseTo(0, 12); // the zero column / row makes M rank-deficient
    }
  });
});

describe('compressAdapter', () => {
  it('to the full rank loses nothing', () => {
    const merged = mergeAdapters(parts);
    const full = compressAdapter(merged, merged.config.r);
    expect(full.relativeError).toBeLessThan(1e-6);
    for (const [path, l] of merged.layers) {
      expect(relDiff(loraDelta(full.adapter, path), sumOfDeltas(parts, path, l.outFeatures * l.inFeatures)), path).toBeLessThan(1e-5);
    }
  });

  it("to a lower rank reports the discarded singular values' share, which matches the real error", () => {
    // One module with known singular values: ΔW = U·diag(σ)·Vᵀ, stored as B = U·diag(σ), A = Vᵀ (scale 1).
    const rng = new Rng(11);
    const [nOut, nIn, r] = [24, 20, 6];
    const sigma = [5, 4, 3, 2, 1, 0.5];
    const U = orthonormal(nOut, r, rng);
    const V = orthonormal(nIn, r, rng);
    const B = new Float32Array(nOut * r);
    const A = new Float32Array(r * nIn);
    for (let o = 0; o < nOut; o++) for (let k = 0; k < r; k++) B[o * r + k] = U[o * r + k] * sigma[k];
    for (let k = 0; k < r; k++) for (let i = 0; i < nIn; i++) A[k * nIn + i] = V[i * r + k];
    const path = 'layers.0.self_attn.q_proj';
    const adapter: LoraAdapter = {
      config: { r, alpha: 2 * Math.sqrt(r), dropout: 0, targetModules: ['q_proj'], useRslora: true }, // scale 2
      baseModel: 'm',
      layers: new Map([[path, { A, B, inFeatures: nIn, outFeatures: nOut }]]),
    };
    const full = loraDelta(adapter, path);
    const total = sigma.reduce((s, x) => s + (2 * x) ** 2, 0);
    for (const rank of [1, 3, 5]) {
      const res = compressAdapter(adapter, rank);
      const expected = Math.sqrt(sigma.slice(rank).reduce((s, x) => s + (2 * x) ** 2, 0) / total);
      expect(res.adapter.config.r).toBe(rank);
      expect(res.singularValues[path]).toEqual(sigma.map((x) => expect.closeTo(2 * x, 5)));
      expect(res.moduleErrors[path]).toBeCloseTo(expected, 6);
      expect(res.relativeError).toBeCloseTo(expected, 6);
      const approx = loraDelta(res.adapter, path);
      expect(relDiff(approx, full)).toBeCloseTo(expected, 5);
    }
  });

  it('combines module errors into the overall error by energy', () => {
    const merged = mergeAdapters(parts);
    const res = compressAdapter(merged, 3);
    let lost = 0;
    let energy = 0;
    for (const [path, l] of merged.layers) {
      const d = loraDelta(merged, path);
      const ap = loraDelta(res.adapter, path);
      expect(relDiff(ap, d), path).toBeCloseTo(res.moduleErrors[path], 4);
      for (let i = 0; i < d.length; i++) {
        lost += (d[i] - ap[i]) ** 2;
        energy += d[i] ** 2;
      }
      expect(l.A.length).toBe(merged.config.r * l.inFeatures);
    }
    expect(Math.sqrt(lost / energy)).toBeCloseTo(res.relativeError, 4);
    expect(res.relativeError).toBeGreaterThan(0.01);
    expect(() => compressAdapter(merged, 0)).toThrow(/targetRank: expected a positive integer, got 0/);
  });
});
