// The playground's pure rules, shared by the worker and the tests: which stored adapters make up the
// policy a chosen adapter belongs to, where a stop sequence cuts a streamed answer, and the checks on
// the sampling settings (each error names the field and the value received).
import type { AdapterEntry } from '../storage/adapter-store.ts';

/** Sampling settings of one playground request. */
export interface PlaygroundSampling {
  /** 0 = greedy. */
  temperature: number;
  /** Nucleus mass in (0, 1]. */
  topP: number;
  /** Most new tokens per answer (a positive integer). */
  maxTokens: number;
  /** Stop sequences: the answer ends before the first one that appears (none: the model's end token). */
  stop: string[];
  /** Seed of the sampling generator (an integer >= 0). */
  seed: number;
}

export const DEFAULT_SAMPLING: PlaygroundSampling = { temperature: 0, topP: 1, maxTokens: 64, stop: [], seed: 0 };

/** Most tokens one playground answer may ask for. */
export const MAX_PLAYGROUND_TOKENS = 2048;

/** Throws on the first unusable setting, naming it and the value received. */
export function checkSampling(s: PlaygroundSampling): void {
  const where = 'playground settings';
  if (!Number.isFinite(s.temperature) || s.temperature < 0) throw new Error(`${where}: temperature: expected a number >= 0, got ${s.temperature}`);
  if (!(s.topP > 0 && s.topP <= 1)) throw new Error(`${where}: top-p: expected a number in (0, 1], got ${s.topP}`);
  if (!Number.isInteger(s.maxTokens) || s.maxTokens < 1 || s.maxTokens > MAX_PLAYGROUND_TOKENS)
    throw new Error(`${where}: max tokens: expected an integer from 1 to ${MAX_PLAYGROUND_TOKENS}, got ${s.maxTokens}`);
  if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 0xffffffff)
    throw new Error(`${where}: seed: expected an integer from 0 to 4294967295, got ${s.seed}`);
  s.stop.forEach((x, i) => {
    if (typeof x !== 'string' || x === '') throw new Error(`${where}: stop sequence ${i + 1} is empty: remove it or type the text to stop at`);
  });
}

/** Stop sequences typed one per line; blank lines are ignored, `\n` in a line means a newline. */
export function parseStopList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/\\n/g, '\n'))
    .filter((l) => l.trim() !== '');
}

/** The index where the first stop sequence starts in `text`, or -1 when none appears. */
export function stopIndex(text: string, stop: readonly string[]): number {
  let at = -1;
  for (const s of stop) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

/** The part of a run state the policy of an adapter depends on. */
export interface FoldHistory {
  /** Topics in run order. */
  topics: { id: string }[];
  /** Adapter keys folded into the base, in order. */
  folded: string[];
}

const topicOfKey = (key: string) => /^adapters\/(.+)\/[a-z]+_adapter$/.exec(key)?.[1] ?? null;

/**
 * The stored adapters to stack under `key` so the playground answers with the policy that adapter was
 * trained in: for a topic's phase adapter, the adapters folded into the base before that topic (the
 * completed topics before it in run order); for a unit merge, nothing (a merge already sums every
 * earlier fold). Throws when the key is neither kind.
 */
export function policyContext(history: FoldHistory | null, key: string): string[] {
  if (/^merged_adapters\/[^/]+_merged$/.test(key)) return [];
  const topic = topicOfKey(key);
  if (topic === null) throw new Error(`playground: '${key}' is not an adapter key (adapters/{topic}/{phase}_adapter or merged_adapters/{unit}_merged)`);
  if (!history) return [];
  const order = new Map(history.topics.map((t, i) => [t.id, i]));
  const mine = order.get(topic);
  if (mine === undefined) return [];
  return history.folded.filter((k) => {
    const t = topicOfKey(k);
    const i = t === null ? undefined : order.get(t);
    return i !== undefined && i < mine;
  });
}

/** Adapters that can answer a prompt: topic policies (SFT, PPO, DPO) and unit merges; reward models score, they do not generate. */
export function answeringAdapters(entries: readonly AdapterEntry[]): AdapterEntry[] {
  return entries.filter((e) => e.kind === 'merged' || e.phase !== 'reward');
}

/** A short label for an adapter in the picker. */
export function adapterLabel(e: AdapterEntry): string {
  return e.kind === 'merged' ? `${e.unit} · unit merge` : `${e.topicId} · ${e.phase.toUpperCase()}`;
}
