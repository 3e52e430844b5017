// Tokenizer through @huggingface/transformers from local files: round trips, chat template, SFT loss mask.
import { describe, expect, it } from 'vitest';
import { buildTinyModel, TINY_IDS } from '../../../src/model/tiny-model.ts';
import { buildSftExample, Tokenizer } from '../../../src/model/tokenizer.ts';
import { memoryModelFiles } from '../../../src/model/weights.ts';

const files = buildTinyModel(0);
const tok = await Tokenizer.fromFiles(memoryModelFiles(files, 'tiny'));

describe('Tokenizer', () => {
  it('knows the special ids, the eos list from the configs and the vocabulary size', () => {
    expect(tok.bosId).toBe(TINY_IDS.bos);
    expect(tok.padId).toBe(TINY_IDS.pad);
    expect(tok.eosIds.sort()).toEqual([TINY_IDS.endOfText, TINY_IDS.imEnd].sort());
    expect(tok.vocabSize).toBe(512);
    expect(tok.tokenToId('<|im_start|>')).toBe(TINY_IDS.imStart);
  });

  it('round trips text, including unicode, numbers, whitespace and punctuation', () => {
    const texts = [
      'The teacher asks the question again.',
      'Why does the bread rise?  Because   yeast!\n\nNew paragraph\ttab',
      'ünïcödé — “quotes” and emoji 😀, 中文, 1234567890',
      '',
      ' leading and trailing spaces ',
    ];
    for (const t of texts) {
      const ids = tok.encode(t);
      expect(ids.every((id) => id >= 0 && id < 507)).toBe(true);
      expect(tok.decode(ids)).toBe(t);
    }
  });

  it('merges learned from the corpus compress English text', () => {
    const text = 'the teacher asks the students a question about the river';
    expect(tok.encode(text).length).toBeLessThan(new TextEncoder().encode(text).length / 2);
  });

  it('adds BOS only when asked, and recognises special tokens written in text', () => {
    expect(tok.encode('hi', { addSpecialTokens: true })[0]).toBe(TINY_IDS.bos);
    expect(tok.encode('hi')[0]).not.toBe(TINY_IDS.bos);
    expect(tok.encode('<|im_start|>user')[0]).toBe(TINY_IDS.imStart);
    expect(tok.decode([TINY_IDS.imStart, ...tok.encode('x'), TINY_IDS.imEnd], { skipSpecialTokens: true })).toBe('x');
  });

  it('renders the ChatML template with and without the generation prompt', () => {
    const msgs = [
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'Why?' },
    ];
    expect(tok.applyChatTemplate(msgs, { addGenerationPrompt: true })).toBe(
      '<|begin_of_text|><|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nWhy?<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(tok.applyChatTemplate(msgs)).toBe('<|begin_of_text|><|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nWhy?<|im_end|>\n');
    const ids = tok.encodeChat(msgs, { addGenerationPrompt: true });
    expect(ids[0]).toBe(TINY_IDS.bos);
    expect(ids.filter((i) => i === TINY_IDS.imStart)).toHaveLength(3);
  });

  it('uses chat_template.jinja when the folder has one, and errors without any template', async () => {
    const t2 = await Tokenizer.fromFiles(
      memoryModelFiles({ ...files, 'chat_template.jinja': '{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}' }),
    );
    expect(t2.applyChatTemplate([{ role: 'user', content: 'hey' }])).toBe('[user] hey\n');
    const cfg = JSON.parse(files['tokenizer_config.json'] as string);
    delete cfg.chat_template;
    const t3 = Tokenizer.fromJson(JSON.parse(files['tokenizer.json'] as string), cfg);
    expect(() => t3.applyChatTemplate([{ role: 'user', content: 'x' }])).toThrow('no chat_template');
    await expect(Tokenizer.fromFiles(memoryModelFiles({ 'config.json': '{}' }, 'dir'))).rejects.toThrow('dir: tokenizer.json is missing');
  });
});

describe('end of turn', () => {
  it('finds the chat end-of-turn token even when eos_token is another one', () => {
    const cfg = { ...JSON.parse(files['tokenizer_config.json'] as string), eos_token: '<|end_of_text|>' };
    const t = Tokenizer.fromJson(JSON.parse(files['tokenizer.json'] as string), cfg);
    expect(t.eosIds).toEqual([TINY_IDS.endOfText, TINY_IDS.imEnd]);
    const ex = buildSftExample(t, 'Q?', 'A.', 64);
    expect(ex.ids[ex.ids.length - 1]).toBe(TINY_IDS.imEnd);
  });

  it('appends the eos token when the template writes no end token', () => {
    const cfg = {
      ...JSON.parse(files['tokenizer_config.json'] as string),
      chat_template: '{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}assistant: {% endif %}',
    };
    const t = Tokenizer.fromJson(JSON.parse(files['tokenizer.json'] as string), cfg);
    const ex = buildSftExample(t, 'Q?', 'A.', 64);
    expect(t.decode(ex.ids.slice(ex.lossMask.indexOf(1)))).toBe('A.\n<|im_end|>');
  });
});

describe('buildSftExample', () => {
  it('masks the prompt and trains on the answer and its <|im_end|>', () => {
    const ex = buildSftExample(tok, 'What is transfer?', 'Using an idea in a new place.', 256);
    expect(ex.truncated).toBe(false);
    expect(ex.ids.length).toBe(ex.lossMask.length);
    const first = ex.lossMask.indexOf(1);
    expect(tok.decode(ex.ids.slice(0, first))).toBe('<|begin_of_text|><|im_start|>user\nWhat is transfer?<|im_end|>\n<|im_start|>assistant\n');
    expect(tok.decode(ex.ids.slice(first))).toBe('Using an idea in a new place.<|im_end|>');
    expect(ex.lossMask.slice(first).every((m) => m === 1)).toBe(true);
    expect(ex.ids[ex.ids.length - 1]).toBe(TINY_IDS.imEnd);
    // the masked prompt is exactly what generation sees
    expect(ex.ids.slice(0, first)).toEqual(tok.encodeChat([{ role: 'user', content: 'What is transfer?' }], { addGenerationPrompt: true }));
  });

  it('keeps a system message in the prompt part', () => {
    const ex = buildSftExample(tok, 'Q', 'A', 128, { system: 'You teach.' });
    expect(tok.decode(ex.ids.slice(0, ex.lossMask.indexOf(1)))).toContain('<|im_start|>system\nYou teach.<|im_end|>');
  });

  it('cuts a long answer at the end, keeping the whole prompt', () => {
    const full = buildSftExample(tok, 'Tell me about rivers.', 'The river runs fast in the spring and slow in the summer. '.repeat(10), 1000);
    const promptLen = full.lossMask.indexOf(1);
    const ex = buildSftExample(tok, 'Tell me about rivers.', 'The river runs fast in the spring and slow in the summer. '.repeat(10), promptLen + 12);
    expect(ex.truncated).toBe(true);
    expect(ex.promptTruncated).toBe(false);
    expect(ex.ids).toEqual(full.ids.slice(0, promptLen + 12));
    expect(ex.lossMask.reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('with keepEnd, a cut answer still ends with its end-of-turn token', () => {
    const answer = 'The river runs fast in the spring and slow in the summer. '.repeat(10);
    const full = buildSftExample(tok, 'Tell me about rivers.', answer, 1000);
    const promptLen = full.lossMask.indexOf(1);
    const ex = buildSftExample(tok, 'Tell me about rivers.', answer, promptLen + 12, { keepEnd: true });
    expect(ex.truncated).toBe(true);
    expect(ex.ids.length).toBe(promptLen + 12);
    expect(ex.ids.slice(0, -1)).toEqual(full.ids.slice(0, promptLen + 11));
    expect(ex.ids.at(-1)).toBe(full.ids.at(-1));
    expect(tok.eosIds).toContain(ex.ids.at(-1));
    // An answer that fits is left as it is.
    expect(buildSftExample(tok, 'Q', 'A', 64, { keepEnd: true })).toEqual(buildSftExample(tok, 'Q', 'A', 64));
  });

  it('cuts a prompt that leaves the answer less than a quarter of the window from the left, after the BOS', () => {
    const longPrompt = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ') + ' and what about rivers?';
    const answer = 'The river runs fast in the spring. '.repeat(8);
    const full = buildSftExample(tok, longPrompt, answer, 2000);
    const promptLen = full.lossMask.indexOf(1);
    const maxLen = 48;
    expect(promptLen).toBeGreaterThan(maxLen);
    const ex = buildSftExample(tok, longPrompt, answer, maxLen);
    expect(ex.ids.length).toBe(maxLen);
    expect(ex.promptTruncated).toBe(true);
    expect(ex.lossMask.reduce((a, b) => a + b, 0)).toBe(maxLen / 4);
    const keptPrompt = ex.ids.slice(0, ex.lossMask.indexOf(1));
    // The prompt's end (question + assistant header) is kept word for word.
    expect(keptPrompt.slice(-10)).toEqual(full.ids.slice(promptLen - 10, promptLen));
    if (tok.bosId !== null && full.ids[0] === tok.bosId) expect(keptPrompt[0]).toBe(tok.bosId);
    // The answer keeps its start.
    expect(ex.ids.slice(keptPrompt.length)).toEqual(full.ids.slice(promptLen, promptLen + maxLen / 4));
  });
});

describe("Gemma's turn format (tiny gemma3)", () => {
  it('renders a system message into the first user turn, and the completion mask covers exactly the model turn and <end_of_turn>', async () => {
    const g = await Tokenizer.fromFiles(memoryModelFiles(buildTinyModel(0, 'gemma3'), 'tiny-gemma3'));
    const text = g.applyChatTemplate([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Why?' },
      { role: 'assistant', content: 'Because.' },
    ]);
    expect(text).toBe('<bos><start_of_turn>user\nBe brief.\n\nWhy?<end_of_turn>\n<start_of_turn>model\nBecause.<end_of_turn>\n');
    const ex = buildSftExample(g, 'Why does the bread rise?', 'The yeast makes gas.', 128, { system: 'Be brief.' });
    const answer = ex.ids.filter((_, i) => ex.lossMask[i] === 1);
    expect(g.decode(answer)).toBe('The yeast makes gas.<end_of_turn>');
    const prompt = ex.ids.filter((_, i) => ex.lossMask[i] === 0);
    expect(g.decode(prompt).endsWith('<start_of_turn>model\n')).toBe(true);
    expect(ex.ids[0]).toBe(TINY_IDS.bos);
  });
});
