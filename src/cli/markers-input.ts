// Which voice markers a command uses: --markers FILE, else the curriculum folder's own
// voice_markers.yaml, else provisional markers discovered in its pairs, else none; and the lines
// that name them in the commands' output and reports.
import { discoverMarkers } from '../analysis/marker-discovery.ts';
import { markerSource, markersName, provisionalMarkers, type MarkerSource } from '../analysis/marker-source.ts';
export { withMarkersLine } from '../analysis/marker-source.ts';
import type { VoiceMarkers } from '../analysis/markers.ts';
import { loadFolderMarkers, loadMarkersFile } from '../analysis/node-defaults.ts';
import type { Dataset } from '../data/types.ts';
import { UsageError } from './command.ts';

export interface ResolvedMarkers {
  markers: VoiceMarkers;
  source: MarkerSource;
}

/** Reads --markers FILE; a bad file is a UsageError naming the file and the field. */
export async function loadGivenMarkers(file: string | undefined): Promise<ResolvedMarkers | null> {
  if (!file) return null;
  try {
    const markers = await loadMarkersFile(file);
    return { markers, source: markerSource('file', markers, file) };
  } catch (err) {
    throw new UsageError(`cannot use voice markers: ${(err as Error).message}`);
  }
}

/** The markers for a curriculum read from `inputs` (files and folders), `given` taking precedence. */
export async function resolveMarkers(inputs: string[], given: ResolvedMarkers | null, ds: Dataset): Promise<ResolvedMarkers> {
  if (given) return given;
  let folder: Awaited<ReturnType<typeof loadFolderMarkers>>;
  try {
    folder = await loadFolderMarkers(inputs);
  } catch (err) {
    throw new UsageError(`cannot use the curriculum's voice markers: ${(err as Error).message}`);
  }
  if (folder) return { markers: folder.markers, source: markerSource('folder', folder.markers, folder.file) };
  const p = provisionalMarkers(ds.preference.length ? discoverMarkers(ds.preference) : null);
  return { markers: p.markers, source: p.source };
}

/** "Voice markers: …" for a command's output, with what to do when they are not the user's own. */
export function markersLines(source: MarkerSource, markers: VoiceMarkers, dir = 'DIR'): string[] {
  const where = source.file && source.origin === 'folder' ? ` — ${source.file}` : '';
  const lines = [`Voice markers: ${markersName(source)}${where}`];
  if (source.origin === 'suggested') {
    lines.push(
      `  ${markers.densityMarkers.join(' · ')}`,
      `  Provisional: voice density and pair quality are not held against their targets. Review them: mindprint markers suggest ${dir} --out ${dir}/voice_markers.yaml`,
    );
  } else if (source.origin === 'none') {
    lines.push(`  No voice markers yet: write ${dir}/voice_markers.yaml, or discover them from preference pairs: mindprint markers suggest ${dir}`);
  }
  return lines;
}
