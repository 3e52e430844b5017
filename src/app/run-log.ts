// The run log kept across reloads: the last lines in this browser's localStorage (they stay on this
// machine), read back when the Training tab opens, cleared when a new run starts.
const KEY = 'mindprint-run-log';

/** The saved lines, or [] when there are none or storage is unavailable. */
export function loadRunLog(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string[] {
  try {
    const v = JSON.parse(storage?.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Saves the lines (a full or unavailable storage only loses the saved copy, never the run). */
export function saveRunLog(lines: readonly string[], storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEY, JSON.stringify(lines));
  } catch {
    /* the log on screen is unaffected */
  }
}
