// Reference twins of the elementwise utilities in ops/util.ts.
import { expectSizes, floats, type RefTensor } from './tensor.ts';

/** x[i] = value */
export function fill(x: RefTensor, value: number): void {
  floats('fill x', x).fill(value);
}

/** x[i] *= alpha */
export function scale(x: RefTensor, alpha: number): void {
  const a = floats('scale x', x);
  for (let i = 0; i < a.length; i++) a[i] *= alpha;
}

/** dst[i] += alpha * src[i] */
export function add(dst: RefTensor, src: RefTensor, alpha = 1): void {
  expectSizes('add', [['src', src, dst.size]]);
  const d = floats('add dst', dst),
    s = floats('add src', src);
  for (let i = 0; i < d.length; i++) d[i] += alpha * s[i];
}

/** dst = src (same element count) */
export function copy(dst: RefTensor, src: RefTensor): void {
  expectSizes('copy', [['src', src, dst.size]]);
  dst.data.set(src.data);
}

export const twins = { fill, scale, add, copy };
