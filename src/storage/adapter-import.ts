// Importing PEFT adapters made elsewhere (a folder's files, or a zip: one adapter or a whole run) and
// checking each against the model before it is kept: architecture and size (layers, projections),
// target modules, tensor shapes. Pure: bytes in, checked adapters or an error naming the file out, so
// the studio, the CLI and the run-bundle import share it.
import { unzipSync } from 'fflate';
import type { ModelConfig } from '../model/hf-config.ts';
import type { LoraAdapter } from '../model/lora-types.ts';
import { HEAD_FILE, METRICS_FILE, type JsonObject } from './adapter-store.ts';
import { ADAPTER_CONFIG, ADAPTER_WEIGHTS, importPeft, readPeftScore, type PeftFiles } from './peft.ts';

/** A file of the import: its path ('/'-separated, relative to what was picked) and bytes. */
export interface ImportFile {
  path: string;
  bytes: Uint8Array;
}

/** One adapter folder found in the files, before it is checked. */
export interface FoundAdapter {
  /** The folder holding adapter_config.json ('' when it is at the top). */
  folder: string;
  files: PeftFiles;
  /** metrics.json beside it (our own exports), else null. */
  metrics: JsonObject | null;
  head: Uint8Array | null;
}

/** An adapter that fits the model, ready to store, evaluate or merge. */
export interface CheckedAdapter extends FoundAdapter {
  adapter: LoraAdapter;
  /** A reward model's scalar head (score.weight), else null. */
  score: Float32Array | null;
  /** base_model_name_or_path as the adapter names it. */
  baseModel: string;
  /** Things worth knowing that do not stop the import (another base model name). */
  notes: string[];
}

const ZIP_MAGIC = [0x50, 0x4b];

/** True when the bytes start like a zip (local file header or an empty archive). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === ZIP_MAGIC[0] && bytes[1] === ZIP_MAGIC[1];
}

/** The files of a zip (folders and macOS metadata left out). */
export function unzipFiles(bytes: Uint8Array, name: string): ImportFile[] {
  if (!looksLikeZip(bytes)) throw new Error(`${name}: not a zip file (it does not start with 'PK')`);
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new Error(`${name}: the zip cannot be read (${(e as Error).message}); is it complete?`);
  }
  return Object.entries(files)
    .filter(([p]) => !p.endsWith('/') && !p.startsWith('__MACOSX/') && !p.split('/').some((s) => s.startsWith('._')))
    .map(([path, data]) => ({ path, bytes: data }));
}

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const utf8 = (b: Uint8Array, where: string) => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    throw new Error(`${where}: not UTF-8 text`);
  }
};

/** Every folder holding adapter_config.json, with its weights; a config without weights is an error. */
export function findPeftAdapters(files: ImportFile[], where: string, labelBase: string = where): FoundAdapter[] {
  const byPath = new Map(files.map((f) => [f.path.replace(/^\.\//, ''), f.bytes]));
  const at = (folder: string, name: string) => byPath.get(folder ? `${folder}/${name}` : name) ?? null;
  const out: FoundAdapter[] = [];
  for (const path of [...byPath.keys()].sort()) {
    if (path !== ADAPTER_CONFIG && !path.endsWith(`/${ADAPTER_CONFIG}`)) continue;
    const folder = dirOf(path);
    const label = [labelBase, folder].filter(Boolean).join('/') || where;
    const weights = at(folder, ADAPTER_WEIGHTS);
    if (!weights) {
      const bin = at(folder, 'adapter_model.bin');
      throw new Error(
        `${label}: ${ADAPTER_WEIGHTS} is missing beside ${ADAPTER_CONFIG}` +
          (bin ? ' (only adapter_model.bin, a pickle: save it again with safe_serialization=True)' : ''),
      );
    }
    const metricsBytes = at(folder, METRICS_FILE);
    let metrics: JsonObject | null = null;
    if (metricsBytes) {
      try {
        metrics = JSON.parse(utf8(metricsBytes, `${label}/${METRICS_FILE}`)) as JsonObject;
      } catch {
        metrics = null; // metrics are ours and optional: a bad file does not stop the import
      }
    }
    out.push({
      folder,
      files: { [ADAPTER_CONFIG]: utf8(at(folder, ADAPTER_CONFIG)!, `${label}/${ADAPTER_CONFIG}`), [ADAPTER_WEIGHTS]: weights },
      metrics,
      head: at(folder, HEAD_FILE),
    });
  }
  if (!out.length) {
    const names = files.slice(0, 5).map((f) => f.path);
    throw new Error(
      `${where}: no PEFT adapter found (a folder with ${ADAPTER_CONFIG} and ${ADAPTER_WEIGHTS}); it holds ${files.length ? names.join(', ') + (files.length > 5 ? ', …' : '') : 'no files'}`,
    );
  }
  return out;
}

/** What the model is, for errors: "tiny (LlamaForCausalLM, 2 layers, hidden 64)". */
export function describeModel(cfg: ModelConfig, name: string): string {
  return `${name} (${cfg.architectures[0] ?? cfg.modelType}, ${cfg.numLayers} layers, hidden ${cfg.hiddenSize})`;
}

/** Checks one found adapter against the model; the error names the adapter's folder and the model. */
export function checkAdapter(found: FoundAdapter, cfg: ModelConfig, modelName: string, where: string): CheckedAdapter {
  const label = [where, found.folder].filter(Boolean).join('/') || 'adapter';
  let adapter: LoraAdapter;
  let score: Float32Array | null;
  try {
    adapter = importPeft(found.files, cfg, undefined, label);
    score = readPeftScore(found.files, cfg, label);
  } catch (e) {
    throw new Error(`${(e as Error).message} — this adapter does not fit ${describeModel(cfg, modelName)}`);
  }
  const notes: string[] = [];
  const norm = (s: string) => s.trim().replace(/\/+$/, '');
  if (adapter.baseModel && norm(adapter.baseModel) !== norm(modelName)) {
    notes.push(`made for '${adapter.baseModel}', checked against ${modelName}: every tensor fits its shapes`);
  }
  return { ...found, adapter, score, baseModel: adapter.baseModel, notes };
}

/**
 * The adapters in what the user picked: a zip (one adapter or a whole run) or a folder's files. Every
 * adapter must fit the model; the first that does not is the error, and nothing is returned.
 */
export function importAdapters(files: ImportFile[], cfg: ModelConfig, modelName: string, where: string): CheckedAdapter[] {
  const oneZip = files.length === 1 && (looksLikeZip(files[0].bytes) || /\.zip$/i.test(files[0].path));
  const expanded = oneZip ? unzipFiles(files[0].bytes, where) : files;
  // A zip's adapters are named inside it (x.zip/a/b); a picked folder's paths already start with its name.
  const base = oneZip ? where : '';
  return findPeftAdapters(expanded, where, base).map((f) => checkAdapter(f, cfg, modelName, base));
}

/** Where imported adapters are kept in the studio's store: imports/{name}/{folder}. */
export const IMPORTS_ROOT = 'imports';

/** A path made into key segments: characters outside [A-Za-z0-9._-] become '_', no leading '.'. */
const safeSegments = (p: string) =>
  p
    .split('/')
    .filter((s) => s && s !== '.' && s !== '..')
    .map((s) =>
      s
        .replace(/[^A-Za-z0-9._-]/g, '_')
        .replace(/^\.+/, '_')
        .slice(0, 120),
    );

/** The key an imported adapter is kept under: imports/{name}[/{folder}]. */
export function importKey(name: string, folder: string): string {
  const segs = [...safeSegments(name.replace(/\.zip$/i, '')), ...safeSegments(folder)];
  if (!segs.length) throw new Error(`importKey: '${name}' gives no usable name`);
  return [IMPORTS_ROOT, ...segs].join('/');
}
