// The memory planner: parameter counts of the recommended models from their public configs, activation
// bytes equal to what the decoder's Workspace really allocates, q4 sizes, verdicts, and the README's
// table kept equal to the planner's output.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuBackend, type Backend, type CpuTensor } from '../../../src/engine/backend.ts';
import { parseModelConfig, type ModelConfig } from '../../../src/model/hf-config.ts';
import { Decoder, Workspace } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora } from '../../../src/model/lora-types.ts';
import { LIMIT_PRESETS, matrixBytes, modelTable, planMemory, type AdapterLimits } from '../../../src/model/memory-plan.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { Rng } from '../../../src/util/rng.ts';

const DIR = path.join(import.meta.dirname, '../../fixtures/hf-configs');
const ORDER = [
  'HuggingFaceTB/SmolLM2-135M-Instruct',
  'HuggingFaceTB/SmolLM2-360M-Instruct',
  'HuggingFaceTB/SmolLM2-1.7B-Instruct',
  'Qwen/Qwen2.5-0.5B-Instruct',
  'Qwen/Qwen2.5-1.5B-Instruct',
  'Qwen/Qwen2.5-7B-Instruct',
  'Qwen/Qwen3-0.6B',
  'Qwen/Qwen3-1.7B',
  'google/gemma-3-1b-it',
  'google/gemma-3-4b-it',
  'google/gemma-3-12b-it',
];
const configs = new Map<string, ModelConfig>(
  readdirSync(DIR).map((f) => [f.replace('--', '/').replace(/\.json$/, ''), parseModelConfig(JSON.parse(readFileSync(path.join(DIR, f), 'utf8')), f)]),
);
const unlimited: AdapterLimits = { label: 'none', maxBufferSize: Infinity, maxStorageBufferBindingSize: Infinity, memoryBytes: null };
const req = { precision: 'f32' as const, batch: 2, seq: 8, rank: 4, targets: ['q_proj', 'v_proj', 'o_proj'] as const };

describe('memory plan', () => {
  it('counts the parameters the model cards state (text decoder only for Gemma 3 4B and 12B)', () => {
    const published: Record<string, number> = {
      'HuggingFaceTB/SmolLM2-135M-Instruct': 135e6,
      'HuggingFaceTB/SmolLM2-360M-Instruct': 362e6,
      'HuggingFaceTB/SmolLM2-1.7B-Instruct': 1.71e9,
      'Qwen/Qwen2.5-0.5B-Instruct': 0.49e9,
      'Qwen/Qwen2.5-1.5B-Instruct': 1.54e9,
      'Qwen/Qwen2.5-7B-Instruct': 7.61e9,
      'Qwen/Qwen3-0.6B': 0.6e9,
      'Qwen/Qwen3-1.7B': 1.7e9,
      'google/gemma-3-1b-it': 1.0e9,
      'google/gemma-3-4b-it': 3.88e9,
      'google/gemma-3-12b-it': 11.77e9,
    };
    expect([...configs.keys()].sort()).toEqual([...ORDER].sort());
    for (const [id, n] of Object.entries(published)) {
      const p = planMemory(configs.get(id)!, { ...req, precision: 'bf16' }, unlimited);
      expect(Math.abs(p.parameters - n) / n, `${id}: ${p.parameters}`).toBeLessThan(0.02);
    }
  });

  it("plans the activation and logit bytes the decoder's Workspace really allocates", () => {
    const cfg = parseModelConfig(JSON.parse(buildTinyModel(0)['config.json'] as string), 'tiny');
    const be = cpuBackend();
    let bytes = 0;
    const counting: Backend<CpuTensor> = Object.create(be, {
      zeros: { value: (shape: readonly number[]) => ((bytes += 4 * shape.reduce((a, b) => a * b, 1)), be.zeros(shape)) },
      upload: { value: (d: Float32Array | Uint32Array, shape: readonly number[]) => ((bytes += 4 * d.length), be.upload(d, shape)) },
    });
    const lora = LoraParams.create(be, initLora(cfg, { r: 4, alpha: 8, dropout: 0, targetModules: [...req.targets], useRslora: false }, new Rng(1), 'tiny'));
    const ws = new Workspace(counting, cfg, req.batch, req.seq, Decoder.loraRanks(lora));
    const p = planMemory(cfg, req, unlimited);
    const ioBytes = 4 * (4 * req.batch * req.seq + req.batch); // ids, pos, targets, mask and lens: not activations
    expect(p.bytes.activations + p.bytes.logits).toBe(bytes - ioBytes);
    ws.release();
    lora.release();
  });

  it('sizes q4 as half a byte per weight plus a 16-bit scale and offset per group', () => {
    expect(matrixBytes(64 * 10, 'q4', 64)).toBe(320 + 40);
    expect(matrixBytes(100, 'q4', 32)).toBe(50 + 16);
    expect(matrixBytes(100, 'bf16')).toBe(200);
    const g = configs.get('google/gemma-3-12b-it')!;
    const f16 = planMemory(g, { ...req, precision: 'f16' }, unlimited),
      q4 = planMemory(g, { ...req, precision: 'q4' }, unlimited);
    expect(f16.largestTensor).toEqual({ name: 'embed_tokens', bytes: 262208 * 3840 * 2 });
    expect(q4.bytes.weights / f16.bytes.weights).toBeGreaterThan(0.28);
    expect(q4.bytes.weights / f16.bytes.weights).toBeLessThan(0.29);
  });

  it('says why a run does not fit, and what to try', () => {
    const g = configs.get('google/gemma-3-12b-it')!;
    // The embedding is larger than one binding: it is uploaded in parts, which the verdict says.
    const sw = planMemory(g, { ...req, precision: 'bf16' }, LIMIT_PRESETS.swiftshader);
    expect(sw.fits).toBe(true);
    expect(sw.verdict).toMatch(/^fits the buffer limits; needs about [\d.]+ GiB of GPU memory \(embed_tokens in 2 buffer parts\)$/);
    const tooSmall = planMemory(g, { ...req, precision: 'bf16' }, { ...LIMIT_PRESETS.swiftshader, maxStorageBufferBindingSize: 64 * 2 ** 20 });
    expect(tooSmall.verdict).toMatch(/^too large: gate_proj \(\d+ MiB\) is larger than one buffer binding here \(64 MiB\)/);
    const mac = planMemory(g, { ...req, batch: 2, seq: 1024, precision: 'bf16' }, { ...LIMIT_PRESETS['mac-chrome'], memoryBytes: 24 * 2 ** 30 });
    expect(mac.verdict).toMatch(
      /^too large: \d+\.\d\d GiB is more than the 24\.00 GiB the GPU may use\. Try --quantize q4, --batch 1, --seq 512, a smaller model$/,
    );
    const long = planMemory(g, { ...req, batch: 4, seq: 1024, precision: 'bf16' }, LIMIT_PRESETS['mac-chrome']);
    // 4 × 1024 tokens over 262,208 logits would be 4 GiB: the head runs over chunks of 192 rows (the 256 MiB budget).
    expect(long.verdict).not.toMatch(/logits/);
    expect(long.bytes.logits).toBe(192 * 262_208 * 4);
    const small = planMemory(configs.get('Qwen/Qwen3-0.6B')!, { ...req, precision: 'bf16' }, { ...LIMIT_PRESETS['mac-safari'], memoryBytes: 8 * 2 ** 30 });
    expect(small).toMatchObject({ fits: true, verdict: 'fits' });
    expect(() => planMemory(g, { ...req, batch: 0 }, unlimited)).toThrow('planMemory: batch: expected an integer >= 1, got 0');
  });

  it("README's table of recommended models is the planner's output", () => {
    const readme = readFileSync(path.join(import.meta.dirname, '../../../README.md'), 'utf8');
    expect(readme).toContain(modelTable(ORDER.map((id) => ({ id, cfg: configs.get(id)! }))));
  });
});
