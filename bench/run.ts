// `npm run bench [-- PART ...] [flags]`: runs the benchmarks and prints a table, then ONE JSON object as the
// last stdout line (with --json the table goes to stderr). Each part is optional and fault-isolated: a part
// that fails reports its error instead of hiding the others.
//
//   npm run bench                                   every part (minutes to an hour on a software adapter)
//   npm run bench -- step --hidden 256 --seq 128    our LoRA SFT step at a shape; its JSON object is the last line
//   npm run bench -- step --peer                    ... and the tfjs peer on the same shape, weights and batch
//   npm run bench -- peer scaling pipeline          chosen parts
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { selectNodeDriver } from '../src/engine/node-driver.ts';
import { formatReport } from './report.ts';
import { shapeFromValues, STEP_OPTIONS, stepInputs, type StepInputs, type StepResult, type StepShape } from './step.ts';

const PARTS = ['step', 'peer', 'scaling', 'pipeline', 'generation', 'analysis', 'engine', 'attention', 'training', 'load'] as const;
type Part = (typeof PARTS)[number];

const OPTIONS = {
  ...STEP_OPTIONS,
  json: { type: 'boolean' }, // the table to stderr: stdout holds only the JSON line
  peer: { type: 'boolean' }, // with `step` alone: also the tfjs peer's step on the same inputs
  matmul: { type: 'string' }, // peer matmul shapes: N or MxKxN, comma-separated
  'matmul-max-s': { type: 'string' }, // skip a matmul shape whose one run is estimated above this
  topics: { type: 'string' }, // pipeline: first N topics of the sample curriculum
  'scaling-seqs': { type: 'string' },
  'scaling-widths': { type: 'string' },
  'scaling-seq': { type: 'string' }, // T of the width rows
  help: { type: 'boolean' },
} as const;

const USAGE = `Usage: npm run bench -- [PART ...] [flags]
Parts: ${PARTS.join(', ')} (default: all)
Step shape (step, peer): --hidden --layers --heads --kv-heads --ffn --vocab --seq --batch --rank
  --targets q,v,o --steps N --warmup N --tied  (defaults: the tiny model, B 2 × T 64, r 8 on q,v,o)
  --kernels gpu|software (default: the adapter's) --no-subgroups (tree reductions even where subgroups exist)
Peer: --peer (with step) --matmul 256,512,4096x8x4096 --matmul-max-s 20
Scaling: --scaling-seqs 256,512,1024,2048 --scaling-widths tiny,0.1b,0.5b --scaling-seq 64
Pipeline: --topics N (first N topics, default 2)
--json: the table to stderr, stdout holds only the JSON line`;

function fail(message: string): never {
  console.error(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function positiveInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) fail(`--${flag} must be a positive integer, got '${v}'`);
  return n;
}

function intList(v: string | undefined, flag: string): number[] | undefined {
  return v?.split(',').map((x) => positiveInt(x.trim(), flag) as number);
}

let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>;
let shape: StepShape;
try {
  parsed = parseArgs({ args: process.argv.slice(2), options: OPTIONS, allowPositionals: true, strict: true });
  shape = shapeFromValues(parsed.values);
} catch (err) {
  fail((err as Error).message);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
for (const p of positionals) if (!(PARTS as readonly string[]).includes(p)) fail(`unknown part '${p}' (expected ${PARTS.join(', ')})`);
const only = positionals as Part[];
const stepAlone = only.length === 1 && only[0] === 'step';
const topics = positiveInt(values.topics, 'topics');
const matmulMaxS = positiveInt(values['matmul-max-s'], 'matmul-max-s');
const scalingSeqs = intList(values['scaling-seqs'], 'scaling-seqs');
const scalingSeq = positiveInt(values['scaling-seq'], 'scaling-seq');
const scalingWidths = values['scaling-widths']?.split(',').map((w) => w.trim());

await selectNodeDriver(); // the system's GPU when there is one, else SwiftShader (src/engine/adapter-choice.ts)

let inputs: StepInputs | undefined; // built once: ours and the peer train the same weights, adapter and batch
const shared = () => (inputs ??= stepInputs(shape));
const results: Record<string, unknown> = {};

/** The peer: its step (tfjs webgpu and cpu) on the shared inputs, and the matmul shapes against ours. */
async function peerPart(withMatmul: boolean): Promise<object> {
  const { benchPeerStep, benchPeerMatmul, parseMatmuls, DEFAULT_MATMULS } = await import('./peer-tfjs.ts');
  const step: Record<string, unknown> = {};
  for (const backend of ['webgpu', 'cpu'] as const) {
    try {
      step[backend] = await benchPeerStep(shared(), backend);
    } catch (err) {
      step[backend] = { error: (err as Error).message };
    }
  }
  const out: Record<string, unknown> = { step };
  if (withMatmul) {
    try {
      out.matmul = await benchPeerMatmul(parseMatmuls(values.matmul ?? DEFAULT_MATMULS), 1500, (matmulMaxS ?? 20) * 1000);
    } catch (err) {
      out.matmul = { error: (err as Error).message };
    }
  }
  return out;
}

const benches: Record<Part, () => Promise<unknown>> = {
  step: async () => (await import('./step.ts')).benchStep(shape, { inputs: shared() }),
  peer: () => peerPart(true),
  scaling: async () => (await import('./scaling.ts')).benchScaling({ seqs: scalingSeqs, widths: scalingWidths, widthSeq: scalingSeq }),
  pipeline: async () => (await import('./pipeline.ts')).benchPipeline({ topics }),
  generation: async () => (await import('./generation.ts')).benchGeneration(),
  analysis: async () => (await import('./analysis.ts')).benchAnalysis(),
  engine: async () => (await import('./engine.ts')).benchEngine(),
  attention: async () => (await import('./attention.ts')).benchAttention(),
  training: async () => (await import('./training.ts')).benchTraining(),
  load: async () => (await import('./load.ts')).benchLoad(),
};

for (const name of PARTS) {
  if (only.length && !only.includes(name)) continue;
  const started = Date.now();
  try {
    results[name] = await benches[name]();
  } catch (err) {
    results[name] = { error: (err as Error).message };
  }
  console.error(`bench ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (stepAlone && values.peer) results.peer = await peerPart(false);

let baseline: Record<string, unknown> | undefined;
try {
  baseline = JSON.parse(await readFile(new URL('./baseline.json', import.meta.url), 'utf8')) as Record<string, unknown>;
} catch {
  baseline = undefined; // no baseline recorded: the table shows only the current figures
}
const report = formatReport(results, baseline);
if (values.json) console.error(report);
else console.log(report);

if (stepAlone) {
  // The step's own object as the last line, so any engine can be timed on the same shape; the peer beside it.
  const step = results.step as StepResult | { error: string };
  const peer = (results.peer as { step?: Record<string, { msPerStep?: number }> } | undefined)?.step;
  const ours = 'msPerStep' in step ? step.msPerStep : undefined;
  const ratios = Object.fromEntries(Object.entries(peer ?? {}).map(([k, p]) => [k, p.msPerStep && ours ? Number((p.msPerStep / ours).toFixed(2)) : null]));
  console.log(JSON.stringify(peer ? { ...step, peer, speedupVsPeer: ratios } : step));
} else {
  if (baseline) results.baseline = baseline;
  console.log(JSON.stringify(results));
}
process.exit('error' in ((results.step as object | undefined) ?? {}) && stepAlone ? 1 : 0);
