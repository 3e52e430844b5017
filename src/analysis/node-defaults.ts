// Node-only: the default pipeline config (configs/), the sample's voice markers, and a curriculum
// folder's own voice_markers.yaml.
import { readFile, stat } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMarkers, type VoiceMarkers } from './markers.ts';
import { parsePipelineConfig, type PipelineConfig } from '../config/pipeline-config.ts';

/** Absolute path of a file in the package's configs/ folder. */
export function configPath(name: string): string {
  return fileURLToPath(new URL(`../../configs/${name}`, import.meta.url));
}

/** The sample curriculum's own markers file (Peg's; they apply to the sample only). */
export const SAMPLE_MARKERS_FILE = fileURLToPath(new URL('../../sample-data/voice_markers.yaml', import.meta.url));

export async function loadDefaultPipelineConfig(): Promise<PipelineConfig> {
  const file = configPath('training_pipeline.yaml');
  return parsePipelineConfig(await readFile(file, 'utf8'), file);
}

/** The sample curriculum's markers, for code that works on the sample (tests, benchmarks). */
export async function loadSampleMarkers(): Promise<VoiceMarkers> {
  return parseMarkers(await readFile(SAMPLE_MARKERS_FILE, 'utf8'), SAMPLE_MARKERS_FILE);
}

/** @deprecated The sample's markers under their old name: markers are a curriculum's own now. */
export const loadDefaultMarkers = loadSampleMarkers;

/** True when a user's config file names the base model itself (`model:`), rather than taking the default. */
export async function configNamesModel(file: string): Promise<boolean> {
  const doc = parseYaml(await readFile(file, 'utf8')) as Record<string, unknown> | null;
  return typeof doc === 'object' && doc !== null && doc.model !== undefined;
}

/** Reads a user's config file (values absent there take the defaults). */
export async function loadPipelineConfigFile(file: string): Promise<PipelineConfig> {
  return parsePipelineConfig(await readFile(file, 'utf8'), file, await loadDefaultPipelineConfig());
}

export async function loadMarkersFile(file: string): Promise<VoiceMarkers> {
  return parseMarkers(await readFile(file, 'utf8'), file);
}

/**
 * The first folder among `paths` that carries its own voice_markers.yaml (or .yml), parsed; null when
 * none does. A bad file throws an Error naming the file and the field.
 */
export async function loadFolderMarkers(paths: string[]): Promise<{ file: string; markers: VoiceMarkers } | null> {
  for (const p of paths) {
    if (!(await stat(p).catch(() => null))?.isDirectory()) continue;
    for (const name of ['voice_markers.yaml', 'voice_markers.yml']) {
      const file = join(p, name);
      if ((await stat(file).catch(() => null))?.isFile()) return { file, markers: await loadMarkersFile(file) };
    }
  }
  return null;
}
