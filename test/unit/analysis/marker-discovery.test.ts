import { describe, expect, it } from 'vitest';
import { discoverMarkers } from '../../../src/analysis/marker-discovery.ts';
import { acceptSuggestion, coveringMarker, keepSuggestions, provisionalMarkers, removeSuggestion } from '../../../src/analysis/marker-source.ts';
import { parseMarkers, voiceDensity } from '../../../src/analysis/markers.ts';
import { PLANTED_PHRASES, voiceStrippedPairs } from './voice-curriculum.ts';

const norm = (s: string) => s.toLowerCase().replace(/[,:;!?]$/, '');

describe('discoverMarkers on voice-stripped pairs', () => {
  const pairs = voiceStrippedPairs(150);

  it('builds real-shaped pairs: long chosen answers, rejected = chosen with the phrases removed', () => {
    expect(Math.min(...pairs.map((p) => p.chosen.length))).toBeGreaterThanOrEqual(2000);
    for (const p of pairs.slice(0, 10)) {
      let stripped = p.chosen;
      for (const phrase of ['Look, ', "Here's the thing: ", "I've seen ", 'the reality is ']) stripped = stripped.split(phrase).join('');
      expect(stripped.toLowerCase()).toBe(p.rejected.toLowerCase());
    }
  });

  it('proposes the planted phrases first, with their counts, and nothing they explain', () => {
    const t0 = performance.now();
    const d = discoverMarkers(pairs);
    const ms = performance.now() - t0;
    console.log(
      `discovery: ${pairs.length} pairs of ~2,000 chars in ${ms.toFixed(0)} ms; top: ${d.suggestions
        .slice(0, 6)
        .map((s) => s.phrase)
        .join(' | ')}`,
    );
    expect(ms).toBeLessThan(2000);
    expect(d).toMatchObject({ pairs: 150, differingPairs: 150, examined: 150, minSupport: 8 });
    const top = d.suggestions.slice(0, 4);
    expect(new Set(top.map((s) => norm(s.phrase)))).toEqual(new Set(PLANTED_PHRASES.map(norm)));
    // Punctuation-aware: "Look," always carries its comma, so the comma stays; written as the answers write it.
    expect(top.map((s) => s.phrase)).toContain('Look,');
    expect(top.find((s) => norm(s.phrase) === "here's the thing")!.phrase).toMatch(/^Here's the thing:?$/);
    for (const s of top) {
      const re = new RegExp(s.pattern, 'gi');
      const withIt = pairs.filter((p) => re.test(p.chosen) && ((re.lastIndex = 0), true));
      expect(s.support, s.phrase).toBe(withIt.length);
      expect(s.pairsWith, s.phrase).toBe(withIt.length);
      expect(s.against).toBe(0);
      expect(s.score).toBe(s.support);
      expect(s.rejectedCount).toBe(0);
      expect(s.chosenCount).toBe(pairs.reduce((n, p) => n + (p.chosen.match(re)?.length ?? 0), 0));
    }
    // Sub-phrases of the planted ones ("the", "seen", "look", "thing") and phrases that straddle a planted one
    // and its neighbour are not proposed.
    const rest = d.suggestions.slice(4).map((s) => norm(s.phrase));
    for (const word of ['the', 'seen', 'look', 'thing', "i've", 'reality', 'is']) expect(rest).not.toContain(word);
    expect(d.suggestions.length).toBe(4);
  });

  it('keeps a shorter phrase only when it separates pairs of its own', () => {
    // "Look," opens 30 answers; "look" alone (no comma, before varying words) is in the chosen answers of 20 others.
    const FOLLOW = ['up', 'there', 'again', 'closer', 'aft', 'forward', 'down', 'astern', 'around', 'ahead'];
    const body = 'The sail fills from the front edge and the boat leans away from the wind as it goes. '.repeat(6);
    const ps = [
      ...Array.from({ length: 30 }, (_, i) => ({ chosen: `Look, ${body} ${i}`, rejected: `${body} ${i}` })),
      ...Array.from({ length: 20 }, (_, i) => ({ chosen: `${body} look ${FOLLOW[i % 10]} ${i}`, rejected: `${body} ${FOLLOW[i % 10]} ${i}` })),
    ];
    const d = discoverMarkers(ps);
    const byPhrase = new Map(d.suggestions.map((s) => [s.phrase.toLowerCase(), s]));
    expect(d.suggestions).toHaveLength(2);
    expect(byPhrase.get('look,')).toMatchObject({ support: 30, score: 30 });
    expect(byPhrase.get('look')).toMatchObject({ support: 20, score: 20 }); // its own 20, not the 30 inside "Look,"
  });

  it('ranks by consistency: a phrase the rejected side uses as often is not a marker', () => {
    const body = 'Steer for the mark and keep the wind on your cheek until the gust has passed. '.repeat(5);
    const ps = Array.from({ length: 40 }, (_, i) => ({ chosen: `Mind you, ${body} honestly ${i}`, rejected: `${body} honestly honestly ${i}` }));
    const d = discoverMarkers(ps);
    expect(d.suggestions[0]).toMatchObject({ phrase: 'Mind you,', support: 40, category: 'psychology' });
    expect(d.suggestions.some((s) => s.phrase.toLowerCase().includes('honestly'))).toBe(false);
  });

  it('ranks over at most maxPairs pairs, evenly spaced, and still finds the markers', () => {
    const d = discoverMarkers(pairs, { maxPairs: 40 });
    expect(d).toMatchObject({ pairs: 150, differingPairs: 150, examined: 40, minSupport: 2 });
    expect(new Set(d.suggestions.slice(0, 4).map((s) => norm(s.phrase)))).toEqual(new Set(PLANTED_PHRASES.map(norm)));
    for (const s of d.suggestions) expect(s.support).toBeLessThanOrEqual(40);
  });

  it('identical pairs and no pairs give no suggestions', () => {
    expect(discoverMarkers([]).suggestions).toEqual([]);
    expect(discoverMarkers([{ chosen: 'Same text here.', rejected: 'Same text here.' }])).toMatchObject({ pairs: 1, differingPairs: 0, suggestions: [] });
  });
});

describe('provisional markers and YAML edits', () => {
  const d = discoverMarkers(voiceStrippedPairs(60, 3));

  it('provisional markers are the top suggestions, parse as markers, and count the planted phrases', () => {
    const p = provisionalMarkers(d);
    expect(p.source.origin).toBe('suggested');
    expect(p.source.label).toMatch(/^suggested from your pairs \(provisional: 4 phrases/);
    expect(new Set(p.markers.densityMarkers.map(norm))).toEqual(new Set(PLANTED_PHRASES.map(norm)));
    expect(parseMarkers(p.yaml)).toEqual(p.markers);
    expect(Object.keys(p.markers.categories)).toContain('confidence');
    expect(voiceDensity('Look, the reality is simple.', p.markers)).toBeCloseTo(200 / 5, 6);
    expect(provisionalMarkers(null).source).toMatchObject({ origin: 'none', label: 'no voice markers yet' });
    expect(provisionalMarkers(null).markers.densityMarkers).toEqual([]);
    // Once reviewed (kept, or a suggestion accepted) the file no longer calls itself provisional.
    expect(p.yaml).toMatch(/^# Provisional voice markers/);
    for (const reviewed of [keepSuggestions(p.yaml), acceptSuggestion(p.yaml, { phrase: 'Mind you,', category: null, pattern: '\\bmind\\s+you\\s*,' })]) {
      expect(reviewed).toMatch(/^# Voice markers reviewed from the suggestions/);
      expect(reviewed).not.toContain('Provisional');
      expect(parseMarkers(reviewed).densityMarkers.slice(0, 4)).toEqual(p.markers.densityMarkers);
    }
  });

  it('accepting a suggestion adds the phrase and its category pattern, keeping comments; removing takes them out', () => {
    const yaml = '# my markers\nname: Ana\ndensity_markers: [you see] # hers\ncategories:\n  confidence:\n    expected: 2\n    patterns: ["\\\\bsure\\\\b"]\n';
    const look = d.suggestions.find((s) => s.phrase === 'Look,')!;
    const added = acceptSuggestion(yaml, look);
    expect(added).toContain('# my markers');
    expect(added).toContain('# hers');
    const m = parseMarkers(added);
    expect(m.name).toBe('Ana');
    expect(m.densityMarkers).toEqual(['you see', 'Look,']);
    expect(m.categories.confidence).toEqual({ expected: 2, patterns: ['\\bsure\\b', look.pattern] });
    expect(acceptSuggestion(added, look)).toBe(added); // accepting twice changes nothing
    const psych = acceptSuggestion('', { phrase: 'Mind you,', category: 'psychology', pattern: '\\bmind\\s+you\\s*,' });
    expect(parseMarkers(psych)).toEqual({
      densityMarkers: ['Mind you,'],
      categories: { psychology: { expected: 1, patterns: ['\\bmind\\s+you\\s*,'] } },
      negativePatterns: [],
    });
    const removed = parseMarkers(removeSuggestion(added, look));
    expect(removed.densityMarkers).toEqual(['you see']);
    expect(removed.categories.confidence.patterns).toEqual(['\\bsure\\b']);
    expect(() => acceptSuggestion('density_markers: [', look)).toThrow(/not valid YAML/);
  });

  it('a phrase already counted by a marker inside it is in use', () => {
    const m = parseMarkers('density_markers: ["you", "me", "mark me"]');
    expect(coveringMarker(m, 'your')).toBe('you');
    expect(coveringMarker(m, 'Mark me,')).toBe('mark me');
    expect(coveringMarker(m, 'Look,')).toBeNull();
  });
});
