// train.py of a TRL bundle: one readable script, assembled from its sections in py/ (each a plain
// Python text), so the bundle builder stays a pure module the CLI and the studio share.
import { PY_DATA } from './py/data.ts';
import { PY_EVAL } from './py/eval.ts';
import { PY_HELPERS } from './py/helpers.ts';
import { PY_LOOP } from './py/loop.ts';
import { PY_PHASES } from './py/phases.ts';
import { PY_STACK } from './py/stack.ts';

/** The versions train.py was written against (their argument names checked in their sources). */
export const TRL_VERSION = '1.9.0';
export const PEFT_VERSION = '0.20.0';

/** The whole train.py text. */
export function trainPy(): string {
  return [PY_HELPERS, PY_DATA, PY_STACK, PY_PHASES, PY_EVAL, PY_LOOP].join('');
}
