// Hand-built Datasets for the analysis tests (independent of the ingestion layer).
import type { Dataset, EvalSet, PreferencePair, SftRecord, Topic } from '../../../src/data/types.ts';

export function topic(id: string): Topic {
  const parts = id.split('/');
  return {
    id,
    unit: parts[0],
    chapter: parts.length >= 2 ? parts.slice(0, 2).join('/') : null,
    topic: parts.length >= 3 ? id : null,
    depth: Math.min(3, parts.length),
  };
}

let line = 0;
export function sft(topicId: string, instruction: string, output: string): SftRecord {
  return { instruction, output, topicId, file: 'sft.jsonl', line: ++line };
}

export function pair(topicId: string | null, prompt: string, chosen: string, rejected: string): PreferencePair {
  return { prompt, chosen, rejected, sourceTopicId: null, topicId, file: 'pref.jsonl', line: ++line };
}

export function dataset(parts: Partial<Dataset> & { topicIds?: string[] }): Dataset {
  const ids = parts.topicIds ?? [...new Set([...(parts.sft ?? []).map((r) => r.topicId)])];
  return {
    files: parts.files ?? [],
    sft: parts.sft ?? [],
    preference: parts.preference ?? [],
    distinctions: parts.distinctions ?? [],
    evalSets: parts.evalSets ?? [],
    topics: parts.topics ?? ids.map(topic),
  };
}

export function quiz(scopeId: string, types: ('open' | 'multiple_choice' | 'true_false')[], level: EvalSet['level'] = 'topic'): EvalSet {
  return {
    level,
    title: `quiz ${scopeId}`,
    scopeId,
    file: 'quiz_data.json',
    path: '$[0]',
    questions: types.map((type, i) => ({ question: `q${i}`, referenceAnswer: 'a', type, keyConcepts: [] })),
  };
}

/** A text of exactly `n` characters made of 4-letter words and spaces. */
export function textOfLength(n: number): string {
  return 'abcd '.repeat(Math.ceil(n / 5)).slice(0, n);
}
