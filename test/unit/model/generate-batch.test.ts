// Batched generation on the CPU twin, every tiny architecture: token for token what generate() gives each
// prompt alone (greedy and sampled, ragged prompts, per-sequence stop and limit, chunks), and its checks;
// evaluation's batched answers equal its one-at-a-time answers.
import { describe, expect, it } from 'vitest';
import { cpuBackend } from '../../../src/engine/backend.ts';
import { Decoder } from '../../../src/model/decoder.ts';
import { generateBatch } from '../../../src/model/generate-batch.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora, LORA_TARGETS } from '../../../src/model/lora-types.ts';
import { TINY_ARCHS, tinyModelFiles } from '../../../src/model/tiny-model.ts';
import { loadModelFolder } from '../../../src/model/weights.ts';
import { Rng } from '../../../src/util/rng.ts';
import { parseMarkers } from '../../../src/analysis/markers.ts';
import type { EvalQuestion } from '../../../src/data/types.ts';
import { loadModel } from '../../../src/model/load.ts';
import { answerQuestion, answerQuestions, evaluateQuestionsWith, type AnswerSource, type EvalContext } from '../../../src/training/evaluate.ts';
import { lexicalSimilarity } from '../../../src/training/similarity.ts';
import { BATCH_CASES, batchVersusAlone } from '../../helpers/generate-batch-cases.ts';

describe.each(TINY_ARCHS)('generateBatch on the CPU twin, tiny %s', async (arch) => {
  const model = await loadModelFolder(tinyModelFiles(0, arch));
  const cfg = model.config;
  const be = cpuBackend();
  const adapter = initLora(cfg, { r: 4, alpha: 8, dropout: 0, targetModules: [...LORA_TARGETS], useRslora: false }, new Rng(5), 'tiny');
  const noise = new Rng(6);
  for (const layer of adapter.layers.values()) for (let i = 0; i < layer.B.length; i++) layer.B[i] = noise.normal() * 0.05;

  it.each(BATCH_CASES)('$name: equals generate() on each prompt alone, with LoRA', async (c) => {
    const dec = new Decoder(be, cfg, model.weights);
    const lora = LoraParams.create(be, adapter);
    const { alone, batch, tokens } = await batchVersusAlone(be, dec, lora, c);
    expect(batch).toEqual(alone);
    expect(batch[1].stoppedBy).toBe('eos'); // the planted stop id ends prompt 1 early
    expect(batch[1].ids.length).toBeLessThan(4);
    expect(tokens.length).toBe(alone.reduce((n, r) => n + r.ids.length, 0)); // every token streamed once
    lora.release();
    dec.release();
  });

  it('checks its arguments, naming the prompt', async () => {
    const dec = new Decoder(be, cfg, model.weights);
    const opts = { maxNewTokens: 2, stopIds: [] };
    await expect(generateBatch(be, dec, null, [[1, 2], []], opts)).rejects.toThrow(/prompt 1 has no tokens/);
    await expect(generateBatch(be, dec, null, [[1, cfg.vocabSize]], opts)).rejects.toThrow(/prompt 0: token 1 is/);
    await expect(generateBatch(be, dec, null, [[1]], { ...opts, maxNewTokens: [1, 2] })).rejects.toThrow(/2 limits for 1 prompts/);
    await expect(generateBatch(be, dec, null, [[1]], { ...opts, maxNewTokens: cfg.maxPositionEmbeddings })).rejects.toThrow(/max_position_embeddings/);
    expect(await generateBatch(be, dec, null, [[1], [2, 3]], { ...opts, maxNewTokens: [0, 1] })).toEqual([
      { ids: [], stoppedBy: 'length' },
      expect.objectContaining({ stoppedBy: expect.any(String) }),
    ]);
    dec.release();
  });
});

describe('batched evaluation answers', () => {
  const markers = parseMarkers('categories:\n  confidence: { expected: 1, patterns: [clearly] }\n');
  const open = (question: string): EvalQuestion => ({ question, referenceAnswer: 'the wind', type: 'open', keyConcepts: [] });
  const tf: EvalQuestion = { question: 'Sails need wind.', referenceAnswer: '**True**', type: 'true_false', keyConcepts: [], correctAnswer: true };

  it('answerQuestions gives, for questions of different lengths, the text answerQuestion gives each alone', async () => {
    const bundle = await loadModel('tiny');
    const be = cpuBackend();
    const dec = new Decoder(be, bundle.model.config, bundle.model.weights);
    const ctx: EvalContext<ReturnType<typeof be.zeros>> = {
      be,
      dec,
      lora: null,
      tokenizer: bundle.tokenizer,
      markers,
      distinctions: [],
      similarity: lexicalSimilarity(),
      maxNewTokens: 6,
    };
    const questions = ['Why?', 'Why does the bread rise when the kitchen is warm?', 'What is a sail for, and how is it trimmed?'];
    const alone: string[] = [];
    for (const q of questions) alone.push(await answerQuestion(ctx, q));
    expect(await answerQuestions(ctx, questions)).toEqual(alone);
    dec.release();
  });

  it('evaluateQuestionsWith asks a batched source for every open answer at once, in question order, with progress per question', async () => {
    const calls: string[] = [];
    const src: AnswerSource = {
      answer: async () => {
        throw new Error('a batched source is not asked one question at a time');
      },
      answers: async (qs) => {
        calls.push(`answers ${qs.join(' ')}`);
        return qs.map((q) => `the wind ${q}`);
      },
      answerLogLikelihoods: async (items) => items.map((_, i) => -i),
    };
    const sc = { markers, distinctions: [], similarity: lexicalSimilarity(), onQuestion: (done: number, total: number) => calls.push(`${done}/${total}`) };
    const res = await evaluateQuestionsWith(src, sc, [tf, open('a?'), open('b?')]);
    expect(res.map((r) => r.answer)).toEqual(['True', 'the wind a?', 'the wind b?']);
    expect(calls).toEqual(['0/3', '1/3', 'answers a? b?', '2/3', '3/3']);
  });
});
