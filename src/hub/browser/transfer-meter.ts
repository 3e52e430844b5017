// Download progress for the studio's bar: bytes done of the total, the rate over the last few
// seconds (so a stall shows), and the ETA; the words come from the CLI's formatters (../progress.ts).
import { formatBytes, formatDuration } from '../progress.ts';

export interface TransferSnapshot {
  /** The file being fetched. */
  file: string;
  /** Bytes in the cache, counting those from earlier tries and files already whole. */
  done: number;
  total: number;
  /** Bytes per second over the recent window; 0 before any arrived. */
  rate: number;
  /** Seconds left at that rate; null when unknown. */
  etaSeconds: number | null;
  /** "12.3 MiB / 1.20 GiB · 4.5 MiB/s · 4 min 30 s left" */
  text: string;
}

/** How far back the rate looks (ms). */
const WINDOW_MS = 5000;

export class TransferMeter {
  private file = '';
  private readonly samples: { t: number; bytes: number }[] = [];
  private fetched = 0;

  constructor(
    readonly total: number,
    private done: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.samples.push({ t: now(), bytes: 0 });
  }

  beginFile(file: string): void {
    this.file = file;
  }

  advance(n: number): void {
    this.done += n;
    this.fetched += n;
    const t = this.now();
    this.samples.push({ t, bytes: this.fetched });
    while (this.samples.length > 2 && t - this.samples[1]!.t > WINDOW_MS) this.samples.shift();
  }

  /** A restarted file: its `lost` bytes no longer count. */
  lose(lost: number): void {
    this.done -= lost;
  }

  snapshot(): TransferSnapshot {
    const first = this.samples[0]!;
    const secs = (this.now() - first.t) / 1000;
    const rate = secs > 0 ? (this.fetched - first.bytes) / secs : 0;
    const left = Math.max(0, this.total - this.done);
    const etaSeconds = left === 0 ? 0 : rate > 0 ? left / rate : null;
    const eta = etaSeconds === null ? 'time left unknown' : `${formatDuration(etaSeconds)} left`;
    return {
      file: this.file,
      done: this.done,
      total: this.total,
      rate,
      etaSeconds,
      text: `${formatBytes(this.done)} / ${formatBytes(this.total)} · ${formatBytes(Math.round(rate))}/s · ${eta}`,
    };
  }
}
