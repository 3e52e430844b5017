// run.json and report.md from a run's state: the pass rate first (topics passed out of topics trained),
// then the per-topic table, the curriculum's exams, the merges, and what to fix.
import { mdText } from '../util/markdown.ts';
import type { RunState, TopicRecord } from './pipeline.ts';

export interface PassRate {
  passed: number;
  trained: number;
  rate: number | null; // null when nothing was evaluated
}

export function passRate(state: RunState): PassRate {
  const evaluated = state.topics.filter((t) => t.trainable && t.score !== null);
  const passed = evaluated.filter((t) => t.passed).length;
  return { passed, trained: evaluated.length, rate: evaluated.length ? passed / evaluated.length : null };
}

export function runJson(state: RunState, similarity: { name: string; reason: string }): Record<string, unknown> {
  return {
    model: state.modelName,
    seed: state.seed,
    alignment: state.alignment,
    phases: state.phases,
    finished: state.finished,
    similarity,
    passRate: passRate(state),
    topics: state.topics.map((t) => ({
      id: t.id,
      trainable: t.trainable,
      untrainableReason: t.untrainableReason,
      phasesRun: t.phasesRun,
      attempts: t.attempts.map((a) => ({
        attempt: a.attempt,
        seed: a.seed,
        sftEpochs: a.sftEpochs,
        phases: a.phases,
        adapters: a.adapters,
        score: a.score,
        passed: a.passed,
        notes: a.notes,
        warnings: a.warnings ?? [],
        rewardLearned: a.rewardLearned ?? null,
        evaluation: a.evaluation,
      })),
      warnings: t.warnings ?? [],
      score: t.score,
      threshold: t.threshold,
      passed: t.passed,
      adapter: t.finalAdapter,
      merged: t.merged,
      truncatedExamples: t.truncatedExamples,
      identicalPairs: t.identicalPairs ?? 0,
    })),
    exams: state.exams,
    merged: state.merged,
  };
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? '—' : x.toFixed(3));

function fixFor(t: TopicRecord): string | null {
  if (!t.trainable) return `${mdText(t.id)}: not trained — ${t.untrainableReason}. Add examples (at least 2, answers over 50 characters).`;
  if (t.score === null) {
    // Not evaluated: still say what in the data held training back.
    const data: string[] = [];
    if (t.truncatedExamples) data.push(`${t.truncatedExamples} example(s) were cut at the maximum sequence length`);
    if (t.identicalPairs) data.push(`${t.identicalPairs} pair(s) were identical after truncation (raise max_seq_length)`);
    return data.length ? `${mdText(t.id)}: ${data.join('; ')}.` : null;
  }
  if (t.passed) return null;
  const gap = t.threshold - t.score;
  const notes = t.attempts.flatMap((a) => a.notes).filter((n) => !n.startsWith('attempt'));
  const hints = [`score ${num(t.score)} is ${gap.toFixed(3)} below its threshold ${t.threshold}`];
  if (t.truncatedExamples) hints.push(`${t.truncatedExamples} example(s) were cut at the maximum sequence length`);
  if (t.identicalPairs) hints.push(`${t.identicalPairs} pair(s) were identical after truncation (raise max_seq_length)`);
  hints.push(...notes);
  return `${mdText(t.id)}: ${hints.join('; ')}. More in-voice examples and pairs for this topic, or more SFT epochs, usually help.`;
}

export function renderRunReport(state: RunState, similarity: { name: string; reason: string }): string {
  const pr = passRate(state);
  const lines: string[] = [];
  lines.push('# Mindprint training report', '');
  lines.push(`**Pass rate: ${pr.passed} of ${pr.trained} topics (${pct(pr.rate)})**`, '');
  lines.push(
    `Model: ${mdText(state.modelName)} · alignment: ${state.alignment} · phases: ${state.phases.join(', ')} · seed: ${state.seed}${state.finished ? '' : ' · run not finished'}`,
  );
  lines.push(`Semantic similarity scored by: ${similarity.name}${similarity.reason ? ` (${similarity.reason})` : ''}`, '');
  lines.push('## Topics', '', '| Topic | Phases | Attempts | Score | Threshold | Result | Merged |', '|---|---|---:|---:|---:|---|---|');
  for (const t of state.topics) {
    const result = !t.trainable ? 'not trainable' : t.score === null ? 'not evaluated' : t.passed ? 'passed' : 'failed';
    lines.push(
      `| ${mdText(t.id)} | ${t.phasesRun.join(' → ') || '—'} | ${t.attempts.length} | ${num(t.score)} | ${t.threshold} | ${result} | ${t.merged ? 'yes' : 'no'} |`,
    );
  }
  lines.push('');
  if (state.exams.length) {
    lines.push('## Curriculum exams', '', '| Exam | Level | Questions | Accuracy | Mean voice | Bars met |', '|---|---|---:|---:|---:|---|');
    for (const e of state.exams)
      lines.push(`| ${mdText(e.title)} | ${e.level} | ${e.questions} | ${pct(e.accuracy)} | ${num(e.meanVoice)} | ${e.passed ? 'yes' : 'no'} |`);
    lines.push('');
  }
  if (state.merged.length) {
    lines.push('## Unit merges', '', '| Unit | Adapter | Rank | Compression error |', '|---|---|---:|---:|');
    for (const m of state.merged)
      lines.push(`| ${mdText(m.unit)} | ${mdText(m.key)} | ${m.rank} | ${m.relativeError === null ? 'exact' : m.relativeError.toExponential(2)} |`);
    const failed = state.topics.filter((t) => t.trainable && t.score !== null && !t.passed);
    const unevaluated = state.topics.filter((t) => t.trainable && t.merged && t.score === null);
    if (!state.phases.includes('eval'))
      lines.push('', 'Merge rule: evaluation was not among the phases, so there was no pass/fail to gate on and every trained topic was merged.');
    else if (unevaluated.length)
      lines.push('', `Merged without an evaluation score (no quiz answer could be scored): ${unevaluated.map((t) => mdText(t.id)).join(', ')}`);
    if (failed.length)
      lines.push(
        '',
        `Not merged (failed): ${
          failed
            .filter((t) => !t.merged)
            .map((t) => mdText(t.id))
            .join(', ') || 'none'
        }`,
      );
    lines.push('');
  }
  const warned = state.topics.filter((t) => t.warnings?.length);
  if (warned.length) {
    lines.push('## Phases that did not learn', '');
    lines.push(`${warned.length} topic(s) ran a phase that changed nothing or learned nothing; their results rest on less than the phases listed.`, '');
    for (const t of warned) for (const w of t.warnings!) lines.push(`- ${mdText(t.id)}: ${mdText(w)}`);
    lines.push('');
  }
  const fixes = state.topics.map(fixFor).filter((x): x is string => !!x);
  lines.push('## What to fix', '');
  const nothing =
    !state.phases.includes('eval') || pr.trained === 0
      ? '- Nothing found in the data; no topic was evaluated, so nothing is known about how well they learned.'
      : '- Nothing: every evaluated topic passed.';
  lines.push(...(fixes.length ? fixes.map((f) => `- ${f}`) : [nothing]));
  lines.push('');
  return lines.join('\n');
}
