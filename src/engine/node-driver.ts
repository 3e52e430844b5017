// Node only: chooses Dawn's Vulkan driver list before its instance exists, then creates the runtime and
// says which adapter it got. The system's drivers are probed in a child process, so a machine without a
// GPU pays ~0.1 s and sees no Vulkan loader warnings, and a driver that crashes cannot take the CLI down.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  adapterLine,
  chooseDriver,
  needsProbe,
  summarizeAdapterInfo,
  SWIFTSHADER_ICD,
  type DriverChoice,
  type ProbeResult,
  type RawAdapterInfo,
} from './adapter-choice.ts';
import { GpuRuntime } from './runtime.ts';

const PROBE_TIMEOUT_MS = 30_000; // a real driver's first start can take seconds; a hang must not block the CLI

/** Asks the system's Vulkan drivers (the environment as it is) for an adapter, in a child Node process. */
export function probeSystemAdapter(): Promise<ProbeResult> {
  const webgpu = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  const script = `
    const { create } = await import(${JSON.stringify(webgpu)});
    const a = await create([]).requestAdapter({ powerPreference: 'high-performance' });
    const i = a?.info;
    process.stdout.write(JSON.stringify(a ? { vendor: i.vendor, architecture: i.architecture, device: i.device,
      description: i.description, isFallbackAdapter: i.isFallbackAdapter ?? a.isFallbackAdapter } : null));
    process.exit(0);`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: PROBE_TIMEOUT_MS }, (err, stdout) => {
      if (err) {
        const how = err.killed ? `timed out after ${PROBE_TIMEOUT_MS / 1000} s` : err.signal ? `crashed (${err.signal})` : `failed (exit ${err.code})`;
        resolve({ adapter: null, error: `probe ${how}` });
        return;
      }
      let info: RawAdapterInfo | null;
      try {
        info = JSON.parse(stdout || 'null') as RawAdapterInfo | null;
      } catch {
        resolve({ adapter: null, error: `probe printed ${JSON.stringify(stdout.slice(0, 80))}, expected JSON` });
        return;
      }
      resolve(info ? { adapter: summarizeAdapterInfo(info) } : { adapter: null });
    });
  });
}

let choicePromise: Promise<DriverChoice> | undefined;

/**
 * Decides the driver list once per process and puts it in the environment (VK_ICD_FILENAMES is set only
 * when the system offers no adapter and SwiftShader is installed). Call before anything starts Dawn.
 */
export function selectNodeDriver(): Promise<DriverChoice> {
  choicePromise ??= (async () => {
    const env = process.env;
    const swiftshader = existsSync(SWIFTSHADER_ICD);
    const probe = needsProbe(env, swiftshader) ? await probeSystemAdapter() : null;
    const choice = chooseDriver(env, swiftshader, probe);
    if (choice.setIcd) env.VK_ICD_FILENAMES = choice.setIcd;
    return choice;
  })();
  return choicePromise;
}

/** The CLI's runtime: driver chosen as above, and one line on `log` naming the adapter and how it was chosen. */
export async function createNodeRuntime(log: (line: string) => void = (l) => console.error(l)): Promise<GpuRuntime> {
  const choice = await selectNodeDriver();
  let rt: GpuRuntime;
  try {
    rt = await GpuRuntime.create();
  } catch (err) {
    throw new Error(`${(err as Error).message} [Vulkan drivers: ${choice.why}]`);
  }
  log(adapterLine(rt.adapter, choice));
  return rt;
}
