// Reference twins of the elementwise utilities in ops/util.ts.
import type { FloatArray } from './array.ts';

/** x[i] = value */
export function fill(x: FloatArray, value: number): void {
  x.fill(value);
}

/** x[i] *= alpha */
export function scale(x: FloatArray, alpha: number): void {
  for (let i = 0; i < x.length; i++) x[i] *= alpha;
}

/** dst[i] += alpha * src[i] */
export function add(dst: FloatArray, src: FloatArray, alpha = 1): void {
  if (dst.length !== src.length) throw new Error(`add: dst has ${dst.length} elements, src ${src.length}`);
  for (let i = 0; i < dst.length; i++) dst[i] += alpha * src[i];
}
