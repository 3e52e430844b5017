// Sentence-embedding similarity (all-MiniLM-L6-v2 through @huggingface/transformers: mean pooling,
// L2-normalised, cosine = dot product), and `resolveSimilarity`, which falls back to the lexical one
// with the reason, so every evaluation report can say which similarity scored it.
//
// Where the model comes from:
// - Node (CLI, tests): `localDir` (`--embedder DIR`: a folder with config.json, tokenizer.json,
//   tokenizer_config.json, onnx/model.onnx), else the Hugging Face hub cache
//   ($HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub: models--Xenova--all-MiniLM-L6-v2/snapshots/*),
//   else transformers.js' own places (env.cacheDir, env.localModelPath). Never the network unless
//   `allowRemote` is true. Runs on onnxruntime-node's CPU backend (the one transformers.js loads in Node).
// - Browser: `allowRemote: true`; downloaded once from the Hub and kept in Cache Storage by
//   transformers.js, then served from there; runs on onnxruntime-web (wasm).
// Texts longer than the model's maximum length (256 word pieces for MiniLM) are truncated by the
// tokenizer, as sentence-transformers does.

import type { Similarity } from './similarity.ts';
import { lexicalSimilarity } from './similarity.ts';

export const DEFAULT_EMBEDDER_ID = 'Xenova/all-MiniLM-L6-v2';

export interface EmbedderOptions {
  /** A model folder (absolute or relative to the working directory). Node only. */
  localDir?: string;
  /** Hub id looked up in the caches (and downloaded when allowRemote). */
  modelId?: string;
  /** Allow downloading from the Hugging Face Hub (browser: true; CLI: false unless asked). */
  allowRemote?: boolean;
  /** transformers.js file cache directory (Node); default env.cacheDir. */
  cacheDir?: string;
  /** ONNX weights variant: fp32 → onnx/model.onnx (default), q8 → onnx/model_quantized.onnx. */
  dtype?: 'fp32' | 'fp16' | 'q8';
  /** Texts per forward pass. */
  batchSize?: number;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Node built-ins, imported only on the Node path; a variable specifier keeps bundlers from
 *  pulling them into (or warning about them in) the browser build. */
async function nodeModules() {
  const load = (name: string) => import(/* @vite-ignore */ name);
  return {
    fs: (await load('node:fs/promises')) as typeof import('node:fs/promises'),
    path: (await load('node:path')) as typeof import('node:path'),
    os: (await load('node:os')) as typeof import('node:os'),
  };
}

/** Minimal view of the feature-extraction pipeline we call (keeps the heavy library types out). */
type Extractor = ((texts: string[], opts: { pooling: 'mean'; normalize: boolean }) => Promise<{ dims: number[]; data: ArrayLike<number> }>) & {
  dispose?: () => Promise<void>;
};

/** Finds a model folder in the Hugging Face hub cache (`models--{org}--{name}/snapshots/{rev}`). */
async function findHubSnapshot(modelId: string): Promise<string | null> {
  const { fs, path, os } = await nodeModules();
  const { readdir, stat } = fs;
  const { join } = path;
  const { homedir } = os;
  const roots = [process.env.HF_HUB_CACHE, process.env.HF_HOME && join(process.env.HF_HOME, 'hub'), join(homedir(), '.cache', 'huggingface', 'hub')].filter(
    (r): r is string => !!r,
  );
  for (const root of roots) {
    const repo = join(root, `models--${modelId.replace(/\//g, '--')}`);
    const snapshots = join(repo, 'snapshots');
    let revs: string[];
    try {
      revs = (await readdir(snapshots)).sort();
    } catch {
      continue;
    }
    try {
      // Prefer the revision refs/main points at (what `huggingface-cli download` fetched last).
      const main = (await fs.readFile(join(repo, 'refs', 'main'), 'utf8')).trim();
      if (revs.includes(main)) revs = [main, ...revs.filter((r) => r !== main)];
    } catch {
      /* no refs/main: any complete snapshot */
    }
    for (const rev of revs) {
      const dir = join(snapshots, rev);
      try {
        await stat(join(dir, 'config.json'));
        await stat(join(dir, 'onnx', 'model.onnx'));
        return dir;
      } catch {
        /* incomplete snapshot: try the next */
      }
    }
  }
  return null;
}

/** Checks a local model folder and returns its absolute path, or throws naming what is missing. */
async function checkModelDir(dir: string, dtype: string): Promise<string> {
  const { fs, path } = await nodeModules();
  const { stat } = fs;
  const { join, resolve } = path;
  const abs = resolve(dir);
  const onnx = dtype === 'fp32' ? 'model.onnx' : dtype === 'fp16' ? 'model_fp16.onnx' : 'model_quantized.onnx';
  const needed = ['config.json', 'tokenizer.json', 'tokenizer_config.json', join('onnx', onnx)];
  const missing: string[] = [];
  for (const f of needed) {
    try {
      await stat(join(abs, f));
    } catch {
      missing.push(f);
    }
  }
  if (missing.length > 0) {
    throw new Error(`embedder folder ${abs}: missing ${missing.join(', ')} (expected ${needed.join(', ')})`);
  }
  return abs;
}

/** Cosine of two L2-normalised vectors: their dot product. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`embedding sizes differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

type Transformers = typeof import('@huggingface/transformers');

/** Imports transformers.js, turning a failure (in Node: a missing onnxruntime-node binding) into a clear error. */
async function importTransformers(): Promise<Transformers> {
  try {
    return await import('@huggingface/transformers');
  } catch (err) {
    // In Node this is where a missing or unloadable onnxruntime-node native binding shows up.
    throw new Error(`could not load @huggingface/transformers and its ONNX runtime: ${(err as Error).message}`);
  }
}

/** The model to hand transformers.js (a folder or a hub id) and a description of where it comes from. */
async function locateModel(
  opts: EmbedderOptions,
  env: Transformers['env'],
  modelId: string,
  dtype: string,
  allowRemote: boolean,
): Promise<{ model: string; source: string }> {
  if (opts.localDir !== undefined) {
    if (!isNode) throw new Error(`loadEmbedder: localDir (${opts.localDir}) is only supported in Node`);
    const model = await checkModelDir(opts.localDir, dtype);
    return { model, source: model };
  }
  const snapshot = isNode ? await findHubSnapshot(modelId) : null;
  if (snapshot) return { model: await checkModelDir(snapshot, dtype), source: `Hugging Face cache ${snapshot}` };
  const source = allowRemote
    ? `${modelId} (Hub, cached after the first download)`
    : `${modelId} from ${opts.cacheDir ?? env.cacheDir ?? 'the browser cache'} or ${env.localModelPath}`;
  return { model: modelId, source };
}

/** Embeds texts in batches of `batchSize`, caching each text's embedding (the cache is trimmed past 20,000 texts). */
function cachedEmbedBatch(extractor: Extractor, source: string, batchSize: number): (texts: string[]) => Promise<Float32Array[]> {
  const cache = new Map<string, Float32Array>();
  return async function embedBatch(texts: string[]): Promise<Float32Array[]> {
    const todo = [...new Set(texts.filter((t) => !cache.has(t)))];
    for (let i = 0; i < todo.length; i += batchSize) {
      const chunk = todo.slice(i, i + batchSize);
      const out = await extractor(chunk, { pooling: 'mean', normalize: true });
      const [n, h] = out.dims;
      if (n !== chunk.length || out.dims.length !== 2) {
        throw new Error(`embedder ${source}: expected output (${chunk.length}, hidden), got (${out.dims.join(', ')})`);
      }
      for (let j = 0; j < n; j++)
        cache.set(
          chunk[j],
          Float32Array.from({ length: h }, (_, k) => out.data[j * h + k]),
        );
    }
    if (cache.size > 20_000) {
      // Bounded memory on long runs: keep only what this call returns.
      const keep = new Map(texts.map((t) => [t, cache.get(t)!]));
      cache.clear();
      for (const [k, v] of keep) cache.set(k, v);
    }
    return texts.map((t) => cache.get(t)!);
  };
}

/**
 * Loads the sentence-embedding similarity. `score` = cosine of the two embeddings clamped to [0, 1]
 * (a negative cosine counts as no similarity). Embeddings are cached per text. Throws with the
 * places it looked when no model can be found.
 */
export async function loadEmbedder(opts: EmbedderOptions = {}): Promise<Similarity & { source: string; runtime: string; dispose(): Promise<void> }> {
  const modelId = opts.modelId ?? DEFAULT_EMBEDDER_ID;
  const dtype = opts.dtype ?? 'fp32';
  const allowRemote = opts.allowRemote ?? !isNode;
  const batchSize = Math.max(1, opts.batchSize ?? 16);
  const { pipeline, env } = await importTransformers();
  const versions = (env.backends.onnx as { versions?: Record<string, string> }).versions ?? {};
  const runtime = isNode ? `onnxruntime-node ${versions.node ?? '?'} (cpu)` : `onnxruntime-web ${versions.web ?? '?'} (wasm)`;
  const { model, source } = await locateModel(opts, env, modelId, dtype, allowRemote);

  let extractor: Extractor;
  try {
    extractor = (await pipeline('feature-extraction', model, {
      dtype,
      device: isNode ? 'cpu' : 'wasm',
      local_files_only: !allowRemote,
      ...(opts.cacheDir ? { cache_dir: opts.cacheDir } : {}),
    })) as unknown as Extractor;
  } catch (err) {
    throw new Error(`could not load the embedding model ${source}${allowRemote ? '' : ' (network not allowed)'}: ${(err as Error).message}`);
  }

  const embedBatch = cachedEmbedBatch(extractor, source, batchSize);
  return {
    name: `embedding:${opts.localDir !== undefined ? `local:${model}` : modelId}`,
    kind: 'embedding',
    source,
    runtime,
    embedBatch,
    async score(a: string, b: string): Promise<number> {
      const [ea, eb] = await embedBatch([a, b]);
      return Math.min(1, Math.max(0, dot(ea, eb)));
    },
    async dispose() {
      await extractor.dispose?.();
    },
  };
}

export interface ResolvedSimilarity {
  similarity: Similarity;
  /** Which one scores and why: written into run.json and the report. */
  reason: string;
}

/**
 * The embedding similarity when its model loads, else the lexical similarity; `reason` says which
 * and, for the fallback, why the embedder did not load.
 */
export async function resolveSimilarity(opts: EmbedderOptions = {}): Promise<ResolvedSimilarity> {
  try {
    const emb = await loadEmbedder(opts);
    return { similarity: emb, reason: `semantic similarity by sentence embeddings (${emb.name}, from ${emb.source}, on ${emb.runtime})` };
  } catch (err) {
    return {
      similarity: lexicalSimilarity(),
      reason:
        'semantic similarity by the lexical fallback (cosine of word unigram+bigram counts, stopwords removed), ' +
        `because the embedding model did not load: ${(err as Error).message}`,
    };
  }
}
