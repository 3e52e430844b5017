// FsStore specifics: temp + rename writes, crash recovery of group writes via the journal, temp cleanup.
import { promises as fsp, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { FsStore } from '../../../src/storage/fs-store.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

function fresh(): string {
  const d = mkdtempSync(join(tmpdir(), 'mp-fs-'));
  dirs.push(d);
  return d;
}

/** Every dot-file (temp or journal) anywhere under `dir`. */
function hidden(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((p) => p.split(/[\\/]/).some((s) => s.startsWith('.')));
}

describe('FsStore', () => {
  it('stores each key as a plain file under the root', async () => {
    const root = fresh();
    const store = await FsStore.open(root);
    await store.put('adapters/u1/sft_adapter/adapter_config.json', '{}', { durable: true });
    expect(existsSync(join(root, 'adapters', 'u1', 'sft_adapter', 'adapter_config.json'))).toBe(true);
    expect(hidden(root)).toEqual([]);
  });

  it('a group write interrupted after its journal is rolled forward on open', async () => {
    const root = fresh();
    const store = await FsStore.open(root);
    await store.putMany([
      ['c/a', 'old-a'],
      ['c/b', 'old-b'],
      ['c/c', 'old-c'],
    ]);
    const real = fsp.rename.bind(fsp);
    let dataRenames = 0;
    vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
      if (!String(from).includes('.journal-') && ++dataRenames === 2) throw new Error('simulated crash');
      return real(from, to);
    });
    await expect(
      store.putMany([
        ['c/a', 'new-a'],
        ['c/b', 'new-b'],
        ['c/c', 'new-c'],
      ]),
    ).rejects.toThrow('simulated crash');
    vi.restoreAllMocks();
    // The crash left a mix on disk: a renamed, b and c still temps, plus the journal.
    expect(readdirSync(root).some((n) => n.startsWith('.journal-'))).toBe(true);
    const reopened = await FsStore.open(root);
    expect(await Promise.all(['c/a', 'c/b', 'c/c'].map((k) => reopened.getText(k)))).toEqual(['new-a', 'new-b', 'new-c']);
    expect(hidden(root)).toEqual([]);
  });

  it('a group write interrupted before its journal leaves the old values and no temps', async () => {
    const root = fresh();
    const store = await FsStore.open(root);
    await store.putMany([
      ['c/a', 'old-a'],
      ['c/b', 'old-b'],
    ]);
    vi.spyOn(fsp, 'rename').mockImplementation(async () => {
      throw new Error('simulated crash');
    });
    await expect(
      store.putMany([
        ['c/a', 'new-a'],
        ['c/b', 'new-b'],
      ]),
    ).rejects.toThrow('simulated crash');
    vi.restoreAllMocks();
    expect(hidden(root).length).toBeGreaterThan(0); // orphaned temps and the unrenamed journal temp
    const reopened = await FsStore.open(root);
    expect(await reopened.getText('c/a')).toBe('old-a');
    expect(await reopened.getText('c/b')).toBe('old-b');
    expect(hidden(root)).toEqual([]);
  });

  it('a failed single write keeps the old file', async () => {
    const root = fresh();
    const store = await FsStore.open(root);
    await store.put('one', 'old');
    vi.spyOn(fsp, 'rename').mockImplementation(async () => {
      throw new Error('disk gone');
    });
    await expect(store.put('one', 'new')).rejects.toThrow('disk gone');
    vi.restoreAllMocks();
    expect(await store.getText('one')).toBe('old');
  });

  it('ignores dot-files when listing and names an unreadable journal', async () => {
    const root = fresh();
    writeFileSync(join(root, '.journal-x.json'), 'not json');
    await expect(FsStore.open(root)).rejects.toThrow(/\.journal-x\.json: unreadable journal/);
    rmSync(join(root, '.journal-x.json'));
    writeFileSync(join(root, '.notes'), 'x');
    const store = await FsStore.open(root);
    await store.put('k', 'v');
    expect(await store.list()).toEqual(['k']);
  });

  it('prunes folders a delete leaves empty', async () => {
    const root = fresh();
    const store = await FsStore.open(root);
    await store.put('a/b/c/d', 'x');
    await store.put('a/keep', 'y');
    expect(await store.delete('a/b/c/d')).toBe(1);
    expect(readdirSync(join(root, 'a'))).toEqual(['keep']);
  });
});
