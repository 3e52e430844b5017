// The curriculum pipeline: per topic, in curriculum order, SFT → reward model → PPO (or DPO) → evaluation
// against the topic's pass threshold, with retries; chapter tests, unit exams and the final assessment
// after their part; unit merges; every adapter and the run state in an ArtifactStore after each phase,
// so a killed run resumes at the last completed phase and ends with the same bytes as an uninterrupted one.
import type { Backend, Tensor } from '../engine/backend.ts';
import type { Dataset, Distinction, EvalSet } from '../data/types.ts';
import type { TopicConfig } from '../analysis/adaptive.ts';
import type { PipelineConfig } from '../analysis/pipeline-config.ts';
import type { VoiceMarkers } from '../analysis/markers.ts';
import type { LoadedModel } from '../model/weights.ts';
import { buildSftExample, type Tokenizer } from '../model/tokenizer.ts';
import { Decoder } from '../model/decoder.ts';
import { LoraParams } from '../model/lora-params.ts';
import { initLora, type LoraAdapter, type LoraConfig, type LoraTarget } from '../model/lora-types.ts';
import type { ArtifactStore } from '../storage/store.ts';
import { adapterKey, loadAdapter, saveAdapter, saveMerged, type AdapterPhase } from '../storage/adapter-store.ts';
import { Rng } from '../util/rng.ts';
import { parseSafetensors, readTensorF32, writeSafetensors } from '../model/safetensors.ts';
import { trainSft, type TokenizedExample } from './sft.ts';
import { ScalarHead } from './seq.ts';
import { trainRewardModel, scoreSequences, rewardHeadRows, type PairTokens } from './reward.ts';
import { trainPpo } from './ppo.ts';
import { trainDpo } from './dpo.ts';
import { evaluateTopic, runExam, releaseEvalWorkspaces, type EvalContext } from './evaluate.ts';
import type { Similarity } from './similarity.ts';
import { mergeAdapters, compressAdapter } from './merge.ts';
import { judgePpo, judgeReward, judgeTrainer, paramsDiffer } from './outcomes.ts';
import { planCurriculum, type PlanStep } from './plan.ts';

export type Phase = 'sft' | 'reward' | 'ppo' | 'dpo' | 'eval';

export interface PipelineInputs<T extends Tensor> {
  be: Backend<T>;
  dataset: Dataset;
  topicConfigs: TopicConfig[]; // adaptive, in curriculum order
  config: PipelineConfig;
  model: LoadedModel;
  modelName: string;
  tokenizer: Tokenizer;
  markers: VoiceMarkers;
  similarity: { similarity: Similarity; reason: string };
  store: ArtifactStore;
  phases: Phase[];
  alignment: 'ppo' | 'dpo';
  topicFilter?: string[];
  maxSteps?: number; // caps every phase's optimizer steps (quick runs, CI)
  seed: number;
  resume: boolean;
  onEvent?: (e: PipelineEvent) => void;
  /** SFT saves its LoRA and AdamW state every this many steps (default 50), so a kill loses at most that. */
  checkpointEvery?: number;
  /** Called after every durable checkpoint write (tests inject crashes here). */
  afterCheckpoint?: (state: RunState) => void | Promise<void>;
}

export type PipelineEvent =
  | { type: 'topic'; topicId: string; index: number; total: number; attempt: number; retries: number }
  | { type: 'phase'; topicId: string; phase: Phase; status: 'start' | 'done' | 'skipped'; message?: string }
  | { type: 'metric'; record: MetricRecord }
  | { type: 'exam'; result: ExamRecord }
  | { type: 'merge'; unit: string; key: string; rank: number; relativeError: number | null }
  | { type: 'warning'; topicId: string; phase: Phase; message: string }
  | { type: 'log'; message: string };

export interface MetricRecord {
  topicId: string;
  attempt: number;
  phase: Phase;
  [key: string]: unknown;
}

export interface AttemptRecord {
  attempt: number;
  seed: number;
  sftEpochs: number;
  phases: Phase[];
  adapters: Partial<Record<AdapterPhase, string>>;
  score: number | null;
  passed: boolean;
  notes: string[];
  /** What a phase ran without learning (a reward model at chance, an unchanged adapter, skipped steps). */
  warnings?: string[];
  /** The reward model's verdict (undefined until it ran): PPO is skipped after false when the config says so. */
  rewardLearned?: boolean;
  evaluation?: unknown;
}

export interface TopicRecord {
  id: string;
  unit: string;
  trainable: boolean;
  untrainableReason?: string;
  threshold: number;
  attempts: AttemptRecord[];
  phasesRun: Phase[];
  score: number | null;
  passed: boolean;
  finalAdapter: string | null;
  truncatedExamples: number;
  /** Preference pairs left out because chosen and rejected were identical within max_seq_length. */
  identicalPairs?: number;
  /** The warnings of the topic's last attempt (see AttemptRecord.warnings). */
  warnings?: string[];
  merged: boolean;
}

export interface ExamRecord {
  level: 'chapter' | 'unit' | 'final';
  scopeId: string;
  title: string;
  accuracy: number;
  meanVoice: number | null;
  passed: boolean;
  bars: unknown;
  questions: number;
}

/** Everything needed to resume: saved after each phase as run/state.json (durable). */
export interface RunState {
  version: 1;
  seed: number;
  modelName: string;
  alignment: 'ppo' | 'dpo';
  phases: Phase[];
  cursor: number; // index of the next plan step
  attemptPhase: { topicId: string; attempt: number; done: Phase[] } | null;
  topics: TopicRecord[];
  exams: ExamRecord[];
  folded: string[]; // adapter keys folded into the base, in order
  unitParts: Record<string, string[]>; // unit → adapter keys to merge at its boundary
  merged: { unit: string; key: string; rank: number; relativeError: number | null }[];
  metrics: MetricRecord[];
  /** The SFT phase in progress, when it saved mid-phase state (run/progress/sft.safetensors). */
  sftProgress: { topicId: string; attempt: number; step: number } | null;
  finished: boolean;
}

const STATE_KEY = 'run/state.json';
const SFT_PROGRESS_KEY = 'run/progress/sft.safetensors';

function seedFor(base: number, ...parts: (string | number)[]): number {
  let h = base >>> 0;
  for (const p of parts.join('|')) h = Math.imul(h ^ p.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/**
 * After an attempt: is the topic finished, and why? Finished when it passed, when evaluation is not run
 * (no pass/fail to retry on), when the retries are used up, or when the attempt scored the same as the
 * one before (one more epoch and a new seed changed nothing, so the same recipe again would not either).
 */
export function retryDecision(a: { passed: boolean; evaluated: boolean; attempt: number; retries: number; score: number | null; previousScore: number | null }): { finish: boolean; note: string | null } {
  if (a.passed || !a.evaluated || a.attempt >= a.retries) return { finish: true, note: null };
  if (a.score !== null && a.previousScore !== null && Math.abs(a.score - a.previousScore) < 1e-6) {
    const left = a.retries - a.attempt;
    return {
      finish: true,
      note: `attempt ${a.attempt} scored ${a.score.toFixed(3)}, the same as attempt ${a.attempt - 1}: the same recipe again would not change it, so the remaining ${left} retr${left === 1 ? 'y was' : 'ies were'} not run`,
    };
  }
  return { finish: false, note: null };
}

function sameIds(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * A rollout as the reward model was trained to read it: prompt + response closed by the end-of-turn
 * token (appended when generation stopped at max_new_tokens instead), loss mask on the response.
 */
export function closedSequence(promptIds: number[], responseIds: number[], eosIds: number[], endId: number): TokenizedExample {
  const closed = responseIds.length && eosIds.includes(responseIds[responseIds.length - 1]) ? responseIds : [...responseIds, endId];
  return { ids: [...promptIds, ...closed], lossMask: [...promptIds.map(() => 0), ...closed.map(() => 1)] };
}

function loraConfigOf(cfg: PipelineConfig): LoraConfig {
  return { r: cfg.lora.r, alpha: cfg.lora.alpha, dropout: cfg.lora.dropout, targetModules: cfg.lora.target_modules as LoraTarget[], useRslora: cfg.lora.use_rslora };
}

/** Runs (or resumes) the curriculum; returns the final run state. */
export async function runCurriculum<T extends Tensor>(inp: PipelineInputs<T>): Promise<RunState> {
  const { be, config, store, tokenizer, model } = inp;
  const emit = (e: PipelineEvent) => inp.onEvent?.(e);
  const plan = planCurriculum(inp.dataset, inp.topicConfigs, inp.topicFilter);
  let state: RunState | null = null;
  if (inp.resume) {
    const text = await store.getText(STATE_KEY);
    if (text) state = JSON.parse(text) as RunState;
    if (state && (state.seed !== inp.seed || state.modelName !== inp.modelName || state.alignment !== inp.alignment)) {
      throw new Error(`resume: the saved run used seed ${state.seed}, model ${state.modelName}, alignment ${state.alignment}; this call asks for seed ${inp.seed}, model ${inp.modelName}, alignment ${inp.alignment}`);
    }
  }
  state ??= {
    version: 1, seed: inp.seed, modelName: inp.modelName, alignment: inp.alignment, phases: inp.phases, cursor: 0, attemptPhase: null,
    topics: [], exams: [], folded: [], unitParts: {}, merged: [], metrics: [], sftProgress: null, finished: false,
  };
  const st = state;
  const checkpoint = async () => {
    await store.putMany([[STATE_KEY, JSON.stringify(st)], ['metrics.jsonl', st.metrics.map((m) => JSON.stringify(m)).join('\n') + (st.metrics.length ? '\n' : '')]], { durable: true });
    await inp.afterCheckpoint?.(st);
  };
  const metric = (record: MetricRecord) => {
    st.metrics.push(record);
    emit({ type: 'metric', record });
  };

  const dec = new Decoder(be, model.config, model.weights);
  // Replay the folds of a resumed run in the same order, so the base is bit-identical.
  for (const key of st.folded) dec.foldAdapter((await loadAdapter(store, key, model.config)).adapter);
  const loraCfg = loraConfigOf(config);
  const maxLen = Math.min(config.max_seq_length, model.config.maxPositionEmbeddings);
  // The token that closes an answer in this chat template (what a reward pair's last token is).
  const endId = buildSftExample(tokenizer, 'q', 'a', 64).ids.at(-1)!;
  const allDistinctions = inp.dataset.distinctions;
  const ctxFor = (lora: LoraParams<T> | null): EvalContext<T> => ({
    be, dec, lora, tokenizer, markers: inp.markers, distinctions: allDistinctions, similarity: inp.similarity.similarity,
    maxNewTokens: config.evaluation.max_new_tokens, seed: inp.seed,
  });

  try {
    for (; st.cursor < plan.length; st.cursor++) {
      const step: PlanStep = plan[st.cursor];
      if (step.kind === 'topic') {
        await runTopic(step.topicId, step.index, step.total);
      } else if (step.kind === 'exam' && !inp.phases.includes('eval')) {
        emit({ type: 'log', message: `${step.set.title}: not taken (evaluation is not among the phases)` });
      } else if (step.kind === 'exam') {
        const res = await runExam(ctxFor(null), step.set);
        const rec: ExamRecord = {
          level: step.set.level as ExamRecord['level'], scopeId: step.set.scopeId, title: step.set.title, accuracy: res.summary.accuracy,
          meanVoice: res.summary.meanVoice, passed: res.summary.passed, bars: res.summary.bars, questions: res.summary.questions.length,
        };
        st.exams.push(rec);
        emit({ type: 'exam', result: rec });
        releaseEvalWorkspaces(be, dec);
      } else if (step.kind === 'merge') {
        await mergeUnit(step.unit);
      }
      st.attemptPhase = null;
      await checkpoint();
    }
    st.finished = true;
    await checkpoint();
  } finally {
    dec.release();
  }
  return st;

  async function mergeUnit(unit: string): Promise<void> {
    const keys = st.unitParts[unit] ?? [];
    if (!config.merge.after_unit || !keys.length) {
      emit({ type: 'log', message: `unit ${unit}: nothing to merge` });
      return;
    }
    const parts: LoraAdapter[] = [];
    const prev = st.merged.at(-1);
    if (prev) parts.push((await loadAdapter(store, prev.key, model.config)).adapter);
    for (const k of keys) parts.push((await loadAdapter(store, k, model.config)).adapter);
    let merged = mergeAdapters(parts);
    let relativeError: number | null = null;
    if (config.merge.compress_rank && config.merge.compress_rank < merged.config.r) {
      const c = compressAdapter(merged, config.merge.compress_rank);
      merged = c.adapter;
      relativeError = c.relativeError;
    }
    const key = await saveMerged(store, unit, merged, { unit, parts: [...(prev ? [prev.key] : []), ...keys], rank: merged.config.r, relativeError });
    st.merged.push({ unit, key, rank: merged.config.r, relativeError });
    emit({ type: 'merge', unit, key, rank: merged.config.r, relativeError });
  }

  async function runTopic(topicId: string, index: number, total: number): Promise<void> {
    const tc = inp.topicConfigs.find((t) => t.id === topicId)!;
    const unit = topicId.split('/')[0];
    let rec = st.topics.find((t) => t.id === topicId);
    if (!rec) {
      rec = {
        id: topicId, unit, trainable: tc.trainable, untrainableReason: tc.untrainableReason, threshold: tc.passThreshold, attempts: [],
        phasesRun: [], score: null, passed: false, finalAdapter: null, truncatedExamples: 0, merged: false,
      };
      st.topics.push(rec);
    }
    if (!tc.trainable) {
      emit({ type: 'phase', topicId, phase: 'sft', status: 'skipped', message: tc.untrainableReason });
      return;
    }
    const sftRecords = inp.dataset.sft.filter((r) => r.topicId === topicId);
    // Too long for max_seq_length: the prompt keeps its end, the answer its start (buildSftExample).
    let truncated = 0, promptsCut = 0;
    const examples: TokenizedExample[] = sftRecords.map((r) => {
      const ex = buildSftExample(tokenizer, r.instruction, r.output, maxLen);
      if (ex.truncated) truncated++;
      if (ex.promptTruncated) promptsCut++;
      return ex;
    });
    rec.truncatedExamples = truncated;
    // Reward pairs keep their end-of-turn token when cut, so the head always reads the same kind of token;
    // a pair whose two sides are identical within the window teaches nothing and is left out.
    const pairs: PairTokens[] = [];
    let identicalPairs = 0;
    for (const p of inp.dataset.preference.filter((x) => x.topicId === topicId)) {
      const chosen = buildSftExample(tokenizer, p.prompt, p.chosen, maxLen, { keepEnd: true });
      const rejected = buildSftExample(tokenizer, p.prompt, p.rejected, maxLen, { keepEnd: true });
      if (sameIds(chosen.ids, rejected.ids)) identicalPairs++;
      else pairs.push({ chosen, rejected });
    }
    rec.identicalPairs = identicalPairs;
    // PPO prompts keep their end (the question and the assistant header) when they leave no room to answer.
    const bos = tokenizer.bosId;
    const promptRoom = maxLen - config.ppo.max_new_tokens - 1; // + the end token closedSequence may add
    const prompts = promptRoom < 4 ? [] : sftRecords.map((r) => {
      const ids = tokenizer.encode(tokenizer.applyChatTemplate([{ role: 'user', content: r.instruction }], { addGenerationPrompt: true }));
      if (ids.length <= promptRoom) return ids;
      const keep = bos !== null && ids[0] === bos ? 1 : 0;
      return [...ids.slice(0, keep), ...ids.slice(ids.length - (promptRoom - keep))];
    });
    if (!examples.length) {
      rec.untrainableReason = 'no supervised examples';
      emit({ type: 'phase', topicId, phase: 'sft', status: 'skipped', message: rec.untrainableReason });
      return;
    }
    const distinctions: Distinction[] = allDistinctions.filter((d) => d.topicId === topicId || d.topicId === null);
    const quiz: EvalSet | null = inp.dataset.evalSets.find((s) => s.level === 'topic' && s.scopeId === topicId) ?? null;
    const want = (p: Phase) => inp.phases.includes(p);

    for (let attempt = rec.attempts.length ? rec.attempts.at(-1)!.attempt : 0; attempt <= config.retries; attempt++) {
      let ar = rec.attempts.find((a) => a.attempt === attempt);
      if (ar && (ar.passed || ar.score !== null || !want('eval')) && st.attemptPhase?.topicId !== topicId) {
        if (ar.passed) break;
        continue;
      }
      const seed = seedFor(inp.seed, topicId, attempt);
      if (!ar) {
        ar = { attempt, seed, sftEpochs: tc.sftEpochs + attempt, phases: [], adapters: {}, score: null, passed: false, notes: [] };
        if (promptsCut) ar.notes.push(`${promptsCut} prompt(s) cut from the left to leave their answers room within ${maxLen} tokens`);
        if (identicalPairs) ar.notes.push(`${identicalPairs} pair(s) identical after truncation at ${maxLen} tokens: raise max_seq_length`);
        rec.attempts.push(ar);
      }
      emit({ type: 'topic', topicId, index, total, attempt, retries: config.retries });
      rec.warnings = ar.warnings ?? [];
      st.attemptPhase ??= { topicId, attempt, done: [] };
      const done = st.attemptPhase.done;
      const cap = (n: number) => (inp.maxSteps ? Math.min(n, inp.maxSteps) : n);
      const warn = (phase: Phase, message: string) => {
        (ar!.warnings ??= []).push(message);
        rec!.warnings = ar!.warnings;
        emit({ type: 'warning', topicId, phase, message });
      };
      const phaseDone = async (p: Phase) => {
        done.push(p);
        if (!ar!.phases.includes(p)) ar!.phases.push(p);
        if (!rec!.phasesRun.includes(p)) rec!.phasesRun.push(p);
        emit({ type: 'phase', topicId, phase: p, status: 'done' });
        await checkpoint();
      };

      // SFT
      const sftKey = adapterKey(topicId, 'sft');
      if (want('sft') && !done.includes('sft')) {
        emit({ type: 'phase', topicId, phase: 'sft', status: 'start' });
        const lora = LoraParams.create(be, initLora(model.config, loraCfg, new Rng(seed), inp.modelName));
        try {
          // Resume inside the phase from its last mid-phase save (same data order and LR schedule).
          let startStep = 0;
          const prog = st.sftProgress;
          if (prog && prog.topicId === topicId && prog.attempt === attempt) {
            const bytes = await store.get(SFT_PROGRESS_KEY);
            if (!bytes) throw new Error(`resume: ${SFT_PROGRESS_KEY} is missing although run/state.json points to it`);
            const t = parseSafetensors(bytes, SFT_PROGRESS_KEY);
            const get = (n: string) => readTensorF32(t.get(n)!, n);
            lora.writeState({ params: get('params'), m: get('m'), v: get('v') });
            startStep = prog.step;
          }
          const initial = startStep ? null : (await lora.readState()).params;
          const every = inp.checkpointEvery ?? 50;
          const res = await trainSft(be, dec, lora, examples, {
            epochs: ar.sftEpochs, batchSize: tc.batchSize, learningRate: tc.learningRate, seed, maxSteps: inp.maxSteps,
            warmupRatio: config.sft.warmup_ratio, maxGradNorm: config.sft.max_grad_norm, weightDecay: config.sft.weight_decay, startStep,
            onStep: async (m) => {
              metric({ topicId, attempt, phase: 'sft', ...m });
              if (m.step % every === 0 && m.step < m.totalSteps) {
                const state = await lora.readState();
                const f32 = (data: Float32Array) => ({ dtype: 'F32' as const, shape: [data.length], data });
                await store.put(SFT_PROGRESS_KEY, writeSafetensors({ params: f32(state.params), m: f32(state.m), v: f32(state.v) }), { durable: true });
                st.sftProgress = { topicId, attempt, step: m.step };
                await checkpoint();
              }
            },
          });
          if (st.sftProgress) await store.delete(SFT_PROGRESS_KEY);
          st.sftProgress = null;
          const changed = initial ? paramsDiffer(initial, (await lora.readState()).params) : true;
          for (const w of judgeTrainer('SFT', { steps: res.steps, skippedSteps: res.skippedSteps, firstLoss: res.losses[0] ?? null, lastLoss: res.losses.at(-1) ?? null }, changed)) warn('sft', w);
          await saveAdapter(store, topicId, 'sft', await lora.toAdapter(), { phase: 'sft', steps: res.steps, finalLoss: res.losses.at(-1) ?? null, skippedSteps: res.skippedSteps, truncatedExamples: truncated });
          ar.adapters.sft = sftKey;
        } finally {
          lora.release();
        }
        await phaseDone('sft');
      }
      let finalKey: string | null = ar.adapters.sft ?? ((await store.has(`${sftKey}/adapter_config.json`)) ? sftKey : null);

      // Alignment
      if (finalKey && inp.alignment === 'ppo' && (want('reward') || want('ppo'))) {
        const rmKey = adapterKey(topicId, 'reward');
        if (pairs.length < 2 || !prompts.length) {
          ar.notes.push(pairs.length < 2
            ? `reward model and PPO skipped: ${pairs.length} usable preference pair(s), at least 2 needed${identicalPairs ? ` (${identicalPairs} identical within ${maxLen} tokens: raise max_seq_length)` : ''}`
            : `PPO skipped: no prompt leaves room for ${config.ppo.max_new_tokens} new tokens within ${maxLen}`);
          emit({ type: 'phase', topicId, phase: 'reward', status: 'skipped', message: ar.notes.at(-1) });
        } else {
          if (want('reward') && !done.includes('reward')) {
            emit({ type: 'phase', topicId, phase: 'reward', status: 'start' });
            const rm = LoraParams.create(be, initLora(model.config, loraCfg, new Rng(seedFor(seed, 'reward')), inp.modelName));
            const head = new ScalarHead(be, model.config.hiddenSize, rewardHeadRows(pairs, tc.rewardBatchSize));
            try {
              const res = await trainRewardModel(be, dec, pairs, rm, head, {
                epochs: tc.rewardEpochs, batchSize: tc.rewardBatchSize, learningRate: tc.rewardLearningRate, headLearningRate: config.reward.head_learning_rate,
                minSteps: config.reward.min_steps, scheduler: config.reward.scheduler, validationSplit: config.reward.validation_split,
                patience: config.reward.patience, minDelta: config.reward.min_delta, warmupRatio: config.reward.warmup_ratio,
                maxGradNorm: config.reward.max_grad_norm, logEvery: config.reward.log_every, seed: seedFor(seed, 'reward'), maxSteps: inp.maxSteps,
                onBatch: (m) => metric({ topicId, attempt, phase: 'reward', kind: 'batch', ...m }),
                onEpoch: (m) => metric({ topicId, attempt, phase: 'reward', kind: 'epoch', ...m }),
              });
              const w = await head.read();
              await saveAdapter(store, topicId, 'reward', await rm.toAdapter(), { phase: 'reward', ...res, epochs: undefined, history: res.epochs },
                { 'score.weight': { shape: [1, model.config.hiddenSize], data: w.slice(0, model.config.hiddenSize) } }); // the bias is frozen at 0 (see trainRewardModel)
              ar.adapters.reward = rmKey;
              const verdict = judgeReward(res, { pairs: pairs.length, identicalPairs, maxLen, learningRate: tc.rewardLearningRate, headLearningRate: config.reward.head_learning_rate });
              ar.rewardLearned = verdict.learned;
              if (verdict.reason) warn('reward', verdict.reason);
              if (res.skippedSteps && res.skippedSteps < res.steps) warn('reward', `reward: ${res.skippedSteps} of ${res.steps} steps skipped for non-finite values`);
            } finally {
              rm.release();
              head.release();
            }
            await phaseDone('reward');
          }
          const ppoBlocked = want('ppo') && ar.rewardLearned === false && config.reward.if_not_learned === 'skip_ppo';
          if (ppoBlocked && !done.includes('ppo')) {
            const note = 'PPO skipped: the reward model did not learn, so its scores are noise (reward.if_not_learned: skip_ppo; set it to warn to run PPO anyway)';
            if (!ar.notes.includes(note)) ar.notes.push(note);
            emit({ type: 'phase', topicId, phase: 'ppo', status: 'skipped', message: note });
          }
          if (want('ppo') && !ppoBlocked && !done.includes('ppo') && (ar.adapters.reward || (await store.has(`${rmKey}/adapter_config.json`)))) {
            if (ar.rewardLearned === false) warn('ppo', 'PPO ran on a reward model that did not learn (reward.if_not_learned: warn)');
            emit({ type: 'phase', topicId, phase: 'ppo', status: 'start' });
            const sft = (await loadAdapter(store, finalKey, model.config)).adapter;
            const rmStored = await loadAdapter(store, rmKey, model.config);
            const reference = LoraParams.create(be, sft);
            const policy = LoraParams.create(be, sft);
            const rm = LoraParams.create(be, rmStored.adapter);
            const C = model.config.hiddenSize;
            const headInit = new Float32Array(C + 1);
            headInit.set(rmStored.head!['score.weight'].data);
            // PPO scores and values batchSize rollouts of (longest prompt + new tokens + a closing end token) rows.
            const rows = config.ppo.batch_size * (Math.max(...prompts.map((p) => p.length)) + config.ppo.max_new_tokens + 1);
            const rmHeadLoaded = new ScalarHead(be, C, rows, headInit);
            const value = new ScalarHead(be, C, rows);
            try {
              const res = await trainPpo(be, dec, policy, reference, value, prompts,
                async (seqs) => scoreSequences(be, dec, rm, rmHeadLoaded, seqs.map((s) => closedSequence(s.promptIds, s.responseIds, tokenizer.eosIds, endId)), config.ppo.batch_size),
                tokenizer.eosIds, {
                  steps: cap(tc.ppoSteps), batchSize: config.ppo.batch_size, ppoEpochs: config.ppo.ppo_epochs, learningRate: tc.ppoLearningRate,
                  klCoef: config.ppo.kl_coef, klTarget: config.ppo.kl_target, adaptiveKl: true, klHorizon: 10000, clipRange: config.ppo.clip_range,
                  clipRangeValue: config.ppo.clip_range, vfCoef: config.ppo.vf_coef, gamma: config.ppo.gamma, lam: config.ppo.lam,
                  maxNewTokens: config.ppo.max_new_tokens, temperature: config.ppo.temperature, topP: 1, maxGradNorm: config.sft.max_grad_norm,
                  seed: seedFor(seed, 'ppo'), klStop: 10,
                  onStep: (m) => metric({ topicId, attempt, phase: 'ppo', totalSteps: cap(tc.ppoSteps), ...m }),
                });
              if (res.stoppedReason) ar.notes.push(`PPO stopped: ${res.stoppedReason}`);
              const changed = paramsDiffer((await policy.readState()).params, (await reference.readState()).params);
              for (const w of judgePpo(res.history, changed)) warn('ppo', w);
              await saveAdapter(store, topicId, 'ppo', await policy.toAdapter(), { phase: 'ppo', steps: res.history.length, skippedSteps: res.skippedSteps, stoppedReason: res.stoppedReason });
              ar.adapters.ppo = adapterKey(topicId, 'ppo');
            } finally {
              for (const l of [reference, policy, rm]) l.release();
              rmHeadLoaded.release();
              value.release();
            }
            await phaseDone('ppo');
          }
          if (ar.adapters.ppo) finalKey = ar.adapters.ppo;
        }
      } else if (finalKey && inp.alignment === 'dpo' && want('dpo')) {
        if (pairs.length < 1) {
          ar.notes.push(identicalPairs ? `DPO skipped: all ${identicalPairs} pair(s) are identical within ${maxLen} tokens (raise max_seq_length)` : 'DPO skipped: no preference pairs');
        } else if (!done.includes('dpo')) {
          emit({ type: 'phase', topicId, phase: 'dpo', status: 'start' });
          const sft = (await loadAdapter(store, finalKey, model.config)).adapter;
          const reference = LoraParams.create(be, sft);
          const policy = LoraParams.create(be, sft);
          try {
            const res = await trainDpo(be, dec, policy, reference, pairs, {
              beta: config.dpo.beta, epochs: config.dpo.epochs, batchSize: config.dpo.batch_size, learningRate: config.dpo.learning_rate,
              warmupRatio: config.sft.warmup_ratio, maxGradNorm: config.sft.max_grad_norm, seed: seedFor(seed, 'dpo'), maxSteps: inp.maxSteps,
              onStep: (m) => metric({ topicId, attempt, phase: 'dpo', ...m }),
            });
            const changed = paramsDiffer((await policy.readState()).params, (await reference.readState()).params);
            for (const w of judgeTrainer('DPO', { steps: res.history.length, skippedSteps: res.skippedSteps, firstLoss: res.history[0]?.loss ?? null, lastLoss: res.history.at(-1)?.loss ?? null }, changed)) warn('dpo', w);
            await saveAdapter(store, topicId, 'dpo', await policy.toAdapter(), { phase: 'dpo', steps: res.history.length, skippedSteps: res.skippedSteps });
            ar.adapters.dpo = adapterKey(topicId, 'dpo');
          } finally {
            reference.release();
            policy.release();
          }
          await phaseDone('dpo');
        }
        if (ar.adapters.dpo) finalKey = ar.adapters.dpo;
      }

      // Evaluation
      let passed = want('eval') ? ar.passed : true;
      if (finalKey && want('eval') && !done.includes('eval')) {
        emit({ type: 'phase', topicId, phase: 'eval', status: 'start' });
        const lora = LoraParams.create(be, (await loadAdapter(store, finalKey, model.config)).adapter);
        try {
          const ev = await evaluateTopic(ctxFor(lora), { topicId, quiz, seenQuestions: sftRecords, threshold: tc.passThreshold, distinctions });
          ar.score = ev.score;
          ar.passed = passed = ev.passed;
          ar.evaluation = { source: ev.source, score: ev.score, threshold: ev.threshold, passed: ev.passed, distinctionFailures: ev.distinctionFailures, similarity: ev.similarityName, questions: ev.questions.length };
          metric({ topicId, attempt, phase: 'eval', score: ev.score, threshold: ev.threshold, passed: ev.passed, source: ev.source });
        } finally {
          lora.release();
          releaseEvalWorkspaces(be, dec);
        }
        await phaseDone('eval');
      }
      rec.score = ar.score;
      rec.passed = passed && want('eval');
      rec.finalAdapter = finalKey;
      st.attemptPhase = null;
      const next = retryDecision({ passed, evaluated: want('eval'), attempt, retries: config.retries, score: ar.score, previousScore: rec.attempts.find((a) => a.attempt === attempt - 1)?.score ?? null });
      if (next.note) ar.notes.push(next.note);
      if (next.finish) {
        // The topic is finished: fold its adapter into the base for the topics after it.
        if (finalKey && (rec.passed || config.merge.merge_failed || !want('eval'))) {
          dec.foldAdapter((await loadAdapter(store, finalKey, model.config)).adapter);
          st.folded.push(finalKey);
          (st.unitParts[unit] ??= []).push(finalKey);
          rec.merged = true;
        }
        break;
      }
      ar.notes.push(`attempt ${attempt} failed (score ${ar.score?.toFixed(3)} < ${tc.passThreshold}); retry ${attempt + 1} of ${config.retries} with one more SFT epoch and a new seed`);
      await checkpoint();
    }
  }
}

export { STATE_KEY };
