// The LM head: logits = hidden · W^T over the vocabulary matrix (the embedding's when tied), soft-capped when
// the model says so, and its backward into d hidden. W may be split into row parts when one binding cannot
// hold it (decoder-weights.ts): each part's vocabulary slice then goes through one scratch into its columns.
// Rows are any run of positions: a whole batch, or one chunk of a row-chunked head (training/logit-chunks.ts).
import type { Backend, Tensor } from '../engine/backend.ts';
import type { RowPart } from './decoder-weights.ts';

export class LmHead<T extends Tensor> {
  /** Scratch for the logits of one part of a split head, grown on demand. */
  private buf: T | null = null;

  constructor(
    readonly be: Backend<T>,
    /** (V, C) in row parts. */
    readonly parts: RowPart<T>[],
    readonly hiddenSize: number,
    /** final_logit_softcapping, or null. */
    readonly softcap: number | null,
  ) {}

  /** logits (rows, V) = hidden (rows, C) · W^T, soft-capped when the model says so (`raw` then keeps the values before the cap). */
  forward(logits: T, hidden: T, raw: T | null): void {
    const cap = this.softcap;
    if (cap && !raw) throw new Error('decoder: soft-capped logits need a buffer for the values before the cap');
    const out = cap ? raw! : logits;
    if (this.parts.length === 1) {
      this.be.matmulForward(out, hidden, this.parts[0].t);
    } else {
      const rows = hidden.size / this.hiddenSize;
      for (const p of this.parts) {
        const s = this.scratch(rows, p.rows);
        this.be.matmulForward(s, hidden, p.t);
        this.be.copyColumns(out, s, p.r0, 0, p.rows);
      }
    }
    if (cap) this.be.softcapForward(logits, raw!, cap);
  }

  /**
   * dh (rows, C) = d/d hidden from dlogits (rows, V), through the soft cap (with `raw`, the values before it,
   * from forward) when the model has one; dlogits is overwritten.
   */
  backward(dh: T, dlogits: T, raw: T | null): void {
    const cap = this.softcap;
    if (cap) {
      if (!raw) throw new Error('decoder backward: soft-capped logits need the values before the cap');
      this.be.softcapBackward(dlogits, dlogits, raw, cap);
    }
    if (this.parts.length === 1) {
      this.be.matmulBackward(dh, dlogits, this.parts[0].t, false);
      return;
    }
    const rows = dh.size / this.hiddenSize;
    this.parts.forEach((p, i) => {
      const s = this.scratch(rows, p.rows);
      this.be.copyColumns(s, dlogits, 0, p.r0, p.rows);
      this.be.matmulBackward(dh, s, p.t, i > 0);
    });
  }

  /** (rows, cols) scratch for one part's logits, as a view of one buffer grown on demand. */
  private scratch(rows: number, cols: number): T {
    const need = rows * cols;
    if (!this.buf || this.buf.size < need) {
      if (this.buf) this.be.release(this.buf);
      this.buf = this.be.zeros([need]);
    }
    return this.be.view(this.buf, 0, [rows, cols]);
  }

  /** Frees the scratch (the parts belong to the decoder, which may share them with the embedding). */
  release(): void {
    if (this.buf) this.be.release(this.buf);
    this.buf = null;
  }
}
