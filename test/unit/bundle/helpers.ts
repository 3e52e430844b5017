// What the bundle tests share: the CLI run in-process with its output captured, python3 if present, and
// a temporary folder.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';

export async function cli(...argv: string[]): Promise<{ rc: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((l: string) => void out.push(String(l)));
  const error = vi.spyOn(console, 'error').mockImplementation((l: string) => void err.push(String(l)));
  try {
    return { rc: await main(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

export const tmpDir = (name: string) => fs.mkdtemp(path.join(os.tmpdir(), `mindprint-${name}-`));

/** python3 when this machine has it (the Python checks skip with a message otherwise). */
export const PYTHON = spawnSync('python3', ['--version'], { encoding: 'utf8' }).status === 0 ? 'python3' : null;
if (!PYTHON) console.warn('python3 not found: the train.py checks (py_compile, helpers against the TypeScript rules) are SKIPPED');

/** Every file under `root` as relative path → bytes. */
export async function filesUnder(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'), await fs.readFile(path.join(e.parentPath, e.name)));
  }
  return out;
}
