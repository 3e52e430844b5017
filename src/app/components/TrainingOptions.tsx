// The run form: base model (tiny or a picked Hugging Face folder), alignment and phases, the topics to
// train, quick limits (steps, sequence length, new tokens), seed and similarity; Start / Pause / Resume.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import type { Phase, TrainOptions } from '../../workers/training-protocol.ts';

const PHASES: Record<'ppo' | 'dpo', Phase[]> = { ppo: ['sft', 'reward', 'ppo', 'eval'], dpo: ['sft', 'dpo', 'eval'] };
const PHASE_LABEL: Record<Phase, string> = { sft: 'SFT', reward: 'reward model', ppo: 'PPO', dpo: 'DPO', eval: 'evaluation' };

function NumberField({
  label,
  value,
  placeholder,
  title,
  testId,
  onChange,
  min = 1,
  disabled = false,
}: {
  label: string;
  value: number | null;
  placeholder: string;
  title: string;
  testId: string;
  onChange: (v: number | null) => void;
  min?: number;
  /** Locked while a run goes (the run uses the values it started with). */
  disabled?: boolean;
}) {
  return (
    <label className="field" title={title}>
      <span>{label}</span>
      <input
        type="number"
        min={min}
        value={value ?? ''}
        placeholder={placeholder}
        disabled={disabled}
        data-testid={testId}
        onChange={(e) => {
          const v = e.target.value.trim();
          const n = Number(v);
          onChange(v === '' || !Number.isFinite(n) ? null : Math.max(0, Math.round(n)));
        }}
      />
    </label>
  );
}

function TopicPicker({ all, chosen, onChange, disabled }: { all: string[]; chosen: string[]; onChange: (t: string[]) => void; disabled: boolean }) {
  const set = new Set(chosen);
  return (
    <details className="topic-picker" data-testid="train-topics">
      <summary>{chosen.length ? `${chosen.length} of ${all.length} topics` : `All ${all.length} topics`}</summary>
      <div className="topic-picker-list">
        <button className="link small" disabled={disabled || !chosen.length} onClick={() => onChange([])}>
          all topics
        </button>
        {all.map((id) => (
          <label key={id} className="topic-option">
            <input
              type="checkbox"
              disabled={disabled}
              checked={set.has(id)}
              data-testid="train-topic-option"
              data-topic={id}
              onChange={(e) => onChange(all.filter((t) => (t === id ? e.target.checked : set.has(t))))}
            />
            <span className="topic-id">{id}</span>
          </label>
        ))}
      </div>
    </details>
  );
}

/** The base model chosen in the Model tab (tiny, a checked folder, or a cached Hub model), with a link there. */
function ModelField() {
  const { label, setTab } = useStudio(
    useShallow((s) => ({ label: s.trainModel.kind === 'tiny' ? 'tiny (generated, for demos)' : s.trainModel.label, setTab: s.setTab })),
  );
  return (
    <div className="field">
      <span>Base model</span>
      <span data-testid="train-model">
        {label}{' '}
        <button className="link-button" onClick={() => setTab('model')} data-testid="train-model-change">
          change in the Model tab
        </button>
      </span>
    </div>
  );
}

/** The alignment select (PPO or DPO) and the checkboxes of that alignment's phases. */
function AlignmentFields({ busy }: { busy: boolean }) {
  const { o, set } = useStudio(useShallow((s) => ({ o: s.trainOptions, set: s.setTrainOptions })));
  const togglePhase = (p: Phase, on: boolean) => set({ phases: PHASES[o.alignment].filter((x) => (x === p ? on : o.phases.includes(x))) });
  return (
    <>
      <label className="field">
        <span>Alignment</span>
        <select
          value={o.alignment}
          disabled={busy}
          data-testid="train-alignment"
          onChange={(e) => {
            const a = e.target.value as 'ppo' | 'dpo';
            set({ alignment: a, phases: PHASES[a] });
          }}
        >
          <option value="ppo">reward model + PPO</option>
          <option value="dpo">DPO</option>
        </select>
      </label>
      <div className="field">
        <span>Phases</span>
        <div className="checks">
          {PHASES[o.alignment].map((p) => (
            <label key={p}>
              <input
                type="checkbox"
                disabled={busy}
                checked={o.phases.includes(p)}
                onChange={(e) => togglePhase(p, e.target.checked)}
                data-testid={`phase-${p}`}
              />{' '}
              {PHASE_LABEL[p]}
            </label>
          ))}
        </div>
      </div>
    </>
  );
}

/** The topics to train, picked among the analysed curriculum's topics (none picked: all). */
function TopicsField({ busy }: { busy: boolean }) {
  const { chosen, set, configs } = useStudio(
    useShallow((s) => ({ chosen: s.trainOptions.topics, set: s.setTrainOptions, configs: s.result?.configs ?? null })),
  );
  // Topics unticked in the config (not trainable) are not offered.
  const topics = useMemo(() => (configs ?? []).filter((c) => c.trainable).map((c) => c.id), [configs]);
  return (
    <div className="field">
      <span>Topics</span>
      <TopicPicker all={topics} chosen={chosen.filter((t) => topics.includes(t))} onChange={(t) => set({ topics: t })} disabled={busy} />
    </div>
  );
}

/** Quick overrides of the adaptive config (steps, sequence length, new tokens, retries, seed) and the similarity. */
function LimitFields({ busy }: { busy: boolean }) {
  const { o, set } = useStudio(useShallow((s) => ({ o: s.trainOptions, set: s.setTrainOptions })));
  const patch = (p: Partial<TrainOptions>) => set(p);
  return (
    <>
      <NumberField
        label="Max steps"
        value={o.maxSteps}
        placeholder="config"
        title="Caps every phase's optimizer steps (quick runs); empty: the adaptive config's"
        testId="opt-maxSteps"
        disabled={busy}
        onChange={(v) => patch({ maxSteps: v })}
      />
      <NumberField
        label="Max seq length"
        value={o.maxSeqLength}
        placeholder="config"
        title="Tokens per example; longer answers are cut and counted in the report"
        testId="opt-maxSeqLength"
        disabled={busy}
        onChange={(v) => patch({ maxSeqLength: v })}
      />
      <NumberField
        label="Max new tokens"
        value={o.maxNewTokens}
        placeholder="config"
        title="Longest generated answer in evaluation and longest PPO rollout"
        testId="opt-maxNewTokens"
        disabled={busy}
        onChange={(v) => patch({ maxNewTokens: v })}
      />
      <NumberField
        label="Retries"
        value={o.retries ?? null}
        min={0}
        placeholder="config"
        title="Extra attempts for a topic that fails evaluation (one more SFT epoch and a new seed each; 0: none); empty: the config's"
        testId="opt-retries"
        disabled={busy}
        onChange={(v) => patch({ retries: v })}
      />
      <NumberField
        label="Seed"
        value={o.seed}
        placeholder="config"
        title="Random seed; the same seed gives the same adapters"
        testId="opt-seed"
        disabled={busy}
        onChange={(v) => patch({ seed: v })}
      />
      <label
        className="field"
        title="Semantic similarity in evaluation: sentence embeddings (all-MiniLM-L6-v2, downloaded once and cached) or the lexical fallback"
      >
        <span>Similarity</span>
        <select
          value={o.similarity}
          disabled={busy}
          onChange={(e) => patch({ similarity: e.target.value as TrainOptions['similarity'] })}
          data-testid="opt-similarity"
        >
          <option value="auto">embeddings (lexical if unavailable)</option>
          <option value="lexical">lexical</option>
        </select>
      </label>
    </>
  );
}

/** Start (a new run beside the saved ones; confirming when it leaves one unfinished), Pause and Resume. */
function RunButtons({ busy }: { busy: boolean }) {
  const { noPhases, modelKind, status, hasRun, finished, hasData, start, pause, resume, savedModel } = useStudio(
    useShallow((s) => ({
      noPhases: !s.trainOptions.phases.length,
      modelKind: s.trainModel.kind,
      status: s.training.status,
      hasRun: s.training.state !== null,
      finished: s.training.state?.finished ?? false,
      hasData: s.result !== null,
      start: s.startTraining,
      pause: s.pauseTraining,
      resume: s.resumeTraining,
      savedModel: s.training.runOptions?.model ?? null,
    })),
  );
  const needsFolder = savedModel?.kind === 'files' && modelKind !== 'files';
  return (
    <div className="run-buttons">
      <button
        className="primary"
        data-testid="train-start"
        disabled={busy || !hasData || noPhases}
        title={hasData ? 'Start a new run with these options' : 'Load a curriculum in the Files tab first'}
        onClick={() => {
          const unfinished = hasRun && !finished;
          if (unfinished && !confirm('Start a new run? The unfinished run stays in Runs with its adapters, but only the newest run can be resumed.')) return;
          void start();
        }}
      >
        Start
      </button>
      <button
        data-testid="train-pause"
        disabled={status !== 'running' && status !== 'starting'}
        onClick={() => void pause()}
        title="Stop after the current phase; everything so far is saved"
      >
        Pause
      </button>
      <button
        data-testid="train-resume"
        disabled={busy || !hasRun || finished || needsFolder}
        onClick={() => void resume()}
        title={
          needsFolder
            ? `Pick the model folder ${savedModel?.kind === 'files' ? savedModel.label : ''} again to resume`
            : 'Continue the saved run from its last completed phase'
        }
      >
        Resume
      </button>
    </div>
  );
}

/** The run form; every field is locked while a run starts, runs or pauses. */
export function TrainingOptions() {
  const status = useStudio((s) => s.training.status);
  const busy = status === 'starting' || status === 'running' || status === 'pausing';
  return (
    <div className="card train-options">
      <div className="options-row">
        <ModelField />
        <AlignmentFields busy={busy} />
        <TopicsField busy={busy} />
      </div>
      <div className="options-row">
        <LimitFields busy={busy} />
        <RunButtons busy={busy} />
      </div>
    </div>
  );
}
