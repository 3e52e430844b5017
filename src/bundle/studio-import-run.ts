// The studio's import of a TRL bundle's output: in the picked files (a folder's, or one zip) the output is
// the folder holding run.json, and plan.json lies inside it (train.py copies it there) or beside it; then
// importRun checks everything and records the run in a fresh runs/{id} of the RunLibrary. If anything
// fails, that fresh folder is deleted again, so the library is exactly as before. No DOM: Blobs or bytes.
import type { ModelConfig } from '../model/hf-config.ts';
import { looksLikeZip, unzipFiles } from '../storage/adapter-import.ts';
import { RUNS_ROOT, type RunLibrary } from '../storage/run-library.ts';
import { RUN_FILES } from '../storage/run-store.ts';
import { underPrefix, type ArtifactStore, type StoreValue } from '../storage/store.ts';
import { passRate, type PassRate } from '../training/run-report.ts';
import { importRun, planFacts } from './import-run.ts';

/** A picked file: its path ('/'-separated, a folder's files start with the folder's name) and contents. */
export interface PickedFile {
  path: string;
  data: Blob | Uint8Array;
}

const PLAN = 'plan.json';
const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const bytesOf = async (d: Blob | Uint8Array) => (d instanceof Uint8Array ? d : new Uint8Array(await d.arrayBuffer()));

/** The picked files, a single zip opened (folders and macOS metadata left out); `zipped` when it was one. */
export async function expandPicked(files: PickedFile[], name: string): Promise<{ files: PickedFile[]; zipped: boolean }> {
  if (!files.length) throw new Error(`${name}: nothing was picked`);
  if (files.length !== 1) return { files, zipped: false };
  const { path, data } = files[0];
  const head = data instanceof Uint8Array ? data.subarray(0, 4) : new Uint8Array(await data.slice(0, 4).arrayBuffer());
  if (!/\.zip$/i.test(path) && !looksLikeZip(head)) return { files, zipped: false };
  return { files: unzipFiles(await bytesOf(data), name).map((f) => ({ path: f.path, data: f.bytes })), zipped: true };
}

/** The picked files under one folder as a read-only ArtifactStore (what importRun reads the output through). */
export class PickedStore implements ArtifactStore {
  private readonly files = new Map<string, Blob | Uint8Array>();
  constructor(files: PickedFile[], root: string) {
    const prefix = root ? `${root}/` : '';
    for (const f of files) if (f.path.startsWith(prefix)) this.files.set(f.path.slice(prefix.length), f.data);
  }
  async get(key: string): Promise<Uint8Array | null> {
    const d = this.files.get(key);
    return d === undefined ? null : bytesOf(d);
  }
  async getText(key: string): Promise<string | null> {
    const b = await this.get(key);
    return b === null ? null : new TextDecoder().decode(b);
  }
  async has(key: string): Promise<boolean> {
    return this.files.has(key);
  }
  async list(prefix = ''): Promise<string[]> {
    return [...this.files.keys()].filter((k) => underPrefix(k, prefix)).sort();
  }
  private readOnly(): never {
    throw new Error('the picked bundle output is read-only');
  }
  put(_k: string, _v: StoreValue): Promise<void> {
    this.readOnly();
  }
  putMany(_e: Iterable<readonly [string, StoreValue]>): Promise<void> {
    this.readOnly();
  }
  delete(_k: string): Promise<number> {
    this.readOnly();
  }
  async close(): Promise<void> {}
}

/** Where the output is in the picked files: the shallowest folder holding run.json, and its plan.json. */
export function locateOutput(files: PickedFile[], name: string): { root: string; plan: string } {
  const paths = files.map((f) => f.path);
  const runs = paths.filter((p) => p === RUN_FILES.summary || p.endsWith(`/${RUN_FILES.summary}`)).map(dirOf);
  if (!runs.length) {
    const some = paths.slice(0, 5).join(', ') + (paths.length > 5 ? ', …' : '');
    throw new Error(`${name}: no ${RUN_FILES.summary} found (train.py writes it into its output folder when the run finishes); it holds ${some}`);
  }
  const depth = (p: string) => (p ? p.split('/').length : 0);
  const least = Math.min(...runs.map(depth));
  const top = runs.filter((r) => depth(r) === least);
  if (top.length > 1) throw new Error(`${name}: ${top.map((r) => join(r, RUN_FILES.summary)).join(' and ')}: pick one output folder, not several`);
  const root = top[0];
  const plan = [join(root, PLAN), ...(root ? [join(dirOf(root), PLAN)] : [])].find((p) => paths.includes(p));
  if (!plan)
    throw new Error(
      `${name}: ${join(root, PLAN)}: not found, nor beside the output (the bundle's plan names the topics and the LoRA to check against; train.py copies it into its output)`,
    );
  return { root, plan };
}

export interface RunImportParams {
  /** What was picked (a folder's or a zip's name), for errors and the run's record. */
  name: string;
  files: PickedFile[];
  modelConfig: ModelConfig;
  /** The model the studio chose, as errors and notes name it. */
  modelName: string;
  /** Saved as the run's options.model (where Resume and the Training tab look). */
  modelChoice: unknown;
  now?: number;
}

export interface RunImportResult {
  runId: string;
  topics: number;
  adapters: string[];
  passRate: PassRate;
  notes: string[];
}

/** Imports a bundle output into a fresh run of `lib`; on any error that run is removed and the error thrown. */
export async function importRunInto(lib: RunLibrary, p: RunImportParams): Promise<RunImportResult> {
  const { files, zipped } = await expandPicked(p.files, p.name);
  const { root, plan } = locateOutput(files, p.name);
  // Errors name files as the user sees them: a folder's paths start with its name, a zip's lie inside it.
  const label = join(zipped ? p.name : '', root) || p.name;
  const planWhere = join(zipped ? p.name : '', plan);
  const planText = new TextDecoder().decode(await bytesOf(files.find((f) => f.path === plan)!.data));
  const facts = planFacts(planText, planWhere);
  const now = p.now ?? Date.now();
  const runId = await lib.newId(now);
  const target = lib.run(runId);
  try {
    const res = await importRun({ source: new PickedStore(files, root), label, target, plan: facts, modelConfig: p.modelConfig });
    const { run } = res;
    await target.writeOptions({
      // What train.py ran: the plan's config for every limit (null = the config's), its seed and phases.
      phases: run.phases,
      alignment: run.alignment,
      topics: [],
      maxSteps: null,
      maxSeqLength: null,
      maxNewTokens: null,
      seed: run.seed,
      retries: null,
      similarity: run.similarity.name.startsWith('lexical') ? 'lexical' : 'auto',
      model: p.modelChoice,
      modelName: run.model,
      similarityUsed: run.similarity,
      startedAt: now,
      importedFrom: { trainer: 'trl', folder: label, at: now },
    });
    const notes = run.model === p.modelName ? [] : [`run.json names the model '${run.model}'; its adapters were checked against ${p.modelName} and fit it`];
    return { runId, topics: run.topics.length, adapters: res.adapters, passRate: passRate(res.state), notes };
  } catch (e) {
    await lib.store.delete(`${RUNS_ROOT}/${runId}`).catch(() => 0); // a fresh id: nothing else lived there
    throw e;
  }
}
