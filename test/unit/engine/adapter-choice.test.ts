// Which Vulkan driver list the CLI gives Dawn: the user's, the system's, and SwiftShader only when the system offers no adapter.
import { describe, expect, it } from 'vitest';
import { adapterLine, chooseDriver, needsProbe, summarizeAdapterInfo, SWIFTSHADER_ICD } from '../../../src/engine/adapter-choice.ts';

const nvidia = summarizeAdapterInfo({ vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H200', isFallbackAdapter: false });
const swiftshader = summarizeAdapterInfo({
  vendor: 'google',
  architecture: 'swiftshader',
  device: 'swiftshader-device-subzero-',
  description: 'SwiftShader driver 5.0.0',
  isFallbackAdapter: true,
});

describe('chooseDriver', () => {
  it('never sets the variable when the system offers an adapter', () => {
    expect(needsProbe({}, true)).toBe(true);
    expect(needsProbe({ VK_ICD_FILENAMES: '' }, true)).toBe(true); // empty: the loader searches as if unset
    const c = chooseDriver({}, true, { adapter: nvidia });
    expect(c.setIcd).toBeNull();
    expect(c.why).toBe("the system's drivers");
  });

  it('falls back to SwiftShader only when the system offers none, and says why (probe failures included)', () => {
    expect(chooseDriver({}, true, { adapter: null })).toEqual({
      setIcd: SWIFTSHADER_ICD,
      why: "no adapter from the system's Vulkan drivers, so Chromium's SwiftShader",
    });
    expect(chooseDriver({}, true, { adapter: null, error: 'probe crashed (SIGSEGV)' }).why).toContain('(probe crashed (SIGSEGV))');
  });

  it("leaves the user's driver list alone and does not probe (VK_DRIVER_FILES, the loader's newer name, too)", () => {
    for (const env of [{ VK_ICD_FILENAMES: SWIFTSHADER_ICD }, { VK_DRIVER_FILES: '/x/nvidia_icd.json' }]) {
      expect(needsProbe(env, true)).toBe(false);
      expect(chooseDriver(env, true, null).setIcd).toBeNull();
    }
    expect(chooseDriver({ VK_DRIVER_FILES: '/x.json', VK_ICD_FILENAMES: '/y.json' }, true, null).why).toBe('drivers as set in VK_DRIVER_FILES');
  });

  it('without SwiftShader installed there is nothing to fall back to: no probe, system drivers as they are', () => {
    expect(needsProbe({}, false)).toBe(false);
    expect(chooseDriver({}, false, null)).toEqual({ setIcd: null, why: "the system's drivers (no software fallback installed)" });
  });
});

describe('adapter summary and line', () => {
  it('marks CPU drivers as software by the fallback flag or by name', () => {
    expect(nvidia.software).toBe(false);
    expect(swiftshader.software).toBe(true);
    expect(summarizeAdapterInfo({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }).software).toBe(true);
    expect(summarizeAdapterInfo({ vendor: 'google', architecture: 'swiftshader' }).software).toBe(true);
    expect(summarizeAdapterInfo({}).software).toBe(false);
  });

  it('names vendor, architecture, device and whether it is a software fallback', () => {
    expect(adapterLine(nvidia, chooseDriver({}, true, { adapter: nvidia }))).toBe("WebGPU adapter: nvidia hopper (NVIDIA H200); GPU; the system's drivers");
    expect(adapterLine(swiftshader, chooseDriver({}, true, { adapter: null }))).toBe(
      "WebGPU adapter: google swiftshader (swiftshader-device-subzero-, SwiftShader driver 5.0.0); software fallback, CPU emulation (slow); no adapter from the system's Vulkan drivers, so Chromium's SwiftShader",
    );
    expect(adapterLine(summarizeAdapterInfo({}), { setIcd: null, why: 'x' })).toBe('WebGPU adapter: unknown vendor; GPU; x');
  });
});
