// --dtype and --quantize: how the frozen base weights sit on the GPU, the same two flags on every command that
// loads a model (train, eval, logits, generate) as on `plan`.
import { UsageError } from './command.ts';
import type { PrecisionOptions } from '../model/base-precision.ts';

export const PRECISION_OPTIONS = { dtype: { type: 'string' }, quantize: { type: 'string' } } as const;

export const PRECISION_USAGE = `  --dtype D             frozen base weights on the GPU: stored (default: 16-bit files stay 16-bit,
                        f32 files f32), f32, bf16 or f16; LoRA, gradients and activations are f32
  --quantize q4         4-bit base weights (groups of 64 along the input, f16 scale and offset per
                        group; QLoRA), quantised while loading`;

/** The precision the flags ask for, or a usage error naming the flag. */
export function precisionFromFlags(values: { dtype?: string; quantize?: string }): PrecisionOptions {
  if (values.quantize !== undefined) {
    if (values.quantize !== 'q4') throw new UsageError(`--quantize must be q4, got '${values.quantize}'`);
    if (values.dtype !== undefined) throw new UsageError('give --dtype or --quantize, not both');
    return { precision: 'q4' };
  }
  if (values.dtype === undefined) return {};
  if (!['stored', 'f32', 'bf16', 'f16'].includes(values.dtype)) throw new UsageError(`--dtype must be stored, f32, bf16 or f16, got '${values.dtype}'`);
  return { precision: values.dtype as PrecisionOptions['precision'] };
}
