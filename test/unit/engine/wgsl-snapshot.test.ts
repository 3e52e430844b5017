// Every assembled kernel's WGSL, built without a GPU and kept as a file snapshot in __snapshots__/wgsl/,
// so a review shows the real WGSL diff of a kernel change. Update with `npx vitest run --project unit -u`.
import { expect, it } from 'vitest';
import { assembleWgsl, numel, pipelineKey, type GpuTensor, type OpDescription } from '../../../src/engine/op.ts';
import type { GpuRuntime } from '../../../src/engine/runtime.ts';
import { WGSL_CASES } from './wgsl-cases.ts';

/** A runtime that records the ops it is asked to run instead of running them. */
function recordingRuntime(): { rt: GpuRuntime; ops: Map<string, OpDescription> } {
  const ops = new Map<string, OpDescription>();
  const tensor = (shape: readonly number[], dtype: 'f32' | 'u32' = 'f32'): GpuTensor => ({
    buffer: {} as GPUBuffer,
    shape: [...shape],
    size: numel(shape),
    dtype,
    offset: 0,
  });
  const rt = {
    limits: { maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupStorageSize: 16384 },
    run: (op: OpDescription) => void ops.set(pipelineKey(op), op),
    copy: () => undefined,
    empty: tensor,
    scratch: (_name: string, shape: readonly number[], dtype: 'f32' | 'u32' = 'f32') => tensor(shape, dtype),
    upload: (data: Float32Array | Uint32Array, shape: readonly number[]) => tensor(shape, data instanceof Uint32Array ? 'u32' : 'f32'),
  };
  return { rt: rt as unknown as GpuRuntime, ops };
}

const { rt, ops } = recordingRuntime();
for (const run of WGSL_CASES) run(rt);

it('records every kernel variant the cases reach', () => {
  expect(ops.size).toBeGreaterThan(30);
});

for (const [key, op] of [...ops].sort(([a], [b]) => a.localeCompare(b))) {
  const file = `${key.replace(/[^A-Za-z0-9_=.-]+/g, '_').replace(/_+$/, '')}.wgsl`;
  it(`WGSL of ${key}`, async () => {
    await expect(assembleWgsl(op)).toMatchFileSnapshot(`./__snapshots__/wgsl/${file}`);
  });
}
