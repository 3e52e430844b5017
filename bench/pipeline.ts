// Wall time per phase (SFT, reward model, PPO or DPO, evaluation) of `mindprint train` on the sample
// curriculum with the generated tiny model, the CLI's quick demo settings, on the first N topics.
// The CLI runs as a child process (as a user runs it); per-phase times come from its phase events
// (`  sft done (35.9 s)`, logged from the pipeline's phase start/done events), summed over topics;
// `other` is the rest of the wall time: model load, chapter tests and unit exams, merges, reports.
//
// PPO is forced on (reward.if_not_learned: warn in a copy of the default config): in 4 steps the tiny
// model's reward model never beats chance, so the default config would skip PPO and time nothing there.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { orderTopics } from '../src/data/curriculum.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE = path.join(ROOT, 'sample-data');
/** The CLI's quick demo settings for the tiny model, given explicitly (a --config file turns the implicit ones off). */
const QUICK = ['--max-steps', '4', '--max-seq-length', '96', '--max-new-tokens', '8', '--retries', '0'];
const PHASES = ['sft', 'reward', 'ppo', 'dpo', 'eval'] as const;

export interface PipelineOptions {
  topics?: number; // first N topics in curriculum order (default 2)
  alignment?: 'ppo' | 'dpo';
  root?: string; // the checkout to run (the baseline worktree, for bench/baseline.json)
  log?: (m: string) => void;
}

/** The sample curriculum's topic ids in curriculum order. */
async function sampleTopics(): Promise<string[]> {
  const lines = (await readFile(path.join(SAMPLE, 'sft_data.jsonl'), 'utf8')).split('\n').filter((l) => l.trim());
  const sources = lines.map((l) => (JSON.parse(l) as { source: string }).source);
  return orderTopics(sources).map((t) => t.id);
}

/** Runs `node bin/mindprint.js train ...` in root; resolves with its exit code and every log line, with the wall time. */
function runCli(root: string, args: string[], log: (m: string) => void): Promise<{ code: number; lines: string[]; seconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(root, 'bin/mindprint.js'), 'train', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let pending = '';
    const take = (chunk: Buffer) => {
      const parts = (pending + chunk.toString('utf8')).split(/[\r\n]+/);
      pending = parts.pop() ?? '';
      for (const l of parts) {
        lines.push(l);
        if (/ done \(|skipped|^\[\d+\/\d+\]|^exam /.test(l)) log(l.trim());
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending) lines.push(pending);
      resolve({ code: code ?? 1, lines, seconds: (performance.now() - started) / 1000 });
    });
  });
}

export async function benchPipeline(opts: PipelineOptions = {}): Promise<object> {
  const root = opts.root ?? ROOT;
  const log = opts.log ?? ((m: string) => console.error(`pipeline bench: ${m}`));
  const all = await sampleTopics();
  const n = Math.min(opts.topics ?? 2, all.length);
  const topics = all.slice(0, n);
  const alignment = opts.alignment ?? 'ppo';
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'mindprint-pipeline-bench-'));
  try {
    const config = (await readFile(path.join(root, 'configs/training_pipeline.yaml'), 'utf8')).replace(/if_not_learned: skip_ppo/, 'if_not_learned: warn');
    await writeFile(path.join(tmp, 'config.yaml'), config);
    const args = ['--model', 'tiny', '--data', SAMPLE, '--out', path.join(tmp, 'out'), '--config', path.join(tmp, 'config.yaml')];
    args.push('--alignment', alignment, '--topics', topics.join(','), ...QUICK);
    log(`${n} of ${all.length} topics (${topics.join(', ')}), ${alignment}, quick settings ${QUICK.join(' ')}`);
    const run = await runCli(root, args, log);
    if (run.code !== 0) throw new Error(`mindprint train exited ${run.code}: ${run.lines.slice(-5).join(' | ')}`);
    const phases: Record<string, number> = {};
    const perTopic: { topic: string; phases: Record<string, number> }[] = [];
    for (const line of run.lines) {
      const topic = /^\[\d+\/\d+\] (\S+)/.exec(line);
      if (topic) perTopic.push({ topic: topic[1], phases: {} });
      const m = /^\s+(\w+) done \((\d+(?:\.\d+)?) s\)/.exec(line);
      if (m && (PHASES as readonly string[]).includes(m[1])) {
        phases[m[1]] = (phases[m[1]] ?? 0) + Number(m[2]);
        const cur = perTopic[perTopic.length - 1];
        if (cur) cur.phases[m[1]] = Number(m[2]);
      }
    }
    const inPhases = Object.values(phases).reduce((a, b) => a + b, 0);
    const round = (x: number) => Number(x.toFixed(1));
    return {
      topics: n,
      ofTopics: all.length,
      note: n < all.length ? `first ${n} of ${all.length} topics (--topics ${n}); the whole sample takes too long on a software adapter` : 'the whole sample',
      settings: `--model tiny --alignment ${alignment} ${QUICK.join(' ')}, reward.if_not_learned: warn (PPO runs)`,
      secondsByPhase: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, round(v)])),
      otherSeconds: round(run.seconds - inPhases),
      totalSeconds: round(run.seconds),
      perTopic,
      skipped: run.lines.filter((l) => /skipped/.test(l)).map((l) => l.trim()),
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const topics = arg('--topics');
  const result = await benchPipeline({ topics: topics ? Number(topics) : undefined, root: arg('--root') });
  console.log(JSON.stringify(result));
  process.exit(0);
}
