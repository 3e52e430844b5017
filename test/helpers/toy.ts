// Toy data shared by the trainer tests: token-level preference pairs and LoRA adapters with non-zero B.
import type { ModelConfig } from '../../src/model/hf-config.ts';
import { initLora, type LoraAdapter, type LoraTarget } from '../../src/model/lora-types.ts';
import type { PairTokens } from '../../src/training/reward.ts';
import { Rng } from '../../src/util/rng.ts';

export const TINY_BOS = 507;

/** Prompt of 4 random tokens, 2 shared answer tokens, then X (chosen) or Y (rejected). */
export function toyPairs(n: number, seed: number, X = 100, Y = 200): PairTokens[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const prompt = [TINY_BOS, ...Array.from({ length: 4 }, () => rng.int(500))];
    const body = [rng.int(500), rng.int(500)];
    const ex = (last: number) => ({ ids: [...prompt, ...body, last], lossMask: [0, 0, 0, 0, 0, 1, 1, 1] });
    return { chosen: ex(X), rejected: ex(Y) };
  });
}

/** A seeded adapter whose B is N(0, bScale²) (not zero), so the LoRA path changes the outputs. */
export function randomAdapter(cfg: ModelConfig, seed: number, bScale: number, r: number, targetModules: LoraTarget[]): LoraAdapter {
  const a = initLora(cfg, { r, alpha: 2 * r, dropout: 0, targetModules, useRslora: false }, new Rng(seed));
  const rng = new Rng(seed + 1);
  for (const layer of a.layers.values()) for (let i = 0; i < layer.B.length; i++) layer.B[i] = rng.normal() * bScale;
  return a;
}
