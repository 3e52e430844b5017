// The studio's voice markers, kept by the studio session (studio-session.ts): the loaded curriculum's own
// voice_markers.yaml when it has one, else the user's edits, else provisional markers discovered in
// its pairs, else none; and discovery's suggestions for the marker editor. Plain TypeScript.
import { discoverMarkers, type MarkerDiscovery } from './marker-discovery.ts';
import { markerSource, provisionalMarkers, type MarkerOrigin, type MarkerSource } from './marker-source.ts';
import { parseMarkers, type VoiceMarkers } from './markers.ts';
import type { PreferencePair } from '../data/types.ts';

/** What is stored in IndexedDB to restore the markers after a reload. */
export interface SavedMarkers {
  yaml: string;
  origin: MarkerOrigin;
  /** The curriculum's own file, when one was loaded. */
  folder: { file: string; yaml: string } | null;
}

export class MarkerState {
  yaml: string;
  markers: VoiceMarkers;
  source: MarkerSource;
  folder: SavedMarkers['folder'] = null;
  discovery: MarkerDiscovery | null = null;

  constructor() {
    const none = provisionalMarkers(null);
    this.yaml = none.yaml;
    this.markers = none.markers;
    this.source = none.source;
  }

  /** What Reset restores: the curriculum's own file, else provisional markers from its pairs (or none). */
  base(): { yaml: string; markers: VoiceMarkers; source: MarkerSource } {
    if (this.folder) {
      const markers = parseMarkers(this.folder.yaml, this.folder.file);
      return { yaml: this.folder.yaml, markers, source: markerSource('folder', markers, this.folder.file) };
    }
    return provisionalMarkers(this.discovery);
  }

  private use(next: { yaml: string; markers: VoiceMarkers; source: MarkerSource }): void {
    this.yaml = next.yaml;
    this.markers = next.markers;
    this.source = next.source;
  }

  /** A voice_markers.yaml among the loaded files: checked (an Error names the file and field), then in use. */
  loadFolderFile(file: string, yaml: string): void {
    parseMarkers(yaml, file);
    this.folder = { file, yaml };
    this.use(this.base());
  }

  /** The user's edit; a bad field throws (naming it) and the markers in use stay. */
  edit(yaml: string): void {
    const markers = parseMarkers(yaml, 'voice markers');
    this.use({ yaml, markers, source: markerSource('edited', markers) });
  }

  reset(): void {
    this.use(this.base());
  }

  /** The pairs changed: new suggestions, and new provisional markers unless the user has markers. */
  pairsChanged(pairs: readonly PreferencePair[]): void {
    this.discovery = pairs.length ? discoverMarkers(pairs) : null;
    if (this.source.origin === 'suggested' || this.source.origin === 'none') this.use(this.base());
  }

  clear(): void {
    this.folder = null;
    this.discovery = null;
    this.use(this.base());
  }

  saved(): SavedMarkers {
    return { yaml: this.yaml, origin: this.source.origin, folder: this.folder };
  }

  /** Restores saved markers; one that no longer parses is dropped (the state stays as it was). */
  restore(s: SavedMarkers): void {
    try {
      if (s.folder) parseMarkers(s.folder.yaml, s.folder.file);
      this.folder = s.folder;
      if (s.origin === 'edited') this.edit(s.yaml);
      else this.use(this.base());
    } catch {
      this.folder = null;
    }
  }
}
