// `mindprint eval --model DIR|tiny [--adapter DIR] [--data DIR] [--json] ...`: the evaluation alone on
// any adapter: every topic quiz against its adaptive pass threshold, then the curriculum's exams.
import { analyzeDataset } from '../../analysis/analyze.ts';
import { adaptTopics } from '../../analysis/adaptive.ts';
import { loadDefaultPipelineConfig } from '../../analysis/node-defaults.ts';
import { textTable } from '../../analysis/text-table.ts';
import type { Dataset, Distinction, EvalSet, Topic } from '../../data/types.ts';
import type { GpuTensor } from '../../engine/op.ts';
import { resolveSimilarity, type ResolvedSimilarity } from '../../training/embedder.ts';
import { evaluateTopic, releaseEvalWorkspaces, runExam, type EvalContext, type ExamResult, type TopicEvaluation } from '../../training/evaluate.ts';
import { parseCommandArgs, UsageError, type Command } from '../command.ts';
import { markersName, type MarkerSource } from '../../analysis/marker-source.ts';
import { loadInputs } from './analyze.ts';
import { PRECISION_OPTIONS, PRECISION_USAGE, precisionFromFlags } from '../precision-flags.ts';
import { loadModelArg, openEngine } from './logits.ts';

const usage = `Usage: mindprint eval --model DIR|ORG/NAME[@REV]|tiny [--token TOKEN] [--adapter DIR] [--data DIR] [--json] [--embedder DIR]
                      [--markers FILE] [--max-new-tokens N] [--topics ID,...]

Evaluates a model (and optionally a PEFT LoRA adapter, trained here or elsewhere) as the curriculum
defines it: every topic's quiz (or, without one, the topic's own SFT questions, reported as seen
questions) scored against the topic's adaptive pass threshold, then the chapter tests, unit exams and
final assessment against their bars. Open questions are answered greedily with the chat template and
scored 0.5 semantic similarity + 0.3 voice + 0.1 no critical-distinction violation + 0.1 no negative
pattern; multiple-choice and true/false questions by the policy's mean token log-likelihood of each
option; a topic also needs every critical distinction (its own and the curriculum-wide ones) to give
the correct statement a higher mean token log-likelihood than the misconception.

Options:
  --model DIR           Hugging Face model folder, a Hub id ORG/NAME[@REV] (from the Hugging Face
                        cache, downloaded if missing), or 'tiny' for the generated tiny model
  --token TOKEN         Hugging Face access token for gated or private Hub models (default: HF_TOKEN)
${PRECISION_USAGE}
  --adapter DIR         PEFT LoRA adapter folder applied on top of the base weights
  --data DIR            curriculum folder (default: the bundled sample-data/)
  --json                print one JSON object: {similarity: {name, reason}, topics, exams, passRate, ...}
  --embedder DIR        sentence-embedding model folder (all-MiniLM-L6-v2 in ONNX); without it the
                        local Hugging Face cache is tried, then the lexical similarity is used
  --markers FILE        voice markers YAML (default: the curriculum folder's voice_markers.yaml, else
                        provisional markers discovered in its preference pairs)
  --max-new-tokens N    most tokens of a generated answer, a positive integer (default 512)
  --topics ID,...       evaluate only these topics, and only the chapter tests and unit exams that
                        cover one of them (the final assessment is skipped)

The pass rate is topics passed out of topics evaluated. Exit status 0 when the evaluation ran,
whatever the scores; 2 for a usage error.`;

/** Whether a curriculum part (`unit-01`, `unit-01/chapter-01`) contains a topic id. */
function covers(scope: string, topicId: string): boolean {
  return topicId === scope || topicId.startsWith(`${scope}/`);
}

/** The distinctions that guard a scope: its own topics' and the curriculum-wide ones ('final': all). */
function distinctionsFor(ds: Dataset, scope: string): Distinction[] {
  return ds.distinctions.filter((d) => d.topicId === null || scope === 'final' || covers(scope, d.topicId));
}

const EXAM_ORDER = { chapter: 0, unit: 1, final: 2, topic: 3 } as const;

/** The exams to take: chapter tests, unit exams, final assessment (with --topics, those covering a selected topic). */
function examSets(ds: Dataset, selected: string[] | null): EvalSet[] {
  return ds.evalSets
    .filter((s) => s.level !== 'topic')
    .filter((s) => selected === null || (s.level !== 'final' && selected.some((t) => covers(s.scopeId, t))))
    .sort((a, b) => EXAM_ORDER[a.level] - EXAM_ORDER[b.level]);
}

function parseMaxNewTokens(text: string | undefined): number {
  if (text === undefined) return 512;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n <= 0) throw new UsageError(`--max-new-tokens: expected a positive integer, got '${text}'`);
  return n;
}

const f3 = (x: number) => x.toFixed(3);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function printTables(topics: TopicEvaluation[], exams: ExamResult[], skipped: string[]): void {
  console.log(
    textTable(
      ['Topic', 'Questions', 'Source', 'Score', 'Threshold', 'Dist. failed', 'Result'],
      topics.map((t) => [
        t.topicId,
        String(t.questions.length),
        t.source,
        f3(t.score),
        f3(t.threshold),
        `${t.distinctionFailures}/${t.distinctions.length}`,
        t.passed ? 'pass' : 'FAIL',
      ]),
      [1, 3, 4, 5],
    ),
  );
  for (const s of skipped) console.log(`(${s}: no quiz and no SFT questions to ask; not counted)`);
  if (exams.length) {
    console.log('');
    console.log(
      textTable(
        ['Exam', 'Level', 'Questions', 'Accuracy (bar)', 'Mean voice (bar)', 'Result'],
        exams.map((e) => {
          const s = e.summary;
          return [
            e.title,
            e.level,
            String(s.questions.length),
            `${pct(s.accuracy)} (${pct(s.bars.accuracy)})`,
            s.meanVoice === null ? 'n/a' : `${f3(s.meanVoice)} (${f3(s.bars.voice)})`,
            s.passed ? 'pass' : 'FAIL',
          ];
        }),
        [2, 3, 4],
      ),
    );
  }
}

/** The topic ids --topics names, checked against the data; null when --topics is not given (every topic). */
function parseTopicsArg(text: string | undefined, ds: Dataset): string[] | null {
  if (text === undefined) return null;
  const selected = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = new Set(ds.topics.map((t) => t.id));
  const unknown = selected.filter((t) => !known.has(t));
  if (selected.length === 0 || unknown.length) {
    throw new UsageError(
      `--topics: unknown topic${unknown.length === 1 ? '' : 's'} ${unknown.join(', ') || '(none given)'}; the data has ${[...known].join(', ')}`,
    );
  }
  return selected;
}

type Log = (line: string) => void;

/** Evaluates each topic with a quiz or SFT questions against its adaptive threshold; the others are returned as skipped. */
async function evaluateTopics(
  ctx: EvalContext<GpuTensor>,
  ds: Dataset,
  topics: Topic[],
  thresholds: Map<string, number>,
  log: Log,
): Promise<{ topicResults: TopicEvaluation[]; skipped: string[] }> {
  const topicResults: TopicEvaluation[] = [];
  const skipped: string[] = [];
  for (const t of topics) {
    const quiz = ds.evalSets.find((s) => s.level === 'topic' && s.scopeId === t.id) ?? null;
    const seenQuestions = ds.sft.filter((r) => r.topicId === t.id);
    if (!quiz && seenQuestions.length === 0) {
      skipped.push(t.id);
      continue;
    }
    const threshold = thresholds.get(t.id);
    if (threshold === undefined) throw new Error(`eval: no adaptive config for topic ${t.id} (analysis and dataset disagree)`);
    const distinctions = ds.distinctions.filter((d) => d.topicId === null || d.topicId === t.id);
    const r = await evaluateTopic(ctx, { topicId: t.id, quiz, seenQuestions, threshold, distinctions });
    log(
      `topic ${t.id}: ${r.questions.length} ${r.source === 'quiz' ? 'quiz' : 'seen'} questions, score ${f3(r.score)} / ${f3(threshold)}: ${r.passed ? 'pass' : 'FAIL'}`,
    );
    topicResults.push(r);
  }
  return { topicResults, skipped };
}

/** Takes the exams in order (chapter tests, unit exams, final), each judged with its scope's distinctions. */
async function takeExams(ctx: EvalContext<GpuTensor>, ds: Dataset, selected: string[] | null, log: Log): Promise<ExamResult[]> {
  const exams: ExamResult[] = [];
  for (const set of examSets(ds, selected)) {
    const r = await runExam({ ...ctx, distinctions: distinctionsFor(ds, set.scopeId) }, set);
    log(`${set.level} ${set.title}: accuracy ${pct(r.summary.accuracy)}: ${r.summary.passed ? 'pass' : 'FAIL'}`);
    exams.push(r);
  }
  return exams;
}

/** What was evaluated and with what, as the report states it. */
interface RunInfo {
  model: string;
  adapter: string | null;
  maxNewTokens: number;
  resolved: ResolvedSimilarity;
  source: MarkerSource;
}

/** Prints the results: one JSON object with --json, else the tables, the pass rate and what scored them. */
function printResults(info: RunInfo, topicResults: TopicEvaluation[], skipped: string[], exams: ExamResult[], json: boolean): void {
  const { resolved, source } = info;
  const passed = topicResults.filter((t) => t.passed).length;
  const passRate = topicResults.length ? passed / topicResults.length : 0;
  if (json) {
    console.log(
      JSON.stringify(
        {
          model: info.model,
          adapter: info.adapter,
          maxNewTokens: info.maxNewTokens,
          similarity: { name: resolved.similarity.name, reason: resolved.reason },
          markers: source,
          topics: topicResults,
          skippedTopics: skipped,
          exams,
          topicsPassed: passed,
          topicsEvaluated: topicResults.length,
          passRate,
        },
        null,
        2,
      ),
    );
    return;
  }
  printTables(topicResults, exams, skipped);
  console.log('');
  console.log(`Pass rate: ${passed}/${topicResults.length} topics (${pct(passRate)})`);
  console.log(`Scored with ${resolved.similarity.name}: ${resolved.reason}`);
  console.log(`Voice scored with the markers: ${markersName(source)}`);
}

export const command: Command = {
  summary: 'evaluate a model/adapter on the curriculum: topic quizzes against thresholds, chapter tests, unit exams, final',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      model: { type: 'string' },
      token: { type: 'string' },
      ...PRECISION_OPTIONS,
      adapter: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean' },
      embedder: { type: 'string' },
      markers: { type: 'string' },
      'max-new-tokens': { type: 'string' },
      topics: { type: 'string' },
    });
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'\n\n${usage}`);
    if (!values.model) throw new UsageError(`--model DIR|tiny is required\n\n${usage}`);
    const maxNewTokens = parseMaxNewTokens(values['max-new-tokens']);
    const { ds, markers, source } = await loadInputs(values.data ? [values.data] : [], values.markers);

    const configs = adaptTopics(analyzeDataset(ds, markers, source), await loadDefaultPipelineConfig());
    const thresholds = new Map(configs.map((c) => [c.id, c.passThreshold]));
    const selected = parseTopicsArg(values.topics, ds);
    const topics = ds.topics.filter((t) => selected === null || selected.includes(t.id));

    const resolved = await resolveSimilarity(values.embedder ? { localDir: values.embedder } : {});
    if (values.embedder && resolved.similarity.kind !== 'embedding') throw new UsageError(`--embedder ${values.embedder}: ${resolved.reason}`);
    const log = (line: string) => console.error(line);
    log(`similarity: ${resolved.reason}`);
    log(`voice markers: ${markersName(source)}`);

    const bundle = await loadModelArg(values.model, values.token, precisionFromFlags(values));
    const e = await openEngine(bundle, values.adapter);
    try {
      const ctx: EvalContext<GpuTensor> = {
        be: e.be,
        dec: e.decoder,
        lora: e.lora,
        tokenizer: bundle.tokenizer,
        markers,
        distinctions: [],
        similarity: resolved.similarity,
        maxNewTokens,
      };
      const { topicResults, skipped } = await evaluateTopics(ctx, ds, topics, thresholds, log);
      const exams = await takeExams(ctx, ds, selected, log);
      releaseEvalWorkspaces(e.be, e.decoder);
      const info: RunInfo = { model: bundle.name, adapter: values.adapter ?? null, maxNewTokens, resolved, source };
      printResults(info, topicResults, skipped, exams, values.json === true);
      return 0;
    } finally {
      e.close();
    }
  },
};
