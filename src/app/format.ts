// Number and label formatting for the studio's tables and cards.
export { formatBytes } from '../storage/dataset-store.ts';

export const fmtInt = (n: number) => n.toLocaleString('en-US');
export const fmt1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
export const fmt2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');
export const pct = (share: number) => `${Math.round(share * 100)}%`;

/** `1e-4` → "1e-4", `0.00005` → "5e-5", `0.8` → "0.8". */
export function fmtLr(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) >= 0.01) return String(Number(x.toPrecision(3)));
  const [m, e] = x.toExponential(2).split('e');
  return `${Number(m)}e${Number(e)}`;
}

/** The last segment of a topic id, for compact tree labels. */
export const leaf = (id: string) => id.split('/').pop() ?? id;
