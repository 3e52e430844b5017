// Runs a CLI command with console.log captured: its exit code and what it printed.
import { vi } from 'vitest';

export async function capture(run: () => Promise<number>): Promise<{ code: number; out: string }> {
  const chunks: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void chunks.push(args.join(' ')));
  const code = await run();
  return { code, out: chunks.join('\n') };
}
