// Which voice markers are in use and where they came from (named wherever a figure depends on
// them), provisional markers made from discovery's suggestions, and accepting or removing a
// suggestion in a markers YAML without losing its comments.
import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { MARKERS_FILE } from './analysis-types.ts';
import type { MarkerDiscovery, MarkerSuggestion } from './marker-discovery.ts';
import { parseMarkers, type VoiceMarkers } from './markers.ts';

export { MARKERS_FILE, isMarkersFile } from './analysis-types.ts';

/**
 * folder: the curriculum folder's voice_markers.yaml; file: a file the user named (--markers);
 * edited: edited in the studio; suggested: discovery's top suggestions, not reviewed yet; none.
 */
export type MarkerOrigin = 'folder' | 'file' | 'edited' | 'suggested' | 'none';

export interface MarkerSource {
  origin: MarkerOrigin;
  /** Where the markers came from, in words ("curriculum folder voice_markers.yaml"). */
  label: string;
  /** Whom they describe, from the file's `name:` ("sample teacher (Peg) markers — sample only"). */
  name?: string;
  /** The file they were read from. */
  file?: string;
}

/** How many suggestions make the provisional markers of a curriculum that has none. */
export const PROVISIONAL_MARKERS = 12;

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

export function markerSource(origin: MarkerOrigin, m: VoiceMarkers | null, file?: string): MarkerSource {
  const label = {
    folder: `curriculum folder ${file ? baseName(file) : MARKERS_FILE}`,
    file: `markers file ${file ?? ''}`.trim(),
    edited: 'edited in the studio',
    suggested: `suggested from your pairs (provisional: ${m?.densityMarkers.length ?? 0} phrases, not reviewed)`,
    none: 'no voice markers yet',
  }[origin];
  return { origin, label, ...(m?.name ? { name: m.name } : {}), ...(file ? { file } : {}) };
}

/** The markers named in one phrase: "sample teacher (Peg) markers — sample only (curriculum folder voice_markers.yaml)". */
export function markersName(src: MarkerSource): string {
  return src.name ? `${src.name} (${src.label})` : src.label;
}

/**
 * Whether voice density and pair quality may be held against the calibrated targets: only with the
 * user's own density markers (the targets assume a curriculum's full list, not a few suggestions).
 */
export function judgesMarkers(src: MarkerSource, m: VoiceMarkers): boolean {
  return src.origin !== 'none' && src.origin !== 'suggested' && m.densityMarkers.length > 0;
}

/** Why marker figures are not judged, in a few words; null when they are. */
export function notJudgedWhy(src: MarkerSource): string {
  return src.origin === 'suggested' ? 'provisional markers suggested from your pairs' : 'no voice markers yet';
}

/** Adds the markers line under a run report's heading block (after the similarity line). */
export function withMarkersLine(reportMd: string, source: MarkerSource): string {
  const line = `Voice scored with the markers: ${markersName(source)}`;
  const lines = reportMd.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Semantic similarity scored by'));
  lines.splice(at >= 0 ? at + 1 : Math.min(2, lines.length), 0, line);
  return lines.join('\n');
}

const EMPTY: VoiceMarkers = { densityMarkers: [], categories: {}, negativePatterns: [] };

const yamlString = (s: string) => JSON.stringify(s); // a JSON string is a valid double-quoted YAML scalar

/** Category → patterns of the suggestions that have a category. */
function categoriesOf(suggestions: MarkerSuggestion[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of suggestions) {
    if (!s.category) continue;
    const list = out.get(s.category) ?? [];
    list.push(s.pattern);
    out.set(s.category, list);
  }
  return out;
}

/**
 * A voice_markers.yaml for the given suggestions: each density marker with its counts, and the
 * category patterns their words suggest (expected: at most 2 found per answer).
 */
export function suggestionsToYaml(d: MarkerDiscovery, suggestions: MarkerSuggestion[], header: string[]): string {
  const L = header.map((h) => `# ${h}`);
  if (L.length) L.push(''); // a blank line: the header is the file's comment, not the first key's
  L.push('density_markers:');
  for (const s of suggestions) {
    L.push(`  - ${yamlString(s.phrase)}  # separates ${s.support} of ${d.examined} pairs; ${s.chosenCount}× in chosen, ${s.rejectedCount}× in rejected`);
  }
  const cats = categoriesOf(suggestions);
  if (cats.size) {
    L.push(
      '',
      "# The evaluation's voice categories these phrases suggest; terminology (the subject's own words)",
      '# stays in both answers of a pair, so discovery cannot find it: add it yourself.',
      'categories:',
    );
    for (const [name, patterns] of cats) {
      L.push(`  ${name}:`, `    expected: ${Math.min(2, patterns.length)}`, '    patterns:');
      for (const p of patterns) L.push(`      - ${yamlString(p)}`);
    }
  }
  return L.join('\n') + '\n';
}

/**
 * The markers for a curriculum without its own: discovery's top suggestions, provisional, or none
 * when the pairs suggest nothing (or there are none).
 */
export function provisionalMarkers(d: MarkerDiscovery | null): { markers: VoiceMarkers; yaml: string; source: MarkerSource } {
  const top = d ? d.suggestions.slice(0, PROVISIONAL_MARKERS) : [];
  if (!d || top.length === 0) {
    const yaml = [
      '# No voice markers yet: write or discover them.',
      `# Put a ${MARKERS_FILE} in the curriculum folder, list the phrases below, or accept suggestions`,
      '# discovered from your preference pairs.',
      'density_markers: []',
      '',
    ].join('\n');
    return { markers: EMPTY, yaml, source: markerSource('none', null) };
  }
  const yaml = suggestionsToYaml(d, top, [
    `${PROVISIONAL_HEADER} the ${top.length} phrases marker discovery found in your preference pairs`,
    '(used in the chosen answers, absent from the rejected ones). Review them: accept, edit or reject',
    `each suggestion, then keep them as ${MARKERS_FILE} in the curriculum folder.`,
  ]);
  const markers = parseMarkers(yaml, 'suggested markers');
  return { markers, yaml, source: markerSource('suggested', markers) };
}

const PROVISIONAL_HEADER = 'Provisional voice markers:';
const REVIEWED_HEADER = [
  ' Voice markers reviewed from the suggestions marker discovery found in your preference pairs.',
  ` Keep them as ${MARKERS_FILE} in the curriculum folder.`,
].join('\n');

/** Parses markers YAML for an edit; a reviewed file no longer says it is provisional. */
function load(yaml: string): Document {
  const doc: Document = parseDocument(yaml);
  if (doc.errors.length) throw new Error(`voice markers: not valid YAML: ${doc.errors[0].message}`);
  if (doc.contents === null) doc.contents = doc.createNode({});
  if (!isMap(doc.contents)) throw new Error('voice markers: (top level): expected a mapping with keys density_markers, categories, negative_patterns');
  if (doc.commentBefore?.trimStart().startsWith(PROVISIONAL_HEADER)) doc.commentBefore = REVIEWED_HEADER;
  return doc;
}

/** The markers as they are, made the user's own: the provisional header comment is replaced. */
export function keepSuggestions(yaml: string): string {
  return load(yaml).toString();
}

const same = (a: unknown, b: string, fold: boolean) => {
  const v = isScalar(a) ? a.value : a;
  return typeof v === 'string' && (fold ? v.toLowerCase() === b.toLowerCase() : v === b);
};

/**
 * The density marker that already counts a phrase: the phrase itself, else the longest marker inside
 * it (counting is by case-insensitive substring, so "you" counts every "your"); null when none does.
 */
export function coveringMarker(m: VoiceMarkers, phrase: string): string | null {
  const p = phrase.toLowerCase();
  const inside = m.densityMarkers.filter((d) => p.includes(d.toLowerCase())).sort((a, b) => b.length - a.length);
  return inside[0] ?? null; // the phrase itself when it is a marker, else the longest marker inside it
}

/**
 * Adds a phrase to density_markers and, when a category is given, its pattern to that category
 * (created with expected: 1). Comments and the rest of the file stay as written.
 */
export function acceptSuggestion(yaml: string, s: { phrase: string; category: string | null; pattern: string }): string {
  const doc = load(yaml);
  const dm = doc.getIn(['density_markers']);
  if (isSeq(dm)) {
    if (!dm.items.some((it) => same(it, s.phrase, true))) dm.add(doc.createNode(s.phrase));
  } else doc.setIn(['density_markers'], doc.createNode([s.phrase]));
  if (s.category) {
    const patterns = doc.getIn(['categories', s.category, 'patterns']);
    if (isSeq(patterns)) {
      if (!patterns.items.some((it) => same(it, s.pattern, false))) patterns.add(doc.createNode(s.pattern));
    } else if (doc.hasIn(['categories', s.category])) doc.setIn(['categories', s.category, 'patterns'], doc.createNode([s.pattern]));
    else doc.setIn(['categories', s.category], doc.createNode({ expected: 1, patterns: [s.pattern] }));
  }
  return doc.toString();
}

/** Takes a phrase out of density_markers and its pattern out of every category. */
export function removeSuggestion(yaml: string, s: { phrase: string; pattern: string }): string {
  const doc = load(yaml);
  const dm = doc.getIn(['density_markers']);
  if (isSeq(dm)) dm.items = dm.items.filter((it) => !same(it, s.phrase, true));
  const cats = doc.getIn(['categories']);
  if (isMap(cats)) {
    for (const pair of cats.items) {
      const patterns = isMap(pair.value) ? pair.value.get('patterns', true) : null;
      if (isSeq(patterns)) patterns.items = patterns.items.filter((it) => !same(it, s.pattern, false));
    }
  }
  return doc.toString();
}
