// A deterministic tiny model (Llama, or Qwen3 with its q/k norms) in the exact Hugging Face folder layout, with a real byte-level BPE tokenizer.
// Used by tests, the CLI (`--model tiny`) and the offline demo, so nothing has to be downloaded.
import { Rng } from '../util/rng.ts';
import { parseModelConfig } from './hf-config.ts';
import { writeSafetensors, type WritableTensor } from './safetensors.ts';
import { expectedTensorShapes, memoryModelFiles, type ModelFiles } from './weights.ts';

export const TINY_VOCAB_SIZE = 512;
export const TINY_SPECIAL_TOKENS = ['<|begin_of_text|>', '<|end_of_text|>', '<|im_start|>', '<|im_end|>', '<|pad|>'] as const;
const FIRST_SPECIAL_ID = TINY_VOCAB_SIZE - TINY_SPECIAL_TOKENS.length; // 507
export const TINY_IDS = {
  bos: FIRST_SPECIAL_ID,
  endOfText: FIRST_SPECIAL_ID + 1,
  imStart: FIRST_SPECIAL_ID + 2,
  imEnd: FIRST_SPECIAL_ID + 3,
  pad: FIRST_SPECIAL_ID + 4,
};

/** ChatML with a leading BOS; the assistant turn ends with <|im_end|>. */
export const TINY_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

// The fixed English corpus the tokenizer's merges are learned from (original text).
const CORPUS = `
A good teacher does not begin with the answer. She begins with the question that the answer was meant to
settle, and she asks it again until the students feel why it matters. Only then does the explanation land.
When a student says that he understands, the teacher asks him to explain the idea in his own words, to a
friend who was not in the room. If he can do that, he understands. If he cannot, the teacher is glad,
because now they both know where to start.

The river behind the old school runs fast in the spring and slow in the summer. In the spring the water is
cold and brown, and it carries branches and leaves down from the hills. In the summer the water is clear and
warm, and the children walk along the stones to count the fish. Every year the teacher takes the class to
the river and asks the same question: where does the water come from, and where is it going?

Learning is not the same as remembering. You can remember a list of facts for a test and forget them the next
week. But when you learn something, you can use it in a new place, for a new problem, with new people. The
teacher says that the test of learning is transfer: can the idea travel with you when you leave the room?

Practice matters more than talent. The student who practices a little every day will pass the student who
practices a lot once a week. Small steps, taken often, become long walks. The teacher writes this on the
board at the start of every term, and at the end of every term the students write it back to her.

Mistakes are information. When an answer is wrong, the interesting question is not who made the mistake but
what the mistake tells us about the thinking behind it. A wrong answer that is wrong in an interesting way is
worth more than a right answer that nobody can explain. The teacher keeps a notebook of the best mistakes.

We read slowly, and we read twice. The first time we read to find out what happens. The second time we read
to find out how the writer made it happen. A sentence that seems simple often hides a careful choice, and the
careful reader learns to notice the choices that the writer hoped nobody would notice.

Numbers tell stories too. If the number of students in the class grows from twenty to thirty, the teacher
has to ask what changed, and whether the change will last. The numbers 1, 2, 3, 10, 20 and 100 are only the
beginning: the interesting part is the question that the numbers were counted to answer.

Questions are better than answers. Why is the sky blue? Why does the bread rise? Why do we forget names but
remember faces? The teacher never tells the class that a question is silly. She tells them that every good
question is the start of a long walk, and that the walk is the point, not the place where it ends.
`;

/** GPT-2's byte → printable character table used by the ByteLevel pre-tokenizer and decoder. */
export function byteToUnicode(): string[] {
  const direct: number[] = [];
  for (let b = 33; b <= 126; b++) direct.push(b);
  for (let b = 161; b <= 172; b++) direct.push(b);
  for (let b = 174; b <= 255; b++) direct.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = direct.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++);
  }
  return table;
}

// The ByteLevel pre-tokenizer's split pattern (GPT-2).
const PRETOKEN_RE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * Learns byte-level BPE merges over `text` until the vocabulary holds `vocabSize` tokens.
 * Each step merges the most frequent adjacent pair; ties go to the lexicographically smallest pair.
 */
export function trainByteLevelBpe(text: string, vocabSize: number): { vocab: Map<string, number>; merges: Array<[string, string]> } {
  const table = byteToUnicode();
  const vocab = new Map<string, number>(table.map((ch, b) => [ch, b]));
  const counts = new Map<string, number>();
  const utf8 = new TextEncoder();
  for (const m of text.matchAll(PRETOKEN_RE)) {
    const mapped = [...utf8.encode(m[0])].map((b) => table[b]).join('\u0001');
    counts.set(mapped, (counts.get(mapped) ?? 0) + 1);
  }
  const words = [...counts].map(([w, n]) => ({ symbols: w.split('\u0001'), n }));
  const merges: Array<[string, string]> = [];
  while (vocab.size < vocabSize) {
    const pairs = new Map<string, number>();
    for (const { symbols, n } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = symbols[i] + '\u0001' + symbols[i + 1];
        pairs.set(key, (pairs.get(key) ?? 0) + n);
      }
    }
    let best = '';
    let bestCount = 1;
    for (const [key, n] of pairs) {
      if (n > bestCount || (n === bestCount && best !== '' && key < best)) {
        best = key;
        bestCount = n;
      }
    }
    if (!best) break; // nothing left that occurs twice
    const [a, b] = best.split('\u0001');
    merges.push([a, b]);
    if (!vocab.has(a + b)) vocab.set(a + b, vocab.size);
    for (const w of words) {
      const s = w.symbols;
      const next: string[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
          next.push(a + b);
          i++;
        } else next.push(s[i]);
      }
      w.symbols = next;
    }
  }
  return { vocab, merges };
}

/** The special tokens at ids 507..511: ChatML's names, or Gemma's (same roles, same ids). */
const GEMMA_SPECIAL_TOKENS = ['<bos>', '<eos>', '<start_of_turn>', '<end_of_turn>', '<pad>'] as const;

/**
 * Gemma's turn format (written here): a system message is folded into the first user turn, the
 * assistant's role is "model", each turn ends with <end_of_turn>.
 */
export const TINY_GEMMA_CHAT_TEMPLATE =
  "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set first = messages[0]['content'] + '\\n\\n' %}{% set turns = messages[1:] %}" +
  "{% else %}{% set first = '' %}{% set turns = messages %}{% endif %}{% for message in turns %}" +
  "{{ '<start_of_turn>' + ('model' if message['role'] == 'assistant' else message['role']) + '\\n' + (first if loop.first else '') + message['content'] + '<end_of_turn>\\n' }}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}";

const specialsOf = (arch: TinyArch): readonly string[] => (arch.startsWith('gemma3') ? GEMMA_SPECIAL_TOKENS : TINY_SPECIAL_TOKENS);

function tokenizerJson(specials: readonly string[]): Record<string, unknown> {
  const { vocab, merges } = trainByteLevelBpe(CORPUS, FIRST_SPECIAL_ID);
  if (vocab.size !== FIRST_SPECIAL_ID) throw new Error(`tiny tokenizer: corpus gave ${vocab.size} tokens, expected ${FIRST_SPECIAL_ID}`);
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  const bos = specials[0];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, i) => ({
      id: FIRST_SPECIAL_ID + i,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: bos, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: bos, type_id: 1 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { [bos]: { id: bos, ids: [TINY_IDS.bos], tokens: [bos] } },
    },
    decoder: { type: 'ByteLevel', ...byteLevel },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab),
      // "a b" strings: read by every tokenizers version (byte-level symbols never contain a space)
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

function tokenizerConfigJson(arch: TinyArch): Record<string, unknown> {
  const specials = specialsOf(arch);
  const decoder: Record<string, unknown> = {};
  specials.forEach((content, i) => {
    decoder[String(FIRST_SPECIAL_ID + i)] = { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true };
  });
  return {
    added_tokens_decoder: decoder,
    bos_token: specials[0],
    chat_template: arch.startsWith('gemma3') ? TINY_GEMMA_CHAT_TEMPLATE : TINY_CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: specials[3],
    model_max_length: 512,
    pad_token: specials[4],
    tokenizer_class: 'PreTrainedTokenizerFast',
  };
}

/** The architectures the tiny model comes in: each family's options at toy sizes. */
export const TINY_ARCHS = ['llama', 'qwen3', 'gemma3', 'gemma3-conditional'] as const;
export type TinyArch = (typeof TINY_ARCHS)[number];

/** What a family changes in the tiny config: Qwen3 has per-head q/k norms and a head size independent of the width. */
/**
 * Gemma 3's text decoder at toy size: sliding layers (window 4) alternating with full ones, local and
 * global RoPE (the global one linearly scaled), a query scale that is not the head size, GeGLU, tied
 * embeddings, and (the causal-LM layout) soft-capped logits.
 */
const GEMMA3_TEXT: Record<string, unknown> = {
  architectures: ['Gemma3ForCausalLM'],
  model_type: 'gemma3_text',
  hidden_act: undefined,
  hidden_activation: 'gelu_pytorch_tanh',
  query_pre_attn_scalar: 24,
  sliding_window: 4,
  sliding_window_pattern: 2,
  rope_theta: 1000000.0,
  rope_local_base_freq: 10000.0,
  rope_scaling: { rope_type: 'linear', factor: 2.0 },
  final_logit_softcapping: 5.0,
  attn_logit_softcapping: null,
  tie_word_embeddings: true,
  rms_norm_eps: 1e-6,
};

const ARCH_CONFIG: Record<TinyArch, Record<string, unknown>> = {
  llama: {},
  qwen3: { architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', head_dim: 24, rms_norm_eps: 1e-6, rope_theta: 1000000.0 },
  gemma3: GEMMA3_TEXT,
  'gemma3-conditional': GEMMA3_TEXT,
};

function configJson(arch: TinyArch): Record<string, unknown> {
  if (!(TINY_ARCHS as readonly string[]).includes(arch)) throw new Error(`tiny model: unknown architecture '${arch}' (expected ${TINY_ARCHS.join(', ')})`);
  const text = JSON.parse(JSON.stringify({ ...baseConfigJson(), ...ARCH_CONFIG[arch] })) as Record<string, unknown>;
  if (arch !== 'gemma3-conditional') return text;
  // The Hub layout of Gemma 3 (Gemma3ForConditionalGeneration): the decoder's settings under text_config.
  const { architectures: _a, bos_token_id, eos_token_id, pad_token_id, ...rest } = text;
  return {
    architectures: ['Gemma3ForConditionalGeneration'],
    model_type: 'gemma3',
    bos_token_id,
    eos_token_id,
    pad_token_id,
    text_config: rest,
    vision_config: { model_type: 'siglip_vision_model', hidden_size: 8 },
    torch_dtype: 'float32',
  };
}

/** The stored tensors of a layout: the conditional one keeps its decoder under language_model.model.* and has a (tiny, unread) vision tower. */
function storedLayout(arch: TinyArch, weights: Record<string, WritableTensor>, rng: Rng): Record<string, WritableTensor> {
  if (arch !== 'gemma3-conditional') return weights;
  const out: Record<string, WritableTensor> = {};
  for (const [name, t] of Object.entries(weights)) out[name.replace(/^model\./, 'language_model.model.')] = t;
  const vision = (shape: number[]) => ({
    dtype: 'F32' as const,
    shape,
    data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
  });
  out['vision_tower.vision_model.embeddings.patch_embedding.weight'] = vision([8, 3, 2, 2]);
  out['multi_modal_projector.mm_input_projection_weight'] = vision([8, 64]);
  return out;
}

function baseConfigJson(): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    attention_bias: false,
    attention_dropout: 0.0,
    bos_token_id: TINY_IDS.bos,
    eos_token_id: [TINY_IDS.endOfText, TINY_IDS.imEnd],
    head_dim: 16,
    hidden_act: 'silu',
    hidden_size: 64,
    initializer_range: 0.02,
    intermediate_size: 128,
    max_position_embeddings: 512,
    mlp_bias: false,
    model_type: 'llama',
    num_attention_heads: 4,
    num_hidden_layers: 2,
    num_key_value_heads: 2,
    pad_token_id: TINY_IDS.pad,
    pretraining_tp: 1,
    rms_norm_eps: 1e-5,
    rope_scaling: null,
    rope_theta: 10000.0,
    tie_word_embeddings: false,
    torch_dtype: 'float32',
    transformers_version: '4.46.0',
    use_cache: true,
    vocab_size: TINY_VOCAB_SIZE,
  };
}

/**
 * Seeded weights: norms 1 + 0.05·N(0,1), projections N(0, 0.08²), embeddings and LM head N(0, 0.1²),
 * large enough that the logits are clearly not flat. Drawn in expectedTensorShapes order.
 */
function tinyWeights(config: Record<string, unknown>, seed: number, arch: TinyArch): Record<string, WritableTensor> {
  const rng = new Rng(seed);
  const out: Record<string, WritableTensor> = {};
  const parsed = parseModelConfig(config);
  const offset = parsed.normWeightOffset;
  for (const [name, shape] of expectedTensorShapes(parsed)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const isNorm = shape.length === 1;
    // A wide LM head lets a rank-8 adapter reach confident next-token predictions (tests drive SFT loss near zero).
    const std = isNorm ? 0.05 : name === 'lm_head.weight' ? 0.5 : name.includes('embed_tokens') ? 0.1 : 0.08;
    // Gemma's norms multiply by (1 + w): their weights sit around 0, the others' around 1.
    const mean = isNorm ? 1 - offset : 0;
    for (let i = 0; i < data.length; i++) data[i] = mean + std * rng.normal();
    out[name] = { dtype: 'F32', shape, data };
  }
  return storedLayout(arch, out, rng);
}

const pretty = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/** The tiny model's files by name: same seed and architecture → byte-identical files. */
export function buildTinyModel(seed = 0, arch: TinyArch = 'llama'): Record<string, string | Uint8Array> {
  const config = configJson(arch);
  return {
    'config.json': pretty(config),
    'generation_config.json': pretty({
      bos_token_id: TINY_IDS.bos,
      do_sample: false,
      eos_token_id: [TINY_IDS.endOfText, TINY_IDS.imEnd],
      pad_token_id: TINY_IDS.pad,
      transformers_version: '4.46.0',
    }),
    'model.safetensors': writeSafetensors(tinyWeights(config, seed, arch), { format: 'pt' }),
    'tokenizer.json': pretty(tokenizerJson(specialsOf(arch))),
    'tokenizer_config.json': pretty(tokenizerConfigJson(arch)),
  };
}

/** The tiny model as ModelFiles (for loadModelFolder / Tokenizer.fromFiles), labelled 'tiny'. */
export function tinyModelFiles(seed = 0, arch: TinyArch = 'llama'): ModelFiles {
  return memoryModelFiles(buildTinyModel(seed, arch), arch === 'llama' ? 'tiny' : `tiny-${arch}`);
}

/** Node: writes the tiny model into `dir` (created if needed); returns the file names written. */
export async function writeTinyModel(dir: string, seed = 0, arch: TinyArch = 'llama'): Promise<string[]> {
  const fs = await import('node:fs/promises');
  await fs.mkdir(dir, { recursive: true });
  const files = buildTinyModel(seed, arch);
  for (const [name, content] of Object.entries(files)) await fs.writeFile(`${dir}/${name}`, content);
  return Object.keys(files);
}
