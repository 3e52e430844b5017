// Reference twins of RMSNorm, SwiGLU, bias, residual and embedding against f64 central finite differences,
// including extreme inputs: large values, long rows, zero rows, saturated gates.
import { describe, expect, it } from 'vitest';
import { rmsnormBackward, rmsnormForward, rmsnormResidualForward } from '../../../src/engine/ref/rmsnorm.ts';
import { swigluBackward, swigluForward } from '../../../src/engine/ref/swiglu.ts';
import { gegluBackward, gegluForward, softcapBackward, softcapForward } from '../../../src/engine/ref/geglu.ts';
import { biasBackward, biasForward } from '../../../src/engine/ref/bias.ts';
import { residualBackward, residualForward } from '../../../src/engine/ref/residual.ts';
import { embeddingBackward, embeddingForward } from '../../../src/engine/ref/embedding.ts';
import { dot, fdError, randn64 } from './fd.ts';
import { refTensor as t } from '../../../src/engine/ref/tensor.ts';

describe('rmsnorm twin', () => {
  const cases = [
    { label: 'small', N: 3, C: 7, scale: 1, offset: 0, h: 1e-5 },
    { label: 'large values', N: 2, C: 9, scale: 1e4, offset: 0, h: 1e-1 },
    { label: 'long row', N: 1, C: 4096, scale: 1, offset: 0, h: 1e-5 },
    { label: 'gemma 1 + weight', N: 2, C: 11, scale: 1, offset: 1, h: 1e-5 },
    { label: 'zero row', N: 2, C: 5, scale: 0, offset: 0, h: 1e-7 },
  ];
  for (const { label, N, C, scale, offset, h } of cases) {
    it(`dinp and dweight match finite differences (${label})`, () => {
      const eps = 1e-5;
      const inp = randn64(1, N * C, scale);
      const weight = randn64(2, C);
      const G = randn64(3, N * C);
      const out = new Float64Array(N * C);
      const rstd = new Float64Array(N);
      const loss = () => {
        rmsnormForward(t(out, [N, C]), t(rstd), t(inp, [N, C]), t(weight), eps, offset);
        return dot(out, G);
      };
      loss();
      const dinp = new Float64Array(N * C);
      const dweight = new Float64Array(C);
      rmsnormBackward(t(dinp, [N, C]), t(dweight), t(G, [N, C]), t(inp, [N, C]), t(weight), t(rstd), offset);
      expect(fdError(inp, dinp, loss, h)).toBeLessThan(1e-6);
      expect(fdError(weight, dweight, loss)).toBeLessThan(1e-6);
      expect(dinp.every(Number.isFinite)).toBe(true);
    });
  }

  it('normalises to unit RMS and accumulates dweight across calls', () => {
    const [N, C] = [2, 6];
    const inp = randn64(4, N * C, 50);
    const out = new Float64Array(N * C);
    const rstd = new Float64Array(N);
    rmsnormForward(t(out, [N, C]), t(rstd), t(inp, [N, C]), t(new Float64Array(C).fill(1)), 0);
    const ms = out.slice(0, C).reduce((s, x) => s + x * x, 0) / C;
    expect(ms).toBeCloseTo(1, 12);
    const dweight = new Float64Array(C);
    const G = randn64(5, N * C);
    rmsnormBackward(t(new Float64Array(N * C), [N, C]), t(dweight), t(G, [N, C]), t(inp, [N, C]), t(new Float64Array(C).fill(1)), t(rstd));
    const once = dweight.slice();
    rmsnormBackward(t(new Float64Array(N * C), [N, C]), t(dweight), t(G, [N, C]), t(inp, [N, C]), t(new Float64Array(C).fill(1)), t(rstd));
    for (let c = 0; c < C; c++) expect(dweight[c]).toBeCloseTo(2 * once[c], 12);
  });

  it('residual forward = add then norm; the accumulating backward adds the norm gradient to the residual one (finite differences)', () => {
    const [N, C, eps] = [3, 8, 1e-5];
    const x = randn64(6, N * C);
    const res = randn64(7, N * C);
    const weight = randn64(8, C);
    const G = randn64(9, N * C); // d loss / d out
    const H = randn64(10, N * C); // d loss / d (x + res) through the residual stream itself
    const out = new Float64Array(N * C);
    const rstd = new Float64Array(N);
    // loss(x) = <norm(x + res), G> + <x + res, H>: the stream's gradient H plus the norm's.
    const loss = () => {
      const sum = x.slice();
      rmsnormResidualForward(t(out, [N, C]), t(rstd), t(sum, [N, C]), t(res, [N, C]), t(weight), eps);
      for (let i = 0; i < sum.length; i++) expect(sum[i]).toBe(x[i] + res[i]);
      return dot(out, G) + dot(sum, H);
    };
    loss();
    const sum = x.map((v, i) => v + res[i]);
    const plain = new Float64Array(N * C);
    const rstd2 = new Float64Array(N);
    rmsnormForward(t(plain, [N, C]), t(rstd2), t(sum, [N, C]), t(weight), eps);
    expect([...out]).toEqual([...plain]);
    const dx = H.slice();
    rmsnormBackward(t(dx, [N, C]), null, t(G, [N, C]), t(sum, [N, C]), t(weight), t(rstd), 0, true);
    expect(fdError(x, dx, loss)).toBeLessThan(1e-6);
  });
});

describe('swiglu twin', () => {
  for (const [label, scale] of [
    ['normal gates', 2],
    ['saturated gates (|g| ~ 30)', 30],
  ] as const) {
    it(`dgate and dup match finite differences (${label})`, () => {
      const n = 40;
      const gate = randn64(1, n, scale);
      const up = randn64(2, n, 3);
      const G = randn64(3, n);
      const out = new Float64Array(n);
      const loss = () => {
        swigluForward(t(out), t(gate), t(up));
        return dot(out, G);
      };
      const dgate = new Float64Array(n);
      const dup = new Float64Array(n);
      swigluBackward(t(dgate), t(dup), t(G), t(gate), t(up));
      expect(fdError(gate, dgate, loss, 1e-6)).toBeLessThan(1e-6);
      expect(fdError(up, dup, loss)).toBeLessThan(1e-7);
    });
  }

  it('stays finite for gates of ±1000', () => {
    const gate = Float64Array.from([1000, -1000, 0]);
    const up = Float64Array.from([1, 1, 1]);
    const out = new Float64Array(3);
    const dgate = new Float64Array(3);
    const dup = new Float64Array(3);
    swigluForward(t(out), t(gate), t(up));
    swigluBackward(t(dgate), t(dup), t(Float64Array.from([1, 1, 1])), t(gate), t(up));
    expect([...out]).toEqual([1000, -0, 0]);
    expect([...dgate].every(Number.isFinite)).toBe(true);
    expect(dgate[0]).toBeCloseTo(1, 12);
    expect(dgate[2]).toBeCloseTo(0.5, 12);
  });
});

describe('geglu and soft-cap twins (Gemma)', () => {
  for (const [label, scale] of [
    ['normal gates', 2],
    ['large gates (|g| ~ 30)', 30],
  ] as const) {
    it(`geglu: dgate and dup match finite differences (${label})`, () => {
      const n = 40;
      const gate = randn64(1, n, scale);
      const up = randn64(2, n, 3);
      const G = randn64(3, n);
      const out = new Float64Array(n);
      const loss = () => {
        gegluForward(t(out), t(gate), t(up));
        return dot(out, G);
      };
      const dgate = new Float64Array(n);
      const dup = new Float64Array(n);
      gegluBackward(t(dgate), t(dup), t(G), t(gate), t(up));
      expect(fdError(gate, dgate, loss, 1e-6)).toBeLessThan(1e-6);
      expect(fdError(up, dup, loss)).toBeLessThan(1e-7);
    });
  }

  it("geglu is transformers' gelu_pytorch_tanh times up", () => {
    const out = new Float64Array(3);
    gegluForward(t(out), t(Float64Array.from([1, -2, 0])), t(Float64Array.from([2, 1, 5])));
    expect(out[0]).toBeCloseTo(2 * 0.8411919906082768, 12); // gelu_tanh(1)
    expect(out[1]).toBeCloseTo(-0.04540230591222177, 12); // gelu_tanh(-2)
    expect(out[2]).toBe(0);
  });

  it('soft cap: values stay inside ±cap, the backward matches finite differences (also in place)', () => {
    const n = 30;
    const x = randn64(4, n, 40);
    const G = randn64(5, n);
    const y = new Float64Array(n);
    const loss = () => {
      softcapForward(t(y), t(x), 10);
      return dot(y, G);
    };
    loss();
    expect(Math.max(...y.map(Math.abs))).toBeLessThan(10);
    const dx = new Float64Array(n);
    softcapBackward(t(dx), t(G), t(x), 10);
    expect(fdError(x, dx, loss, 1e-6)).toBeLessThan(1e-6);
    const inPlace = Float64Array.from(G);
    softcapBackward(t(inPlace), t(inPlace), t(x), 10);
    expect([...inPlace]).toEqual([...dx]);
  });
});

describe('bias, residual and embedding twins', () => {
  it('bias backward is the column sum (finite differences)', () => {
    const [N, O] = [5, 7];
    const base = randn64(1, N * O);
    const bias = randn64(2, O);
    const G = randn64(3, N * O);
    const loss = () => {
      const out = base.slice();
      biasForward(t(out, [N, O]), t(bias));
      return dot(out, G);
    };
    const dbias = new Float64Array(O);
    biasBackward(t(dbias), t(G, [N, O]));
    expect(fdError(bias, dbias, loss)).toBeLessThan(1e-8);
  });

  it('residual backward adds dout to both inputs (finite differences)', () => {
    const n = 13;
    const a = randn64(1, n);
    const b = randn64(2, n);
    const G = randn64(3, n);
    const out = new Float64Array(n);
    const loss = () => {
      residualForward(t(out), t(a), t(b));
      return dot(out, G);
    };
    const da = new Float64Array(n);
    const db = new Float64Array(n);
    residualBackward(t(da), t(db), t(G));
    expect(fdError(a, da, loss)).toBeLessThan(1e-8);
    expect(fdError(b, db, loss)).toBeLessThan(1e-8);
  });

  it('embedding backward scatter-adds repeated ids (finite differences) and rejects ids outside V', () => {
    const [N, C, V] = [6, 4, 5];
    const ids = Uint32Array.from([0, 3, 3, 1, 4, 3]);
    const wte = randn64(1, V * C);
    const G = randn64(2, N * C);
    const out = new Float64Array(N * C);
    const loss = () => {
      embeddingForward(t(out, [N, C]), t(ids), t(wte, [V, C]));
      return dot(out, G);
    };
    const dwte = new Float64Array(V * C);
    embeddingBackward(t(dwte, [V, C]), t(G, [N, C]), t(ids));
    expect(fdError(wte, dwte, loss)).toBeLessThan(1e-8);
    expect(dwte.slice(2 * C, 3 * C).every((x) => x === 0)).toBe(true); // id 2 unused
    expect(() => embeddingForward(t(out, [N, C]), t(Uint32Array.from([0, 5, 0, 0, 0, 0])), t(wte, [V, C]))).toThrow(
      /ids\[1\] = 5 is outside the vocabulary \[0, 5\)/,
    );
  });
});
