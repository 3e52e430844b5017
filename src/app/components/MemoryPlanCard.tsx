// The memory plan (src/model/memory-plan.ts) of the chosen model at the chosen precision and LoRA
// settings, against this adapter's limits (SwiftShader's when there is none), with its verdict.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store/store.ts';
import { formatGiB, LIMIT_PRESETS, planMemory, type AdapterLimits } from '../../model/memory-plan.ts';
import { LORA_TARGETS } from '../../model/lora-types.ts';
import { storedPrecision, type PlanPrecision, type PlanSettings } from '../store/model-slice.ts';

const PRECISIONS: { id: PlanPrecision; label: string }[] = [
  { id: 'stored', label: 'as stored' },
  { id: 'f32', label: 'f32' },
  { id: 'bf16', label: 'bf16' },
  { id: 'f16', label: 'f16' },
  { id: 'q4', label: '4-bit (q4, group 64)' },
];
const TARGETS = LORA_TARGETS.filter((t) => ['q_proj', 'v_proj', 'o_proj'].includes(t));

function PlanFields({ p, set }: { p: PlanSettings; set: (p: Partial<PlanSettings>) => void }) {
  const num = (key: 'rank' | 'batch' | 'seq', label: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        min={1}
        value={p[key]}
        data-testid={`plan-${key}`}
        onChange={(e) => {
          const n = Math.round(Number(e.target.value));
          if (Number.isFinite(n) && n >= 1) set({ [key]: n });
        }}
      />
    </label>
  );
  return (
    <div className="options-row">
      <label className="field">
        <span>Base weights</span>
        <select value={p.precision} data-testid="plan-precision" onChange={(e) => set({ precision: e.target.value as PlanPrecision })}>
          {PRECISIONS.map((x) => (
            <option key={x.id} value={x.id}>
              {x.label}
            </option>
          ))}
        </select>
      </label>
      {num('rank', 'LoRA rank')}
      {num('batch', 'Batch')}
      {num('seq', 'Tokens per sequence')}
    </div>
  );
}

export function MemoryPlanCard() {
  const { summary, gpu, p, set } = useStudio(useShallow((s) => ({ summary: s.modelSummary, gpu: s.gpu, p: s.planSettings, set: s.setPlanSettings })));
  const plan = useMemo(() => {
    if (!summary) return null;
    const limits: AdapterLimits = gpu?.ok
      ? { label: gpu.name, maxBufferSize: gpu.maxBufferSize, maxStorageBufferBindingSize: gpu.maxStorageBufferBindingSize, memoryBytes: null }
      : LIMIT_PRESETS.swiftshader!;
    const precision = p.precision === 'stored' ? storedPrecision(summary.dtype) : p.precision;
    return { precision, ...planMemory(summary.config, { precision, rank: p.rank, batch: p.batch, seq: p.seq, targets: TARGETS }, limits) };
  }, [summary, p, gpu]);
  return (
    <div data-testid="memory-plan">
      <PlanFields p={p} set={set} />
      {plan && (
        <>
          <p className={plan.fits ? 'plan-verdict ok' : 'plan-verdict field-error'} data-testid="plan-verdict">
            {plan.verdict.charAt(0).toUpperCase() + plan.verdict.slice(1)}
          </p>
          <p className="muted small-text">
            Base weights {formatGiB(plan.bytes.weights)} ({plan.precision}) · LoRA + AdamW {formatGiB(plan.bytes.lora)} · activations{' '}
            {formatGiB(plan.bytes.activations)} · logits {formatGiB(plan.bytes.logits)} · total {formatGiB(plan.bytes.total)}; LoRA on {TARGETS.join(', ')}.
          </p>
        </>
      )}
    </div>
  );
}
