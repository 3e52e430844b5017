// Evaluation of an imported adapter in the studio: the curriculum the studio saved, each topic's quiz
// (or its own SFT questions) answered by base + adapter and scored against the topic's adaptive pass
// threshold, as the training run's evaluation phase does; the result is kept beside the import.
import pipelineYaml from '../../configs/training_pipeline.yaml?raw';
import { parsePipelineConfig } from '../config/pipeline-config.ts';
import { gpuBackend } from '../engine/backend.ts';
import { GpuRuntime } from '../engine/runtime.ts';
import { Decoder } from '../model/decoder.ts';
import { LoraParams } from '../model/lora-params.ts';
import { loadAdapter } from '../storage/adapter-store.ts';
import type { GpuTensor } from '../engine/op.ts';
import type { RunLibrary } from '../storage/run-library.ts';
import { evaluateTopic, releaseEvalWorkspaces, type EvalContext } from '../training/evaluate.ts';
import { prepareRun } from '../training/prepare-run.ts';
import { loadModelChoice, loadSimilarityChoice, precisionOf, readInputs } from './run-inputs.ts';
import type { ImportEvaluation, StartParams } from './training-protocol.ts';

/** Evaluates the imported adapter `key` on the saved curriculum (the topics in `options.topics`, else all trainable ones). */
export async function evaluateImport(
  lib: RunLibrary,
  p: Omit<StartParams, 'files'> & { key: string },
  status: (message: string) => void,
): Promise<ImportEvaluation> {
  const o = { ...p.options, phases: ['eval' as const] };
  // The markers and overrides the studio shows, as a run started now would use: the same thresholds.
  const inputs = await readInputs({ ...p, options: o }, status);
  const prepared = await prepareRun({
    ...inputs,
    options: o,
    config: parsePipelineConfig(pipelineYaml, 'configs/training_pipeline.yaml'),
    status,
    loadModel: () => loadModelChoice(p.model, status, precisionOf(o)),
    loadSimilarity: () => loadSimilarityChoice(o.similarity, status),
  });
  const { bundle, dataset: ds } = prepared;
  const stored = await loadAdapter(lib.store, p.key, bundle.model.config);
  status('Starting WebGPU');
  const rt = await GpuRuntime.create();
  try {
    const be = gpuBackend(rt);
    const dec = new Decoder(be, bundle.model.config, bundle.model.weights, bundle.model.packed);
    const ctx: EvalContext<GpuTensor> = {
      be,
      dec,
      lora: LoraParams.create(be, stored.adapter),
      tokenizer: bundle.tokenizer,
      markers: prepared.markers,
      distinctions: ds.distinctions,
      similarity: prepared.similarity.similarity,
      maxNewTokens: prepared.config.evaluation.max_new_tokens,
      weights: prepared.config.evaluation.weights,
    };
    const topics: ImportEvaluation['topics'] = [];
    const chosen = prepared.topicConfigs.filter((t) => t.trainable && (!o.topics.length || o.topics.includes(t.id)));
    for (const [i, t] of chosen.entries()) {
      const quiz = ds.evalSets.find((s) => s.level === 'topic' && s.scopeId === t.id) ?? null;
      const seenQuestions = ds.sft.filter((r) => r.topicId === t.id);
      if (!quiz && !seenQuestions.length) continue;
      status(`Evaluating ${t.id} (${i + 1} of ${chosen.length})`);
      const distinctions = ds.distinctions.filter((d) => d.topicId === null || d.topicId === t.id);
      const r = await evaluateTopic(ctx, { topicId: t.id, quiz, seenQuestions, threshold: t.passThreshold, distinctions });
      topics.push({ id: t.id, score: r.score, threshold: r.threshold, passed: r.passed, questions: r.questions.length, source: r.source });
    }
    releaseEvalWorkspaces(be, dec);
    const result: ImportEvaluation = {
      key: p.key,
      model: bundle.name,
      similarity: prepared.similarityUsed.name,
      at: Date.now(),
      topics,
      passed: topics.filter((t) => t.passed).length,
    };
    await lib.store.put(`${p.key}/evaluation.json`, JSON.stringify(result, null, 2), { durable: true });
    return result;
  } finally {
    rt.destroy();
  }
}

/** The last evaluation kept beside an import, or null. */
export async function readImportEvaluation(lib: RunLibrary, key: string): Promise<ImportEvaluation | null> {
  const text = await lib.store.getText(`${key}/evaluation.json`);
  return text === null ? null : (JSON.parse(text) as ImportEvaluation);
}
