// The markdown quality report: SFT and preference tables by topic, overall preference figures,
// top topics, recommendations, flags and the metric definitions.
import { mdCode, mdText } from '../util/markdown.ts';
import {
  HIGH_QUALITY,
  LOW_QUALITY,
  MAX_FLAGS_PER_KIND,
  NEAR_IDENTICAL,
  TARGETS,
  type Analysis,
  type FlagKind,
  type MarkersInUse,
  type TopicAnalysis,
} from './analysis-types.ts';
import { markersName, notJudgedWhy } from './marker-source.ts';

const FLAGS_LISTED = 50;
const TOP_N = 5;

/** User text (ids, file names, messages) as plain text in a paragraph or table cell. */
const cell = mdText;
/** Fixed decimals without a "-0.0" for tiny negatives. */
const fixed = (x: number, digits: number) => {
  const s = x.toFixed(digits);
  return Number(s) === 0 ? (0).toFixed(digits) : s;
};
const f1 = (x: number) => fixed(x, 1);
const f2 = (x: number) => fixed(x, 2);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const int = (x: number) => Math.round(x).toString();
const count = (n: number, noun: string, plural = `${noun}s`) => `${n} ${n === 1 ? noun : plural}`;

/** A markdown table: the first column left-aligned, the rest right-aligned, cells escaped. */
function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

const FLAG_TITLES: Record<FlagKind, string> = {
  'identical-pair': 'Identical pairs (chosen = rejected)',
  'near-identical-pair': `Near-identical pairs (similarity ≥ ${NEAR_IDENTICAL})`,
  'chosen-less-voice': 'Chosen with less voice than rejected',
  'negative-pattern': 'Negative patterns in answers in the voice',
  'duplicate-prompt': 'Duplicate prompts',
};

/** The topics leading by pair quality, by voice density and by amount of data. */
function topTopics(a: Analysis): string[] {
  const out: string[] = [];
  const withPairs = a.topics.filter((t) => t.preference.pairs > 0);
  const byQuality = [...withPairs].sort((x, y) => y.preference.meanQuality - x.preference.meanQuality).slice(0, TOP_N);
  const withSft = a.topics.filter((t) => t.sft.examples > 0);
  const byDensity = [...withSft].sort((x, y) => y.sft.voiceDensity - x.sft.voiceDensity).slice(0, TOP_N);
  const bySize = [...a.topics].sort((x, y) => y.sft.examples + y.preference.pairs - (x.sft.examples + x.preference.pairs)).slice(0, TOP_N);
  const list = (ts: TopicAnalysis[], show: (t: TopicAnalysis) => string) =>
    ts.length ? ts.map((t, i) => `${i + 1}. ${mdCode(t.id)}: ${show(t)}`) : ['(none)'];
  out.push('**By mean pair quality**', '', ...list(byQuality, (t) => `${f2(t.preference.meanQuality)} over ${count(t.preference.pairs, 'pair')}`), '');
  out.push('**By voice density**', '', ...list(byDensity, (t) => `${f1(t.sft.voiceDensity)} per 100 words over ${count(t.sft.examples, 'output')}`), '');
  out.push('**By amount of data**', '', ...list(bySize, (t) => `${count(t.sft.examples, 'SFT example')}, ${count(t.preference.pairs, 'pair')}`), '');
  return out;
}

/** Which markers measured the figures, and what the figures may be held to. */
function markersSection(mk: MarkersInUse): string[] {
  const L = [`**Voice markers: ${markersName(mk)}**`];
  if (mk.origin === 'none') {
    L.push(
      '',
      'No voice markers yet: write or discover them. Put a voice_markers.yaml in the curriculum folder, edit them in the studio, ' +
        'or let marker discovery propose them from your preference pairs (`mindprint markers suggest DIR`). ' +
        'Until then voice density is not measured, pair quality counts length only, and neither is held against its target.',
    );
  } else {
    L.push(
      `${count(mk.densityMarkers, 'density marker')}, ${count(mk.categories.length, 'category', 'categories')}${mk.categories.length ? ` (${mk.categories.join(', ')})` : ''}, ${count(mk.negativePatterns, 'negative pattern')}.`,
    );
    if (!mk.judged) {
      L.push(
        '',
        'These markers are provisional suggestions from your own pairs, so voice density and pair quality are shown but not held ' +
          "against their targets (calibrated on a curriculum's full list of markers). Review them to make them yours.",
      );
    }
  }
  return [...L, ''];
}

/** The title and the one-line summary of what the dataset holds. */
function summarySection(a: Analysis): string[] {
  const p = a.preference;
  return [
    '# Mindprint data quality report',
    '',
    `${a.topics.length} topics · ${a.sftExamples} SFT examples · ${p.pairs} preference pairs · ` +
      `${a.totalDistinctions} critical distinctions (${a.globalDistinctions} curriculum-wide) · ` +
      `${Object.values(a.evalSets).reduce((s, e) => s + e.questions, 0)} evaluation questions`,
    '',
  ];
}

/** The SFT table: example counts, length statistics, density and category scores per topic. */
function sftSection(a: Analysis): string[] {
  return [
    '## SFT by topic',
    '',
    ...table(
      ['Topic', 'Examples', 'Instr. mean', 'Output mean', 'Median', 'P10', 'P90', 'Min', 'Max', 'Density', ...a.categories],
      a.topics.map((t) => {
        const o = t.sft.outputChars;
        return [
          t.id,
          String(t.sft.examples),
          int(t.sft.instructionChars.mean),
          int(o.mean),
          int(o.median),
          int(o.p10),
          int(o.p90),
          int(o.min),
          int(o.max),
          f1(t.sft.voiceDensity),
          ...a.categories.map((c) => f2(t.sft.categoryScores[c] ?? 0)),
        ];
      }),
    ),
    '',
  ];
}

/** The preference table: pair counts and quality, distinctions and quiz questions per topic. */
function preferenceSection(a: Analysis): string[] {
  return [
    '## Preference pairs by topic',
    '',
    ...table(
      [
        'Topic',
        'Pairs',
        'Mean quality',
        `High (> ${HIGH_QUALITY})`,
        `Low (< ${LOW_QUALITY})`,
        'High share',
        'Quality ratio',
        'Density gap',
        'Distinctions',
        'Quiz questions',
      ],
      a.topics.map((t) => {
        const q = t.preference;
        const quiz = t.evalQuestions.open + t.evalQuestions.multiple_choice + t.evalQuestions.true_false;
        return [
          t.id,
          String(q.pairs),
          q.pairs ? f2(q.meanQuality) : '-',
          String(q.highQuality),
          String(q.lowQuality),
          q.pairs ? pct(q.highQualityShare) : '-',
          q.pairs ? f2(q.qualityRatio) : '-',
          q.pairs ? f1(q.meanDensityGap) : '-',
          String(t.distinctions),
          String(quiz),
        ];
      }),
    ),
    '',
  ];
}

/** The figures over all pairs, with the first unassigned prompts. */
function overallSection(a: Analysis): string[] {
  const p = a.preference;
  const L = ['## Overall preference figures', ''];
  L.push(`- Total pairs: ${p.pairs}`);
  L.push(`- Mean quality: ${f2(p.meanQuality)}`);
  L.push(`- High quality (> ${HIGH_QUALITY}): ${p.highQuality} (${pct(p.highQualityShare)})`);
  L.push(`- Low quality (< ${LOW_QUALITY}): ${p.lowQuality} (${pct(p.lowQualityShare)})`);
  L.push(`- Quality ratio: ${f2(p.qualityRatio)} (mean chosen ${int(p.meanChosenChars)} chars, mean rejected ${int(p.meanRejectedChars)} chars)`);
  L.push(`- Unassigned pairs (no topic, prompt matches no SFT instruction): ${p.unassigned.count}`);
  for (const prompt of p.unassigned.prompts.slice(0, 20)) L.push(`  - ${cell(prompt.length > 120 ? prompt.slice(0, 117) + '...' : prompt)}`);
  if (p.unassigned.count > 20) L.push(`  - … and ${p.unassigned.count - 20} more`);
  L.push('');
  return L;
}

/** The table of evaluation sets and questions per level. */
function evalSection(a: Analysis): string[] {
  return [
    '## Evaluation sets',
    '',
    ...table(
      ['Level', 'Sets', 'Questions'],
      (['topic', 'chapter', 'unit', 'final'] as const).map((lv) => [lv, String(a.evalSets[lv].sets), String(a.evalSets[lv].questions)]),
    ),
    '',
  ];
}

/** The targets and each topic's recommendations, with how many topics meet every target. */
function recommendationsSection(a: Analysis): string[] {
  const L = ['## Recommendations', ''];
  L.push(
    `Targets: ${TARGETS.minPairs}-${TARGETS.maxPairs} pairs, ${TARGETS.minOutputChars}-${TARGETS.maxOutputChars} character outputs, ` +
      `voice density > ${TARGETS.minDensity}, > ${TARGETS.minHighQualityShare * 100}% of pairs above ${HIGH_QUALITY}` +
      `${a.markers && !a.markers.judged ? ` (voice density and pair quality not judged: ${notJudgedWhy(a.markers)})` : ''}.`,
    '',
  );
  const needing = a.topics.filter((t) => t.recommendations.length > 0);
  if (needing.length === 0) L.push('Every topic meets the targets.');
  for (const t of needing) {
    L.push(`- ${mdCode(t.id)}`);
    for (const r of t.recommendations) L.push(`  - ${r}`);
  }
  L.push(`\n${a.topics.length - needing.length} of ${a.topics.length} topics meet every target.`, '');
  return L;
}

/** The flag counts by kind and the first flags of each kind with their file and line. */
function flagsSection(a: Analysis): string[] {
  const L = ['## Flags', ''];
  const total = Object.values(a.flagCounts).reduce((s, n) => s + n, 0);
  if (total === 0) L.push('No flags.', '');
  else {
    L.push(
      ...table(
        ['Flag', 'Count'],
        (Object.keys(FLAG_TITLES) as FlagKind[]).map((k) => [FLAG_TITLES[k], String(a.flagCounts[k])]),
      ),
      '',
    );
    for (const k of Object.keys(FLAG_TITLES) as FlagKind[]) {
      const items = a.flags.filter((f) => f.kind === k);
      if (items.length === 0) continue;
      L.push(`### ${FLAG_TITLES[k]}`, '');
      for (const f of items.slice(0, FLAGS_LISTED)) L.push(`- ${cell(f.file)}:${f.line} (${cell(f.topicId ?? 'unassigned')}): ${cell(f.message)}`);
      if (a.flagCounts[k] > FLAGS_LISTED) L.push(`- … and ${a.flagCounts[k] - FLAGS_LISTED} more`);
      L.push('');
    }
    if (Object.values(a.flagCounts).some((n) => n > MAX_FLAGS_PER_KIND)) L.push(`(At most ${MAX_FLAGS_PER_KIND} flags per kind are kept.)`, '');
  }
  return L;
}

/** How each figure in the report is defined. */
function definitionsSection(a: Analysis): string[] {
  return [
    '## Definitions',
    '',
    `- **Voice markers**: ${a.markers ? markersName(a.markers) : 'as given'}; a curriculum folder's voice_markers.yaml is used when present, then the studio's edits, else provisional markers suggested from the pairs.`,
    "- **Voice density** of a text: occurrences of the density markers (case-insensitive substring counts, summed over markers) per 100 whitespace-separated words. A topic's density is the mean over its SFT outputs.",
    "- **Category score**: per voice category, min(1, distinct patterns found / expected); a topic's score is the mean over its outputs.",
    `- **Pair quality**: 0.7 × min(len(chosen) / (len(rejected) + 1), 3) + 0.3 × (density(chosen) − density(rejected)), lengths in characters. High quality > ${HIGH_QUALITY}, low quality < ${LOW_QUALITY}.`,
    '- **Quality ratio**: mean chosen length / (mean rejected length + 1).',
    '- **Length statistics**: characters; P10/median/P90 by linear interpolation between closest ranks.',
    `- **Near-identical pair**: chosen and rejected differ but their normalised texts (lower case, punctuation dropped, whitespace collapsed) have a Dice coefficient over word bigrams ≥ ${NEAR_IDENTICAL}; identical = equal after trimming.`,
    '- **Duplicate prompt**: an SFT instruction (or a preference prompt) equal, after whitespace normalisation, to an earlier one.',
    '- **Unassigned pair**: a preference pair with no source whose prompt matches no SFT instruction.',
    '',
  ];
}

/** Renders the analysis as a markdown report. */
export function renderReport(a: Analysis): string {
  return [
    ...summarySection(a),
    ...(a.markers ? markersSection(a.markers) : []),
    ...sftSection(a),
    ...preferenceSection(a),
    ...overallSection(a),
    ...evalSection(a),
    '## Top topics',
    '',
    ...topTopics(a),
    ...recommendationsSection(a),
    ...flagsSection(a),
    ...definitionsSection(a),
  ].join('\n');
}
