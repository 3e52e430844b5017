// ArtifactStore on the file system (the CLI): one file per key under a root folder, atomic writes
// (temp file in the same folder, fsync, rename) and crash-atomic groups through a roll-forward journal.
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import {
  checkKey,
  checkPrefix,
  decodeText,
  folderConflict,
  parentKeys,
  prepareGroup,
  type ArtifactStore,
  type StoreValue,
  type WriteOptions,
} from './store.ts';

const TEMP_SUFFIX = '.tmp';
const JOURNAL_PREFIX = '.journal-';

let counter = 0;
function uniqueTag(): string {
  counter += 1;
  return `${process.pid}-${Date.now().toString(36)}-${counter}`;
}

function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** fsync a folder so the renames in it survive a power loss (no-op where folders cannot be opened). */
async function syncDir(dir: string): Promise<void> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(dir, 'r');
    await fh.sync();
  } catch (e) {
    if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL'].includes(errCode(e) ?? '')) throw e;
  } finally {
    await fh?.close();
  }
}

/** Writes `bytes` to a new file and fsyncs it. */
async function writeSynced(file: string, bytes: Uint8Array): Promise<void> {
  const fh = await fs.open(file, 'wx');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

interface JournalEntry {
  temp: string; // path relative to the root, '/'-separated
  key: string;
}

export class FsStore implements ArtifactStore {
  private closed = false;

  private constructor(readonly root: string) {}

  /**
   * Opens (creating if needed) the store rooted at `root`. Finishes any group write a crash
   * interrupted after its journal was written, and removes temp files of writes that never
   * completed. One writing process per root.
   */
  static async open(root: string): Promise<FsStore> {
    const abs = path.resolve(root);
    await fs.mkdir(abs, { recursive: true });
    const store = new FsStore(abs);
    await store.recover();
    return store;
  }

  private file(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  private check(where: string): void {
    if (this.closed) throw new Error(`${where}: the store at ${this.root} is closed`);
  }

  async put(key: string, value: StoreValue, options?: WriteOptions): Promise<void> {
    await this.write([[key, value]], options, 'FsStore.put');
  }

  async putMany(entries: Iterable<readonly [string, StoreValue]>, options?: WriteOptions): Promise<void> {
    await this.write(entries, options, 'FsStore.putMany');
  }

  private async write(entries: Iterable<readonly [string, StoreValue]>, options: WriteOptions | undefined, where: string): Promise<void> {
    this.check(where);
    const group = prepareGroup(entries, where);
    if (group.length === 0) return;
    for (const [key] of group) {
      const why = await this.conflict(key);
      if (why) throw new Error(`${where}: ${why}`);
    }
    const temps: JournalEntry[] = [];
    try {
      for (const [key, bytes] of group) {
        const target = this.file(key);
        await fs.mkdir(path.dirname(target), { recursive: true });
        const tempName = `.mp-${uniqueTag()}${TEMP_SUFFIX}`;
        const temp = path.join(path.dirname(target), tempName);
        await writeSynced(temp, bytes);
        temps.push({ temp: path.relative(this.root, temp).split(path.sep).join('/'), key });
      }
    } catch (e) {
      await Promise.all(temps.map((t) => fs.rm(path.join(this.root, t.temp), { force: true })));
      throw new Error(`${where}: writing ${group.map(([k]) => k).join(', ')} under ${this.root} failed: ${(e as Error).message}`, { cause: e });
    }
    // Several files: a journal (itself written atomically) lets open() finish the renames after a crash.
    let journal: string | null = null;
    if (temps.length > 1) {
      journal = path.join(this.root, `${JOURNAL_PREFIX}${uniqueTag()}.json`);
      const journalTemp = `${journal}${TEMP_SUFFIX}`;
      await writeSynced(journalTemp, new TextEncoder().encode(JSON.stringify(temps)));
      await fs.rename(journalTemp, journal);
      await syncDir(this.root);
    }
    for (const t of temps) await fs.rename(path.join(this.root, t.temp), this.file(t.key));
    if (options?.durable) {
      const dirs = new Set(temps.map((t) => path.dirname(this.file(t.key))));
      for (const dir of dirs) await syncDir(dir);
    }
    if (journal) {
      await fs.rm(journal, { force: true });
      if (options?.durable) await syncDir(this.root);
    }
  }

  /** Why `key` cannot be written here (an ancestor is a value, or the key is a folder), or null. */
  private async conflict(key: string): Promise<string | null> {
    for (const parent of parentKeys(key)) {
      const st = await fs.stat(this.file(parent)).catch(() => null);
      if (!st) break;
      if (!st.isDirectory()) return folderConflict(key, parent, null);
    }
    const st = await fs.stat(this.file(key)).catch(() => null);
    if (st?.isDirectory()) {
      const inside = await this.walk(key);
      return folderConflict(key, null, inside[0] ?? `${key}/`);
    }
    return null;
  }

  async get(key: string): Promise<Uint8Array | null> {
    this.check('FsStore.get');
    checkKey(key, 'FsStore.get');
    try {
      return new Uint8Array(await fs.readFile(this.file(key)));
    } catch (e) {
      if (['ENOENT', 'EISDIR', 'ENOTDIR'].includes(errCode(e) ?? '')) return null;
      throw e;
    }
  }

  async getText(key: string): Promise<string | null> {
    const bytes = await this.get(key);
    return bytes === null ? null : decodeText(bytes, key);
  }

  async has(key: string): Promise<boolean> {
    this.check('FsStore.has');
    checkKey(key, 'FsStore.has');
    const st = await fs.stat(this.file(key)).catch(() => null);
    return st !== null && st.isFile();
  }

  async list(prefix = ''): Promise<string[]> {
    this.check('FsStore.list');
    checkPrefix(prefix, 'FsStore.list');
    if (prefix !== '') {
      const st = await fs.stat(this.file(prefix)).catch(() => null);
      if (!st) return [];
      if (st.isFile()) return [prefix];
    }
    return (await this.walk(prefix)).sort();
  }

  /** Keys of all files under the folder `prefix` ('' = root), skipping dot-names (temps, journals). */
  private async walk(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const visit = async (rel: string): Promise<void> => {
      const dir = rel === '' ? this.root : this.file(rel);
      let names: Dirent[];
      try {
        names = await fs.readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (errCode(e) === 'ENOENT' || errCode(e) === 'ENOTDIR') return;
        throw e;
      }
      for (const d of names) {
        if (d.name.startsWith('.')) continue;
        const key = rel === '' ? d.name : `${rel}/${d.name}`;
        if (d.isDirectory()) await visit(key);
        else if (d.isFile()) out.push(key);
      }
    };
    await visit(prefix);
    return out;
  }

  async delete(keyOrPrefix: string): Promise<number> {
    this.check('FsStore.delete');
    checkKey(keyOrPrefix, 'FsStore.delete');
    const target = this.file(keyOrPrefix);
    const st = await fs.stat(target).catch(() => null);
    if (!st) return 0;
    const count = st.isDirectory() ? (await this.walk(keyOrPrefix)).length : 1;
    await fs.rm(target, { recursive: true, force: true });
    // Remove folders the deletion left empty, up to the root.
    for (const parent of parentKeys(keyOrPrefix).reverse()) {
      try {
        await fs.rmdir(this.file(parent));
      } catch {
        break;
      }
    }
    return count;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Rolls interrupted group writes forward and deletes temp files left by interrupted writes. */
  private async recover(): Promise<void> {
    const names = await fs.readdir(this.root);
    for (const name of names.filter((n) => n.startsWith(JOURNAL_PREFIX) && n.endsWith('.json')).sort()) {
      const journal = path.join(this.root, name);
      let entries: JournalEntry[];
      try {
        entries = JSON.parse(await fs.readFile(journal, 'utf8')) as JournalEntry[];
        if (!Array.isArray(entries)) throw new Error('expected an array of {temp, key}');
      } catch (e) {
        throw new Error(
          `FsStore.open: ${journal}: unreadable journal of an interrupted write (${(e as Error).message}); ` + 'inspect it, then delete it to open the store',
          { cause: e },
        );
      }
      for (const { temp, key } of entries) {
        checkKey(key, `FsStore.open: ${journal}`);
        const from = path.join(this.root, ...temp.split('/'));
        if (path.relative(this.root, from).startsWith('..')) throw new Error(`FsStore.open: ${journal}: temp path '${temp}' leaves the store`);
        try {
          await fs.rename(from, this.file(key));
        } catch (e) {
          if (errCode(e) !== 'ENOENT') throw e; // already renamed before the crash
        }
      }
      await fs.rm(journal, { force: true });
    }
    await this.removeTemps(this.root);
  }

  private async removeTemps(dir: string): Promise<void> {
    for (const d of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, d.name);
      if (d.isDirectory() && !d.name.startsWith('.')) await this.removeTemps(full);
      else if (d.isFile() && d.name.startsWith('.') && d.name.endsWith(TEMP_SUFFIX)) await fs.rm(full, { force: true });
    }
  }
}
