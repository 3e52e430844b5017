// The attention mask, defined once for the kernels (WGSL) and the twin (TypeScript). Query i (absolute
// position) of a sequence sees key j when
//   j <= i                               causal
//   j < len                              padding: len = lens[b], the sequence's valid length (or T, or the cache)
//   window == 0 or i - j < window        sliding window (Gemma), 0 = full causal attention
// A query that sees no key gets out = 0, lse = 0 and no gradient (both implementations).

/** Query i sees key j under the causal / padding / window mask. */
export function attentionVisible(i: number, j: number, len: number, window: number): boolean {
  return j <= i && j < len && (window <= 0 || i - j < window);
}

/** The first key query i can see under the window (0 without one); keys before it never need loading. */
export function attentionFirstKey(i: number, window: number): number {
  return window > 0 && i + 1 > window ? i + 1 - window : 0;
}

/** WGSL of the two functions above (u32 positions, window 0 = none), for the attention kernels. */
export const ATTENTION_MASK_WGSL = `
fn attentionVisible(i: u32, j: u32, len: u32, window: u32) -> bool {
  return j <= i && j < len && (window == 0u || i - j < window);
}
fn attentionFirstKey(i: u32, window: u32) -> u32 {
  return select(0u, i + 1u - window, window > 0u && i + 1u > window);
}`;
