// `mindprint markers suggest`: voice markers discovered in a curriculum's own preference pairs (the
// phrases the chosen answers use and the rejected ones lack), ranked, with counts; as a table, JSON,
// or a voice_markers.yaml to review.
import { access, writeFile } from 'node:fs/promises';
import { discoverMarkers, type MarkerDiscovery } from '../../analysis/marker-discovery.ts';
import { coveringMarker, suggestionsToYaml } from '../../analysis/marker-source.ts';
import { loadFolderMarkers } from '../../analysis/node-defaults.ts';
import { textTable } from '../../analysis/text-table.ts';
import { loadDataset } from '../../data/node-files.ts';
import type { Dataset } from '../../data/types.ts';
import { parseCommandArgs, UsageError, type Command } from '../command.ts';

const usage = `Usage: mindprint markers suggest DIR [--json] [--top N] [--out FILE.yaml] [--force]

Discovers voice markers in the curriculum's preference pairs: the phrases (1-4 words, with the comma
or colon after them when they carry one: "Look,", "Here's the thing") that the chosen answers use and
the rejected answers lack. A phrase is ranked by the pairs whose chosen answer uses it more (per word)
than the rejected one, minus the pairs where it is the other way round; occurrences inside a longer
suggested phrase count for the longer one only. Works best when each rejected answer is the chosen
answer with the voice taken out.

Options:
  --top N          list (and write) the N best suggestions (default 20)
  --json           print {pairs, differingPairs, examined, minSupport, suggestions: [{phrase, words, support,
                   against, score, pairsWith, chosenCount, rejectedCount, category, pattern}], markersFile}
  --out FILE.yaml  write the suggestions as a voice_markers.yaml (density markers, and confidence and
                   psychology patterns where their words suggest it) to review, e.g. DIR/voice_markers.yaml
  --force          let --out replace an existing file

Exit status: 0 when it ran (also when nothing separates the pairs), 2 when DIR has no readable
preference pairs or the arguments are wrong.`;

function positiveInt(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
  return n;
}

function table(d: MarkerDiscovery, covering: (phrase: string) => string | null): string {
  return textTable(
    ['#', 'Phrase', 'Score', 'Separates', 'Against', 'In chosen', 'In rejected', 'Category', ''],
    d.suggestions.map((s, i) => [
      String(i + 1),
      JSON.stringify(s.phrase),
      String(s.score),
      `${s.support} of ${d.examined}`,
      String(s.against),
      String(s.chosenCount),
      String(s.rejectedCount),
      s.category ?? '-',
      covering(s.phrase) === null ? '' : `in use (${JSON.stringify(covering(s.phrase))})`,
    ]),
    [0, 2, 3, 4, 5, 6],
  );
}

export const command: Command = {
  summary: "Suggest voice markers from the curriculum's own preference pairs (marker discovery)",
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, {
      json: { type: 'boolean' },
      top: { type: 'string' },
      out: { type: 'string' },
      force: { type: 'boolean' },
    });
    const [sub, dir, ...rest] = positionals;
    if (sub !== 'suggest') throw new UsageError(`expected 'suggest', got ${sub === undefined ? 'nothing' : `'${sub}'`}\n\n${usage}`);
    if (!dir) throw new UsageError(`suggest: give the curriculum folder (or files)\n\n${usage}`);
    if (rest.length) throw new UsageError(`suggest: one curriculum folder, got also '${rest[0]}'`);
    const top = positiveInt(values.top, 'top', 20);

    let ds: Dataset;
    try {
      ds = await loadDataset([dir]);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (ds.preference.length === 0) {
      throw new UsageError(`${dir}: no preference pairs (prompt, chosen, rejected): marker discovery reads them`);
    }
    const t0 = performance.now();
    const d = discoverMarkers(ds.preference, { top });
    const ms = performance.now() - t0;
    const folder = await loadFolderMarkers([dir]).catch(() => null); // only to mark phrases already in use

    if (values.out) {
      if (
        !values.force &&
        (await access(values.out).then(
          () => true,
          () => false,
        ))
      ) {
        throw new UsageError(`--out ${values.out}: the file exists; use --force to replace it`);
      }
      if (d.suggestions.length) {
        await writeFile(
          values.out,
          suggestionsToYaml(d, d.suggestions, [
            `Voice markers suggested by \`mindprint markers suggest\` from ${d.pairs} preference pairs in ${dir}.`,
            'Each phrase is used in the chosen answers and absent from the rejected ones; keep the ones that',
            "are the teacher's voice, delete the rest, and add terminology and negative_patterns yourself.",
          ]),
          'utf8',
        );
      }
    }
    if (values.json) {
      console.log(JSON.stringify({ ...d, markersFile: folder?.file ?? null, ms: Math.round(ms) }, null, 2));
      return 0;
    }
    console.log(
      `Marker suggestions from ${d.pairs} preference pairs (${d.differingPairs} with answers that differ` +
        `${d.examined < d.differingPairs ? `, ${d.examined} of them examined` : ''}; ` +
        `a phrase must separate at least ${d.minSupport}) in ${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`}`,
    );
    if (folder) console.log(`The folder has its own markers (${folder.file}); "in use" marks the phrases its markers already count.`);
    console.log('');
    if (d.suggestions.length === 0) {
      console.log('No phrase separates the pairs: the rejected answers are not the chosen ones with the voice taken out.');
      return 0;
    }
    console.log(table(d, (p) => (folder ? coveringMarker(folder.markers, p) : null)));
    console.log('');
    if (values.out) console.log(d.suggestions.length ? `Written to ${values.out}: review it, then keep it as ${dir}/voice_markers.yaml.` : '');
    else
      console.log(
        `Write them for review: mindprint markers suggest ${dir} --out ${dir}/voice_markers.yaml (or accept them one by one in the studio's Voice markers tab).`,
      );
    return 0;
  },
};
