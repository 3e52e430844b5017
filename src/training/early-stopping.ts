// Early stopping on validation loss (Keras / transformers semantics): an epoch improves when the
// loss beats the best so far by MORE than minDelta; training stops after `patience` epochs without one.

export interface EarlyStoppingState {
  patience: number;
  minDelta: number;
  /** Best validation loss so far; null before the first update (JSON has no Infinity). */
  best: number | null;
  /** Consecutive updates without an improvement. */
  bad: number;
  /** Updates seen, and the 0-based update at which `best` was reached (-1 before any). */
  updates: number;
  bestUpdate: number;
}

export interface EarlyStoppingResult {
  improved: boolean;
  stop: boolean;
  best: number | null;
  bad: number;
}

export class EarlyStopping {
  private state: EarlyStoppingState;

  constructor(patience = 3, minDelta = 0.01) {
    if (!Number.isInteger(patience) || patience < 1) throw new Error(`EarlyStopping: patience: expected an integer >= 1, got ${patience}`);
    if (!(minDelta >= 0) || !Number.isFinite(minDelta)) throw new Error(`EarlyStopping: minDelta: expected a finite number >= 0, got ${minDelta}`);
    this.state = { patience, minDelta, best: null, bad: 0, updates: 0, bestUpdate: -1 };
  }

  /**
   * Records one validation loss. Improved when `best − valLoss > minDelta` (an improvement of
   * exactly minDelta does not count); the first finite loss always improves. NaN/Inf never improve.
   */
  update(valLoss: number): EarlyStoppingResult {
    const s = this.state;
    const improved = Number.isFinite(valLoss) && (s.best === null || s.best - valLoss > s.minDelta);
    if (improved) {
      s.best = valLoss;
      s.bad = 0;
      s.bestUpdate = s.updates;
    } else {
      s.bad += 1;
    }
    s.updates += 1;
    return { improved, stop: this.shouldStop, best: s.best, bad: s.bad };
  }

  get shouldStop(): boolean {
    return this.state.bad >= this.state.patience;
  }

  get best(): number | null {
    return this.state.best;
  }

  /** Index of the update that set `best` (which epoch's adapter to keep), -1 before any. */
  get bestUpdate(): number {
    return this.state.bestUpdate;
  }

  /** A JSON-safe copy of the state, for checkpoints. */
  toJSON(): EarlyStoppingState {
    return { ...this.state };
  }

  /** Rebuilds from toJSON() output, validating every field. */
  static fromJSON(raw: unknown, where = 'early stopping state'): EarlyStopping {
    if (typeof raw !== 'object' || raw === null) throw new Error(`${where}: expected an object, got ${JSON.stringify(raw)}`);
    const r = raw as Record<string, unknown>;
    const es = new EarlyStopping(r.patience as number, r.minDelta as number);
    const int = (k: string, min: number): number => {
      const v = r[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`${where}: ${k}: expected an integer >= ${min}, got ${JSON.stringify(v)}`);
      return v;
    };
    if (r.best !== null && (typeof r.best !== 'number' || !Number.isFinite(r.best)))
      throw new Error(`${where}: best: expected a finite number or null, got ${JSON.stringify(r.best)}`);
    es.state = { ...es.state, best: r.best as number | null, bad: int('bad', 0), updates: int('updates', 0), bestUpdate: int('bestUpdate', -1) };
    return es;
  }
}
