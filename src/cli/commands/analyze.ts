// `mindprint analyze`: reads curriculum files, prints the quality figures per topic (or JSON), and
// optionally writes the markdown report.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { analyzeDataset, type Analysis } from '../../analysis/analyze.ts';
import { analysisToJson } from '../../analysis/json.ts';
import type { MarkerSource } from '../../analysis/marker-source.ts';
import type { VoiceMarkers } from '../../analysis/markers.ts';
import { renderReport } from '../../analysis/report.ts';
import { textTable } from '../../analysis/text-table.ts';
import { loadDataset } from '../../data/node-files.ts';
import { problemGroups, problemText, recordsText } from '../../data/problems.ts';
import type { Dataset, ParsedFile } from '../../data/types.ts';
import { parseCommandArgs, UsageError, type Command } from '../command.ts';
import { loadGivenMarkers, markersLines, resolveMarkers } from '../markers-input.ts';

/** The package's sample curriculum, used when no paths are given. */
export const SAMPLE_DATA_DIR = fileURLToPath(new URL('../../../sample-data/', import.meta.url));

const ERRORS_SHOWN = 5;

/**
 * Loads the dataset (sample data when no paths) and the markers (--markers FILE, else the folder's
 * voice_markers.yaml, else provisional ones from its pairs, else none); nothing readable → UsageError.
 */
export async function loadInputs(paths: string[], markersFile: string | undefined): Promise<{ ds: Dataset; markers: VoiceMarkers; source: MarkerSource }> {
  const inputs = paths.length ? paths : [SAMPLE_DATA_DIR];
  const given = await loadGivenMarkers(markersFile);
  let ds: Dataset;
  try {
    ds = await loadDataset(inputs);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const records = ds.files.reduce((s, f) => s + f.records, 0);
  if (records === 0) {
    const why = ds.files.flatMap((f) => {
      const details = fileProblems(f);
      if (details.length) return details;
      return [`  ${f.path}: ${f.empty ? 'empty' : 'no records'}`];
    });
    throw new UsageError(`nothing readable: no valid record in the files given:\n${why.join('\n')}`);
  }
  return { ds, ...(await resolveMarkers(inputs, given, ds)) };
}

/** A file's problems under one heading line ("quiz_data.json: 2 entries not read, 1 read with a
 *  warning"), the first few of each kind listed; duplicates are only counted. */
function fileProblems(f: ParsedFile): string[] {
  const groups = problemGroups(f);
  if (groups.length === 0) return [];
  const lines = [`  ${f.path}: ${groups.map((g) => g.summary).join(', ')}`];
  for (const g of groups) {
    if (g.kind === 'duplicates') continue;
    const warn = g.kind === 'warnings' ? 'warning: ' : '';
    for (const e of g.problems.slice(0, ERRORS_SHOWN)) lines.push(`    ${warn}${problemText(e)}`);
    if (g.problems.length > ERRORS_SHOWN) lines.push(`    … and ${g.problems.length - ERRORS_SHOWN} more`);
  }
  return lines;
}

function filesSummary(ds: Dataset): string {
  const lines = [
    textTable(
      ['File', 'Kind', 'Records', 'Errors', 'Warnings', 'Duplicates'],
      ds.files.map((f) => [
        f.path,
        f.empty ? 'empty' : f.kind,
        recordsText(f),
        String(f.errors.length),
        String(f.warnings?.length ?? 0),
        String(f.duplicates.length),
      ]),
      [2, 3, 4, 5],
    ),
  ];
  for (const f of ds.files) lines.push(...fileProblems(f));
  return lines.join('\n');
}

function topicsSummary(a: Analysis): string {
  return textTable(
    ['Topic', 'SFT', 'Out chars', 'Density', 'Pairs', 'Quality', 'High', 'Dist.', 'Quiz', 'Recs'],
    a.topics.map((t) => [
      t.id,
      String(t.sft.examples),
      String(Math.round(t.sft.outputChars.mean)),
      t.sft.voiceDensity.toFixed(1),
      String(t.preference.pairs),
      t.preference.pairs ? t.preference.meanQuality.toFixed(2) : '-',
      t.preference.pairs ? `${Math.round(t.preference.highQualityShare * 100)}%` : '-',
      String(t.distinctions),
      String(t.evalQuestions.open + t.evalQuestions.multiple_choice + t.evalQuestions.true_false),
      String(t.recommendations.length),
    ]),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
}

function overallSummary(a: Analysis): string {
  const p = a.preference;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const flagTotal = Object.values(a.flagCounts).reduce((s, n) => s + n, 0);
  const flagParts = Object.entries(a.flagCounts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`);
  const evalParts = Object.entries(a.evalSets).map(([lv, e]) => `${lv} ${e.sets} sets/${e.questions} q`);
  return [
    `Preference: ${p.pairs} pairs, mean quality ${p.meanQuality.toFixed(2)}, high ${p.highQuality} (${pct(p.highQualityShare)}), ` +
      `low ${p.lowQuality} (${pct(p.lowQualityShare)}), unassigned ${p.unassigned.count}`,
    `SFT: ${a.sftExamples} examples over ${a.topics.length} topics; distinctions ${a.totalDistinctions} (${a.globalDistinctions} curriculum-wide)`,
    `Evaluation: ${evalParts.join(', ')}`,
    `Flags: ${flagTotal}${flagParts.length ? ` (${flagParts.join(', ')})` : ''}`,
  ].join('\n');
}

export const command: Command = {
  summary: 'Quality report of curriculum data: per-topic figures, preference quality, flags',
  usage: [
    'Usage: mindprint analyze [dir|files...] [--markers FILE] [--json] [--report FILE]',
    '',
    'Reads curriculum files (JSONL: SFT, preference pairs, critical distinctions; JSON: evaluation sets)',
    'and prints, per topic, the SFT and preference figures the training thresholds rely on.',
    'With no paths, analyses the bundled sample-data/ folder.',
    '',
    'Options:',
    "  --markers FILE  voice markers YAML (default: the folder's own voice_markers.yaml, else provisional",
    '                  markers discovered in its preference pairs; see `mindprint markers suggest`)',
    '  --json          print one JSON object (markers, files, topics, preference, evalSets, flags)',
    '  --report FILE   also write the markdown report to FILE',
    '',
    'Exit status: 0 when it ran (even with bad lines, which are listed), 2 when nothing readable was given.',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { markers: { type: 'string' }, json: { type: 'boolean' }, report: { type: 'string' } });
    const { ds, markers, source } = await loadInputs(positionals, values.markers);
    const a = analyzeDataset(ds, markers, source);
    if (values.report) await writeFile(values.report, renderReport(a), 'utf8');
    if (values.json) {
      console.log(JSON.stringify(analysisToJson(ds, a), null, 2));
      return 0;
    }
    console.log(markersLines(source, markers, positionals.length === 1 ? positionals[0] : 'DIR').join('\n'));
    console.log('');
    console.log(filesSummary(ds));
    console.log('');
    console.log(topicsSummary(a));
    console.log('');
    console.log(overallSummary(a));
    if (values.report) console.log(`Report written to ${values.report}`);
    return 0;
  },
};
