// On load, in the page: is there WebGPU and an adapter, and what are its limits (name, vendor,
// maxBufferSize, maxStorageBufferBindingSize, shader-f16, subgroups)? No device is created; the
// training worker makes its own. Without an adapter, an explanation worded for the user's browser.

export interface GpuAdapterInfo {
  ok: true;
  /** The adapter's description, else vendor + architecture. */
  name: string;
  vendor: string;
  architecture: string;
  isFallback: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  shaderF16: boolean;
  subgroups: boolean;
}

export interface GpuMissing {
  ok: false;
  /** 'no-api': navigator.gpu is absent; 'no-adapter': requestAdapter() gave none (or failed). */
  reason: 'no-api' | 'no-adapter';
  detail: string | null;
}

export type GpuProbe = GpuAdapterInfo | GpuMissing;

export async function probeGpu(nav: Navigator = navigator): Promise<GpuProbe> {
  const gpu = (nav as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { ok: false, reason: 'no-api', detail: null };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { ok: false, reason: 'no-adapter', detail: (e as Error).message };
  }
  if (!adapter) return { ok: false, reason: 'no-adapter', detail: null };
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const vendor = info?.vendor || 'unknown vendor';
  const architecture = info?.architecture || '';
  return {
    ok: true,
    name: info?.description || [vendor, architecture].filter(Boolean).join(' ') || 'WebGPU adapter',
    vendor,
    architecture,
    isFallback: !!(info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter,
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    shaderF16: adapter.features.has('shader-f16'),
    subgroups: adapter.features.has('subgroups'),
  };
}

export type BrowserFamily = 'chromium' | 'firefox' | 'safari' | 'other';

export function browserFamily(userAgent: string): BrowserFamily {
  if (/Firefox\//.test(userAgent)) return 'firefox';
  if (/(Chrome|Chromium|Edg)\//.test(userAgent)) return 'chromium';
  if (/Safari\//.test(userAgent) && /Version\//.test(userAgent)) return 'safari';
  return 'other';
}

/** What to tell the user when there is no WebGPU adapter: a title and the steps for their browser. */
export function noWebGpuAdvice(missing: GpuMissing, userAgent: string): { title: string; steps: string[] } {
  const family = browserFamily(userAgent);
  const linux = /Linux/.test(userAgent) && !/Android/.test(userAgent);
  const title =
    missing.reason === 'no-api'
      ? 'This browser does not offer WebGPU, so training and the playground cannot run here.'
      : 'This browser has WebGPU but found no GPU it may use, so training and the playground cannot run here.';
  const steps: string[] = [];
  if (family === 'chromium') {
    steps.push('Turn on hardware acceleration: Settings → System → "Use graphics acceleration when available", then relaunch the browser.');
    steps.push('Open chrome://gpu (edge://gpu in Edge) and look at the "WebGPU" line: it should say "Hardware accelerated".');
    if (linux) steps.push('On Linux, Chrome still keeps WebGPU behind a flag: enable chrome://flags/#enable-unsafe-webgpu (and Vulkan), then relaunch.');
    else steps.push('Update Chrome or Edge to version 113 or later; on Android use Chrome 121 or later.');
  } else if (family === 'firefox') {
    steps.push('Firefox has WebGPU on Windows from version 141; elsewhere set dom.webgpu.enabled to true in about:config, or use Chrome or Edge.');
    steps.push('Check about:support for "WebGPU" and that hardware acceleration is on (Settings → Performance).');
  } else if (family === 'safari') {
    steps.push('Safari has WebGPU from Safari 26 (macOS Tahoe, iOS 26); on Safari 18 turn it on under Develop → Feature Flags → WebGPU.');
  } else {
    steps.push('Use a browser with WebGPU: Chrome or Edge 113+ (Windows, macOS, ChromeOS), Safari 26+, or Firefox 141+ on Windows.');
  }
  steps.push('A GPU blocked by its driver gives no adapter either: update the graphics driver.');
  if (missing.detail) steps.push(`The browser said: ${missing.detail}`);
  return { title, steps };
}
