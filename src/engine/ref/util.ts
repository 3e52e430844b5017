// Reference twins of the elementwise utilities in ops/util.ts.
import { expectSizes, floats, rows, type RefTensor } from './tensor.ts';

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

/** dst[r, dstCol + j] = src[r, srcCol + j] for j < cols and every row r (dst (R, Wd), src (R, Ws)). */
export function copyColumns(dst: RefTensor, src: RefTensor, dstCol: number, srcCol: number, cols: number): void {
  const [R, Wd] = rows(dst);
  const [Rs, Ws] = rows(src);
  if (R !== Rs || dstCol + cols > Wd || srcCol + cols > Ws) {
    throw new Error(
      `copyColumns: ${cols} columns from column ${srcCol} of (${src.shape.join(', ')}) to column ${dstCol} of (${dst.shape.join(', ')}) do not fit`,
    );
  }
  const d = floats('copyColumns dst', dst),
    s = floats('copyColumns src', src);
  for (let r = 0; r < R; r++) for (let j = 0; j < cols; j++) d[r * Wd + dstCol + j] = s[r * Ws + srcCol + j];
}

export const twins = { fill, scale, add, copy, copyColumns };
