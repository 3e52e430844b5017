// Progress output for long CLI commands: a redrawn bar on a terminal, plain lines otherwise (logs, CI).
export class Progress {
  private open = false;
  private lastPlain = 0;

  constructor(private readonly out: NodeJS.WriteStream) {}

  private get tty(): boolean {
    return !!this.out.isTTY;
  }

  /** A progress bar for step/total with a short trailing figure. */
  bar(label: string, step: number, total: number, figure = ''): void {
    if (this.tty) {
      const width = 24;
      const filled = Math.round((width * Math.min(step, total)) / Math.max(1, total));
      this.out.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${step}/${total} ${figure}\x1b[K`);
      this.open = true;
    } else if (step === total || step === 1 || Date.now() - this.lastPlain > 5000) {
      this.lastPlain = Date.now();
      this.out.write(`${label} ${step}/${total} ${figure}\n`);
    }
  }

  /** Ends a bar line, if one is open. */
  done(): void {
    if (this.open) this.out.write('\n');
    this.open = false;
  }

  line(message: string): void {
    this.done();
    this.out.write(message + '\n');
  }
}
