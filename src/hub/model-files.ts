// Which files of a Hub model repo we fetch: the config, the tokenizer files, the chat template and
// generation config where the repo has them, and the safetensors weights (one file, or the shards
// the index names). Nothing else: no .bin, GGUF, ONNX or other formats.
import { HubError } from './errors.ts';

export const CONFIG = 'config.json';
export const WEIGHTS = 'model.safetensors';
export const INDEX = 'model.safetensors.index.json';
/** Fetched whenever the repo has them. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'];
/** Fetched when present; their absence is normal. */
export const OPTIONAL_FILES = ['chat_template.jinja', 'generation_config.json'];

/** What a caller needs: 'config' (plan: config.json alone) or 'model' (weights and tokenizer too). */
export type HubNeed = 'config' | 'model';

/** The shard file names an index's weight_map points at, in order of first appearance. */
export function shardsOfIndex(json: unknown, where: string): string[] {
  const map = (json as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new HubError('integrity', `${where}: weight_map: expected an object of tensor name → file`);
  const files = [...new Set(Object.values(map as Record<string, unknown>))];
  const bad = files.find((f) => typeof f !== 'string' || !/^[\w.-]+\.safetensors$/.test(f));
  if (bad !== undefined)
    throw new HubError('integrity', `${where}: weight_map names ${JSON.stringify(bad)}, expected a .safetensors file name in the repo's top folder`);
  return files as string[];
}

/**
 * The files to fetch for `need` from the repo's file list (the Hub's `siblings`), the index first
 * when the weights are sharded (its shards are added once it is read). Throws when the repo has no
 * safetensors weights or no config.
 */
export function selectFiles(repoId: string, siblings: string[], need: HubNeed): { files: string[]; sharded: boolean } {
  const has = new Set(siblings);
  if (!has.has(CONFIG))
    throw new HubError(
      'integrity',
      `${repoId}: the repo has no config.json at its top level, so it is not a transformers model repo: give the id of the model repo itself`,
    );
  if (need === 'config') return { files: [CONFIG], sharded: false };
  const sharded = !has.has(WEIGHTS) && has.has(INDEX);
  if (!has.has(WEIGHTS) && !sharded) {
    const other = siblings.filter((f) => /\.(bin|pt|pth|gguf|ggml|onnx|h5|msgpack|mlx|npz)$/i.test(f) || /\.safetensors$/.test(f));
    const kinds = [...new Set(other.map((f) => f.split('.').pop()!.toLowerCase()))];
    const what = other.some((f) => f.endsWith('.safetensors'))
      ? `safetensors files (${other
          .filter((f) => f.endsWith('.safetensors'))
          .slice(0, 3)
          .join(', ')}) but neither ${WEIGHTS} nor ${INDEX}`
      : kinds.length
        ? `no safetensors weights, only ${kinds.map((k) => `.${k}`).join(', ')} files`
        : 'no weight files at all';
    throw new HubError(
      'no-safetensors',
      `${repoId}: the repo has ${what}; this tool loads ${WEIGHTS} (or shards with ${INDEX}): pick a repo that ships them (often ORG/NAME without a -GGUF suffix), or convert the weights to safetensors`,
    );
  }
  const tokenizer = TOKENIZER_FILES.filter((f) => has.has(f));
  if (!has.has('tokenizer.json'))
    throw new HubError('integrity', `${repoId}: the repo has no tokenizer.json (this tool reads the fast tokenizer's file only): pick a repo that ships one`);
  return { files: [CONFIG, ...tokenizer, ...OPTIONAL_FILES.filter((f) => has.has(f)), sharded ? INDEX : WEIGHTS], sharded };
}
