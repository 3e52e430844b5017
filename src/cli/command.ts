// The shape every CLI command module exports, and a small argument parser shared by all of them.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface Command {
  /** One line for `mindprint --help`. */
  summary: string;
  /** Full help text printed by `mindprint <command> --help`. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** A user error: printed as `mindprint <cmd>: message` with exit code 2, no stack trace. */
export class UsageError extends Error {}

/** Parses argv with node:util parseArgs, turning its errors into UsageErrors. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
