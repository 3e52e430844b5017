// Pacing messages to the page: progress at most every so often (the last of a phase always goes
// through), and items batched into one message per interval, flushed before anything else is sent.

/** Lets `report` through at most once per `ms`, and always when `isLast` says so. */
export function throttled<P>(report: (p: P) => void, ms: number, isLast: (p: P) => boolean): (p: P) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last >= ms || isLast(p)) {
      last = now;
      report(p);
    }
  };
}

/** Collects items and sends them together at most `ms` after the first; `flush` sends now (call it
 *  before any other message so the page sees everything in order), `stop` drops the timer. */
export function batched<T>(send: (items: T[]) => void, ms: number): { push(item: T): void; flush(): void; stop(): void } {
  let batch: T[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const flush = () => {
    stop();
    if (batch.length) send(batch);
    batch = [];
  };
  return {
    push(item) {
      batch.push(item);
      timer ??= setTimeout(flush, ms);
    },
    flush,
    stop,
  };
}
