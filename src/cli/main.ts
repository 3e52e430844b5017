// `mindprint` command dispatcher: each command lives in src/cli/commands/<name>.ts and is loaded lazily.
import { UsageError, type Command } from './command.ts';

const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  analyze: () => import('./commands/analyze.ts'),
  config: () => import('./commands/config.ts'),
  'tiny-model': () => import('./commands/tiny-model.ts'),
  logits: () => import('./commands/logits.ts'),
  generate: () => import('./commands/generate.ts'),
  train: () => import('./commands/train.ts'),
  eval: () => import('./commands/eval.ts'),
  markers: () => import('./commands/markers.ts'),
  plan: () => import('./commands/plan.ts'),
  'export-bundle': () => import('./commands/export-bundle.ts'),
  'import-run': () => import('./commands/import-run.ts'),
};

async function loadCommands(): Promise<Map<string, Command>> {
  const loaded = new Map<string, Command>();
  for (const [name, load] of Object.entries(COMMANDS)) {
    try {
      loaded.set(name, (await load()).command);
    } catch {
      // A command whose module is not present in this build is simply not listed.
    }
  }
  return loaded;
}

function topHelp(commands: Map<string, Command>): string {
  const width = Math.max(...[...commands.keys()].map((n) => n.length));
  const lines = [...commands].map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: mindprint <command> [options]',
    '',
    "Fine-tune an open LLM in one person's voice, topic by topic, with WebGPU.",
    '',
    'Commands:',
    ...lines,
    '',
    'Run `mindprint <command> --help` for the options of a command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const commands = await loadCommands();
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(topHelp(commands));
    return 0;
  }
  const command = commands.get(name);
  if (!command) {
    console.error(`mindprint: unknown command '${name}'\n\n${topHelp(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`mindprint ${name}: ${err.message}`);
      return 2;
    }
    console.error(`mindprint ${name}: ${(err as Error).stack ?? err}`);
    return 1;
  }
}
