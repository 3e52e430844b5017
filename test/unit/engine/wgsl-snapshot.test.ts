// Every assembled kernel's WGSL, built without a GPU and kept as a file snapshot in __snapshots__/wgsl/,
// so a review shows the real WGSL diff of a kernel change. Update with `npx vitest run --project unit -u`.
import { expect, it } from 'vitest';
import { assembleWgsl } from '../../../src/engine/op.ts';
import { recordedOps } from './wgsl-cases.ts';

const ops = recordedOps();

it('records every kernel variant the cases reach', () => {
  expect(ops.size).toBeGreaterThan(30);
});

it("every kernel binds at most 8 storage buffers, WebGPU's guaranteed maxStorageBuffersPerShaderStage", () => {
  const over = [...ops].filter(([, op]) => op.bindings.length > 8).map(([key, op]) => `${key}: ${op.bindings.length}`);
  expect(over).toEqual([]);
});

for (const [key, op] of [...ops].sort(([a], [b]) => a.localeCompare(b))) {
  const file = `${key.replace(/[^A-Za-z0-9_=.-]+/g, '_').replace(/_+$/, '')}.wgsl`;
  it(`WGSL of ${key}`, async () => {
    await expect(assembleWgsl(op)).toMatchFileSnapshot(`./__snapshots__/wgsl/${file}`);
  });
}
