// A topic's data as the phases read it, tokenised once per topic: SFT examples, reward/DPO pairs (pairs
// identical within the window left out and counted), PPO prompts, the distinctions and the quiz.
import type { Distinction, EvalSet, SftRecord } from '../../data/types.ts';
import type { Dataset } from '../../data/types.ts';
import { buildSftExample, type Tokenizer } from '../../model/tokenizer.ts';
import type { PairTokens } from '../reward.ts';
import type { TokenizedExample } from '../sft.ts';

export interface TopicData {
  sftRecords: SftRecord[];
  examples: TokenizedExample[];
  /** SFT examples cut to fit maxLen, and of those, how many lost the start of their prompt. */
  truncated: number;
  promptsCut: number;
  pairs: PairTokens[];
  /** Pairs left out because chosen and rejected were identical within maxLen. */
  identicalPairs: number;
  /** PPO prompts (chat template + generation prompt), cut from the left to leave room to answer; [] when none fits. */
  prompts: number[][];
  distinctions: Distinction[];
  quiz: EvalSet | null;
}

function sameIds(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Tokenises a topic's data for a run with these limits. */
export function topicData(ds: Dataset, topicId: string, tokenizer: Tokenizer, maxLen: number, ppoNewTokens: number): TopicData {
  const sftRecords = ds.sft.filter((r) => r.topicId === topicId);
  // Too long for max_seq_length: the prompt keeps its end, the answer its start (buildSftExample).
  let truncated = 0,
    promptsCut = 0;
  const examples: TokenizedExample[] = sftRecords.map((r) => {
    const ex = buildSftExample(tokenizer, r.instruction, r.output, maxLen);
    if (ex.truncated) truncated++;
    if (ex.promptTruncated) promptsCut++;
    return ex;
  });
  // Reward pairs keep their end-of-turn token when cut, so the head always reads the same kind of token;
  // a pair whose two sides are identical within the window teaches nothing and is left out.
  const pairs: PairTokens[] = [];
  let identicalPairs = 0;
  for (const p of ds.preference.filter((x) => x.topicId === topicId)) {
    const chosen = buildSftExample(tokenizer, p.prompt, p.chosen, maxLen, { keepEnd: true });
    const rejected = buildSftExample(tokenizer, p.prompt, p.rejected, maxLen, { keepEnd: true });
    if (sameIds(chosen.ids, rejected.ids)) identicalPairs++;
    else pairs.push({ chosen, rejected });
  }
  return {
    sftRecords,
    examples,
    truncated,
    promptsCut,
    pairs,
    identicalPairs,
    prompts: ppoPrompts(tokenizer, sftRecords, maxLen - ppoNewTokens - 1), // - the end token closedSequence may add
    distinctions: ds.distinctions.filter((d) => d.topicId === topicId || d.topicId === null),
    quiz: ds.evalSets.find((s) => s.level === 'topic' && s.scopeId === topicId) ?? null,
  };
}

/** PPO prompts keep their end (the question and the assistant header) when they leave no room to answer. */
function ppoPrompts(tokenizer: Tokenizer, records: SftRecord[], room: number): number[][] {
  if (room < 4) return [];
  const bos = tokenizer.bosId;
  return records.map((r) => {
    const ids = tokenizer.encode(tokenizer.applyChatTemplate([{ role: 'user', content: r.instruction }], { addGenerationPrompt: true }));
    if (ids.length <= room) return ids;
    const keep = bos !== null && ids[0] === bos ? 1 : 0;
    return [...ids.slice(0, keep), ...ids.slice(ids.length - (room - keep))];
  });
}
