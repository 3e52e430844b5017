// Quality analysis of a normalised Dataset: per-topic SFT and preference figures, flags and
// recommendations, in one linear pass over the records (200 MB datasets; no all-pairs comparisons).
import { compareTopics, topicFromId } from '../data/curriculum.ts';
import type { Dataset, EvalLevel, PreferencePair, QuestionType, Topic } from '../data/types.ts';
import {
  HIGH_QUALITY,
  LOW_QUALITY,
  MAX_FLAGS_PER_KIND,
  MAX_UNASSIGNED_LISTED,
  NEAR_IDENTICAL,
  TARGETS,
  type Analysis,
  type Flag,
  type FlagKind,
  type MarkersInUse,
  type PreferenceFigures,
  type TopicAnalysis,
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
    out.push(
      `Only ${(p.highQualityShare * 100).toFixed(0)}% of pairs above ${HIGH_QUALITY} (target > ${TARGETS.minHighQualityShare * 100}%): make chosen answers fuller and more voiced than the rejected ones.`,
    );
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

/** The running state of one analysis pass: per-topic accumulators, the topic list and the flags. */
interface Tally {
  m: VoiceMarkers;
  mk: MarkersInUse;
  categories: string[];
  topics: Topic[];
  acc: (id: string) => TopicAcc;
  ensureTopic: (id: string) => TopicAcc;
  density: (text: string) => number;
  flags: Flag[];
  flagCounts: Record<FlagKind, number>;
  flag: (kind: FlagKind, topicId: string | null, file: string, line: number, message: string) => void;
}

/** An empty accumulator for one topic, with a zero sum for each marker category. */
function newTopicAcc(categories: string[]): TopicAcc {
  const categorySums: Record<string, number> = Object.create(null);
  for (const c of categories) categorySums[c] = 0;
  return {
    instructionChars: [],
    outputChars: [],
    densitySum: 0,
    categorySums,
    pref: newPref(),
    distinctions: 0,
    evalQuestions: { open: 0, multiple_choice: 0, true_false: 0 },
    flagCounts: {},
  };
}

/** Voice density measured once per distinct text (chosen answers are often the SFT output itself). */
function memoDensity(m: VoiceMarkers): (text: string) => number {
  const densities = new Map<string, number>();
  return (text: string): number => {
    let d = densities.get(text);
    if (d === undefined) {
      d = voiceDensity(text, m);
      densities.set(text, d);
    }
    return d;
  };
}

/** A fresh tally with an accumulator for each of the dataset's listed topics. */
function newTally(ds: Dataset, m: VoiceMarkers, mk: MarkersInUse): Tally {
  const categories = Object.keys(m.categories);
  const accs = new Map<string, TopicAcc>();
  const topics: Topic[] = [...ds.topics];
  const acc = (id: string): TopicAcc => {
    let a = accs.get(id);
    if (!a) {
      a = newTopicAcc(categories);
      accs.set(id, a);
    }
    return a;
  };
  for (const t of topics) acc(t.id);
  const ensureTopic = (id: string): TopicAcc => {
    if (!accs.has(id)) topics.push(topicFromId(id));
    return acc(id);
  };
  const flags: Flag[] = [];
  const flagCounts: Record<FlagKind, number> = {
    'identical-pair': 0,
    'near-identical-pair': 0,
    'chosen-less-voice': 0,
    'negative-pattern': 0,
    'duplicate-prompt': 0,
  };
  const flag = (kind: FlagKind, topicId: string | null, file: string, line: number, message: string) => {
    flagCounts[kind]++;
    if (topicId !== null) {
      const fc = ensureTopic(topicId).flagCounts;
      fc[kind] = (fc[kind] ?? 0) + 1;
    }
    if (flagCounts[kind] <= MAX_FLAGS_PER_KIND) flags.push({ kind, topicId, file, line, message });
  };
  return { m, mk, categories, topics, acc, ensureTopic, density: memoDensity(m), flags, flagCounts, flag };
}

/** The negative patterns a text uses, quoted and comma-joined for a flag message. */
function quotedHits(neg: string[]): string {
  return neg.map((s) => JSON.stringify(s)).join(', ');
}

/** Adds every SFT example's lengths, density and category scores, flagging negative patterns and repeats. */
function tallySft(ds: Dataset, t: Tally): void {
  const { m, categories } = t;
  const sftDupes = new DuplicateFinder((i) => ds.sft[i].instruction);
  ds.sft.forEach((r, i) => {
    const a = t.ensureTopic(r.topicId);
    a.instructionChars.push(r.instruction.length);
    a.outputChars.push(r.output.length);
    a.densitySum += t.density(r.output);
    const scores = categoryScores(r.output, m);
    for (const c of categories) a.categorySums[c] += scores[c];
    const neg = negativeHits(r.output, m);
    if (neg.length) t.flag('negative-pattern', r.topicId, r.file, r.line, `SFT output uses negative pattern(s) ${quotedHits(neg)}`);
    const dup = sftDupes.check(i);
    if (dup >= 0) {
      const first = ds.sft[dup];
      t.flag('duplicate-prompt', r.topicId, r.file, r.line, `SFT instruction repeats ${first.file}:${first.line} with a different answer`);
    }
  });
}

/** Adds one pair's quality and lengths to a preference accumulator. */
function addPair(t: PrefAcc, q: number, chosenChars: number, rejectedChars: number, gap: number): void {
  t.pairs++;
  t.qualitySum += q;
  if (q > HIGH_QUALITY) t.high++;
  if (q < LOW_QUALITY) t.low++;
  t.chosenChars += chosenChars;
  t.rejectedChars += rejectedChars;
  t.gapSum += gap;
}

/** Flags a pair whose chosen and rejected answers are identical or nearly so. */
function flagSamePair(t: Tally, p: PreferencePair): void {
  if (p.chosen.trim() === p.rejected.trim()) {
    t.flag('identical-pair', p.topicId, p.file, p.line, 'chosen and rejected are identical');
  } else {
    const sim = textSimilarity(p.chosen, p.rejected, NEAR_IDENTICAL);
    if (sim >= NEAR_IDENTICAL) {
      t.flag('near-identical-pair', p.topicId, p.file, p.line, `chosen and rejected are near-identical (similarity ${sim.toFixed(3)})`);
    }
  }
}

/** Overall preference figures and the prompts of pairs that name no topic. */
interface PreferenceTotals {
  overall: PrefAcc;
  unassigned: string[];
  unassignedCount: number;
}

/** Adds every preference pair to the overall and per-topic figures, flagging weak, negative and repeated pairs. */
function tallyPreference(ds: Dataset, t: Tally): PreferenceTotals {
  const { m, mk } = t;
  const totals: PreferenceTotals = { overall: newPref(), unassigned: [], unassignedCount: 0 };
  const prefDupes = new DuplicateFinder((i) => ds.preference[i].prompt);
  ds.preference.forEach((p, i) => {
    const dc = t.density(p.chosen);
    const dr = voiceDensity(p.rejected, m);
    const q = pairQuality(p.chosen.length, p.rejected.length, dc, dr);
    const targets = [totals.overall];
    if (p.topicId !== null) targets.push(t.ensureTopic(p.topicId).pref);
    else {
      totals.unassignedCount++;
      if (totals.unassigned.length < MAX_UNASSIGNED_LISTED) totals.unassigned.push(p.prompt);
    }
    for (const target of targets) addPair(target, q, p.chosen.length, p.rejected.length, dc - dr);
    flagSamePair(t, p);
    if (mk.judged && dc < dr) {
      // a voice-density flag: only against the user's own markers
      t.flag('chosen-less-voice', p.topicId, p.file, p.line, `chosen has less voice than rejected (density ${dc.toFixed(1)} < ${dr.toFixed(1)})`);
    }
    const neg = negativeHits(p.chosen, m);
    if (neg.length) t.flag('negative-pattern', p.topicId, p.file, p.line, `chosen answer uses negative pattern(s) ${quotedHits(neg)}`);
    const dup = prefDupes.check(i);
    if (dup >= 0) {
      const first = ds.preference[dup];
      t.flag('duplicate-prompt', p.topicId, p.file, p.line, `preference prompt repeats ${first.file}:${first.line}`);
    }
  });
  return totals;
}

/** Counts distinctions per topic; returns how many name no topic. */
function tallyDistinctions(ds: Dataset, t: Tally): number {
  let globalDistinctions = 0;
  for (const d of ds.distinctions) {
    if (d.topicId === null) globalDistinctions++;
    else t.ensureTopic(d.topicId).distinctions++;
  }
  return globalDistinctions;
}

/** Counts evaluation sets and questions per level, and topic-level questions per topic and type. */
function tallyEvalSets(ds: Dataset, t: Tally): Analysis['evalSets'] {
  const evalSets: Record<EvalLevel, { sets: number; questions: number }> = {
    topic: { sets: 0, questions: 0 },
    chapter: { sets: 0, questions: 0 },
    unit: { sets: 0, questions: 0 },
    final: { sets: 0, questions: 0 },
  };
  for (const s of ds.evalSets) {
    evalSets[s.level].sets++;
    evalSets[s.level].questions += s.questions.length;
    if (s.level !== 'topic') continue;
    const a = t.ensureTopic(s.scopeId);
    for (const q of s.questions) a.evalQuestions[q.type]++;
  }
  return evalSets;
}

/** One topic's figures and recommendations from its accumulator. */
function topicResult(topic: Topic, a: TopicAcc, categories: string[], mk: MarkersInUse): TopicAnalysis {
  const n = a.outputChars.length;
  const categoryMeans: Record<string, number> = Object.create(null);
  for (const c of categories) categoryMeans[c] = n ? a.categorySums[c] / n : 0;
  const result: TopicAnalysis = {
    id: topic.id,
    unit: topic.unit,
    chapter: topic.chapter,
    topic: topic.topic,
    depth: topic.depth,
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
}

/**
 * Analyses a dataset against voice markers, named by `source` (where they came from). Figures that
 * depend on markers are held against the calibrated targets only for the user's own markers.
 * Topics come out in the dataset's (curriculum) order.
 */
export function analyzeDataset(ds: Dataset, m: VoiceMarkers, source?: MarkerSource): Analysis {
  const mk = markersInUse(m, source);
  const t = newTally(ds, m, mk);
  tallySft(ds, t);
  const { overall, unassigned, unassignedCount } = tallyPreference(ds, t);
  const globalDistinctions = tallyDistinctions(ds, t);
  const evalSets = tallyEvalSets(ds, t);
  // Topics named by records but missing from the dataset's list join it in curriculum order.
  if (t.topics.length > ds.topics.length) t.topics.sort(compareTopics);
  return {
    markers: mk,
    topics: t.topics.map((topic) => topicResult(topic, t.acc(topic.id), t.categories, mk)),
    sftExamples: ds.sft.length,
    preference: { ...prefFigures(overall), unassigned: { count: unassignedCount, prompts: unassigned } },
    globalDistinctions,
    totalDistinctions: ds.distinctions.length,
    evalSets,
    categories: t.categories,
    flags: t.flags,
    flagCounts: t.flagCounts,
  };
}
