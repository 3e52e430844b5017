// Every kernel variant's WGSL (the cases of the WGSL snapshots, subgroup variants included) compiles into a
// compute pipeline in Debian's Chromium, whose WGSL compiler is the browser's and not the `webgpu` package's
// that the GPU tests use, on a device with WebGPU's default limits (8 storage buffers per shader stage, 16 KiB of
// workgroup memory, 256 invocations): what every implementation guarantees. `subgroups` is requested, as the
// runtime does where the adapter has it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudio, type Studio } from './harness.ts';
import { assembleWgsl, pipelineKey } from '../../src/engine/op.ts';
import { recordedOps } from '../unit/engine/wgsl-cases.ts';

describe('kernels in Chromium', () => {
  let studio: Studio;
  beforeAll(async () => {
    studio = await startStudio();
  });
  afterAll(async () => {
    await studio?.close();
  });

  it('every kernel variant compiles into a pipeline at the default limits, subgroup variants on a device with subgroups', async () => {
    const shaders = [...recordedOps().values()].map((op) => ({ key: pipelineKey(op), code: assembleWgsl(op), subgroups: !!op.enables?.includes('subgroups') }));
    expect(shaders.filter((s) => s.subgroups).length).toBeGreaterThanOrEqual(10);
    const page = await studio.browser.newPage();
    try {
      await page.goto(studio.url);
      const result = await page.evaluate(
        async (arg) => {
          const adapter = await navigator.gpu?.requestAdapter();
          if (!adapter) return { adapter: false, subgroups: false, failures: ['no WebGPU adapter'] };
          const subgroups = adapter.features.has('subgroups');
          // WebGPU's default limits, which every implementation guarantees (the variants were chosen for them).
          const device = await adapter.requestDevice({ requiredFeatures: subgroups ? ['subgroups' as GPUFeatureName] : [] });
          const failures: string[] = [];
          for (const s of arg.shaders) {
            if (s.subgroups && !subgroups) continue;
            const module = device.createShaderModule({ code: s.code, label: s.key });
            const info = await module.getCompilationInfo();
            const errors = info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}:${m.linePos} ${m.message}`);
            if (errors.length) {
              failures.push(`${s.key}: ${errors.join('; ')}`);
              continue;
            }
            try {
              await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
            } catch (e) {
              failures.push(`${s.key}: ${(e as Error).message}`);
            }
          }
          device.destroy();
          return { adapter: true, subgroups, failures };
        },
        { shaders },
      );
      expect(result.adapter).toBe(true);
      expect(result.subgroups).toBe(true); // Debian's Chromium on SwiftShader has it, so the subgroup variants ran
      expect(result.failures).toEqual([]);
      console.log(`${shaders.length} kernel variants compiled in Chromium (${shaders.filter((s) => s.subgroups).length} with subgroups)`);
    } finally {
      await page.close();
    }
  });
});
