// The WGSL of causal grouped-query attention: the OpDescriptions of the forward, the two backward passes
// (dq; dk/dv) and decode. attention.ts holds the entry points that validate shapes and dispatch these;
// its header describes the tiling and the online softmax.
import type { OpDescription } from '../op.ts';
import { elementwiseMain, ENTRY, reductions, subgroupFields, variants, WG_1D } from './common.ts';
import { ATTENTION_MASK_WGSL } from '../attention-mask.ts';

const DEC = 64; // invocations per decode workgroup (keys per chunk)
const SHARED_FLOATS = 4000; // 16 000 bytes of workgroup memory

const MASK_UNIFORMS = [
  ['B', 'u32'],
  ['T', 'u32'],
  ['NH', 'u32'],
  ['NKV', 'u32'],
  ['window', 'u32'],
  ['useLens', 'u32'],
  ['scale', 'f32'],
] as const;

/** Shared prologue: which (b, h, tile) this workgroup is, the valid length and the kv head. */
function prologue(heads: 'NH' | 'NKV', rows: number): string {
  return `
  let nTiles = (u.T + ${rows}u - 1u) / ${rows}u;
  let w = linearWorkgroup(wid, nwg);
  if (w >= u.B * u.${heads} * nTiles) { return; }
  let tile = w % nTiles;
  let b = (w / nTiles) / u.${heads};
  let hd = (w / nTiles) % u.${heads};
  var len = u.T;
  if (u.useLens != 0u) { len = min(lens[b], u.T); }`;
}

// Loads keys [j0, kEnd) of kv head kh into ks / vs (BC rows of HS).
const LOAD_KV = `
    workgroupBarrier();
    for (var x = lid; x < BC * HS; x += WG_X) {
      let j = j0 + x / HS;
      if (j < kEnd) {
        let ko = ((b * u.T + j) * u.NKV + kh) * HS + x % HS;
        ks[x] = k[ko];
        vs[x] = v[ko];
      }
    }
    workgroupBarrier();`;

// Per query row: key range of the tile (causal, padding, window) and this row's q, scaled.
const QUERY_ROW = `
  let h = hd;
  let kh = h / (u.NH / u.NKV);
  let i0 = tile * BR;
  let i = i0 + lid;
  let rowOk = i < u.T;
  let kEnd = min(len, min(u.T, i0 + BR));
  let kStart = attentionFirstKey(i0, u.window);
  let qo = ((b * u.T + min(i, u.T - 1u)) * u.NH + h) * HS;
  var qr: array<f32, HS>;
  for (var d = 0u; d < HS; d++) { qr[d] = q[qo + d] * u.scale; }`;

const VISIBLE = 'rowOk && attentionVisible(i, j, len, u.window)';

function consts(HS: number, BR: number, BC: number): string {
  return `const HS: u32 = ${HS}u;\nconst BR: u32 = ${BR}u;\nconst BC: u32 = ${BC}u;\nconst NEG: f32 = -1.0e30;
var<workgroup> ks: array<f32, ${BC * HS}>;\nvar<workgroup> vs: array<f32, ${BC * HS}>;${ATTENTION_MASK_WGSL}`;
}

function keyTile(HS: number): number {
  return Math.max(1, Math.min(64, Math.floor(SHARED_FLOATS / (2 * HS))));
}

export const forwardOp = variants((HS: number, BR: number): OpDescription => {
  const BC = keyTile(HS);
  return {
    name: 'attention_forward',
    workgroupSize: [BR],
    facts: { HS, BC },
    bindings: [
      { name: 'out', access: 'read_write' },
      { name: 'lse', access: 'read_write' },
      { name: 'q', access: 'read' },
      { name: 'k', access: 'read' },
      { name: 'v', access: 'read' },
      { name: 'lens', access: 'read', type: 'u32' },
    ],
    uniforms: MASK_UNIFORMS,
    wgsl: `${consts(HS, BR, BC)}
${ENTRY} {${prologue('NH', BR)}${QUERY_ROW}
  var acc: array<f32, HS>;
  var s: array<f32, BC>;
  var m = NEG;
  var l = 0.0;
  for (var j0 = kStart; j0 < kEnd; j0 += BC) {${LOAD_KV}
    let jn = min(BC, kEnd - j0);
    var mt = m;
    for (var c = 0u; c < jn; c++) {
      let j = j0 + c;
      var sc = NEG;
      if (${VISIBLE}) {
        sc = 0.0;
        for (var d = 0u; d < HS; d++) { sc += qr[d] * ks[c * HS + d]; }
        mt = max(mt, sc);
      }
      s[c] = sc;
    }
    if (mt > NEG) {
      let alpha = exp(m - mt); // rescale what was accumulated under the old max
      l *= alpha;
      for (var d = 0u; d < HS; d++) { acc[d] *= alpha; }
      m = mt;
      for (var c = 0u; c < jn; c++) {
        if (s[c] > NEG) {
          let p = exp(s[c] - m);
          l += p;
          for (var d = 0u; d < HS; d++) { acc[d] += p * vs[c * HS + d]; }
        }
      }
    }
  }
  if (!rowOk) { return; }
  let inv = select(0.0, 1.0 / l, l > 0.0);
  for (var d = 0u; d < HS; d++) { out[qo + d] = acc[d] * inv; }
  lse[(b * u.NH + h) * u.T + i] = select(0.0, m + log(l), l > 0.0);
}`,
  };
});

// Before the two backward kernels: per query row (b, h, i), D = rowsum(dout * out) goes to delta (B, NH, T), and
// [lse, D] to the row's pair of stats (B, NH, T, 2), so that dq and dk/dv each bind one buffer for both and stay
// within WebGPU's guaranteed 8 storage buffers per shader stage.
export const backwardStatsOp = variants(
  (HS: number): OpDescription => ({
    name: 'attention_backward_stats',
    workgroupSize: [WG_1D],
    facts: { HS },
    bindings: [
      { name: 'stats', access: 'read_write' },
      { name: 'delta', access: 'read_write' },
      { name: 'dout', access: 'read' },
      { name: 'out', access: 'read' },
      { name: 'lse', access: 'read' },
    ],
    uniforms: [
      ['n', 'u32'],
      ['T', 'u32'],
      ['NH', 'u32'],
    ],
    wgsl: `const HS: u32 = ${HS}u;
${elementwiseMain(`  let b = i / (u.NH * u.T);
  let h = (i / u.T) % u.NH;
  let t = i % u.T;
  let o = ((b * u.T + t) * u.NH + h) * HS;
  var D = 0.0;
  for (var d = 0u; d < HS; d++) { D += dout[o + d] * out[o + d]; }
  delta[i] = D;
  stats[2u * i] = lse[i];
  stats[2u * i + 1u] = D;`)}`,
  }),
);

export const backwardDqOp = variants((HS: number, BR: number): OpDescription => {
  const BC = keyTile(HS);
  return {
    name: 'attention_backward_dq',
    workgroupSize: [BR],
    facts: { HS, BC },
    bindings: [
      { name: 'dq', access: 'read_write' },
      { name: 'dout', access: 'read' },
      { name: 'stats', access: 'read' },
      { name: 'q', access: 'read' },
      { name: 'k', access: 'read' },
      { name: 'v', access: 'read' },
      { name: 'lens', access: 'read', type: 'u32' },
    ],
    uniforms: MASK_UNIFORMS,
    wgsl: `${consts(HS, BR, BC)}
${ENTRY} {${prologue('NH', BR)}${QUERY_ROW}
  var dor: array<f32, HS>;
  var dqa: array<f32, HS>;
  for (var d = 0u; d < HS; d++) { dor[d] = dout[qo + d]; dqa[d] = 0.0; }
  let row = (b * u.NH + h) * u.T + min(i, u.T - 1u);
  let L = stats[2u * row];
  let D = stats[2u * row + 1u];
  for (var j0 = kStart; j0 < kEnd; j0 += BC) {${LOAD_KV}
    let jn = min(BC, kEnd - j0);
    for (var c = 0u; c < jn; c++) {
      let j = j0 + c;
      if (${VISIBLE}) {
        var sc = 0.0;
        var dp = 0.0;
        for (var d = 0u; d < HS; d++) { sc += qr[d] * ks[c * HS + d]; dp += dor[d] * vs[c * HS + d]; }
        let ds = exp(sc - L) * (dp - D);
        for (var d = 0u; d < HS; d++) { dqa[d] += ds * ks[c * HS + d]; }
      }
    }
  }
  if (!rowOk) { return; }
  for (var d = 0u; d < HS; d++) { dq[qo + d] = dqa[d] * u.scale; }
}`,
  };
});

const DKV_BINDINGS: OpDescription['bindings'] = [
  { name: 'dk', access: 'read_write' },
  { name: 'dv', access: 'read_write' },
  { name: 'dout', access: 'read' },
  { name: 'stats', access: 'read' },
  { name: 'q', access: 'read' },
  { name: 'k', access: 'read' },
  { name: 'v', access: 'read' },
  { name: 'lens', access: 'read', type: 'u32' },
];

export const backwardDkvOp = variants((HS: number, BK: number): OpDescription => {
  const BQ = Math.max(1, Math.min(64, Math.floor(SHARED_FLOATS / (2 * HS + 2))));
  return {
    name: 'attention_backward_dkv',
    workgroupSize: [BK],
    facts: { HS, BQ },
    bindings: DKV_BINDINGS,
    uniforms: MASK_UNIFORMS,
    wgsl: `const HS: u32 = ${HS}u;\nconst BK: u32 = ${BK}u;\nconst BQ: u32 = ${BQ}u;
var<workgroup> qs: array<f32, ${BQ * HS}>;\nvar<workgroup> dos: array<f32, ${BQ * HS}>;
var<workgroup> ls: array<f32, ${BQ}>;\nvar<workgroup> Ds: array<f32, ${BQ}>;${ATTENTION_MASK_WGSL}
${ENTRY} {${prologue('NKV', BK)}
  let kh = hd;
  let j0 = tile * BK;
  let j = j0 + lid;
  let ko = ((b * u.T + min(j, u.T - 1u)) * u.NKV + kh) * HS;
  var kr: array<f32, HS>;
  var vr: array<f32, HS>;
  var dka: array<f32, HS>;
  var dva: array<f32, HS>;
  for (var d = 0u; d < HS; d++) { kr[d] = k[ko + d] * u.scale; vr[d] = v[ko + d]; dka[d] = 0.0; dva[d] = 0.0; }
  // queries that can see a key of this tile: i >= j0, and i <= last key + window - 1
  var iEnd = select(j0, u.T, j0 < len);
  if (u.window > 0u) { iEnd = min(iEnd, min(u.T, j0 + BK) - 1u + u.window); }
  let group = u.NH / u.NKV;
  for (var g = 0u; g < group; g++) {
    let h = kh * group + g;
    for (var i0 = j0; i0 < iEnd; i0 += BQ) {
      workgroupBarrier();
      for (var x = lid; x < BQ * HS; x += WG_X) {
        let i = i0 + x / HS;
        if (i < iEnd) {
          let qo = ((b * u.T + i) * u.NH + h) * HS + x % HS;
          qs[x] = q[qo];
          dos[x] = dout[qo];
        }
      }
      for (var r = lid; r < BQ; r += WG_X) {
        if (i0 + r < iEnd) { let row = (b * u.NH + h) * u.T + i0 + r; ls[r] = stats[2u * row]; Ds[r] = stats[2u * row + 1u]; }
      }
      workgroupBarrier();
      let rn = min(BQ, iEnd - i0);
      for (var r = 0u; r < rn; r++) {
        let i = i0 + r;
        if (attentionVisible(i, j, len, u.window)) {
          var sc = 0.0;
          var dp = 0.0;
          for (var d = 0u; d < HS; d++) { sc += qs[r * HS + d] * kr[d]; dp += dos[r * HS + d] * vr[d]; }
          let p = exp(sc - ls[r]);
          let ds = p * (dp - Ds[r]);
          for (var d = 0u; d < HS; d++) { dva[d] += p * dos[r * HS + d]; dka[d] += ds * qs[r * HS + d]; }
        }
      }
    }
  }
  if (j >= u.T) { return; }
  for (var d = 0u; d < HS; d++) { dk[ko + d] = dka[d] * u.scale; dv[ko + d] = dva[d]; }
}`,
  };
});

const DECODE_UNIFORMS = [
  ['B', 'u32'],
  ['Tq', 'u32'],
  ['NH', 'u32'],
  ['NKV', 'u32'],
  ['start', 'u32'],
  ['cap', 'u32'],
  ['window', 'u32'],
  ['scale', 'f32'],
  ['usePos', 'u32'],
] as const;

/** Decode; `subgroups` reduces each key chunk's max and sum by subgroups (reductions()). */
export const decodeOp = variants((HS: number, subgroups: boolean): OpDescription => {
  const DPT = Math.ceil(HS / DEC);
  return {
    name: 'attention_decode',
    workgroupSize: [DEC],
    ...subgroupFields(subgroups, { HS }),
    bindings: [
      { name: 'out', access: 'read_write' },
      { name: 'q', access: 'read' },
      { name: 'kCache', access: 'read' },
      { name: 'vCache', access: 'read' },
      { name: 'pos', access: 'read', type: 'u32' },
    ],
    uniforms: DECODE_UNIFORMS,
    wgsl: `const HS: u32 = ${HS}u;\nconst DPT: u32 = ${DPT}u;\nconst NEG: f32 = -1.0e30;
var<workgroup> qs: array<f32, HS>;\nvar<workgroup> ps: array<f32, WG_X>;\n${reductions(subgroups, 'max', 'sum')}${ATTENTION_MASK_WGSL}
${ENTRY} {
  let w = linearWorkgroup(wid, nwg);
  if (w >= u.B * u.NH * u.Tq) { return; }
  let t = w % u.Tq;
  let b = (w / u.Tq) / u.NH;
  let h = (w / u.Tq) % u.NH;
  let kh = h / (u.NH / u.NKV);
  let i = select(u.start + t, pos[b * u.Tq + t], u.usePos != 0u); // ragged batches: each row's own position
  let qo = ((b * u.Tq + t) * u.NH + h) * HS;
  for (var d = lid; d < HS; d += WG_X) { qs[d] = q[qo + d] * u.scale; }
  let kStart = attentionFirstKey(i, u.window);
  let kEnd = i + 1u;
  var m = NEG;
  var l = 0.0;
  var acc: array<f32, DPT>;
  workgroupBarrier();
  for (var j0 = kStart; j0 < kEnd; j0 += WG_X) {
    // one key per invocation: its score, then the chunk's max and sum over the workgroup
    let j = j0 + lid;
    var sc = NEG;
    if (j < kEnd) {
      sc = 0.0;
      let ko = ((b * u.cap + j) * u.NKV + kh) * HS;
      for (var d = 0u; d < HS; d++) { sc += qs[d] * kCache[ko + d]; }
    }
    let mt = max(m, reduceMax(lid, sc));
    let p = select(0.0, exp(sc - mt), j < kEnd);
    ps[lid] = p; // visible to the whole workgroup after reduceSum's barriers
    let alpha = exp(m - mt);
    l = l * alpha + reduceSum(lid, p);
    m = mt;
    // one head dimension per invocation (DPT of them): acc = acc * alpha + sum_c p_c v_c
    let cn = min(WG_X, kEnd - j0);
    for (var e = 0u; e < DPT; e++) {
      let d = lid + e * WG_X;
      if (d < HS) {
        var a = acc[e] * alpha;
        for (var c = 0u; c < cn; c++) { a += ps[c] * vCache[((b * u.cap + j0 + c) * u.NKV + kh) * HS + d]; }
        acc[e] = a;
      }
    }
    workgroupBarrier();
  }
  for (var e = 0u; e < DPT; e++) {
    let d = lid + e * WG_X;
    if (d < HS) { out[qo + d] = acc[e] / l; }
  }
}`,
  };
});

/** KV-cache write: element i of k, v (B·T rows of W) to row b's slot pos[row] of the caches (B', cap, W). */
export const KV_WRITE_OP: OpDescription = {
  name: 'attention_kv_write',
  workgroupSize: [WG_1D],
  bindings: [
    { name: 'kCache', access: 'read_write' },
    { name: 'vCache', access: 'read_write' },
    { name: 'k', access: 'read' },
    { name: 'v', access: 'read' },
    { name: 'pos', access: 'read', type: 'u32' },
  ],
  uniforms: [
    ['n', 'u32'],
    ['T', 'u32'],
    ['W', 'u32'],
    ['cap', 'u32'],
  ],
  wgsl: elementwiseMain(`  let row = i / u.W;
  let dst = ((row / u.T) * u.cap + pos[row]) * u.W + i % u.W;
  kCache[dst] = k[i];
  vCache[dst] = v[i];`),
};
