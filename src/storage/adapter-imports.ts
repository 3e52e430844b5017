// Imported adapters kept in the studio's store (imports/{name}/{folder}), as PEFT folders beside our
// own: saved only after every adapter of the import was checked, listed, merged exactly, deleted.
import type { ModelConfig } from '../model/hf-config.ts';
import { mergeAdapters } from '../training/merge.ts';
import { loadAdapter, saveAdapterAt, type HeadTensors } from './adapter-store.ts';
import { IMPORTS_ROOT, importKey, type CheckedAdapter } from './adapter-import.ts';
import { ADAPTER_CONFIG } from './peft.ts';
import type { ArtifactStore } from './store.ts';

/** Saves checked adapters under imports/{name}/…; returns their keys. Refuses to overwrite an import. */
export async function saveImported(store: ArtifactStore, checked: CheckedAdapter[], name: string): Promise<string[]> {
  const keys = checked.map((c) => importKey(name, c.folder));
  for (const k of keys) {
    if (await store.has(`${k}/${ADAPTER_CONFIG}`)) throw new Error(`'${name}' is imported already (${k}): delete that import first`);
  }
  for (const [i, c] of checked.entries()) {
    const head: HeadTensors | undefined = c.score ? { 'score.weight': { shape: [1, c.score.length], data: c.score } } : undefined;
    const metrics = { ...(c.metrics ?? {}), importedFrom: c.folder ? `${name}/${c.folder}` : name, baseModel: c.baseModel, notes: c.notes };
    await saveAdapterAt(store, keys[i], c.adapter, metrics, head);
  }
  return keys;
}

/** Keys of every imported adapter, sorted. */
export async function listImported(store: ArtifactStore): Promise<string[]> {
  const suffix = `/${ADAPTER_CONFIG}`;
  return (await store.list(IMPORTS_ROOT)).filter((k) => k.endsWith(suffix)).map((k) => k.slice(0, -suffix.length));
}

/** Removes one imported adapter. */
export async function deleteImported(store: ArtifactStore, key: string): Promise<number> {
  if (!key.startsWith(`${IMPORTS_ROOT}/`)) throw new Error(`deleteImported: '${key}' is not an imported adapter (imports/…)`);
  return store.delete(key);
}

/**
 * Merges imported causal-LM adapters exactly (merged delta = the sum of the parts' deltas, rank = the
 * sum of theirs) into imports/merged/{name}; returns its key. Each part is checked against the model
 * first; a reward model (a score head) is refused, since its LoRA belongs with its head.
 */
export async function mergeImported(store: ArtifactStore, keys: string[], cfg: ModelConfig, name: string): Promise<string> {
  if (keys.length < 2) throw new Error(`mergeImported: choose at least two imported adapters to merge, got ${keys.length}`);
  const parts = [];
  for (const k of keys) {
    if (!k.startsWith(`${IMPORTS_ROOT}/`)) throw new Error(`mergeImported: '${k}' is not an imported adapter (imports/…)`);
    const stored = await loadAdapter(store, k, cfg);
    if (stored.head) throw new Error(`mergeImported: ${k} is a reward model (it has a score head); only causal-LM adapters merge`);
    parts.push(stored.adapter);
  }
  const merged = mergeAdapters(parts);
  const key = importKey(`merged/${name}`, '');
  if (await store.has(`${key}/${ADAPTER_CONFIG}`)) throw new Error(`mergeImported: '${key}' exists already`);
  await saveAdapterAt(store, key, merged, { mergedFrom: keys, rank: merged.config.r, exact: true });
  return key;
}
