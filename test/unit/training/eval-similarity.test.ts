// The lexical fallback similarity on hand-computed count vectors.
import { describe, expect, it } from 'vitest';
import { countCosine, lexicalFeatures, lexicalSimilarity, lexicalTokens } from '../../../src/training/similarity.ts';

describe('lexical similarity', () => {
  it('tokenises lower-cased words (Unicode, inner apostrophes) and drops stopwords before bigrams', () => {
    expect(lexicalTokens("Don't PANIC — l'été, 2024!")).toEqual(["don't", 'panic', "l'été", '2024']);
    expect([...lexicalFeatures('Cut the losses, cut the losses').entries()]).toEqual([
      ['cut', 2],
      ['losses', 2],
      ['cut losses', 2],
      ['losses cut', 1],
    ]);
  });

  it('is the cosine of the count vectors', async () => {
    // a: {market:1, risk:1, "market risk":1}; b: {market:1, price:1, "market price":1}: dot 1, norms √3·√3 → 1/3
    const sim = lexicalSimilarity();
    expect(await sim.score('the market risk', 'a market price')).toBeCloseTo(1 / 3, 12);
    // a: {fear:2, "fear fear":1}; b: {fear:1, greed:1, "fear greed":1}: dot 2, |a| √5, |b| √3 → 2/√15
    expect(await sim.score('fear, fear', 'fear and greed')).toBeCloseTo(2 / Math.sqrt(15), 12);
    expect(countCosine(new Map([['x', 3]]), new Map())).toBe(0);
  });

  it('scores identical texts 1, unrelated texts 0, shared words in between, symmetric', async () => {
    const sim = lexicalSimilarity();
    const a = 'Always cut your losses and let your winners run.';
    expect(await sim.score(a, a)).toBeCloseTo(1, 12);
    expect(await sim.score(a, 'The cat sat on the mat.')).toBe(0);
    const shared = await sim.score(a, 'Let winners run; never average down.');
    expect(shared).toBeGreaterThan(0);
    expect(shared).toBeLessThan(1);
    expect(await sim.score('Let winners run; never average down.', a)).toBeCloseTo(shared, 12);
    expect(sim.kind).toBe('lexical');
  });

  it('treats texts without content words as equal only when identical', async () => {
    const sim = lexicalSimilarity();
    expect(await sim.score('the', ' the ')).toBe(1);
    expect(await sim.score('the', 'a')).toBe(0);
    expect(await sim.score('', 'market')).toBe(0);
  });
});
