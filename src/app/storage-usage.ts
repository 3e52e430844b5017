// What this site keeps in the browser, for the Storage tab: the browser's estimate (used, available,
// by kind where it says), whether storage is persistent, and the bytes per run, per stored group and
// per cached model, read from the stores' own size records (no value is loaded to be measured).
import { openDB } from 'idb';

export interface StorageEstimate {
  usage: number | null;
  quota: number | null;
  /** Chromium's breakdown: indexedDB, fileSystem (OPFS), caches, ... */
  details: Record<string, number>;
  persisted: boolean | null;
}

export interface StoredGroup {
  /** Which database and what in it: 'run 2026-12-03T06-58…', 'imports', 'curriculum files'. */
  label: string;
  bytes: number;
  items: number;
  /** What `items` counts: 'files', 'stored values'. */
  unit: string;
}

export async function storageEstimate(storage: StorageManager | undefined = navigator.storage): Promise<StorageEstimate> {
  if (!storage?.estimate) return { usage: null, quota: null, details: {}, persisted: null };
  const e = (await storage.estimate()) as StorageEstimate & { usageDetails?: Record<string, number> };
  const persisted = storage.persisted ? await storage.persisted().catch(() => null) : null;
  return { usage: e.usage ?? null, quota: e.quota ?? null, details: e.usageDetails ?? {}, persisted };
}

/** Groups artifact-store keys: runs/{id}/… per run, otherwise by their first segment. */
export function groupKeys(db: string, entries: { key: string; size: number }[]): StoredGroup[] {
  const groups = new Map<string, StoredGroup>();
  for (const { key, size } of entries) {
    const parts = key.split('/');
    const label = parts[0] === 'runs' && parts.length > 2 ? `run ${parts[1]}` : `${db}: ${parts[0]}`;
    const g = groups.get(label) ?? { label, bytes: 0, items: 0, unit: 'stored values' };
    g.bytes += size;
    g.items++;
    groups.set(label, g);
  }
  return [...groups.values()];
}

/** Sizes in the studio's IndexedDB databases, from their size records (artifact 'manifests', dataset 'files'). */
export async function storedGroups(): Promise<StoredGroup[]> {
  const names = (await indexedDB.databases?.().catch(() => [])) ?? [];
  const out: StoredGroup[] = [];
  for (const { name } of names) {
    if (!name?.startsWith('mindprint')) continue;
    const db = await openDB(name);
    try {
      const stores = [...db.objectStoreNames];
      if (stores.includes('manifests')) out.push(...groupKeys(name, (await db.getAll('manifests')) as { key: string; size: number }[]));
      if (stores.includes('files')) {
        const files = (await db.getAll('files')) as { size: number }[];
        if (files.length) out.push({ label: 'curriculum files', bytes: files.reduce((s, f) => s + f.size, 0), items: files.length, unit: 'files' });
      }
    } finally {
      db.close();
    }
  }
  return out;
}
