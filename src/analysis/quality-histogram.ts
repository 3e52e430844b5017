// Pair-quality histograms for the studio's chart: per topic and over all pairs, with the analysis'
// own quality definition (stats.ts pairQuality over voice density).
import type { PreferencePair } from '../data/types.ts';
import { voiceDensity, type VoiceMarkers } from './markers.ts';
import { pairQuality } from './stats.ts';

/** Pair-quality histogram: `edges[i]..edges[i+1]` holds `counts[i]` pairs (last bin open-ended). */
export interface QualityHistogram {
  edges: number[];
  counts: number[];
}

/** Bin edges; the first bin is < 0, the last ≥ 5. */
export const QUALITY_EDGES = [0, 0.5, 1, 1.5, 2, 3, 5];

export function histogram(values: number[], edges: number[] = QUALITY_EDGES): QualityHistogram {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const q of values) {
    let i = 0;
    while (i < edges.length && q >= edges[i]!) i++;
    counts[i]!++;
  }
  return { edges, counts };
}

/** Histograms per topic id and over all pairs ('*'). */
export function qualityHistograms(pairs: readonly PreferencePair[], markers: VoiceMarkers): Record<string, QualityHistogram> {
  const byTopic = new Map<string, number[]>([['*', []]]);
  for (const p of pairs) {
    const q = pairQuality(p.chosen.length, p.rejected.length, voiceDensity(p.chosen, markers), voiceDensity(p.rejected, markers));
    byTopic.get('*')!.push(q);
    if (p.topicId !== null) {
      let list = byTopic.get(p.topicId);
      if (!list) byTopic.set(p.topicId, (list = []));
      list.push(q);
    }
  }
  return Object.fromEntries([...byTopic].map(([id, qs]) => [id, histogram(qs)]));
}
