// A synthetic curriculum shaped like users' real ones for the marker tests: long chosen answers
// (2,000+ characters of generic sentences) with voice phrases planted at different positions, and
// rejected answers that are the chosen ones with those phrases stripped.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../../src/util/rng.ts';

/** Plain, voiceless sentences about keeping a vegetable garden. */
const SENTENCES = [
  'Seedlings want light from the south and a window that stays closed on cold nights.',
  'A bed that drains well will carry tomatoes through a wet summer without much trouble.',
  'Compost is ready when it smells of earth and the kitchen scraps can no longer be seen.',
  'Water the roots in the early morning so the leaves are dry before the sun is high.',
  'Slugs come out after rain, and a board laid on the path collects them by the dozen.',
  'Beans climb anything they can reach, so the poles go in before the seeds do.',
  'A soil test every few years tells you more than a shelf of fertiliser bottles.',
  'Onions are planted shallow, with the papery tip just showing above the ground.',
  'Mulch keeps the weeds down and the moisture in, but it also shelters the mice.',
  'Crop rotation moves each family of plants to a new bed so the soil can recover.',
  'Frost pockets sit at the bottom of a slope, where the cold air settles at night.',
  'Thin the carrots on a still evening so the smell does not draw the carrot fly.',
  'Potatoes are earthed up as they grow so that the tubers never see the light.',
  'A cold frame lets lettuce start a month before anything sown in the open bed.',
];

/** The teacher's phrases: two open a sentence, two are planted between words inside one. */
export const PLANTED = { opening: ['Look, ', "Here's the thing: "], inside: ["I've seen ", 'the reality is '] };
export const PLANTED_PHRASES = ['Look,', "Here's the thing", "I've seen", 'The reality is'];

export interface SyntheticPair {
  prompt: string;
  chosen: string;
  rejected: string;
}

/** `n` pairs with chosen answers of at least `minChars` characters and 3–6 planted phrases each. */
export function voiceStrippedPairs(n: number, seed = 7, minChars = 2000): SyntheticPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const chosen: string[] = [];
    const rejected: string[] = [];
    while (chosen.join(' ').length < minChars) {
      const s = SENTENCES[rng.int(SENTENCES.length)];
      const roll = rng.next();
      if (roll < 0.12) {
        const phrase = PLANTED.opening[rng.int(2)];
        chosen.push(phrase + s[0].toLowerCase() + s.slice(1));
        rejected.push(s);
      } else if (roll < 0.24) {
        const words = s.split(' ');
        const at = 1 + rng.int(words.length - 2);
        const phrase = PLANTED.inside[rng.int(2)];
        chosen.push([...words.slice(0, at), phrase.trim(), ...words.slice(at)].join(' '));
        rejected.push(s);
      } else {
        chosen.push(s);
        rejected.push(s);
      }
    }
    return { prompt: `Question ${i + 1}: what should a new gardener know about bed ${i}?`, chosen: chosen.join(' '), rejected: rejected.join(' ') };
  });
}

/** Writes a curriculum folder: SFT examples (the chosen answers) over three topics, and the pairs. */
export function writeCurriculum(dir: string, pairs: SyntheticPair[], opts: { markersYaml?: string } = {}): string {
  mkdirSync(dir, { recursive: true });
  const topics = ['unit-01/chapter-01/topic-01', 'unit-01/chapter-01/topic-02', 'unit-01/chapter-02'];
  const sft = pairs.map((p, i) => ({ instruction: p.prompt, input: '', output: p.chosen, source: topics[i % topics.length] }));
  writeFileSync(join(dir, 'sft_data.jsonl'), sft.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(dir, 'preference_data.jsonl'), pairs.map((p) => JSON.stringify(p)).join('\n') + '\n');
  if (opts.markersYaml !== undefined) writeFileSync(join(dir, 'voice_markers.yaml'), opts.markersYaml);
  return dir;
}
