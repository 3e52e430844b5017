// Reading a run.json that train.py (or the studio) wrote: every field the import uses is checked, and a
// bad one is an error naming the file and the field path (`run.json: topics[2].score: expected ...`).
import type { AttemptRecord, ExamRecord, Phase, RunState, TopicRecord } from '../training/run-types.ts';

export interface ImportedRunJson {
  model: string;
  seed: number;
  alignment: 'ppo' | 'dpo';
  phases: Phase[];
  finished: boolean;
  similarity: { name: string; reason: string };
  passRate: { passed: number; trained: number; rate: number | null };
  topics: TopicRecord[];
  exams: ExamRecord[];
  merged: RunState['merged'];
  /** The voice markers the evaluation scored with (MarkerSource), as written. */
  markers?: unknown;
}

type Json = Record<string, unknown>;
const PHASES = ['sft', 'reward', 'ppo', 'dpo', 'eval'];

class Fields {
  constructor(
    readonly obj: Json,
    readonly where: string,
  ) {}

  fail(key: string, expected: string): never {
    const v = this.obj[key];
    const got = v === undefined ? 'nothing' : JSON.stringify(v).slice(0, 60);
    throw new Error(`${this.where}${key}: expected ${expected}, got ${got}`);
  }
  str(key: string): string {
    return typeof this.obj[key] === 'string' ? (this.obj[key] as string) : this.fail(key, 'a string');
  }
  num(key: string): number {
    const v = this.obj[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : this.fail(key, 'a number');
  }
  numOrNull(key: string): number | null {
    const v = this.obj[key];
    return v === null || v === undefined ? null : typeof v === 'number' && Number.isFinite(v) ? v : this.fail(key, 'a number or null');
  }
  bool(key: string): boolean {
    return typeof this.obj[key] === 'boolean' ? (this.obj[key] as boolean) : this.fail(key, 'true or false');
  }
  strOrNull(key: string): string | null {
    const v = this.obj[key];
    return v === null || v === undefined ? null : typeof v === 'string' ? v : this.fail(key, 'a string or null');
  }
  strings(key: string, optional = false): string[] {
    const v = this.obj[key];
    if (optional && v === undefined) return [];
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : this.fail(key, 'a list of strings');
  }
  phases(key: string): Phase[] {
    const list = this.strings(key);
    const bad = list.find((p) => !PHASES.includes(p));
    if (bad !== undefined) throw new Error(`${this.where}${key}: unknown phase '${bad}' (expected ${PHASES.join(', ')})`);
    return list as Phase[];
  }
  list(key: string): Fields[] {
    const v = this.obj[key];
    if (!Array.isArray(v)) this.fail(key, 'a list');
    return (v as unknown[]).map((x, i) => {
      if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error(`${this.where}${key}[${i}]: expected an object, got ${JSON.stringify(x)}`);
      return new Fields(x as Json, `${this.where}${key}[${i}].`);
    });
  }
  object(key: string): Fields {
    const v = this.obj[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(key, 'an object');
    return new Fields(v as Json, `${this.where}${key}.`);
  }
}

function attempt(f: Fields): AttemptRecord {
  const adapters = f.object('adapters');
  const keys: AttemptRecord['adapters'] = {};
  for (const phase of Object.keys(adapters.obj)) {
    if (!['sft', 'reward', 'ppo', 'dpo'].includes(phase)) throw new Error(`${adapters.where}${phase}: not an adapter phase (sft, reward, ppo, dpo)`);
    keys[phase as keyof AttemptRecord['adapters']] = adapters.str(phase);
  }
  const learned = f.obj.rewardLearned;
  return {
    attempt: f.num('attempt'),
    seed: f.num('seed'),
    sftEpochs: f.num('sftEpochs'),
    phases: f.phases('phases'),
    adapters: keys,
    score: f.numOrNull('score'),
    passed: f.bool('passed'),
    notes: f.strings('notes', true),
    warnings: f.strings('warnings', true),
    ...(typeof learned === 'boolean' ? { rewardLearned: learned } : {}),
    ...(f.obj.evaluation !== undefined && f.obj.evaluation !== null ? { evaluation: f.obj.evaluation } : {}),
  };
}

function topic(f: Fields): TopicRecord {
  const id = f.str('id');
  const reason = f.strOrNull('untrainableReason');
  return {
    id,
    unit: id.split('/')[0],
    trainable: f.bool('trainable'),
    ...(reason ? { untrainableReason: reason } : {}),
    threshold: f.num('threshold'),
    attempts: f.list('attempts').map(attempt),
    phasesRun: f.phases('phasesRun'),
    score: f.numOrNull('score'),
    passed: f.bool('passed'),
    finalAdapter: f.strOrNull('adapter'),
    truncatedExamples: f.num('truncatedExamples'),
    identicalPairs: f.numOrNull('identicalPairs') ?? 0,
    warnings: f.strings('warnings', true),
    merged: f.bool('merged'),
  };
}

/** Parses and checks run.json; `where` names the file in errors. */
export function parseRunJson(text: string, where: string): ImportedRunJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${where}: expected a JSON object`);
  const f = new Fields(raw as Json, `${where}: `);
  const alignment = f.str('alignment');
  if (alignment !== 'ppo' && alignment !== 'dpo') return f.fail('alignment', '"ppo" or "dpo"');
  const sim = f.object('similarity');
  const pr = f.object('passRate');
  return {
    model: f.str('model'),
    seed: f.num('seed'),
    alignment,
    phases: f.phases('phases'),
    finished: f.bool('finished'),
    similarity: { name: sim.str('name'), reason: sim.strOrNull('reason') ?? '' },
    passRate: { passed: pr.num('passed'), trained: pr.num('trained'), rate: pr.numOrNull('rate') },
    topics: f.list('topics').map(topic),
    exams: f
      .list('exams')
      .map((e) => ({
        level: e.str('level') as ExamRecord['level'],
        scopeId: e.str('scopeId'),
        title: e.str('title'),
        accuracy: e.num('accuracy'),
        meanVoice: e.numOrNull('meanVoice'),
        passed: e.bool('passed'),
        bars: e.obj.bars ?? null,
        questions: e.num('questions'),
      })),
    merged: f.list('merged').map((m) => ({ unit: m.str('unit'), key: m.str('key'), rank: m.num('rank'), relativeError: m.numOrNull('relativeError') })),
    ...(f.obj.markers !== undefined && f.obj.markers !== null ? { markers: f.obj.markers } : {}),
  };
}
