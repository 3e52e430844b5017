// A deliberately plain, f64, one-sequence forward pass of the Hugging Face Llama math (with Qwen2
// biases, Qwen3 q/k norms, Gemma 3's sandwich norms, GeGLU, sliding layers, local/global RoPE and soft-capped
// logits, and LoRA deltas): the oracle the WebGPU decoder's logits are tested against. Slow on purpose.
import type { ModelConfig } from '../../src/model/hf-config.ts';
import { loraScale, type LoraAdapter } from '../../src/model/lora-types.ts';

type Weights = Map<string, Float32Array>;

function get(w: Weights, name: string): Float32Array {
  const t = w.get(name);
  if (!t) throw new Error(`reference llama: missing weight ${name}`);
  return t;
}

/** y = x W^T (+ b) (+ scale · (x A^T) B^T); W: (out, in), x: (in). */
function linear(
  x: Float64Array,
  w: Float32Array,
  outF: number,
  bias?: Float32Array,
  lora?: { A: Float32Array; B: Float32Array; r: number; scale: number },
): Float64Array {
  const inF = x.length;
  const y = new Float64Array(outF);
  for (let o = 0; o < outF; o++) {
    let s = bias ? bias[o] : 0;
    const row = o * inF;
    for (let i = 0; i < inF; i++) s += x[i] * w[row + i];
    y[o] = s;
  }
  if (lora) {
    const h = new Float64Array(lora.r);
    for (let k = 0; k < lora.r; k++) {
      let s = 0;
      for (let i = 0; i < inF; i++) s += x[i] * lora.A[k * inF + i];
      h[k] = s;
    }
    for (let o = 0; o < outF; o++) {
      let s = 0;
      for (let k = 0; k < lora.r; k++) s += h[k] * lora.B[o * lora.r + k];
      y[o] += lora.scale * s;
    }
  }
  return y;
}

function rmsnorm(x: Float64Array, w: Float32Array, eps: number, offset: number): Float64Array {
  let ss = 0;
  for (const v of x) ss += v * v;
  const inv = 1 / Math.sqrt(ss / x.length + eps);
  return x.map((v, i) => v * inv * (offset + w[i]));
}

/** HF rotate-half RoPE on one head vector at position p (frequencies divided by a linear scaling factor). */
function rope(v: Float64Array, off: number, hs: number, p: number, theta: number, factor = 1): void {
  const half = hs / 2;
  for (let i = 0; i < half; i++) {
    const freq = 1 / Math.pow(theta, (2 * i) / hs) / factor;
    const c = Math.cos(p * freq);
    const s = Math.sin(p * freq);
    const a = v[off + i];
    const b = v[off + i + half];
    v[off + i] = a * c - b * s;
    v[off + i + half] = b * c + a * s;
  }
}

/** Logits (T, V) for one sequence of token ids. */
export function referenceLogits(cfg: ModelConfig, w: Weights, ids: number[], adapter?: LoraAdapter): Float32Array[] {
  const C = cfg.hiddenSize;
  const HS = cfg.headDim;
  const NH = cfg.numHeads;
  const NKV = cfg.numKvHeads;
  const group = NH / NKV;
  const T = ids.length;
  const scale = adapter ? loraScale(adapter.config) : 0;
  const loraOf = (path: string) => {
    const l = adapter?.layers.get(path);
    return l ? { A: l.A, B: l.B, r: adapter!.config.r, scale } : undefined;
  };
  const emb = get(w, 'model.embed_tokens.weight');
  let xs: Float64Array[] = ids.map((id) => Float64Array.from(emb.subarray(id * C, (id + 1) * C), (v) => v * cfg.embedScale));
  for (let l = 0; l < cfg.numLayers; l++) {
    const p = `model.layers.${l}`;
    const attnOut: Float64Array[] = [];
    const qs: Float64Array[] = [];
    const ks: Float64Array[] = [];
    const vs: Float64Array[] = [];
    // Gemma 3: sliding layers use the local theta unscaled and see the last `window` keys; full layers the
    // global theta with its linear scaling.
    const sliding = cfg.layerTypes[l] === 'sliding_attention';
    const theta = sliding && cfg.ropeLocalTheta !== null ? cfg.ropeLocalTheta : cfg.ropeTheta;
    const factor = !sliding && cfg.ropeScaling?.type === 'linear' ? cfg.ropeScaling.factor : 1;
    if (cfg.ropeScaling && cfg.ropeScaling.type !== 'linear') throw new Error('reference: only linear rope scaling');
    const window = sliding && cfg.slidingWindow ? cfg.slidingWindow : Infinity;
    for (let t = 0; t < T; t++) {
      const h = rmsnorm(xs[t], get(w, `${p}.input_layernorm.weight`), cfg.rmsNormEps, cfg.normWeightOffset);
      const proj = (name: string, out: number) =>
        linear(
          h,
          get(w, `${p}.self_attn.${name}.weight`),
          out,
          cfg.attentionBias ? w.get(`${p}.self_attn.${name}.bias`) : undefined,
          loraOf(`layers.${l}.self_attn.${name}`),
        );
      const q = proj('q_proj', NH * HS);
      const k = proj('k_proj', NKV * HS);
      if (cfg.qkNorm) {
        // Qwen3 / Gemma 3: each head's q and k RMS-normed over the head dimension, before RoPE.
        const norm = (v: Float64Array, heads: number, name: string) => {
          for (let hd = 0; hd < heads; hd++)
            v.set(rmsnorm(v.subarray(hd * HS, (hd + 1) * HS), get(w, `${p}.self_attn.${name}.weight`), cfg.rmsNormEps, cfg.normWeightOffset), hd * HS);
        };
        norm(q, NH, 'q_norm');
        norm(k, NKV, 'k_norm');
      }
      for (let hd = 0; hd < NH; hd++) rope(q, hd * HS, HS, t, theta, factor);
      for (let hd = 0; hd < NKV; hd++) rope(k, hd * HS, HS, t, theta, factor);
      qs.push(q);
      ks.push(k);
      vs.push(proj('v_proj', NKV * HS));
    }
    for (let t = 0; t < T; t++) {
      const o = new Float64Array(NH * HS);
      for (let hd = 0; hd < NH; hd++) {
        const kvh = Math.floor(hd / group);
        const scores = new Float64Array(t + 1);
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          if (t - s >= window) {
            scores[s] = -Infinity;
            continue;
          }
          let d = 0;
          for (let i = 0; i < HS; i++) d += qs[t][hd * HS + i] * ks[s][kvh * HS + i];
          scores[s] = d * cfg.attnScale;
          max = Math.max(max, scores[s]);
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) sum += scores[s] = Math.exp(scores[s] - max);
        for (let s = 0; s <= t; s++) {
          for (let i = 0; i < HS; i++) o[hd * HS + i] += (scores[s] / sum) * vs[s][kvh * HS + i];
        }
      }
      attnOut.push(
        linear(
          o,
          get(w, `${p}.self_attn.o_proj.weight`),
          C,
          cfg.oProjBias ? w.get(`${p}.self_attn.o_proj.bias`) : undefined,
          loraOf(`layers.${l}.self_attn.o_proj`),
        ),
      );
    }
    const norm = (x: Float64Array, name: string) => rmsnorm(x, get(w, `${p}.${name}.weight`), cfg.rmsNormEps, cfg.normWeightOffset);
    // Gemma 3's sandwich: the attention and MLP outputs are normed before their residual adds.
    xs = xs.map((x, t) => {
      const o = cfg.sandwichNorm ? norm(attnOut[t], 'post_attention_layernorm') : attnOut[t];
      return x.map((v, i) => v + o[i]);
    });
    xs = xs.map((x) => {
      const h = norm(x, cfg.sandwichNorm ? 'pre_feedforward_layernorm' : 'post_attention_layernorm');
      const I = cfg.intermediateSize;
      const gate = linear(h, get(w, `${p}.mlp.gate_proj.weight`), I, undefined, loraOf(`layers.${l}.mlp.gate_proj`));
      const up = linear(h, get(w, `${p}.mlp.up_proj.weight`), I, undefined, loraOf(`layers.${l}.mlp.up_proj`));
      const gelu = (g: number) => 0.5 * g * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (g + 0.044715 * g ** 3)));
      const act = gate.map((g, i) => (cfg.hiddenAct === 'gelu_pytorch_tanh' ? gelu(g) : g / (1 + Math.exp(-g))) * up[i]);
      let down = linear(act, get(w, `${p}.mlp.down_proj.weight`), C, undefined, loraOf(`layers.${l}.mlp.down_proj`));
      if (cfg.sandwichNorm) down = norm(down, 'post_feedforward_layernorm');
      return x.map((v, i) => v + down[i]);
    });
  }
  const head = cfg.tieWordEmbeddings ? emb : get(w, 'lm_head.weight');
  return xs.map((x) => {
    const h = rmsnorm(x, get(w, 'model.norm.weight'), cfg.rmsNormEps, cfg.normWeightOffset);
    const logits = linear(h, head, cfg.vocabSize);
    const cap = cfg.finalLogitSoftcap;
    return Float32Array.from(cap ? logits.map((z) => cap * Math.tanh(z / cap)) : logits);
  });
}
