// A TRL + PEFT bundle of a curriculum run as a list of files ({path, bytes}), byte-deterministic for the
// same inputs, with no file system or DOM: the CLI writes it to a folder, the studio can zip it.
import { bundleReadme } from './bundle-readme.ts';
import { dataFiles } from './data-files.ts';
import { planJson, type BundleInputs } from './plan-json.ts';
import { ACCELERATE_MULTI_GPU, ACCELERATE_SINGLE_GPU, REQUIREMENTS, SLURM_JOB } from './static-files.ts';
import { trainPy } from './train-py.ts';

export type { BundleInputs } from './plan-json.ts';

export interface BundleFile {
  /** '/'-separated path inside the bundle. */
  path: string;
  bytes: Uint8Array;
  /** true for scripts a user runs directly (train.py, slurm.sh). */
  executable?: boolean;
}

const utf8 = new TextEncoder();

/** Every file of the bundle, sorted by path. */
export function buildBundle(inp: BundleInputs): BundleFile[] {
  if (inp.alignment !== 'ppo' && inp.alignment !== 'dpo') throw new Error(`bundle: alignment: expected ppo or dpo, got ${JSON.stringify(inp.alignment)}`);
  if (!inp.model.trim()) throw new Error('bundle: model: expected a Hugging Face id (ORG/NAME) or a folder, got an empty string');
  const trainable = inp.topicConfigs.filter((t) => t.trainable);
  const texts: [string, string, boolean?][] = [
    ['plan.json', JSON.stringify(planJson(inp), null, 2) + '\n'],
    ['train.py', trainPy(), true],
    ['requirements.txt', REQUIREMENTS],
    ['accelerate/single_gpu.yaml', ACCELERATE_SINGLE_GPU],
    ['accelerate/multi_gpu.yaml', ACCELERATE_MULTI_GPU],
    ['slurm.sh', SLURM_JOB, true],
    [
      'README.md',
      bundleReadme({
        model: inp.model,
        alignment: inp.alignment,
        topics: inp.topicConfigs.length,
        trainable: trainable.length,
        firstTopic: trainable[0]?.id ?? null,
      }),
    ],
    ...dataFiles(inp.dataset),
  ];
  const seen = new Set<string>();
  for (const [path] of texts) {
    if (seen.has(path)) throw new Error(`bundle: two files at ${path} (a topic id that names a bundle file?)`);
    seen.add(path);
  }
  return texts
    .map(([path, text, executable]) => ({ path, bytes: utf8.encode(text), ...(executable ? { executable } : {}) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
