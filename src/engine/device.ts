// Where the WebGPU device comes from: navigator.gpu in browsers and workers, Dawn (`webgpu` package) in Node.
// Requests the adapter's larger limits and its optional features explicitly; never requires a feature.

/** Thrown by every runtime call after the device was lost; create a new runtime to continue. */
export class DeviceLostError extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(`WebGPU device lost (${reason}): ${detail || 'no detail'}; create a new runtime to continue`);
    this.name = 'DeviceLostError';
  }
}

export interface DeviceLostInfo {
  reason: string; // 'destroyed' when we destroyed it ourselves, else 'unknown'
  message: string;
}

export interface DeviceOptions {
  powerPreference?: GPUPowerPreference;
  /** Called once when the device is lost (driver reset, watchdog, destroy()). */
  onLost?: (info: DeviceLostInfo) => void;
  /** Leave out optional features (for tests of the f32 / no-subgroup paths). */
  disableFeatures?: GPUFeatureName[];
}

/** What the engine may use on this device, decided once at creation. */
export interface DeviceFeatures {
  f16: boolean; // 'shader-f16'
  subgroups: boolean; // 'subgroups'
  timestamps: boolean; // 'timestamp-query'
}

export interface EngineDevice {
  device: GPUDevice;
  adapter: GPUAdapter;
  features: DeviceFeatures;
  /** The device's lost promise, already resolved into our info shape. */
  lost: Promise<DeviceLostInfo>;
}

// Limits worth raising above the WebGPU defaults: big weights, big workgroups, many bindings.
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxUniformBufferBindingSize',
  'maxBindingsPerBindGroup',
] as const;

const OPTIONAL_FEATURES: GPUFeatureName[] = ['shader-f16', 'subgroups' as GPUFeatureName, 'timestamp-query'];

let gpuPromise: Promise<GPU> | undefined;

/** The GPU entry point: navigator.gpu where it exists, otherwise Dawn from the `webgpu` package. */
export function getGpu(): Promise<GPU> {
  gpuPromise ??= loadGpu();
  return gpuPromise;
}

async function loadGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (!isNode) {
    throw new Error('WebGPU is not available: navigator.gpu is missing (use a WebGPU browser, served over https or localhost)');
  }
  // A variable specifier keeps bundlers from trying to pack the native Node module into the browser build.
  const specifier = 'webgpu';
  const dawn = (await import(/* @vite-ignore */ specifier)) as { create(opts: string[]): GPU; globals: object };
  Object.assign(globalThis, dawn.globals);
  return dawn.create([]);
}

/** Requests an adapter and a device with the adapter's larger limits and whichever optional features exist. */
export async function createDevice(opts: DeviceOptions = {}): Promise<EngineDevice> {
  const gpu = await getGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new Error('WebGPU: no adapter found (in Node, Dawn needs a Vulkan driver: set VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)');
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) {
    const value = (adapter.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const disabled = new Set(opts.disableFeatures ?? []);
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f) && !disabled.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const lost = device.lost.then((info) => {
    const out: DeviceLostInfo = { reason: info.reason ?? 'unknown', message: info.message };
    opts.onLost?.(out);
    return out;
  });
  return {
    device,
    adapter,
    lost,
    features: { f16: device.features.has('shader-f16'), subgroups: device.features.has('subgroups'), timestamps: device.features.has('timestamp-query') },
  };
}
