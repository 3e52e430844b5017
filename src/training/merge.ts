// Exact LoRA merging (merged delta = sum of the parts, stored at the summed rank) and optional
// compression to a lower rank by a truncated SVD, reporting its reconstruction error.
import { LORA_TARGETS, loraScale, type LoraAdapter, type LoraConfig, type LoraLayer, type LoraTarget } from '../model/lora-types.ts';

function targetOf(path: string): LoraTarget {
  return path.slice(path.lastIndexOf('.') + 1) as LoraTarget;
}

/** Orders 'layers.{i}.{parent}.{target}' by layer number, then by LORA_TARGETS order. */
function comparePaths(a: string, b: string): number {
  const la = Number(a.split('.')[1]);
  const lb = Number(b.split('.')[1]);
  return la - lb || LORA_TARGETS.indexOf(targetOf(a)) - LORA_TARGETS.indexOf(targetOf(b)) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A config whose PEFT scale is exactly 1 at rank r (alpha/r = r/r). */
function unitScaleConfig(r: number, like: LoraConfig, targets: Set<LoraTarget>): LoraConfig {
  return { r, alpha: r, dropout: like.dropout, useRslora: false, targetModules: LORA_TARGETS.filter((t) => targets.has(t)) };
}

/**
 * Merges adapters exactly: per module, A_m stacks the rows √s_i·A_i and B_m the columns √s_i·B_i
 * (s_i = each part's PEFT scale, rsLoRA included), so B_m·A_m = Σ s_i·B_i·A_i. The result has
 * r = Σ r_i and lora_alpha = r (scale 1). A module missing from a part gets zeros in that part's
 * block. Feeding a previous merge back in is exact too (incremental unit merges).
 */
export function mergeAdapters(parts: LoraAdapter[]): LoraAdapter {
  if (parts.length === 0) throw new Error('mergeAdapters: expected at least one adapter, got none');
  const bases = [...new Set(parts.map((p) => p.baseModel).filter((b) => b !== ''))];
  if (bases.length > 1) throw new Error(`mergeAdapters: the parts were trained on different base models (${bases.join(', ')})`);
  const dims = new Map<string, { inFeatures: number; outFeatures: number; from: number }>();
  parts.forEach((p, i) => {
    for (const [path, l] of p.layers) {
      const r = p.config.r;
      if (l.A.length !== r * l.inFeatures || l.B.length !== l.outFeatures * r) {
        throw new Error(
          `mergeAdapters: part ${i}, ${path}: A has ${l.A.length} values, B ${l.B.length}; expected r·in = ${r * l.inFeatures} and out·r = ${l.outFeatures * r}`,
        );
      }
      const d = dims.get(path);
      if (!d) dims.set(path, { inFeatures: l.inFeatures, outFeatures: l.outFeatures, from: i });
      else if (d.inFeatures !== l.inFeatures || d.outFeatures !== l.outFeatures) {
        throw new Error(`mergeAdapters: ${path} is ${l.outFeatures} × ${l.inFeatures} in part ${i} but ${d.outFeatures} × ${d.inFeatures} in part ${d.from}`);
      }
    }
  });
  const R = parts.reduce((n, p) => n + p.config.r, 0);
  const targets = new Set<LoraTarget>();
  const layers = new Map<string, LoraLayer>();
  for (const path of [...dims.keys()].sort(comparePaths)) {
    const { inFeatures, outFeatures } = dims.get(path)!;
    targets.add(targetOf(path));
    const A = new Float32Array(R * inFeatures); // (R, in)
    const B = new Float32Array(outFeatures * R); // (out, R)
    let offset = 0;
    for (const p of parts) {
      const r = p.config.r;
      const l = p.layers.get(path);
      if (l) {
        const h = Math.sqrt(loraScale(p.config));
        for (let k = 0; k < r; k++) {
          for (let i = 0; i < inFeatures; i++) A[(offset + k) * inFeatures + i] = h * l.A[k * inFeatures + i];
        }
        for (let o = 0; o < outFeatures; o++) {
          for (let k = 0; k < r; k++) B[o * R + offset + k] = h * l.B[o * r + k];
        }
      }
      offset += r;
    }
    layers.set(path, { A, B, inFeatures, outFeatures });
  }
  return { config: unitScaleConfig(R, parts[0].config, targets), baseModel: bases[0] ?? '', layers };
}

// ---- dense linear algebra in f64 (row-major), small enough to live here ----

/** Thin Householder QR of M (m, n): Q (m, p) with orthonormal columns, R (p, n) upper triangular, p = min(m, n). */
export function householderQr(M: Float64Array, m: number, n: number): { Q: Float64Array; R: Float64Array; p: number } {
  const p = Math.min(m, n);
  const W = Float64Array.from(M);
  const vs: Array<{ v: Float64Array; vv: number } | null> = [];
  for (let j = 0; j < p; j++) {
    let norm = 0;
    for (let i = j; i < m; i++) norm += W[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) {
      vs.push(null);
      continue;
    }
    const alpha = W[j * n + j] > 0 ? -norm : norm;
    const v = new Float64Array(m - j);
    for (let i = j; i < m; i++) v[i - j] = W[i * n + j];
    v[0] -= alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i] * v[i];
    if (vv === 0) {
      vs.push(null);
      continue;
    }
    for (let c = j; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i - j] * W[i * n + c];
      const f = (2 * dot) / vv;
      for (let i = j; i < m; i++) W[i * n + c] -= f * v[i - j];
    }
    vs.push({ v, vv });
  }
  const R = new Float64Array(p * n);
  for (let i = 0; i < p; i++) for (let c = i; c < n; c++) R[i * n + c] = W[i * n + c];
  const Q = new Float64Array(m * p);
  for (let i = 0; i < p; i++) Q[i * p + i] = 1;
  for (let j = p - 1; j >= 0; j--) {
    const h = vs[j];
    if (!h) continue;
    for (let c = 0; c < p; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += h.v[i - j] * Q[i * p + c];
      const f = (2 * dot) / h.vv;
      for (let i = j; i < m; i++) Q[i * p + c] -= f * h.v[i - j];
    }
  }
  return { Q, R, p };
}

/**
 * SVD of M (m, n) by one-sided Jacobi (Hestenes): M = U·diag(S)·Vᵀ with k = min(m, n) singular
 * values in descending order; U (m, k), V (n, k) row-major. Accurate to working precision.
 */
export function jacobiSvd(M: Float64Array, m: number, n: number): { U: Float64Array; S: Float64Array; V: Float64Array; k: number } {
  if (m < n) {
    const T = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) T[j * m + i] = M[i * n + j];
    const t = jacobiSvd(T, n, m);
    return { U: t.V, S: t.S, V: t.U, k: t.k };
  }
  // Columns of the working copy and of V, each contiguous.
  const cols = Array.from({ length: n }, (_, j) => Float64Array.from({ length: m }, (_, i) => M[i * n + j]));
  const vcols = Array.from({ length: n }, (_, j) => {
    const c = new Float64Array(n);
    c[j] = 1;
    return c;
  });
  const dot = (x: Float64Array, y: Float64Array) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * y[i];
    return s;
  };
  const rotate = (x: Float64Array, y: Float64Array, c: number, s: number) => {
    for (let i = 0; i < x.length; i++) {
      const a = x[i];
      const b = y[i];
      x[i] = c * a - s * b;
      y[i] = s * a + c * b;
    }
  };
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        const alpha = dot(cols[i], cols[i]);
        const beta = dot(cols[j], cols[j]);
        const gamma = dot(cols[i], cols[j]);
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        rotate(cols[i], cols[j], c, c * t);
        rotate(vcols[i], vcols[j], c, c * t);
      }
    }
    if (!rotated) break;
  }
  const sig = cols.map((c) => Math.sqrt(dot(c, c)));
  const order = sig.map((_, j) => j).sort((a, b) => sig[b] - sig[a]);
  const k = n;
  const U = new Float64Array(m * k);
  const S = new Float64Array(k);
  const V = new Float64Array(n * k);
  order.forEach((j, c) => {
    S[c] = sig[j];
    for (let i = 0; i < m; i++) U[i * k + c] = sig[j] > 0 ? cols[j][i] / sig[j] : 0;
    for (let i = 0; i < n; i++) V[i * k + c] = vcols[j][i];
  });
  return { U, S, V, k };
}

export interface CompressionResult {
  adapter: LoraAdapter;
  /** ‖ΔW − ΔW_r‖_F / ‖ΔW‖_F over all modules together (0 when the adapter is all zeros). */
  relativeError: number;
  /** The same per module. */
  moduleErrors: Record<string, number>;
  /** Each module's singular values of ΔW before truncation, descending. */
  singularValues: Record<string, number[]>;
}

/**
 * Compresses each module's ΔW = s·B·A to rank `targetRank` by a truncated SVD: QR of B and of Aᵀ
 * reduce it to the small core s·R_B·R_Aᵀ, whose Jacobi SVD gives ΔW exactly; the top singular
 * triplets are kept, split as B' = Q_B·U·√Σ, A' = √Σ·Vᵀ·Q_Aᵀ (scale 1). By Eckart–Young this is
 * the best rank-r approximation; the errors reported are the discarded singular values' share.
 */
export function compressAdapter(adapter: LoraAdapter, targetRank: number): CompressionResult {
  if (!Number.isInteger(targetRank) || targetRank < 1) throw new Error(`compressAdapter: targetRank: expected a positive integer, got ${targetRank}`);
  const r = adapter.config.r;
  const s = loraScale(adapter.config);
  const k = targetRank;
  const layers = new Map<string, LoraLayer>();
  const moduleErrors: Record<string, number> = {};
  const singularValues: Record<string, number[]> = {};
  let lostTotal = 0;
  let energyTotal = 0;
  const targets = new Set<LoraTarget>();
  for (const [path, l] of adapter.layers) {
    const { inFeatures: nIn, outFeatures: nOut } = l;
    targets.add(targetOf(path));
    const At = new Float64Array(nIn * r); // Aᵀ (in, r)
    for (let q = 0; q < r; q++) for (let i = 0; i < nIn; i++) At[i * r + q] = l.A[q * nIn + i];
    const qb = householderQr(Float64Array.from(l.B), nOut, r); // B = Q_B (out, pb) · R_B (pb, r)
    const qa = householderQr(At, nIn, r); // Aᵀ = Q_A (in, pa) · R_A (pa, r)
    const core = new Float64Array(qb.p * qa.p); // s · R_B · R_Aᵀ (pb, pa)
    for (let i = 0; i < qb.p; i++) {
      for (let j = 0; j < qa.p; j++) {
        let acc = 0;
        for (let q = 0; q < r; q++) acc += qb.R[i * r + q] * qa.R[j * r + q];
        core[i * qa.p + j] = s * acc;
      }
    }
    const svd = jacobiSvd(core, qb.p, qa.p);
    const keep = Math.min(k, svd.k);
    const A = new Float32Array(k * nIn);
    const B = new Float32Array(nOut * k);
    for (let c = 0; c < keep; c++) {
      const h = Math.sqrt(svd.S[c]);
      for (let o = 0; o < nOut; o++) {
        let acc = 0;
        for (let t = 0; t < qb.p; t++) acc += qb.Q[o * qb.p + t] * svd.U[t * svd.k + c];
        B[o * k + c] = acc * h;
      }
      for (let i = 0; i < nIn; i++) {
        let acc = 0;
        for (let t = 0; t < qa.p; t++) acc += qa.Q[i * qa.p + t] * svd.V[t * svd.k + c];
        A[c * nIn + i] = acc * h;
      }
    }
    let lost = 0;
    let energy = 0;
    for (let c = 0; c < svd.k; c++) {
      energy += svd.S[c] ** 2;
      if (c >= keep) lost += svd.S[c] ** 2;
    }
    moduleErrors[path] = energy > 0 ? Math.sqrt(lost / energy) : 0;
    singularValues[path] = Array.from(svd.S);
    lostTotal += lost;
    energyTotal += energy;
    layers.set(path, { A, B, inFeatures: nIn, outFeatures: nOut });
  }
  return {
    adapter: { config: unitScaleConfig(k, adapter.config, targets), baseModel: adapter.baseModel, layers },
    relativeError: energyTotal > 0 ? Math.sqrt(lostTotal / energyTotal) : 0,
    moduleErrors,
    singularValues,
  };
}
