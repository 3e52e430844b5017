// Tokenizer and chat template from a model's local tokenizer.json + tokenizer_config.json (never the network),
// through @huggingface/transformers; and SFT examples with the loss on completion tokens only.
import { PreTrainedTokenizer } from '@huggingface/transformers';
import type { ModelFiles } from './weights.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | string;
  content: string;
}

export interface SftExample {
  ids: number[];
  /** 1 on completion tokens (the answer and its end-of-turn token), 0 on the prompt. */
  lossMask: number[];
  /** True when the answer was cut to fit maxLen. */
  truncated: boolean;
  /** True when the prompt was cut from the left to leave the answer room. */
  promptTruncated?: boolean;
}

/** Special tokens that end an assistant turn in common chat templates (ChatML, Llama 3, Gemma, Phi). */
const END_OF_TURN_TOKENS = ['<|im_end|>', '<|eot_id|>', '<end_of_turn>', '<|end|>'];

function asObject(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${where}: expected a JSON object`);
  return v as Record<string, unknown>;
}

export class Tokenizer {
  readonly hf: PreTrainedTokenizer;
  readonly bosId: number | null;
  /** Tokens that end a turn/sequence: the tokenizer's eos plus any extra ids given (config / generation_config). */
  readonly eosIds: number[];
  readonly padId: number | null;
  readonly hasChatTemplate: boolean;

  private constructor(hf: PreTrainedTokenizer, extraEosIds: number[]) {
    this.hf = hf;
    const id = (v: number | undefined | null) => (typeof v === 'number' && v >= 0 ? v : null);
    this.bosId = id(hf.bos_token_id);
    const eos = id(hf.eos_token_id);
    // Chat models end a turn with their own token, which is not always the tokenizer's eos_token.
    const turnEnds = END_OF_TURN_TOKENS.map((t) => hf.convert_tokens_to_ids(t)).filter((i) => typeof i === 'number' && hf.all_special_ids.includes(i));
    this.eosIds = [...new Set([...(eos !== null ? [eos] : []), ...extraEosIds, ...turnEnds])];
    this.padId = id(hf.pad_token_id);
    this.hasChatTemplate = hf.chat_template !== null && hf.chat_template !== undefined;
  }

  /**
   * Builds the tokenizer from the parsed tokenizer.json and tokenizer_config.json. `chatTemplate`
   * (e.g. from chat_template.jinja) overrides the config's; `extraEosIds` adds end tokens.
   */
  static fromJson(
    tokenizerJson: unknown,
    tokenizerConfig: unknown,
    opts: { chatTemplate?: string | null; extraEosIds?: number[]; label?: string } = {},
  ): Tokenizer {
    const label = opts.label ?? 'tokenizer';
    const tj = asObject(tokenizerJson, `${label}/tokenizer.json`);
    const tc = { ...asObject(tokenizerConfig ?? {}, `${label}/tokenizer_config.json`) };
    if (opts.chatTemplate) tc.chat_template = opts.chatTemplate;
    let hf: PreTrainedTokenizer;
    try {
      hf = new PreTrainedTokenizer(tj, tc);
    } catch (err) {
      throw new Error(`${label}/tokenizer.json: cannot build the tokenizer: ${(err as Error).message}`);
    }
    return new Tokenizer(hf, opts.extraEosIds ?? []);
  }

  /** Reads tokenizer.json, tokenizer_config.json (and chat_template.jinja, config eos ids when present). */
  static async fromFiles(files: ModelFiles): Promise<Tokenizer> {
    const names = new Set(await files.list());
    const json = async (name: string) => {
      const text = new TextDecoder().decode(await files.read(name));
      try {
        return JSON.parse(text) as unknown;
      } catch (err) {
        throw new Error(`${files.label}/${name}: not valid JSON: ${(err as Error).message}`);
      }
    };
    if (!names.has('tokenizer.json')) throw new Error(`${files.label}: tokenizer.json is missing`);
    const extra: number[] = [];
    for (const name of ['config.json', 'generation_config.json']) {
      if (!names.has(name)) continue;
      const eos = asObject(await json(name), `${files.label}/${name}`).eos_token_id;
      for (const v of Array.isArray(eos) ? eos : [eos]) if (typeof v === 'number') extra.push(v);
    }
    return Tokenizer.fromJson(await json('tokenizer.json'), names.has('tokenizer_config.json') ? await json('tokenizer_config.json') : {}, {
      chatTemplate: names.has('chat_template.jinja') ? new TextDecoder().decode(await files.read('chat_template.jinja')) : null,
      extraEosIds: extra,
      label: files.label,
    });
  }

  get vocabSize(): number {
    let max = -1;
    for (const id of this.hf.get_vocab().values()) max = Math.max(max, id);
    for (const id of this.hf.all_special_ids) max = Math.max(max, id);
    return max + 1;
  }

  /** Token ids of `text`. Special tokens written in the text are recognised; BOS is added only on request. */
  encode(text: string, opts: { addSpecialTokens?: boolean } = {}): number[] {
    return this.hf.encode(text, { add_special_tokens: opts.addSpecialTokens ?? false });
  }

  decode(ids: number[], opts: { skipSpecialTokens?: boolean } = {}): string {
    if (ids.length === 0) return ''; // the HF decoder rejects empty input
    return this.hf.decode(ids, { skip_special_tokens: opts.skipSpecialTokens ?? false });
  }

  tokenToId(token: string): number | null {
    const id = this.hf.convert_tokens_to_ids(token);
    return typeof id === 'number' ? id : null;
  }

  /** The conversation rendered by the model's chat template (text, not ids). */
  applyChatTemplate(messages: ChatMessage[], opts: { addGenerationPrompt?: boolean } = {}): string {
    if (!this.hasChatTemplate) throw new Error('tokenizer_config.json has no chat_template (and no chat_template.jinja was given)');
    return this.hf.apply_chat_template(messages as Array<{ role: string; content: string }>, {
      tokenize: false,
      add_generation_prompt: opts.addGenerationPrompt ?? false,
    }) as string;
  }

  /** Ids of the rendered conversation, as HF tokenizes chat templates (no extra special tokens). */
  encodeChat(messages: ChatMessage[], opts: { addGenerationPrompt?: boolean } = {}): number[] {
    return this.encode(this.applyChatTemplate(messages, opts));
  }
}

/**
 * One supervised example with the model's chat template: ids = prompt part (everything up to and
 * including the assistant header) + completion part (the answer and its end-of-turn token; anything
 * the template writes after that token is dropped). Loss mask 1 on the completion part only. When it does not fit maxLen, what matters is kept: the prompt keeps its end (cut from the left after a
 * leading BOS, only as far as needed to leave the answer a quarter of the window or its whole length),
 * and the answer keeps its start up to the limit. With `keepEnd`, a cut answer still closes with its
 * end-of-turn token, so a reward head that reads the last token always reads the same kind of token
 * (without it, the score of a cut pair is read at whichever word the window happens to end on).
 */
export function buildSftExample(
  tok: Tokenizer,
  prompt: string,
  completion: string,
  maxLen: number,
  opts: { system?: string; keepEnd?: boolean } = {},
): SftExample {
  if (!Number.isInteger(maxLen) || maxLen < 4) throw new Error(`buildSftExample: maxLen: expected an integer >= 4, got ${maxLen}`);
  const head: ChatMessage[] = opts.system ? [{ role: 'system', content: opts.system }] : [];
  head.push({ role: 'user', content: prompt });
  const promptText = tok.applyChatTemplate(head, { addGenerationPrompt: true });
  const fullText = tok.applyChatTemplate([...head, { role: 'assistant', content: completion }], { addGenerationPrompt: false });
  if (!fullText.startsWith(promptText)) {
    throw new Error(
      'chat template: the rendered conversation does not start with the rendered prompt + generation prompt, so the completion cannot be separated',
    );
  }
  let promptIds = tok.encode(promptText);
  let completionIds = tok.encode(fullText.slice(promptText.length));
  const end = completionIds.findIndex((id) => tok.eosIds.includes(id));
  if (end >= 0) completionIds = completionIds.slice(0, end + 1);
  else if (tok.eosIds.length) completionIds.push(tok.eosIds[0]);
  else throw new Error('tokenizer has no eos token: cannot mark the end of the answer');
  const promptCut = Math.max(0, promptIds.length - (maxLen - Math.min(completionIds.length, Math.floor(maxLen / 4))));
  if (promptCut > 0) {
    const keep = tok.bosId !== null && promptIds[0] === tok.bosId ? 1 : 0;
    promptIds = [...promptIds.slice(0, keep), ...promptIds.slice(keep + promptCut)];
  }
  const room = maxLen - promptIds.length;
  const truncated = completionIds.length > room;
  if (truncated) completionIds = opts.keepEnd ? [...completionIds.slice(0, room - 1), completionIds[completionIds.length - 1]] : completionIds.slice(0, room);
  return {
    ids: [...promptIds, ...completionIds],
    lossMask: [...promptIds.map(() => 0), ...completionIds.map(() => 1)],
    truncated,
    promptTruncated: promptCut > 0,
  };
}
