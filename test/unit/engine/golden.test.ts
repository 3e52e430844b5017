// Golden kernel cases from fixtures/kernels.json (hand-computed) held against the reference twins.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { rmsnormForward } from '../../../src/engine/ref/rmsnorm.ts';
import { swigluForward } from '../../../src/engine/ref/swiglu.ts';
import { matmulForward } from '../../../src/engine/ref/matmul.ts';
import { loraForward } from '../../../src/engine/ref/lora.ts';
import { adamwUpdate } from '../../../src/engine/ref/adamw.ts';
import { gradClip } from '../../../src/engine/ref/grad-clip.ts';
import { refTensor as t } from '../../../src/engine/ref/tensor.ts';

type Case = Record<string, number | number[] | string> & { op: string; note: string };
const fixture = JSON.parse(readFileSync(new URL('./fixtures/kernels.json', import.meta.url), 'utf8')) as { cases: Case[] };
const f64 = (x: unknown): Float64Array => Float64Array.from(x as number[]);
const num = (x: unknown): number => x as number;

function close(got: ArrayLike<number>, want: unknown, where: string): void {
  const w = want as number[];
  expect(got.length, `${where}: length`).toBe(w.length);
  for (let i = 0; i < w.length; i++) expect(Math.abs(got[i] - w[i]), `${where}[${i}]: got ${got[i]}, want ${w[i]}`).toBeLessThan(1e-12);
}

for (const c of fixture.cases) {
  it(`${c.op}: ${c.note}`, () => {
    switch (c.op) {
      case 'rmsnorm': {
        const out = new Float64Array(num(c.N) * num(c.C));
        const rstd = new Float64Array(num(c.N));
        rmsnormForward(t(out, [num(c.N), num(c.C)]), t(rstd), t(f64(c.inp), [num(c.N), num(c.C)]), t(f64(c.weight)), num(c.eps));
        close(out, c.out, 'out');
        close(rstd, c.rstd, 'rstd');
        break;
      }
      case 'swiglu': {
        const n = (c.gate as number[]).length;
        const out = new Float64Array(n);
        swigluForward(t(out), t(f64(c.gate)), t(f64(c.up)));
        close(out, c.out, 'out');
        break;
      }
      case 'matmul': {
        const out = new Float64Array(num(c.N) * num(c.O));
        matmulForward(t(out, [num(c.N), num(c.O)]), t(f64(c.inp), [num(c.N), num(c.I)]), t(f64(c.W), [num(c.O), num(c.I)]));
        close(out, c.out, 'out');
        break;
      }
      case 'lora': {
        const out = f64(c.base);
        const h = new Float64Array(num(c.N) * num(c.R));
        loraForward(
          t(out, [num(c.N), num(c.O)]),
          t(h, [num(c.N), num(c.R)]),
          t(f64(c.inp), [num(c.N), num(c.I)]),
          t(f64(c.A), [num(c.R), num(c.I)]),
          t(f64(c.B), [num(c.O), num(c.R)]),
          num(c.scale),
        );
        close(out, c.out, 'out');
        close(h, c.h, 'h');
        break;
      }
      case 'adamw': {
        const p = f64(c.params);
        const hp = { lr: num(c.lr), beta1: num(c.beta1), beta2: num(c.beta2), eps: num(c.eps), weightDecay: num(c.weightDecay), step: num(c.step) };
        adamwUpdate(t(p), t(f64(c.grads)), t(new Float64Array(p.length)), t(new Float64Array(p.length)), hp);
        close(p, c.out, 'params');
        break;
      }
      case 'gradClip': {
        const g = f64(c.grads);
        const norm = new Float64Array(1);
        gradClip(t(g), t(norm), num(c.maxNorm));
        close(norm, [c.norm], 'norm');
        close(g, c.out, 'grads');
        break;
      }
      default:
        throw new Error(`fixtures/kernels.json: unknown op '${c.op}'`);
    }
  });
}
