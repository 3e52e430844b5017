// A CLI GPU command says which adapter it runs on: without VK_ICD_FILENAMES it asks the system's drivers first
// (here, without a GPU, it then falls back to SwiftShader); with the variable set it uses that list as given.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const LINE = /^WebGPU adapter: (.+); (GPU|software fallback, CPU emulation \(slow\)); (.+)$/m;

async function logits(env: NodeJS.ProcessEnv): Promise<{ stdout: string; line: RegExpMatchArray }> {
  const { stdout, stderr } = await run(process.execPath, ['bin/mindprint.js', 'logits', '--model', 'tiny', '--ids', '1,2', '--json'], { env });
  const line = stderr.match(LINE);
  if (!line) throw new Error(`no adapter line in stderr:\n${stderr}`);
  return { stdout, line };
}

describe('mindprint logits: the adapter line', () => {
  it('without VK_ICD_FILENAMES: the system adapter if there is one, else SwiftShader as a software fallback', async () => {
    const { VK_ICD_FILENAMES: _, ...env } = process.env;
    const { stdout, line } = await logits(env);
    const [, adapter, kind, why] = line;
    console.log(line[0]);
    if (why.includes('SwiftShader')) {
      expect(why).toBe("no adapter from the system's Vulkan drivers, so Chromium's SwiftShader");
      expect(adapter).toMatch(/swiftshader/i);
      expect(kind).toMatch(/software fallback/);
    } else {
      expect(why).toBe("the system's drivers");
    }
    expect(JSON.parse(stdout).logits).toHaveLength(2); // the line goes to stderr; --json output stays clean
  });

  it('with VK_ICD_FILENAMES set (as CI and the tests do): that list, no probe', async () => {
    const { line } = await logits({ ...process.env, VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' });
    expect(line[1]).toMatch(/^google swiftshader/);
    expect(line[2]).toMatch(/software fallback/);
    expect(line[3]).toBe('drivers as set in VK_ICD_FILENAMES');
  });
});
