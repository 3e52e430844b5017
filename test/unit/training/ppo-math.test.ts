// PPO's per-token math: GAE on a hand-computed case, whitening, the adaptive KL controller, the clipped
// surrogate and value losses against finite differences, the entropy, and option validation.
import { describe, expect, it } from 'vitest';
import { adaptiveKlCoef, clippedSurrogate, clippedValueLoss, gae, meanEntropy, resolvePpoOptions, whiten, type PpoOptions } from '../../../src/training/ppo.ts';

describe('gae', () => {
  it('matches a hand-computed 3-token case (γ = 0.9, λ = 0.8)', () => {
    // rewards [−0.1, 0.2, 1], values [0.5, 0.4, 0.3], value after the last token 0
    // δ2 = 1 − 0.3 = 0.7;  δ1 = 0.2 + 0.9·0.3 − 0.4 = 0.07;  δ0 = −0.1 + 0.9·0.4 − 0.5 = −0.24
    // A2 = 0.7;  A1 = 0.07 + 0.72·0.7 = 0.574;  A0 = −0.24 + 0.72·0.574 = 0.17328
    const { advantages, returns } = gae([-0.1, 0.2, 1], [0.5, 0.4, 0.3], 0.9, 0.8);
    [0.17328, 0.574, 0.7].forEach((a, i) => expect(advantages[i]).toBeCloseTo(a, 12));
    [0.67328, 0.974, 1.0].forEach((r, i) => expect(returns[i]).toBeCloseTo(r, 12));
  });

  it('with γ = λ = 1 the advantage is the reward-to-go minus the value', () => {
    const { advantages } = gae([1, 2, 3], [0.5, -1, 2], 1, 1);
    expect(advantages).toEqual([6 - 0.5, 5 + 1, 3 - 2]);
  });

  it('rejects mismatched lengths', () => {
    expect(() => gae([1, 2], [0], 1, 1)).toThrow(/2 rewards but 1 values/);
  });
});

describe('whiten', () => {
  it('gives mean 0 and unbiased standard deviation 1', () => {
    const w = whiten([1, 2, 3, 10]);
    const mean = w.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(w.reduce((a, x) => a + (x - mean) ** 2, 0) / 3);
    expect(mean).toBeCloseTo(0, 12);
    expect(sd).toBeCloseTo(1, 6);
    expect(whiten([5])).toEqual([0]);
  });
});

describe('adaptive KL controller', () => {
  it('follows β·(1 + clip(KL/target − 1, ±0.2)·n/horizon)', () => {
    expect(adaptiveKlCoef(0.2, 0.06, 0.05, 4, 10000)).toBeCloseTo(0.2 * (1 + (0.2 * 4) / 10000), 15);
    expect(adaptiveKlCoef(0.2, 0.055, 0.05, 100, 1000)).toBeCloseTo(0.2 * (1 + 0.1 * 0.1), 12);
    expect(adaptiveKlCoef(0.2, 0.5, 0.05, 100, 1000)).toBeCloseTo(0.2 * 1.02, 12); // error clipped at +0.2
    expect(adaptiveKlCoef(0.2, 0, 0.05, 100, 1000)).toBeCloseTo(0.2 * 0.98, 12); // and at −0.2
    expect(adaptiveKlCoef(0.2, 0.05, 0.05, 100, 1000)).toBe(0.2);
  });

  it('converges toward the target over many steps', () => {
    let beta = 0.2;
    for (let i = 0; i < 500; i++) beta = adaptiveKlCoef(beta, 0.2, 0.05, 64, 1000); // KL stuck above target
    expect(beta).toBeGreaterThan(0.2 * Math.pow(1.0128, 500) * 0.999);
  });
});

describe('clipped surrogate', () => {
  const eps = 0.2;
  const fd = (lpNew: number, lpOld: number, adv: number) => {
    const h = 1e-6;
    return (clippedSurrogate(lpNew + h, lpOld, adv, eps).loss - clippedSurrogate(lpNew - h, lpOld, adv, eps).loss) / (2 * h);
  };

  it('its per-token gradient matches finite differences of the loss in logp_new, on every branch', () => {
    // ratio r = exp(Δ): inside the band, above, below; advantages of both signs.
    const cases: [number, number][] = [];
    for (const delta of [-0.6, -0.3, -0.1, 0, 0.05, 0.1, 0.3, 0.6]) for (const adv of [-1.7, -0.4, 0.3, 2.2]) cases.push([delta, adv]);
    for (const [delta, adv] of cases) {
      const s = clippedSurrogate(-2 + delta, -2, adv, eps);
      expect(s.dlogp).toBeCloseTo(fd(-2 + delta, -2, adv), 5);
      const r = Math.exp(delta);
      // Clipped (zero gradient) exactly when the ratio left the band in the direction the advantage rewards.
      expect(s.clipped).toBe((adv > 0 && r > 1 + eps) || (adv < 0 && r < 1 - eps));
      expect(s.loss).toBeCloseTo(Math.max(-adv * r, -adv * Math.min(1 + eps, Math.max(1 - eps, r))), 12);
    }
  });

  it('at r = 1 the gradient is −A (the policy-gradient weight A on log p)', () => {
    expect(clippedSurrogate(-1.3, -1.3, 0.7, eps).dlogp).toBeCloseTo(-0.7, 12);
    expect(clippedSurrogate(-1.3, -1.3, -0.7, eps).dlogp).toBeCloseTo(0.7, 12);
  });
});

describe('clipped value loss', () => {
  it('matches finite differences in v on both branches', () => {
    const h = 1e-6;
    for (const [v, vOld, ret] of [
      [0.1, 0, 1],
      [0.5, 0, 1],
      [-0.5, 0, 1],
      [0.5, 0, -1],
      [1.3, 1, 1.2],
      [0, 0, 0.3],
    ]) {
      const { loss, dv } = clippedValueLoss(v, vOld, ret, 0.2);
      const num = (clippedValueLoss(v + h, vOld, ret, 0.2).loss - clippedValueLoss(v - h, vOld, ret, 0.2).loss) / (2 * h);
      expect(dv).toBeCloseTo(num, 5);
      const vc = vOld + Math.min(0.2, Math.max(-0.2, v - vOld));
      expect(loss).toBeCloseTo(0.5 * Math.max((v - ret) ** 2, (vc - ret) ** 2), 12);
    }
  });

  it('stops the gradient when v moved toward the return beyond the band (the clipped term is larger)', () => {
    expect(clippedValueLoss(0.5, 0, 1, 0.2)).toEqual({ loss: 0.5 * 0.8 ** 2, dv: 0 });
    expect(clippedValueLoss(-0.5, 0, 1, 0.2).dv).toBe(-1.5); // moved away: the unclipped term is larger
  });
});

describe('meanEntropy', () => {
  it('is log V for uniform rows and 0 for a one-hot limit, over the chosen rows only', () => {
    const V = 8;
    const logits = new Float32Array(3 * V);
    logits.fill(3, 0, V); // uniform row 0
    logits[V + 2] = 1000; // near one-hot row 1
    logits.fill(NaN, 2 * V); // row 2 is not chosen
    expect(meanEntropy(logits, V, [0])).toBeCloseTo(Math.log(V), 6);
    expect(meanEntropy(logits, V, [1])).toBeCloseTo(0, 6);
    expect(meanEntropy(logits, V, [0, 1])).toBeCloseTo(Math.log(V) / 2, 6);
  });

  it('matches −Σ p log p for a random row', () => {
    const row = Float32Array.from([0.3, -1.2, 2.5, 0, 4.1]);
    const z = Array.from(row).reduce((a, x) => a + Math.exp(x), 0);
    const h = -Array.from(row).reduce((a, x) => a + (Math.exp(x) / z) * (x - Math.log(z)), 0);
    expect(meanEntropy(row, 5, [0])).toBeCloseTo(h, 6);
  });
});

describe('resolvePpoOptions', () => {
  const ok: PpoOptions = { steps: 2, batchSize: 2, ppoEpochs: 1, learningRate: 1e-4, maxNewTokens: 4, seed: 1 };
  it('fills the documented defaults', () => {
    const o = resolvePpoOptions(ok);
    expect([o.klCoef, o.klTarget, o.adaptiveKl, o.klHorizon, o.clipRange, o.vfCoef, o.gamma, o.lam, o.klStop, o.klStopPatience]).toEqual([
      0.2,
      0.05,
      true,
      10000,
      0.2,
      0.1,
      1,
      0.95,
      10,
      3,
    ]);
  });
  it('names the bad option', () => {
    expect(() => resolvePpoOptions({ ...ok, batchSize: 0 })).toThrow(/batchSize: expected an integer >= 1, got 0/);
    expect(() => resolvePpoOptions({ ...ok, temperature: 0 })).toThrow(/temperature: expected a finite number > 0/);
    expect(() => resolvePpoOptions({ ...ok, lam: 1.5 })).toThrow(/lam: expected a number in \[0, 1\]/);
    expect(() => resolvePpoOptions({ ...ok, topP: 0 })).toThrow(/topP/);
  });
});
