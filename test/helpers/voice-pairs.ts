// Real-shaped preference pairs: long answers (2,000+ characters) in a teacher's voice, the rejected side
// being the chosen one with a few voice phrases stripped at different positions, as users' curricula have
// them. The pairs differ late and little, so a trainer that only learns from early differences fails here.
import { Rng } from '../../src/util/rng.ts';

/** Plain sentences about learning, no voice; the answers are built from them. */
const SENTENCES = [
  'A good teacher begins with the question that the answer was meant to settle.',
  'Students learn an idea when they can explain it to a friend who was not in the room.',
  'Practice spaced over several days holds better than one long evening of study.',
  'A mistake found early is cheaper than the same mistake found at the exam.',
  'The first draft of any explanation is too long and says too little.',
  'Reading a chapter twice is not the same as testing yourself on it once.',
  'When the notes are clear, the thinking behind them is usually clear as well.',
  'A worked example shows the path, and an exercise asks the student to walk it.',
  'Questions that have one right answer are easy to mark and hard to learn from.',
  'An hour of focused work is worth more than three hours with the phone on the desk.',
  'The teacher writes the plan for the week on the board before the lesson starts.',
  'Feedback lands when it comes soon after the work and names one thing to change.',
];

/** Voice phrases planted in the chosen answer; the rejected answer lacks them. */
export const VOICE_PHRASES = ['Look, ', "Here's the thing: ", "I've seen this a hundred times. ", 'The reality is that '];

export interface VoicePair {
  prompt: string;
  chosen: string;
  rejected: string;
}

/**
 * n pairs whose answers are `sentences` sentences long (about 75 characters each), sharing their text
 * word for word except for `phrases` voice phrases inserted into the chosen answer at sentence starts
 * at or after sentence `from` (so the first difference sits late in the answer).
 */
export function voicePairs(n: number, seed: number, opts: { sentences?: number; phrases?: number; from?: number } = {}): VoicePair[] {
  const rng = new Rng(seed);
  const count = opts.sentences ?? 28;
  const nPhrases = opts.phrases ?? 3;
  const from = opts.from ?? 2;
  return Array.from({ length: n }, (_, i) => {
    const body = Array.from({ length: count }, () => SENTENCES[rng.int(SENTENCES.length)]);
    const at = new Set<number>();
    while (at.size < Math.min(nPhrases, count - from)) at.add(from + rng.int(count - from));
    const chosen = body.map((s, j) => (at.has(j) ? VOICE_PHRASES[rng.int(VOICE_PHRASES.length)] + s[0].toLowerCase() + s.slice(1) : s)).join(' ');
    return { prompt: `Question ${i + 1}: how should a student prepare for topic ${i % 7}?`, chosen, rejected: body.join(' ') };
  });
}
