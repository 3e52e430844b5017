// Node only: load curriculum files and folders from disk into a Dataset (JSONL streamed from disk).
import { createReadStream } from 'node:fs';
import { access, constants, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Dataset, FileKind } from './types.ts';
import { DatasetBuilder } from './builder.ts';
import { naturalCompare } from './curriculum.ts';

export interface LoadOptions {
  /** Forced kinds, keyed by the path as found (e.g. `data/x.jsonl`) or by the file's base name. */
  kinds?: Record<string, FileKind>;
}

const DATA_FILE = /\.jsonl?$/i;

/** Nothing readable was given (the CLI maps it to exit code 2). The message lists every path tried. */
export class NoCurriculumError extends Error {
  override name = 'NoCurriculumError';
}

/** Data files in a folder and in its direct subfolders, in natural order. */
async function listFolder(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => naturalCompare(a.name, b.name));
  const files: string[] = [];
  const subdirs: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isFile() && DATA_FILE.test(e.name)) files.push(p);
    else if (e.isDirectory() && depth > 0) subdirs.push(p);
  }
  for (const d of subdirs) files.push(...(await listFolder(d, depth - 1)));
  return files;
}

function forcedKind(path: string, kinds: Record<string, FileKind> | undefined): FileKind | undefined {
  if (!kinds) return undefined;
  const own = (k: string): FileKind | undefined => (Object.prototype.hasOwnProperty.call(kinds, k) ? kinds[k] : undefined);
  return own(path) ?? own(basename(path));
}

/** Reads the given files and folders (folders: their *.jsonl / *.json files plus one level of
 *  subfolders). `.json` files are read whole (evaluation sets), everything else streamed as JSONL.
 *  Throws when no readable curriculum file is found, naming every path tried and why. */
export async function loadDataset(paths: string[], opts: LoadOptions = {}): Promise<Dataset> {
  const tried: string[] = [];
  const files: string[] = [];
  for (const p of paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(p);
    } catch (err) {
      tried.push(`${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (err as Error).message}`);
      continue;
    }
    if (info.isDirectory()) {
      let found: string[];
      try {
        found = await listFolder(p, 1);
      } catch (err) {
        tried.push(`${p}: cannot list folder (${(err as Error).message})`);
        continue;
      }
      if (found.length === 0) tried.push(`${p}: folder has no .jsonl or .json files (nor its subfolders)`);
      files.push(...found);
    } else if (info.isFile()) files.push(p);
    else tried.push(`${p}: not a file or folder`);
  }

  const builder = new DatasetBuilder();
  let read = 0;
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(resolve(f))) continue;
    seen.add(resolve(f));
    const kind = forcedKind(f, opts.kinds);
    try {
      await access(f, constants.R_OK);
      await builder.addFile(f, createReadStream(f), kind);
      read++;
    } catch (err) {
      tried.push(`${f}: cannot read (${(err as Error).message})`);
    }
  }
  if (read === 0) {
    const given = paths.length === 0 ? '  (no paths given)' : tried.map((t) => `  ${t}`).join('\n');
    throw new NoCurriculumError(`no readable curriculum file (.jsonl or .json) found; tried:\n${given}`);
  }
  return builder.build();
}
