// Hugging Face Hub model ids as the CLI takes them: `ORG/NAME[@REVISION]`. Pure (browser-safe), so
// src/model/load.ts can recognise an id without reaching any Node module.

export interface HubId {
  /** `ORG/NAME`, as the Hub spells it. */
  repoId: string;
  /** A branch, tag or 40-hex commit; 'main' when none was given. */
  revision: string;
  /** Whether the revision was given (`@REV`). */
  pinned: boolean;
}

// The Hub's repo names: letters, digits, '-', '_', '.', not starting with '-' or '.'.
const PART = '[A-Za-z0-9][\\w.-]{0,95}';
const ID = new RegExp(`^(${PART}/${PART})(?:@([^\\s@]+))?$`);

/** `ORG/NAME[@REV]` → its parts; null for anything else (local paths, 'tiny', bare names). */
export function parseHubId(text: string): HubId | null {
  const m = ID.exec(text);
  if (!m || /(--|\.\.)/.test(m[1]) || m[1].endsWith('.')) return null;
  // The revision becomes a path under refs/ in the cache: no climbing out of it.
  if (m[2] !== undefined && (m[2].includes('..') || /^[/\\]/.test(m[2]) || m[2].includes('\\'))) return null;
  return { repoId: m[1], revision: m[2] ?? 'main', pinned: m[2] !== undefined };
}

/** A commit hash (what `refs/main` holds and snapshots are named by). */
export const isCommitHash = (rev: string): boolean => /^[0-9a-f]{40}$/.test(rev);
