// Download progress on stderr: one line per file and the total (bytes, rate, ETA); redrawn in place
// on a terminal, a plain line every few seconds and at each file's end otherwise (logs, CI).

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024,
    i = 0;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** `done / total  rate  ETA` for bytes fetched at `rate` bytes/s. */
export function progressFigures(done: number, total: number, rate: number): string {
  const eta = rate > 0 ? formatDuration((total - done) / rate) : '?';
  return `${formatBytes(done)} / ${formatBytes(total)}  ${formatBytes(Math.round(rate))}/s  ETA ${eta}`;
}

export class DownloadProgress {
  private readonly start: number;
  /** Bytes fetched by this run (not counting resumed or cached ones), for the overall rate. */
  private fetched = 0;
  private done = 0;
  private file = '';
  private fileDone = 0;
  private fileSize = 0;
  private fileFetched = 0;
  private fileStart = 0;
  private lastPlain = 0;
  private lastText = '';
  private open = false;

  constructor(
    private readonly out: ProgressSink,
    private readonly total: number,
    private readonly now = () => Date.now(),
  ) {
    this.start = now();
  }

  /** A file starts, with `already` bytes on disk from an earlier try. */
  beginFile(file: string, size: number, already: number): void {
    this.file = file;
    this.fileSize = size;
    this.fileDone = already;
    this.fileFetched = 0;
    this.fileStart = this.lastPlain = this.now();
    this.done += already;
    if (already > 0) this.line(`  ${file}: resuming at ${formatBytes(already)} of ${formatBytes(size)}`);
  }

  /** `n` more bytes of the current file arrived. */
  advance(n: number): void {
    this.fileDone += n;
    this.fileFetched += n;
    this.fetched += n;
    this.done += n;
    this.draw(false);
  }

  /** The current file is complete (or was restarted: `lost` bytes no longer count). */
  endFile(lost = 0): void {
    this.done -= lost;
    if (lost === 0) this.draw(true);
  }

  line(text: string): void {
    if (this.open) this.out.write('\n');
    this.open = false;
    this.out.write(`${text}\n`);
  }

  private text(): string {
    const secs = (t: number) => Math.max(0.001, (this.now() - t) / 1000);
    const fileRate = this.fileFetched / secs(this.fileStart);
    const rate = this.fetched / secs(this.start);
    return `  ${this.file}  ${progressFigures(this.fileDone, this.fileSize, fileRate)}  | total ${progressFigures(this.done, this.total, rate)}`;
  }

  private draw(final: boolean): void {
    if (this.out.isTTY) {
      this.out.write(`\r${this.text()}\x1b[K${final ? '\n' : ''}`);
      this.open = !final;
    } else if (final || this.now() - this.lastPlain > 5000) {
      const text = this.text();
      if (text !== this.lastText) this.out.write(`${text}\n`); // the file's end right after a timed line
      this.lastPlain = this.now();
      this.lastText = text;
    }
  }
}
