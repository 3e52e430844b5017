// Assembles sample-data/ (Peg's dinghy curriculum) from the hand-written content in this folder.
// Usage: npx tsx scripts/sample-data/build.ts [--check]   (--check: exit 1 if the files differ)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DISTINCTIONS } from './distinctions.ts';
import { CHAPTER_TESTS, FINAL_QUESTIONS, FINAL_TITLE, UNIT_EXAMS } from './exams.ts';
import { DUPLICATE_PROMPT_PAIR, LESS_VOICE_PAIR, SOURCED_PAIRS, UNASSIGNED_PAIRS } from './pairs-extra.ts';
import { QUIZZES } from './quizzes.ts';
import type { Example, ExtraPair } from './types.ts';
import { UNIT_01 } from './unit-01.ts';
import { UNIT_02 } from './unit-02.ts';
import { UNIT_03 } from './unit-03.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'sample-data');
const EXAMPLES: Example[] = [...UNIT_01, ...UNIT_02, ...UNIT_03];

/** SFT examples that get no preference pair (the pair count stays near the SFT count). */
const NO_PAIR = new Set([
  `What is the difference between sheeting and trimming?`,
  `What should I wear for dinghy sailing?`,
  `Why do you tell so many stories about your father?`,
  `What should I do if the rudder breaks?`,
  `How do I read the sky for changes in the weather?`,
  `What is the most important safety rule in dinghy sailing?`,
]);
/** Flag demonstrations: rejected identical to chosen, and rejected nearly identical to chosen. */
const IDENTICAL = `Where should I sit when I am helming?`;
const NEAR_IDENTICAL = `What is a lift and what is a header?`;

/** Every ninth pair's prompt gets different whitespace, to exercise normalised matching. */
function reshape(prompt: string, k: number): string {
  switch (k % 4) {
    case 0:
      return prompt.replace(' ', '  ');
    case 1:
      return prompt + '\n';
    case 2:
      return '  ' + prompt + ' ';
    default:
      return prompt.replace(' ', '\t');
  }
}

function buildPairs(): ExtraPair[] {
  const pairs: ExtraPair[] = [];
  let reshaped = 0;
  let previousSource = '';
  const flushSourced = (source: string) => {
    for (const p of SOURCED_PAIRS) if (p.source === source) pairs.push(p);
  };
  for (const e of EXAMPLES) {
    if (previousSource && e.s !== previousSource) flushSourced(previousSource);
    previousSource = e.s;
    if (NO_PAIR.has(e.q) || e.r === undefined) continue;
    let pair: ExtraPair = { prompt: e.q, chosen: e.a, rejected: e.r };
    if (e.q === LESS_VOICE_PAIR.prompt) pair = { ...LESS_VOICE_PAIR };
    if (e.q === IDENTICAL) pair.rejected = e.a;
    if (e.q === NEAR_IDENTICAL) pair.rejected = e.a.replace(', my lovely,', ',').replace('Mark me, when', 'When');
    if (pairs.length % 9 === 4) pair.prompt = reshape(pair.prompt, reshaped++);
    pairs.push(pair);
    if (e.q === DUPLICATE_PROMPT_PAIR.prompt) pairs.push({ ...DUPLICATE_PROMPT_PAIR });
  }
  flushSourced(previousSource);
  pairs.push(...UNASSIGNED_PAIRS);
  return pairs;
}

function jsonl(rows: object[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

function pairRow(p: ExtraPair): object {
  return p.source === undefined
    ? { prompt: p.prompt, chosen: p.chosen, rejected: p.rejected }
    : { prompt: p.prompt, chosen: p.chosen, rejected: p.rejected, source: p.source };
}

export function buildFiles(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('sft_data.jsonl', jsonl(EXAMPLES.map((e) => ({ instruction: e.q, input: '', output: e.a, source: e.s }))));
  files.set('preference_data.jsonl', jsonl(buildPairs().map(pairRow)));
  files.set(
    'critical_distinctions.jsonl',
    jsonl(
      DISTINCTIONS.map((d) =>
        d.source === undefined
          ? { prompt: d.prompt, chosen: d.chosen, rejected: d.rejected }
          : { prompt: d.prompt, chosen: d.chosen, rejected: d.rejected, source: d.source },
      ),
    ),
  );
  files.set(
    'quiz_data.json',
    pretty(QUIZZES.map((q) => ({ level: 'topic', unit: q.unit, chapter: q.chapter, topic: q.topic, title: q.title, questions: q.questions }))),
  );
  files.set(
    'chapter_tests.json',
    pretty(CHAPTER_TESTS.map((c) => ({ level: 'chapter', unit: c.unit, chapter: c.chapter, title: c.title, questions: c.questions }))),
  );
  files.set('unit_exams.json', pretty(UNIT_EXAMS.map((u) => ({ level: 'unit', unit: u.unit, title: u.title, questions: u.questions }))));
  files.set('final_assessment.json', pretty({ level: 'final', title: FINAL_TITLE, questions: FINAL_QUESTIONS }));
  return files;
}

function main(): void {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [name, text] of buildFiles()) {
    const path = join(OUT, name);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        /* missing counts as stale */
      }
      if (current !== text) {
        console.error(`stale: ${path} differs from what scripts/sample-data/build.ts generates`);
        stale++;
      }
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${path} (${text.length} chars)`);
    }
  }
  if (stale > 0) process.exit(1);
}

main();
