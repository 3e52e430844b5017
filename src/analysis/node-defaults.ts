// Node-only: the default pipeline config and voice markers read from the package's configs/ folder.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseMarkers, type VoiceMarkers } from './markers.ts';
import { parsePipelineConfig, type PipelineConfig } from './pipeline-config.ts';

/** Absolute path of a file in the package's configs/ folder. */
export function configPath(name: string): string {
  return fileURLToPath(new URL(`../../configs/${name}`, import.meta.url));
}

export async function loadDefaultPipelineConfig(): Promise<PipelineConfig> {
  const file = configPath('training_pipeline.yaml');
  return parsePipelineConfig(await readFile(file, 'utf8'), file);
}

export async function loadDefaultMarkers(): Promise<VoiceMarkers> {
  const file = configPath('voice_markers.yaml');
  return parseMarkers(await readFile(file, 'utf8'), file);
}

/** Reads a user's config file (values absent there take the defaults). */
export async function loadPipelineConfigFile(file: string): Promise<PipelineConfig> {
  return parsePipelineConfig(await readFile(file, 'utf8'), file);
}

export async function loadMarkersFile(file: string): Promise<VoiceMarkers> {
  return parseMarkers(await readFile(file, 'utf8'), file);
}
