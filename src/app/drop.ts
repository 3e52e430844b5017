// Collects the curriculum files from a drop (files, or whole folders via webkitGetAsEntry) or a picker.
import { isMarkersFile } from '../analysis/analysis-types.ts';
import type { FileInput } from '../workers/protocol.ts';

/** Files the studio reads: data files and the curriculum's own voice_markers.yaml; the rest is skipped. */
export const isDataFile = (name: string) => (/\.jsonl?$/i.test(name) || isMarkersFile(name)) && !name.startsWith('.');

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: File[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push(file);
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries returns at most ~100 entries per call: read until it returns none.
    for (let batch = await readEntries(reader); batch.length; batch = await readEntries(reader)) {
      for (const child of batch) await walk(child, out);
    }
  }
}

export interface Collected {
  files: FileInput[];
  skipped: string[];
}

function collect(files: File[]): Collected {
  const out: FileInput[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    if (!isDataFile(f.name)) skipped.push(f.name);
    else if (seen.has(f.name)) skipped.push(`${f.name} (same name twice)`);
    else {
      seen.add(f.name);
      out.push({ name: f.name, file: f });
    }
  }
  return { files: out, skipped };
}

/** Files of a drop; folders are walked. Entries must be taken synchronously, before any await. */
export async function filesFromDrop(dt: DataTransfer): Promise<Collected> {
  const entries = [...dt.items].filter((it) => it.kind === 'file').map((it) => it.webkitGetAsEntry?.() ?? null);
  const plain = [...dt.files];
  const files: File[] = [];
  if (entries.length && entries.every((e) => e !== null)) {
    for (const e of entries) await walk(e!, files);
  } else files.push(...plain);
  return collect(files);
}

export function filesFromList(list: FileList | null): Collected {
  return collect(list ? [...list] : []);
}
