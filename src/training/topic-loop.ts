// The topic loop's decisions as pure functions of the run's records: where a (resumed) topic starts, what
// to do with an attempt already on record, which phases run in which order, whether to retry after an
// attempt, and whether the finished topic's adapter is folded into the base.
import type { AdapterPhase } from '../storage/adapter-store.ts';
import type { AttemptRecord, Phase, TopicRecord } from './run-types.ts';

/** The phases of an attempt, in order: SFT, then the alignment (reward model + PPO, or DPO), then evaluation. */
export function attemptPhases(alignment: 'ppo' | 'dpo'): Phase[] {
  return alignment === 'ppo' ? ['sft', 'reward', 'ppo', 'eval'] : ['sft', 'dpo', 'eval'];
}

/** The attempt a topic's loop starts at: its last attempt on record (finished or not), else 0. */
export function firstAttempt(rec: TopicRecord): number {
  return rec.attempts.length ? rec.attempts.at(-1)!.attempt : 0;
}

/**
 * What to do with an attempt when the loop reaches it: run it (new, or the one in progress when the run
 * was killed), skip to the next (it finished without passing), or stop (it passed).
 */
export function attemptAction(ar: AttemptRecord | undefined, o: { evaluated: boolean; inProgress: boolean }): 'run' | 'next' | 'stop' {
  if (!ar || o.inProgress) return 'run';
  if (ar.passed) return 'stop';
  return ar.score !== null || !o.evaluated ? 'next' : 'run';
}

/** A new attempt's record: one more SFT epoch per retry, with the notes the topic's data calls for. */
export function newAttempt(a: { attempt: number; seed: number; sftEpochs: number; promptsCut: number; identicalPairs: number; maxLen: number }): AttemptRecord {
  const ar: AttemptRecord = {
    attempt: a.attempt,
    seed: a.seed,
    sftEpochs: a.sftEpochs + a.attempt,
    phases: [],
    adapters: {},
    score: null,
    passed: false,
    notes: [],
  };
  if (a.promptsCut) ar.notes.push(`${a.promptsCut} prompt(s) cut from the left to leave their answers room within ${a.maxLen} tokens`);
  if (a.identicalPairs) ar.notes.push(`${a.identicalPairs} pair(s) identical after truncation at ${a.maxLen} tokens: raise max_seq_length`);
  return ar;
}

/**
 * After an attempt: is the topic finished, and why? Finished when it passed, when evaluation is not run
 * (no pass/fail to retry on), when the retries are used up, or when the attempt scored the same as the
 * one before (one more epoch and a new seed changed nothing, so the same recipe again would not either).
 */
export function retryDecision(a: {
  passed: boolean;
  evaluated: boolean;
  attempt: number;
  retries: number;
  score: number | null;
  previousScore: number | null;
}): { finish: boolean; note: string | null } {
  if (a.passed || !a.evaluated || a.attempt >= a.retries) return { finish: true, note: null };
  if (a.score !== null && a.previousScore !== null && Math.abs(a.score - a.previousScore) < 1e-6) {
    const left = a.retries - a.attempt;
    return {
      finish: true,
      note: `attempt ${a.attempt} scored ${a.score.toFixed(3)}, the same as attempt ${a.attempt - 1}: the same recipe again would not change it, so the remaining ${left} retr${left === 1 ? 'y was' : 'ies were'} not run`,
    };
  }
  return { finish: false, note: null };
}

/** The note on an attempt that failed and is retried. */
export function retryNote(attempt: number, score: number | null, threshold: number, retries: number): string {
  return `attempt ${attempt} failed (score ${score?.toFixed(3)} < ${threshold}); retry ${attempt + 1} of ${retries} with one more SFT epoch and a new seed`;
}

/** A finished topic's adapter joins the base for the topics after it when it passed, when failed ones merge too, or without evaluation. */
export function foldsIntoBase(finalKey: string | null, o: { passed: boolean; mergeFailed: boolean; evaluated: boolean }): finalKey is string {
  return !!finalKey && (o.passed || o.mergeFailed || !o.evaluated);
}

/** The adapter phases whose keys an attempt records (evaluation saves none). */
export function isAdapterPhase(p: Phase): p is AdapterPhase {
  return p !== 'eval';
}
