// Writes a tiny BERT-style sentence-embedding model folder that transformers.js' feature-extraction
// pipeline loads like all-MiniLM-L6-v2 (config.json, tokenizer.json, tokenizer_config.json,
// onnx/model.onnx), so tests exercise the real embedding code path offline. Test support only: nothing
// under src/ ships it.
//
// The ONNX graph is encoded here by hand (protobuf wire format, field numbers from onnx.proto):
//   h = Gather(word_embeddings, input_ids) + Gather(token_type_embeddings, token_type_ids)  (B, T, H)
//   last_hidden_state = Tanh(MatMul(h, dense))                                              (B, T, H)
// attention_mask is a declared input (the pipeline feeds it and uses it for mean pooling).
// `tinyEmbedderReference` computes the same maths in TypeScript so tests can hold the pipeline to it.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Rng } from '../../src/util/rng.ts';

// ---------------------------------------------------------------- protobuf wire format writer

/** Minimal protobuf encoder: varints (wire type 0), 32-bit (5), length-delimited (2). */
export class ProtoWriter {
  private bytes: number[] = [];

  private varint(value: bigint | number): void {
    let v = BigInt.asUintN(64, BigInt(value)); // negative int64 → two's complement, 10 bytes
    while (v >= 0x80n) {
      this.bytes.push(Number((v & 0x7fn) | 0x80n));
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** int32 / int64 / enum / bool field. */
  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  /** 32-bit float field (wire type 5, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.bytes.push(...b);
    return this;
  }

  bytesField(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.varint(data.length);
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i]);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  /** Embedded message field. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

// ---------------------------------------------------------------- ONNX pieces (onnx.proto numbering)

const ONNX_FLOAT = 1;
const ONNX_INT64 = 7;

/** TensorProto with raw little-endian float data. */
function floatInitializer(w: ProtoWriter, name: string, dims: number[], data: Float32Array): void {
  w.message(5 /* GraphProto.initializer */, (t) => {
    for (const d of dims) t.int(1 /* dims */, d);
    t.int(2 /* data_type */, ONNX_FLOAT);
    t.string(8 /* name */, name);
    t.bytesField(9 /* raw_data */, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  });
}

/** ValueInfoProto of a tensor whose dims are symbolic names (string) or fixed sizes (number). */
function valueInfo(w: ProtoWriter, field: number, name: string, elemType: number, dims: (string | number)[]): void {
  w.message(field, (v) => {
    v.string(1 /* name */, name);
    v.message(2 /* type */, (ty) =>
      ty.message(1 /* tensor_type */, (tt) => {
        tt.int(1 /* elem_type */, elemType);
        tt.message(2 /* shape */, (sh) => {
          for (const d of dims) {
            sh.message(1 /* dim */, (dm) => (typeof d === 'number' ? dm.int(1 /* dim_value */, d) : dm.string(2 /* dim_param */, d)));
          }
        });
      }),
    );
  });
}

function node(w: ProtoWriter, opType: string, name: string, inputs: string[], outputs: string[]): void {
  w.message(1 /* GraphProto.node */, (n) => {
    for (const i of inputs) n.string(1 /* input */, i);
    for (const o of outputs) n.string(2 /* output */, o);
    n.string(3 /* name */, name);
    n.string(4 /* op_type */, opType);
  });
}

export interface TinyEmbedderWeights {
  vocab: string[];
  hidden: number;
  wordEmbeddings: Float32Array; // (V, H)
  tokenTypeEmbeddings: Float32Array; // (2, H)
  dense: Float32Array; // (H, H)
}

/** Encodes the graph above as an ONNX ModelProto (IR 8, opset 17). */
export function encodeTinyEmbedderOnnx(wts: TinyEmbedderWeights): Uint8Array {
  const V = wts.vocab.length;
  const H = wts.hidden;
  const model = new ProtoWriter();
  model.int(1 /* ir_version */, 8);
  model.string(2 /* producer_name */, 'mindprint-tiny-embedder');
  model.message(8 /* opset_import */, (o) => {
    o.string(1 /* domain */, '');
    o.int(2 /* version */, 17);
  });
  model.message(7 /* graph */, (g) => {
    node(g, 'Gather', 'word_gather', ['word_embeddings', 'input_ids'], ['word_h']);
    node(g, 'Gather', 'type_gather', ['token_type_embeddings', 'token_type_ids'], ['type_h']);
    node(g, 'Add', 'embed_add', ['word_h', 'type_h'], ['h']);
    node(g, 'MatMul', 'dense_matmul', ['h', 'dense'], ['h_dense']);
    node(g, 'Tanh', 'dense_tanh', ['h_dense'], ['last_hidden_state']);
    g.string(2 /* name */, 'tiny_embedder');
    floatInitializer(g, 'word_embeddings', [V, H], wts.wordEmbeddings);
    floatInitializer(g, 'token_type_embeddings', [2, H], wts.tokenTypeEmbeddings);
    floatInitializer(g, 'dense', [H, H], wts.dense);
    for (const name of ['input_ids', 'attention_mask', 'token_type_ids']) {
      valueInfo(g, 11 /* input */, name, ONNX_INT64, ['batch_size', 'sequence_length']);
    }
    valueInfo(g, 12 /* output */, 'last_hidden_state', ONNX_FLOAT, ['batch_size', 'sequence_length', H]);
  });
  return model.finish();
}

// ---------------------------------------------------------------- the model folder

export const TINY_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** Default word list: enough for sentences that share or do not share words, plus one suffix piece. */
export const TINY_DEFAULT_WORDS = [
  'the',
  'a',
  'is',
  'of',
  'and',
  'to',
  'in',
  'it',
  'you',
  'we',
  'market',
  'price',
  'risk',
  'trade',
  'stock',
  'bond',
  'fear',
  'greed',
  'crowd',
  'trend',
  'cat',
  'dog',
  'sat',
  'mat',
  'garden',
  'flower',
  'rain',
  'sun',
  'blue',
  'green',
  'always',
  'never',
  'cut',
  'losses',
  'let',
  'winners',
  'run',
  'discipline',
  'patience',
  'plan',
  '.',
  ',',
  '!',
  '?',
  '##s',
];

export interface TinyEmbedderOptions {
  /** Words of the vocabulary after the special tokens (lowercase; `##x` are continuation pieces). */
  words?: string[];
  /** Hidden size (default 32). */
  hidden?: number;
  seed?: number;
}

export interface TinyEmbedder {
  dir: string;
  weights: TinyEmbedderWeights;
}

/** Seeded weights: N(0, 1) embeddings; dense = identity + N(0, 0.1²) so Tanh stays near-linear. */
export function tinyEmbedderWeights(opts: TinyEmbedderOptions = {}): TinyEmbedderWeights {
  const vocab = [...TINY_SPECIAL_TOKENS, ...(opts.words ?? TINY_DEFAULT_WORDS)];
  const H = opts.hidden ?? 32;
  const rng = new Rng(opts.seed ?? 7);
  const wordEmbeddings = new Float32Array(vocab.length * H).map(() => rng.normal());
  // Special tokens are small, so [CLS]/[SEP] add little shared signal between unrelated texts.
  for (let i = 0; i < TINY_SPECIAL_TOKENS.length * H; i++) wordEmbeddings[i] *= 0.1;
  const tokenTypeEmbeddings = new Float32Array(2 * H).map(() => 0.1 * rng.normal());
  const dense = new Float32Array(H * H);
  for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) dense[i * H + j] = (i === j ? 1 : 0) + 0.1 * rng.normal();
  return { vocab, hidden: H, wordEmbeddings, tokenTypeEmbeddings, dense };
}

/** Writes the model folder into `dir` (created) and returns it with its weights. */
export async function writeTinyEmbedder(dir: string, opts: TinyEmbedderOptions = {}): Promise<TinyEmbedder> {
  const weights = tinyEmbedderWeights(opts);
  const { vocab, hidden } = weights;
  const vocabMap: Record<string, number> = Object.create(null);
  vocab.forEach((tok, i) => (vocabMap[tok] = i));

  const config = {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: hidden,
    intermediate_size: hidden,
    num_attention_heads: 1,
    num_hidden_layers: 1,
    max_position_embeddings: 512,
    type_vocab_size: 2,
    vocab_size: vocab.length,
    pad_token_id: 0,
  };
  const special = (content: string) => ({ id: vocabMap[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: TINY_SPECIAL_TOKENS.map(special),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocabMap['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocabMap['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: vocabMap },
  };
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    model_max_length: 512,
    clean_up_tokenization_spaces: true,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
  };
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
  await writeFile(join(dir, 'onnx', 'model.onnx'), encodeTinyEmbedderOnnx(weights));
  return { dir, weights };
}

/** The model's maths in TypeScript: mean-pooled (all tokens, no padding), L2-normalised embedding
 *  of one token-id sequence with token type 0 (as the pipeline feeds a single text). */
export function tinyEmbedderReference(wts: TinyEmbedderWeights, ids: number[]): Float32Array {
  const H = wts.hidden;
  const pooled = new Float64Array(H);
  const h = new Float64Array(H);
  for (const id of ids) {
    if (id < 0 || id >= wts.vocab.length) throw new Error(`tinyEmbedderReference: token id ${id} outside vocab of ${wts.vocab.length}`);
    for (let k = 0; k < H; k++) h[k] = wts.wordEmbeddings[id * H + k] + wts.tokenTypeEmbeddings[k];
    for (let j = 0; j < H; j++) {
      let s = 0;
      for (let k = 0; k < H; k++) s += h[k] * wts.dense[k * H + j];
      pooled[j] += Math.tanh(s) / ids.length;
    }
  }
  const norm = Math.sqrt(pooled.reduce((a, x) => a + x * x, 0)) || 1;
  return Float32Array.from(pooled, (x) => x / norm);
}
