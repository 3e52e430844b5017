// Which Vulkan driver list Dawn gets in Node, and the line that says which adapter a command runs on.
// Pure decisions; the probe (a child process) and the environment are in node-driver.ts.
//
// Why this is delicate: on Linux, VK_ICD_FILENAMES *replaces* the Vulkan loader's driver list, and the
// loader reads it when Dawn's instance is created. Setting it to SwiftShader up front would hide a real
// GPU; so the system's own drivers are asked first, and SwiftShader is used only when they offer nothing.

/** Chromium's SwiftShader Vulkan driver: software WebGPU for Dawn where no GPU driver is found. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The fields of GPUAdapterInfo we report (plus the fallback flag, which Dawn puts on the info). */
export interface RawAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (SwiftShader, llvmpipe/lavapipe, WARP) rather than a GPU. */
  software: boolean;
}

/** What the system's own drivers (the environment as the user left it) offered. */
export type ProbeResult = { adapter: AdapterSummary } | { adapter: null; error?: string };

/** The parts of the environment the choice depends on. */
export interface DriverEnv {
  VK_ICD_FILENAMES?: string;
  VK_DRIVER_FILES?: string; // the loader's newer name for the same list; it wins over VK_ICD_FILENAMES
}

export interface DriverChoice {
  /** The value to give VK_ICD_FILENAMES before Dawn starts, or null to leave the environment alone. */
  setIcd: string | null;
  /** How the driver list was chosen, for the adapter line. */
  why: string;
}

const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** The reported fields, and `software` from the fallback flag or a known CPU driver's name (older Dawn lacks the flag). */
export function summarizeAdapterInfo(info: RawAdapterInfo): AdapterSummary {
  const vendor = info.vendor ?? '',
    architecture = info.architecture ?? '',
    device = info.device ?? '',
    description = info.description ?? '';
  const software = info.isFallbackAdapter === true || SOFTWARE_NAMES.test([vendor, architecture, device, description].join(' '));
  return { vendor, architecture, device, description, software };
}

/** The variable the user set to choose the drivers themselves, if any (empty counts as unset, as in the loader). */
function userDriverVar(env: DriverEnv): string | null {
  if (env.VK_DRIVER_FILES) return 'VK_DRIVER_FILES';
  if (env.VK_ICD_FILENAMES) return 'VK_ICD_FILENAMES';
  return null;
}

/** True when the system's drivers must be asked before Dawn starts: nothing chosen yet and a fallback exists. */
export function needsProbe(env: DriverEnv, swiftshaderInstalled: boolean): boolean {
  return userDriverVar(env) === null && swiftshaderInstalled;
}

/** The driver list for Dawn: the user's, else the system's, else (only when those offer no adapter) SwiftShader. */
export function chooseDriver(env: DriverEnv, swiftshaderInstalled: boolean, probe: ProbeResult | null): DriverChoice {
  const userVar = userDriverVar(env);
  if (userVar) return { setIcd: null, why: `drivers as set in ${userVar}` };
  if (!swiftshaderInstalled) return { setIcd: null, why: "the system's drivers (no software fallback installed)" };
  if (probe?.adapter) return { setIcd: null, why: "the system's drivers" };
  const detail = probe && 'error' in probe && probe.error ? ` (${probe.error})` : '';
  return { setIcd: SWIFTSHADER_ICD, why: `no adapter from the system's Vulkan drivers${detail}, so Chromium's SwiftShader` };
}

/** One line for the start of a GPU command: what the adapter is, whether it is a CPU fallback, and why it was chosen. */
export function adapterLine(a: AdapterSummary, choice: DriverChoice): string {
  const name = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unknown vendor';
  const dev = [a.device, a.description].filter((s, i, all) => s && all.indexOf(s) === i).join(', ');
  const kind = a.software ? 'software fallback, CPU emulation (slow)' : 'GPU';
  return `WebGPU adapter: ${name}${dev ? ` (${dev})` : ''}; ${kind}; ${choice.why}`;
}
