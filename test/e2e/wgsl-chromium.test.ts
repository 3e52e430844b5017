// Every kernel variant's WGSL (the cases of the WGSL snapshots, subgroup variants included) compiles into a
// compute pipeline in Debian's Chromium, whose WGSL compiler is the browser's and not the `webgpu` package's
// that the GPU tests use. A device with `subgroups` is requested, as the runtime does where the adapter has it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudio, type Studio } from './harness.ts';
import { WANTED_LIMITS } from '../../src/engine/device.ts';
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

  it('every kernel variant compiles into a pipeline, subgroup variants on a device with subgroups', async () => {
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
          // The adapter's own limits, as the runtime requests them (src/engine/device.ts).
          const requiredLimits: Record<string, number> = {};
          for (const k of arg.limits) requiredLimits[k] = (adapter.limits as unknown as Record<string, number>)[k];
          const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: subgroups ? ['subgroups' as GPUFeatureName] : [] });
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
        { shaders, limits: [...WANTED_LIMITS] },
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
