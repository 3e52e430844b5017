// Analysis benchmark: generates a ~200 MB curriculum (SFT + preference JSONL, many topics, realistic
// lengths) into a temp folder, streams it through loadDataset + analyzeDataset, and reports MB/s and
// peak memory. `npx tsx bench/analysis.ts [megabytes]` prints the JSON.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeDataset } from '../src/analysis/analyze.ts';
import { loadDefaultMarkers } from '../src/analysis/node-defaults.ts';
import { loadDataset } from '../src/data/node-files.ts';
import { Rng } from '../src/util/rng.ts';

const WORDS = (
  'the a of to and in that it is for on with as you this be at by not or from but what all were we when ' +
  'your can said there use an each which she do how their if will up other about out many then them these ' +
  'so some her would make like him into time has look two more write go see number no way could people my ' +
  'than first water been call who oil its now find long down day did get come made may part boat wind sail ' +
  'tiller sheet rope mast hull keel bow stern port starboard gust calm breathe steady trim heel luff jib'
).split(' ');
const VOICE = ['right then', 'mark me', 'my lovely', 'mind you', 'now then', 'feel the boat', 'listen to the wind'];

function sentence(rng: Rng, voiced: boolean): string {
  const n = 8 + rng.int(14);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(WORDS[rng.int(WORDS.length)]);
  if (voiced && rng.next() < 0.7) words.splice(rng.int(words.length), 0, VOICE[rng.int(VOICE.length)]);
  return words.join(' ') + (rng.next() < 0.15 ? '?' : '.');
}

/** About `chars` characters of prose. */
function prose(rng: Rng, chars: number, voiced: boolean): string {
  const parts: string[] = [];
  let len = 0;
  while (len < chars) {
    const s = sentence(rng, voiced);
    parts.push(s);
    len += s.length + 1;
  }
  return parts.join(' ');
}

/** Output lengths: mostly 300-2500 chars, a few transcript-long (up to ~16,000). */
function outputLength(rng: Rng): number {
  return rng.next() < 0.02 ? 8000 + rng.int(8000) : 300 + rng.int(2200);
}

async function writeLines(path: string, targetBytes: number, make: (i: number) => string): Promise<{ lines: number; bytes: number }> {
  const out = createWriteStream(path);
  let bytes = 0;
  let lines = 0;
  while (bytes < targetBytes) {
    const line = make(lines) + '\n';
    bytes += Buffer.byteLength(line);
    lines++;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { lines, bytes };
}

function topicId(i: number): string {
  // 12 units × 4 chapters × 5 topics, plus chapter- and unit-level material.
  const unit = 1 + (i % 12);
  const chapter = 1 + (Math.floor(i / 12) % 4);
  const topic = Math.floor(i / 48) % 7; // 0-4 topics, 5 chapter level, 6 unit level
  const u = `unit-${String(unit).padStart(2, '0')}`;
  const c = `${u}/chapter-${String(chapter).padStart(2, '0')}`;
  return topic < 5 ? `${c}/topic-${String(topic + 1).padStart(2, '0')}` : topic === 5 ? c : u;
}

export async function benchAnalysis(opts: { megabytes?: number } = {}): Promise<Record<string, number | string>> {
  const megabytes = opts.megabytes ?? 200;
  const dir = await mkdtemp(join(tmpdir(), 'mindprint-bench-'));
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  try {
    const rng = new Rng(1234);
    const t0 = performance.now();
    const sftBytes = megabytes * 0.45 * 1e6;
    const instructions: string[] = [];
    const sft = await writeLines(join(dir, 'sft_data.jsonl'), sftBytes, (i) => {
      const instruction = `Question ${i}: ${prose(rng, 40 + rng.int(160), false)}`;
      instructions.push(instruction);
      return JSON.stringify({ instruction, input: '', output: prose(rng, outputLength(rng), true), source: topicId(i) });
    });
    const pref = await writeLines(join(dir, 'preference_data.jsonl'), megabytes * 1e6 - sft.bytes, (i) => {
      const chosen = prose(rng, outputLength(rng), true);
      const rejected = rng.next() < 0.02 ? chosen : prose(rng, Math.floor(chosen.length * (0.3 + rng.next() * 0.5)), false);
      // Most prompts are an SFT instruction (matched to its topic); some name no known prompt.
      const prompt = rng.next() < 0.95 ? instructions[rng.int(instructions.length)] : `Unmatched question ${i}?`;
      return JSON.stringify({ prompt, chosen, rejected });
    });
    instructions.length = 0;
    const generateSeconds = (performance.now() - t0) / 1000;
    const totalBytes = (await stat(join(dir, 'sft_data.jsonl'))).size + (await stat(join(dir, 'preference_data.jsonl'))).size;

    const markers = await loadDefaultMarkers();
    sample();
    const timer = setInterval(sample, 25);
    const t1 = performance.now();
    const ds = await loadDataset([dir]);
    sample();
    const t2 = performance.now();
    const a = analyzeDataset(ds, markers); // synchronous: sampled before and after
    sample();
    const t3 = performance.now();
    clearInterval(timer);

    const mb = totalBytes / 1e6;
    const loadSeconds = (t2 - t1) / 1000;
    const analyzeSeconds = (t3 - t2) / 1000;
    return {
      megabytes: Number(mb.toFixed(1)),
      sftLines: sft.lines,
      preferenceLines: pref.lines,
      sftRecords: ds.sft.length,
      pairs: a.preference.pairs,
      unassignedPairs: a.preference.unassigned.count,
      topics: a.topics.length,
      lineErrors: ds.files.reduce((s, f) => s + f.errors.length, 0),
      flags: Object.values(a.flagCounts).reduce((s, n) => s + n, 0),
      generateSeconds: Number(generateSeconds.toFixed(2)),
      loadSeconds: Number(loadSeconds.toFixed(2)),
      analyzeSeconds: Number(analyzeSeconds.toFixed(2)),
      loadMBps: Number((mb / loadSeconds).toFixed(1)),
      analyzeMBps: Number((mb / analyzeSeconds).toFixed(1)),
      totalMBps: Number((mb / (loadSeconds + analyzeSeconds)).toFixed(1)),
      peakRssMB: Math.round(peakRss / 1e6),
      peakHeapUsedMB: Math.round(peakHeap / 1e6),
      memorySampling: 'process.memoryUsage() every 25 ms while loading, and before/after the (synchronous) analysis',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mb = process.argv[2] ? Number(process.argv[2]) : undefined;
  if (mb !== undefined && !(mb > 0)) {
    console.error(`usage: npx tsx bench/analysis.ts [megabytes > 0]; got ${process.argv[2]}`);
    process.exit(2);
  }
  console.log(JSON.stringify(await benchAnalysis({ megabytes: mb }), null, 2));
}
