// Quality analysis of a normalised Dataset: per-topic SFT and preference figures, flags and
// recommendations, in one linear pass over the records (200 MB datasets; no all-pairs comparisons).
import { compareTopics, topicFromId } from '../data/curriculum.ts';
import type { Dataset, EvalLevel, QuestionType, Topic } from '../data/types.ts';
import {
  HIGH_QUALITY, LOW_QUALITY, MAX_FLAGS_PER_KIND, MAX_UNASSIGNED_LISTED, NEAR_IDENTICAL, TARGETS,
  type Analysis, type Flag, type FlagKind, type MarkersInUse, type PreferenceFigures, type TopicAnalysis,
} from './analysis-types.ts';
import { judgesMarkers, markerSource, type MarkerSource } from './marker-source.ts';
import { categoryScores, negativeHits, voiceDensity, type VoiceMarkers } from './markers.ts';
import { hashNormalisedWhitespace, lengthStats, normaliseWhitespace, pairQuality, textSimilarity } from './stats.ts';

export * from './analysis-types.ts';

interface PrefAcc {
  pairs: number;
  qualitySum: number;
  high: number;
  low: number;
  chosenChars: number;
  rejectedChars: number;
  gapSum: number;
}

interface TopicAcc {
  instructionChars: number[];
  outputChars: number[];
  densitySum: number;
  categorySums: Record<string, number>;
  pref: PrefAcc;
  distinctions: number;
  evalQuestions: Record<QuestionType, number>;
  flagCounts: Partial<Record<FlagKind, number>>;
}

const newPref = (): PrefAcc => ({ pairs: 0, qualitySum: 0, high: 0, low: 0, chosenChars: 0, rejectedChars: 0, gapSum: 0 });

function prefFigures(p: PrefAcc): PreferenceFigures {
  const n = p.pairs;
  const meanChosen = n ? p.chosenChars / n : 0;
  const meanRejected = n ? p.rejectedChars / n : 0;
  return {
    pairs: n,
    meanQuality: n ? p.qualitySum / n : 0,
    highQuality: p.high,
    lowQuality: p.low,
    highQualityShare: n ? p.high / n : 0,
    lowQualityShare: n ? p.low / n : 0,
    meanChosenChars: meanChosen,
    meanRejectedChars: meanRejected,
    qualityRatio: n ? meanChosen / (meanRejected + 1) : 0,
    meanDensityGap: n ? p.gapSum / n : 0,
  };
}

/** Finds repeated prompts by a 52-bit hash of the whitespace-normalised text, confirmed by comparison. */
class DuplicateFinder {
  private seen = new Map<number, number[]>();
  constructor(private textOf: (index: number) => string) {}
  /** Returns the index of an earlier equal prompt, or -1 (and remembers this one). */
  check(index: number): number {
    const h = hashNormalisedWhitespace(this.textOf(index));
    const bucket = this.seen.get(h);
    if (!bucket) {
      this.seen.set(h, [index]);
      return -1;
    }
    const norm = normaliseWhitespace(this.textOf(index));
    for (const j of bucket) if (normaliseWhitespace(this.textOf(j)) === norm) return j;
    bucket.push(index);
    return -1;
  }
}

function recommend(t: TopicAnalysis, mk: MarkersInUse): string[] {
  const out: string[] = [];
  const { sft, preference: p } = t;
  if (sft.examples === 0) out.push('No SFT examples: add question → answer examples in the voice.');
  if (p.pairs < TARGETS.minPairs) {
    out.push(`Add ${TARGETS.minPairs - p.pairs} preference pairs (has ${p.pairs}; target ${TARGETS.minPairs}-${TARGETS.maxPairs}).`);
  } else if (p.pairs > TARGETS.maxPairs) {
    out.push(`${p.pairs} pairs is above the ${TARGETS.minPairs}-${TARGETS.maxPairs} target: check for redundant pairs or split the topic.`);
  }
  if (sft.examples > 0) {
    const m = Math.round(sft.outputChars.mean);
    if (m < TARGETS.minOutputChars) {
      out.push(`Outputs are short (mean ${m} chars; target ${TARGETS.minOutputChars}-${TARGETS.maxOutputChars}): develop the answers further.`);
    } else if (m > TARGETS.maxOutputChars) {
      out.push(`Outputs are long (mean ${m} chars; target ${TARGETS.minOutputChars}-${TARGETS.maxOutputChars}): split them or raise max_seq_length.`);
    }
    if (mk.judged && !(sft.voiceDensity > TARGETS.minDensity)) {
      out.push(`Voice density ${sft.voiceDensity.toFixed(1)} per 100 words (target > ${TARGETS.minDensity}): use more of the teacher's marker phrases.`);
    }
  }
  if (mk.judged && p.pairs > 0 && !(p.highQualityShare > TARGETS.minHighQualityShare)) {
    out.push(`Only ${(p.highQualityShare * 100).toFixed(0)}% of pairs above ${HIGH_QUALITY} (target > ${TARGETS.minHighQualityShare * 100}%): make chosen answers fuller and more voiced than the rejected ones.`);
  }
  return out;
}

/** The markers' figures for an analysis; without a source they count as the user's own unless empty. */
function markersInUse(m: VoiceMarkers, source?: MarkerSource): MarkersInUse {
  const empty = m.densityMarkers.length === 0 && Object.keys(m.categories).length === 0;
  const src = source ?? markerSource(empty ? 'none' : 'file', m);
  return {
    ...src,
    densityMarkers: m.densityMarkers.length,
    categories: Object.keys(m.categories),
    negativePatterns: m.negativePatterns.length,
    judged: judgesMarkers(src, m),
  };
}

/**
 * Analyses a dataset against voice markers, named by `source` (where they came from). Figures that
 * depend on markers are held against the calibrated targets only for the user's own markers.
 * Topics come out in the dataset's (curriculum) order.
 */
export function analyzeDataset(ds: Dataset, m: VoiceMarkers, source?: MarkerSource): Analysis {
  const mk = markersInUse(m, source);
  const categories = Object.keys(m.categories);
  const accs = new Map<string, TopicAcc>();
  const topics: Topic[] = [...ds.topics];
  const acc = (id: string): TopicAcc => {
    let a = accs.get(id);
    if (!a) {
      const categorySums: Record<string, number> = Object.create(null);
      for (const c of categories) categorySums[c] = 0;
      a = {
        instructionChars: [], outputChars: [], densitySum: 0, categorySums, pref: newPref(), distinctions: 0,
        evalQuestions: { open: 0, multiple_choice: 0, true_false: 0 }, flagCounts: {},
      };
      accs.set(id, a);
    }
    return a;
  };
  for (const t of topics) acc(t.id);
  const ensureTopic = (id: string): TopicAcc => {
    if (!accs.has(id)) topics.push(topicFromId(id));
    return acc(id);
  };

  // Chosen answers are often the SFT output itself: measure each distinct text once.
  const densities = new Map<string, number>();
  const density = (text: string): number => {
    let d = densities.get(text);
    if (d === undefined) {
      d = voiceDensity(text, m);
      densities.set(text, d);
    }
    return d;
  };

  const flags: Flag[] = [];
  const flagCounts: Record<FlagKind, number> = {
    'identical-pair': 0, 'near-identical-pair': 0, 'chosen-less-voice': 0, 'negative-pattern': 0, 'duplicate-prompt': 0,
  };
  const flag = (kind: FlagKind, topicId: string | null, file: string, line: number, message: string) => {
    flagCounts[kind]++;
    if (topicId !== null) {
      const fc = ensureTopic(topicId).flagCounts;
      fc[kind] = (fc[kind] ?? 0) + 1;
    }
    if (flagCounts[kind] <= MAX_FLAGS_PER_KIND) flags.push({ kind, topicId, file, line, message });
  };

  // SFT examples.
  const sftDupes = new DuplicateFinder((i) => ds.sft[i].instruction);
  ds.sft.forEach((r, i) => {
    const a = ensureTopic(r.topicId);
    a.instructionChars.push(r.instruction.length);
    a.outputChars.push(r.output.length);
    a.densitySum += density(r.output);
    const scores = categoryScores(r.output, m);
    for (const c of categories) a.categorySums[c] += scores[c];
    const neg = negativeHits(r.output, m);
    if (neg.length) flag('negative-pattern', r.topicId, r.file, r.line, `SFT output uses negative pattern(s) ${neg.map((s) => JSON.stringify(s)).join(', ')}`);
    const dup = sftDupes.check(i);
    if (dup >= 0) {
      const first = ds.sft[dup];
      flag('duplicate-prompt', r.topicId, r.file, r.line, `SFT instruction repeats ${first.file}:${first.line} with a different answer`);
    }
  });

  // Preference pairs.
  const overall = newPref();
  const unassigned: string[] = [];
  let unassignedCount = 0;
  const prefDupes = new DuplicateFinder((i) => ds.preference[i].prompt);
  ds.preference.forEach((p, i) => {
    const dc = density(p.chosen);
    const dr = voiceDensity(p.rejected, m);
    const q = pairQuality(p.chosen.length, p.rejected.length, dc, dr);
    const targets = [overall];
    if (p.topicId !== null) targets.push(ensureTopic(p.topicId).pref);
    else {
      unassignedCount++;
      if (unassigned.length < MAX_UNASSIGNED_LISTED) unassigned.push(p.prompt);
    }
    for (const t of targets) {
      t.pairs++;
      t.qualitySum += q;
      if (q > HIGH_QUALITY) t.high++;
      if (q < LOW_QUALITY) t.low++;
      t.chosenChars += p.chosen.length;
      t.rejectedChars += p.rejected.length;
      t.gapSum += dc - dr;
    }
    if (p.chosen.trim() === p.rejected.trim()) {
      flag('identical-pair', p.topicId, p.file, p.line, 'chosen and rejected are identical');
    } else {
      const sim = textSimilarity(p.chosen, p.rejected, NEAR_IDENTICAL);
      if (sim >= NEAR_IDENTICAL) {
        flag('near-identical-pair', p.topicId, p.file, p.line, `chosen and rejected are near-identical (similarity ${sim.toFixed(3)})`);
      }
    }
    if (mk.judged && dc < dr) { // a voice-density flag: only against the user's own markers
      flag('chosen-less-voice', p.topicId, p.file, p.line, `chosen has less voice than rejected (density ${dc.toFixed(1)} < ${dr.toFixed(1)})`);
    }
    const neg = negativeHits(p.chosen, m);
    if (neg.length) flag('negative-pattern', p.topicId, p.file, p.line, `chosen answer uses negative pattern(s) ${neg.map((s) => JSON.stringify(s)).join(', ')}`);
    const dup = prefDupes.check(i);
    if (dup >= 0) {
      const first = ds.preference[dup];
      flag('duplicate-prompt', p.topicId, p.file, p.line, `preference prompt repeats ${first.file}:${first.line}`);
    }
  });

  // Distinctions and evaluation sets.
  let globalDistinctions = 0;
  for (const d of ds.distinctions) {
    if (d.topicId === null) globalDistinctions++;
    else ensureTopic(d.topicId).distinctions++;
  }
  const evalSets: Record<EvalLevel, { sets: number; questions: number }> = {
    topic: { sets: 0, questions: 0 }, chapter: { sets: 0, questions: 0 }, unit: { sets: 0, questions: 0 }, final: { sets: 0, questions: 0 },
  };
  for (const s of ds.evalSets) {
    evalSets[s.level].sets++;
    evalSets[s.level].questions += s.questions.length;
    if (s.level !== 'topic') continue;
    const a = ensureTopic(s.scopeId);
    for (const q of s.questions) a.evalQuestions[q.type]++;
  }

  // Topics named by records but missing from the dataset's list join it in curriculum order.
  if (topics.length > ds.topics.length) topics.sort(compareTopics);

  const topicResults: TopicAnalysis[] = topics.map((t) => {
    const a = acc(t.id);
    const n = a.outputChars.length;
    const categoryMeans: Record<string, number> = Object.create(null);
    for (const c of categories) categoryMeans[c] = n ? a.categorySums[c] / n : 0;
    const result: TopicAnalysis = {
      id: t.id, unit: t.unit, chapter: t.chapter, topic: t.topic, depth: t.depth,
      sft: {
        examples: n,
        instructionChars: lengthStats(a.instructionChars),
        outputChars: lengthStats(a.outputChars),
        voiceDensity: n ? a.densitySum / n : 0,
        categoryScores: categoryMeans,
      },
      preference: prefFigures(a.pref),
      distinctions: a.distinctions,
      evalQuestions: a.evalQuestions,
      flagCounts: a.flagCounts,
      recommendations: [],
    };
    result.recommendations = recommend(result, mk);
    return result;
  });

  return {
    markers: mk,
    topics: topicResults,
    sftExamples: ds.sft.length,
    preference: { ...prefFigures(overall), unassigned: { count: unassignedCount, prompts: unassigned } },
    globalDistinctions,
    totalDistinctions: ds.distinctions.length,
    evalSets,
    categories,
    flags,
    flagCounts,
  };
}
