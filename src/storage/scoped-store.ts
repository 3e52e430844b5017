// One folder of an ArtifactStore seen as a store of its own: every key is read and written under
// `{prefix}/`. A run of the history lives in `runs/{id}/` this way, with the same keys as the CLI's
// output folder, so the pipeline and RunStore work on it unchanged.
import { checkKey, checkPrefix, prepareGroup, type ArtifactStore, type StoreValue, type WriteOptions } from './store.ts';

export class ScopedStore implements ArtifactStore {
  private closed = false;

  constructor(
    readonly inner: ArtifactStore,
    readonly prefix: string,
  ) {
    checkKey(prefix, 'ScopedStore: prefix');
  }

  private at(key: string, where: string): string {
    this.check(where);
    checkKey(key, where);
    return `${this.prefix}/${key}`;
  }

  /** Runs an inner call; its errors name keys as this view's callers know them (without the prefix). */
  private async inside<R>(call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (e) {
      const err = e as Error;
      err.message = err.message.split(`${this.prefix}/`).join('');
      throw err;
    }
  }

  private check(where: string): void {
    if (this.closed) throw new Error(`${where}: the view of '${this.prefix}' is closed`);
  }

  async put(key: string, value: StoreValue, options?: WriteOptions): Promise<void> {
    const at = this.at(key, 'put');
    return this.inside(() => this.inner.put(at, value, options));
  }

  async putMany(entries: Iterable<readonly [string, StoreValue]>, options?: WriteOptions): Promise<void> {
    this.check('putMany');
    const group = prepareGroup(entries, 'putMany'); // duplicates and folder clashes named as given
    return this.inside(() =>
      this.inner.putMany(
        group.map(([k, v]) => [`${this.prefix}/${k}`, v] as const),
        options,
      ),
    );
  }

  async get(key: string): Promise<Uint8Array | null> {
    return this.inner.get(this.at(key, 'get'));
  }

  async getText(key: string): Promise<string | null> {
    return this.inner.getText(this.at(key, 'getText'));
  }

  async has(key: string): Promise<boolean> {
    return this.inner.has(this.at(key, 'has'));
  }

  async list(prefix = ''): Promise<string[]> {
    this.check('list');
    checkPrefix(prefix, 'list');
    const keys = await this.inner.list(prefix ? `${this.prefix}/${prefix}` : this.prefix);
    const cut = this.prefix.length + 1;
    return keys.filter((k) => k.length > cut).map((k) => k.slice(cut));
  }

  async delete(keyOrPrefix: string): Promise<number> {
    return this.inner.delete(this.at(keyOrPrefix, 'delete'));
  }

  /** Closes the view only; the store it looks into stays open. */
  async close(): Promise<void> {
    this.closed = true;
  }
}
