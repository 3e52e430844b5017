// Loads a Hugging Face model folder (config, single or sharded safetensors, tokenizer files): tensor by
// tensor (a file is never read whole when its source can read byte ranges), each converted to the precision
// it will sit in on the GPU (base-precision.ts): f32, or packed bf16 / f16 / q4 for the large matrices.
import { parseModelConfig, type ModelConfig } from './hf-config.ts';
import { f16ToF32, f32ToBf16, f32ToF16, parseSafetensorsLayout, safetensorsHeaderLength, type TensorSpan } from './safetensors.ts';
import { toHostTensor, type HostTensor, type PackedHost, type PrecisionOptions } from './base-precision.ts';

/** Reads the files of one model folder by name: a Node directory, a browser File map, OPFS, memory. */
export interface ModelFiles {
  /** Where the files come from, for error messages (a path, "dropped files", ...). */
  readonly label: string;
  /** The file names present (flat, no directories). */
  list(): Promise<string[]>;
  /** The file's bytes; rejects when it is absent. */
  read(name: string): Promise<Uint8Array>;
  /** Bytes [start, end) of a file and the file's size, where the source can read ranges (weights then stream tensor by tensor). */
  /** `into` (at least end - start bytes), when the source can fill it, receives the bytes; the result may be a view of it. */
  readRange?(name: string, start: number, end: number, into?: Uint8Array): Promise<Uint8Array>;
  size?(name: string): Promise<number>;
}

export interface LoadedModel {
  config: ModelConfig;
  /** f32 weights by HF name (model.layers.0.self_attn.q_proj.weight, ...), row-major (out, in); a tensor is here or in `packed`. */
  weights: Map<string, Float32Array>;
  /** Frozen matrices kept packed (bf16 / f16 as stored, or q4), by HF name; uploaded as they are. */
  packed: Map<string, PackedHost>;
  /** What the requested precision could not do, one line per tensor (q4 on rows no group divides). */
  precisionNotes: string[];
  shapes: Map<string, number[]>;
  /** dtype of each tensor in the files (F32, F16, BF16). */
  sourceDtypes: Map<string, string>;
  /** Tensors present in the files that this model does not use (e.g. rotary inv_freq buffers). */
  ignoredTensors: string[];
  /** Parsed tokenizer.json / tokenizer_config.json / generation_config.json when present. */
  tokenizerJson: Record<string, unknown> | null;
  tokenizerConfig: Record<string, unknown> | null;
  generationConfig: Record<string, unknown> | null;
  /** chat_template.jinja, when the folder keeps the template in its own file. */
  chatTemplate: string | null;
}

const SHARD_RE = /^model-(\d{5})-of-(\d{5})\.safetensors$/;
const INDEX_NAME = 'model.safetensors.index.json';

/** Every tensor the decoder needs, with its expected shape, for this config. */
export function expectedTensorShapes(cfg: ModelConfig): Map<string, number[]> {
  const C = cfg.hiddenSize;
  const q = cfg.numHeads * cfg.headDim;
  const kv = cfg.numKvHeads * cfg.headDim;
  const H = cfg.intermediateSize;
  const m = new Map<string, number[]>();
  m.set('model.embed_tokens.weight', [cfg.vocabSize, C]);
  for (let i = 0; i < cfg.numLayers; i++) {
    const p = `model.layers.${i}`;
    m.set(`${p}.input_layernorm.weight`, [C]);
    m.set(`${p}.self_attn.q_proj.weight`, [q, C]);
    m.set(`${p}.self_attn.k_proj.weight`, [kv, C]);
    m.set(`${p}.self_attn.v_proj.weight`, [kv, C]);
    m.set(`${p}.self_attn.o_proj.weight`, [C, q]);
    if (cfg.attentionBias) {
      m.set(`${p}.self_attn.q_proj.bias`, [q]);
      m.set(`${p}.self_attn.k_proj.bias`, [kv]);
      m.set(`${p}.self_attn.v_proj.bias`, [kv]);
    }
    if (cfg.oProjBias) m.set(`${p}.self_attn.o_proj.bias`, [C]);
    if (cfg.qkNorm) {
      m.set(`${p}.self_attn.q_norm.weight`, [cfg.headDim]);
      m.set(`${p}.self_attn.k_norm.weight`, [cfg.headDim]);
    }
    m.set(`${p}.post_attention_layernorm.weight`, [C]);
    if (cfg.sandwichNorm) {
      m.set(`${p}.pre_feedforward_layernorm.weight`, [C]);
      m.set(`${p}.post_feedforward_layernorm.weight`, [C]);
    }
    m.set(`${p}.mlp.gate_proj.weight`, [H, C]);
    m.set(`${p}.mlp.up_proj.weight`, [H, C]);
    m.set(`${p}.mlp.down_proj.weight`, [C, H]);
    if (cfg.mlpBias) {
      m.set(`${p}.mlp.gate_proj.bias`, [H]);
      m.set(`${p}.mlp.up_proj.bias`, [H]);
      m.set(`${p}.mlp.down_proj.bias`, [C]);
    }
  }
  m.set('model.norm.weight', [C]);
  if (!cfg.tieWordEmbeddings) m.set('lm_head.weight', [cfg.vocabSize, C]);
  return m;
}

async function readJson(files: ModelFiles, name: string): Promise<Record<string, unknown>> {
  const text = new TextDecoder().decode(await files.read(name));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${files.label}/${name}: not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${files.label}/${name}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** Which safetensors files to read, and (when sharded) which tensor the index puts in which file. */
async function planShards(files: ModelFiles, names: Set<string>): Promise<{ shards: string[]; index: Map<string, string> | null }> {
  if (names.has(INDEX_NAME)) {
    const idx = await readJson(files, INDEX_NAME);
    const map = idx.weight_map;
    if (typeof map !== 'object' || map === null || Array.isArray(map))
      throw new Error(`${files.label}/${INDEX_NAME}: weight_map: expected an object of tensor name → file`);
    const index = new Map<string, string>();
    for (const [tensor, file] of Object.entries(map as Record<string, unknown>)) {
      if (typeof file !== 'string') throw new Error(`${files.label}/${INDEX_NAME}: weight_map.${tensor}: expected a file name, got ${JSON.stringify(file)}`);
      if (!names.has(file)) throw new Error(`${files.label}/${INDEX_NAME}: weight_map.${tensor} names '${file}', which is not in the folder`);
      index.set(tensor, file);
    }
    const shards = [...new Set(index.values())].sort();
    for (const s of names) {
      const m = SHARD_RE.exec(s);
      if (m && !shards.includes(s)) throw new Error(`${files.label}: shard ${s} is not referenced by ${INDEX_NAME}`);
    }
    return { shards, index };
  }
  if (names.has('model.safetensors')) return { shards: ['model.safetensors'], index: null };
  const shardFiles = [...names].filter((n) => SHARD_RE.test(n));
  if (shardFiles.length) throw new Error(`${files.label}: sharded weights (${shardFiles.join(', ')}) need ${INDEX_NAME}, which is missing`);
  throw new Error(`${files.label}: no model.safetensors or ${INDEX_NAME} (found: ${[...names].sort().join(', ') || 'nothing'})`);
}

/**
 * A stored tensor's name in the decoder's (Llama) layout, or null for a tensor the decoder never reads.
 * Multimodal Gemma 3 keeps its decoder under language_model.model.* (transformers 4) or
 * model.language_model.* (transformers 5) and adds a vision tower and projector, which are skipped.
 */
export function decoderTensorName(name: string): string | null {
  if (/^(model\.)?(vision_tower|multi_modal_projector)\./.test(name)) return null;
  if (name.startsWith('language_model.model.')) return `model.${name.slice('language_model.model.'.length)}`;
  if (name.startsWith('model.language_model.')) return `model.${name.slice('model.language_model.'.length)}`;
  if (name === 'language_model.lm_head.weight') return 'lm_head.weight';
  return name;
}

/** Round √C as transformers does: Gemma's embedding scale is cast to the embedding's stored dtype (bf16: √3840 → 62.0). */
export function storedEmbedScale(scale: number, dtype: string | undefined): number {
  if (dtype === 'BF16') {
    const bits = f32ToBf16(scale);
    return new Float32Array(new Uint32Array([bits << 16]).buffer)[0];
  }
  if (dtype === 'F16') return f16ToF32(f32ToF16(scale));
  return Math.fround(scale);
}

export interface LoadOptions extends PrecisionOptions {
  /**
   * Offered each tensor as soon as it is read and converted; when it resolves true the tensor was taken (e.g.
   * uploaded to the GPU) and the loader keeps no copy of it (see loadOntoBackend).
   */
  sink?: (name: string, tensor: HostTensor, shape: number[]) => Promise<boolean>;
}

/** A shard's tensors as byte spans, and a reader of one span: by range when the source can, else from the whole file read once. */
async function openShard(
  files: ModelFiles,
  shard: string,
): Promise<{ spans: Map<string, TensorSpan>; bytes(span: TensorSpan, into?: Uint8Array): Promise<Uint8Array> }> {
  const where = `${files.label}/${shard}`;
  if (files.readRange && files.size) {
    const size = await files.size(shard);
    const n = safetensorsHeaderLength(await files.readRange(shard, 0, Math.min(8, size)), where, size);
    const spans = parseSafetensorsLayout(await files.readRange(shard, 0, 8 + n), size, where);
    const readRange = files.readRange.bind(files);
    return { spans, bytes: (span, into) => readRange(shard, span.begin, span.end, into) };
  }
  const all = await files.read(shard);
  const n = safetensorsHeaderLength(all.subarray(0, 8), where, all.length);
  const spans = parseSafetensorsLayout(all.subarray(0, 8 + n), all.length, where);
  return { spans, bytes: async (span) => all.slice(span.begin, span.end) };
}

/**
 * Reads and validates a model folder; every expected tensor must be present with its expected shape. Tensors
 * are read one at a time and converted to the requested precision (default: as stored), so the host never
 * holds a shard's bytes and its converted copy at once.
 */
export async function loadModelFolder(files: ModelFiles, opts: LoadOptions = {}): Promise<LoadedModel> {
  const names = new Set(await files.list());
  if (!names.has('config.json')) throw new Error(`${files.label}: config.json is missing`);
  const config = parseModelConfig(await readJson(files, 'config.json'), `${files.label}/config.json`);
  const expected = expectedTensorShapes(config);
  const { shards, index } = await planShards(files, names);

  const weights = new Map<string, Float32Array>();
  const packed = new Map<string, PackedHost>();
  const shapes = new Map<string, number[]>();
  const sourceDtypes = new Map<string, string>();
  const ignoredTensors: string[] = [];
  const precisionNotes: string[] = [];
  const seenIn = new Map<string, string>();
  // With a sink, tensors are read into one reused buffer: a taken tensor leaves nothing behind to collect.
  let scratch = new Uint8Array(0);
  const scratchFor = (n: number) => {
    if (opts.sink && scratch.length < n) scratch = new Uint8Array(n);
    return opts.sink ? scratch.subarray(0, n) : undefined;
  };
  for (const shard of shards) {
    const where = `${files.label}/${shard}`;
    const { spans, bytes } = await openShard(files, shard);
    for (const [stored, span] of spans) {
      const name = decoderTensorName(stored);
      if (name === null) {
        ignoredTensors.push(stored);
        continue;
      }
      const other = seenIn.get(name);
      if (other) throw new Error(`${where}: tensor '${name}' also appears in ${other}`);
      seenIn.set(name, shard);
      if (index && index.get(stored) !== shard) {
        throw new Error(
          `${where}: tensor '${stored}' is ${index.has(stored) ? `mapped to ${index.get(stored)}` : 'missing from the weight_map'} in ${INDEX_NAME}`,
        );
      }
      const want = expected.get(name);
      if (!want) {
        ignoredTensors.push(name);
        continue;
      }
      if (want.length !== span.shape.length || want.some((d, i) => d !== span.shape[i])) {
        throw new Error(`${where}: tensor '${name}' has shape [${span.shape.join(', ')}], expected [${want.join(', ')}] from config.json`);
      }
      const data = await bytes(span, scratchFor(span.end - span.begin));
      let host: HostTensor;
      try {
        host = toHostTensor(name, { dtype: span.dtype, shape: span.shape, data }, opts, (m) => precisionNotes.push(m));
      } catch (err) {
        throw new Error(`${where}: ${(err as Error).message}`);
      }
      if (opts.sink && (await opts.sink(name, host, span.shape))) {
        // taken: nothing kept here
      } else if ('f32' in host) weights.set(name, host.f32);
      else packed.set(name, host.packed.words.buffer === scratch.buffer ? { ...host.packed, words: host.packed.words.slice() } : host.packed);
      shapes.set(name, span.shape);
      sourceDtypes.set(name, span.dtype);
    }
  }
  if (index) {
    for (const [stored, shard] of index) {
      const name = decoderTensorName(stored);
      if (name !== null && !seenIn.has(name))
        throw new Error(`${files.label}/${INDEX_NAME}: weight_map lists '${stored}' in ${shard}, but that file does not contain it`);
    }
  }
  const missing = [...expected.keys()].filter((n) => !shapes.has(n));
  if (missing.length) {
    const shown = missing
      .slice(0, 8)
      .map((n) => `${n} [${expected.get(n)!.join(', ')}]`)
      .join(', ');
    throw new Error(`${files.label}: ${missing.length} expected tensor(s) missing: ${shown}${missing.length > 8 ? ', …' : ''}`);
  }

  const optionalJson = async (name: string) => (names.has(name) ? readJson(files, name) : null);
  return {
    config: config.embedScale === 1 ? config : { ...config, embedScale: storedEmbedScale(config.embedScale, sourceDtypes.get('model.embed_tokens.weight')) },
    weights,
    packed,
    precisionNotes,
    shapes,
    sourceDtypes,
    ignoredTensors,
    tokenizerJson: await optionalJson('tokenizer.json'),
    tokenizerConfig: await optionalJson('tokenizer_config.json'),
    generationConfig: await optionalJson('generation_config.json'),
    chatTemplate: names.has('chat_template.jinja') ? new TextDecoder().decode(await files.read('chat_template.jinja')) : null,
  };
}

/** The LM head matrix (V, C): lm_head.weight, or the embedding matrix when the embeddings are tied. */
export function lmHeadWeight(model: LoadedModel): Float32Array {
  const name = model.config.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
  const w = model.weights.get(name);
  if (!w)
    throw new Error(
      model.packed.has(name)
        ? `${name} is packed (${model.packed.get(name)!.format.kind}); load the model in f32 to read it as floats`
        : `model has no ${name}`,
    );
  return w;
}

/** ModelFiles over an in-memory map (generated models, tests, files already read). */
export function memoryModelFiles(entries: Record<string, Uint8Array | string>, label = 'memory'): ModelFiles {
  return {
    label,
    list: async () => Object.keys(entries),
    read: async (name) => {
      const v = entries[name];
      if (v === undefined) throw new Error(`${label}/${name}: file not found`);
      return typeof v === 'string' ? new TextEncoder().encode(v) : v;
    },
    async readRange(name, start, end) {
      return (await this.read(name)).subarray(start, end);
    },
    async size(name) {
      return (await this.read(name)).length;
    },
  };
}

/** ModelFiles over browser File/Blob objects by name (drag and drop, <input type=file>, OPFS handles read to Files). */
export function blobModelFiles(blobs: Map<string, Blob>, label = 'selected files'): ModelFiles {
  return {
    label,
    list: async () => [...blobs.keys()],
    read: async (name) => {
      const b = blobs.get(name);
      if (!b) throw new Error(`${label}/${name}: file not found`);
      return new Uint8Array(await b.arrayBuffer());
    },
    async readRange(name, start, end) {
      const b = blobs.get(name);
      if (!b) throw new Error(`${label}/${name}: file not found`);
      return new Uint8Array(await b.slice(start, end).arrayBuffer());
    },
    async size(name) {
      const b = blobs.get(name);
      if (!b) throw new Error(`${label}/${name}: file not found`);
      return b.size;
    },
  };
}

/** Node: ModelFiles over a directory on disk. */
export function nodeModelFiles(dir: string): ModelFiles {
  const fs = () => import('node:fs/promises');
  const join = (name: string) => `${dir.replace(/\/+$/, '')}/${name}`;
  return {
    label: dir,
    list: async () => {
      const entries = await (await fs()).readdir(dir, { withFileTypes: true });
      return entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name); // a Hub cache snapshot holds links to its blobs
    },
    read: async (name) => {
      try {
        return new Uint8Array(await (await fs()).readFile(join(name)));
      } catch (err) {
        throw new Error(`${join(name)}: cannot read: ${(err as Error).message}`);
      }
    },
    readRange: async (name, start, end, into) => {
      const handle = await (await fs()).open(join(name), 'r').catch((err: Error) => {
        throw new Error(`${join(name)}: cannot read: ${err.message}`);
      });
      try {
        const out = into && into.length >= end - start ? into.subarray(0, end - start) : new Uint8Array(end - start);
        let done = 0;
        while (done < out.length) {
          const { bytesRead } = await handle.read(out, done, out.length - done, start + done);
          if (bytesRead === 0) throw new Error(`${join(name)}: file ended at byte ${start + done}, expected ${end} (truncated?)`);
          done += bytesRead;
        }
        return out;
      } finally {
        await handle.close();
      }
    },
    size: async (name) => {
      try {
        return (await (await fs()).stat(join(name))).size;
      } catch (err) {
        throw new Error(`${join(name)}: cannot read: ${(err as Error).message}`);
      }
    },
  };
}
