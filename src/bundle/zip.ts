// A bundle as one zip (fflate), byte-deterministic: files in the bundle's order, every entry dated
// 1980-01-01 (the zip epoch), Unix permissions 0644, scripts 0755, top folder named after the bundle.
import { zipSync, type Zippable } from 'fflate';
import type { BundleFile } from './bundle.ts';

const EPOCH = new Date(1980, 0, 1);

/** The zip bytes of `files` under `folder/` (e.g. mindprint-trl-bundle/train.py). */
export function zipBundle(files: BundleFile[], folder = 'mindprint-trl-bundle'): Uint8Array {
  const tree: Zippable = {};
  for (const f of files) {
    const mode = f.executable ? 0o755 : 0o644;
    tree[`${folder}/${f.path}`] = [f.bytes, { mtime: EPOCH, os: 3, attrs: mode << 16, level: 6 }];
  }
  return zipSync(tree, { mtime: EPOCH });
}
