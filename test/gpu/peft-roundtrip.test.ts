// Fine-tune on the GPU → export PEFT → re-import: bit-identical tensors; and live adapter logits equal
// the logits of the base merged with the re-imported adapter by PEFT's rule, also through `mindprint logits`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runtime } from './helpers.ts';
import { gpuBackend, type Backend } from '../../src/engine/backend.ts';
import type { GpuTensor } from '../../src/engine/op.ts';
import { Decoder, Workspace } from '../../src/model/decoder.ts';
import { loadModel } from '../../src/model/load.ts';
import { LoraParams } from '../../src/model/lora-params.ts';
import { initLora, type LoraAdapter } from '../../src/model/lora-types.ts';
import { buildSftExample } from '../../src/model/tokenizer.ts';
import { exportPeft, importPeftFolder, mergeLoraIntoWeights, writePeftFolder } from '../../src/storage/peft.ts';
import { trainSft } from '../../src/training/sft.ts';
import { command as logitsCommand } from '../../src/cli/commands/logits.ts';
import { Rng } from '../../src/util/rng.ts';

const { model, tokenizer, name } = await loadModel('tiny');
const cfg = model.config;
const dir = await mkdtemp(join(tmpdir(), 'mindprint-peft-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

// Short pairs: the tiny BPE and the ChatML template already make each example ~25 tokens.
const PAIRS: [string, string][] = [
  ['Where does the water go?', 'To the river.'],
  ['What matters more?', 'Practice.'],
];
const IDS = tokenizer.encodeChat([{ role: 'user', content: 'Why is the sky blue?' }], { addGenerationPrompt: true });

async function logitsOf(be: Backend<GpuTensor>, dec: Decoder<GpuTensor>, lora: LoraParams<GpuTensor> | null, ids: number[]): Promise<Float32Array> {
  const ws = new Workspace(be, cfg, 1, ids.length, Decoder.loraRanks(lora));
  try {
    ws.setBatch(Uint32Array.from(ids), Uint32Array.of(ids.length));
    dec.forward(ws, lora);
    return await be.read(ws.logits!);
  } finally {
    ws.release();
  }
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0,
    s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(b[i]));
  }
  return d / Math.max(s, 1e-12);
}

/** Same bits, not just same values (catches -0 vs 0 and NaN payloads, as a byte-exact round trip must). */
function expectSameBits(got: Float32Array, want: Float32Array, what: string): void {
  expect(got.length, what).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  const bad = g.findIndex((x, i) => x !== w[i]);
  expect(bad, `${what}: first differing element`).toBe(-1);
}

describe('PEFT round trip of a GPU-trained adapter', () => {
  let trained: LoraAdapter;
  let live: Float32Array;

  it('fine-tunes a few SFT steps, exports, re-imports bit-identical tensors', async () => {
    const be = gpuBackend(await runtime());
    const dec = new Decoder(be, cfg, model.weights);
    const init = initLora(
      cfg,
      { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'], useRslora: false },
      new Rng(2),
      name,
    );
    const lora = LoraParams.create(be, init);
    const examples = PAIRS.map(([p, c]) => buildSftExample(tokenizer, p, c, 48));
    const res = await trainSft(be, dec, lora, examples, { epochs: 3, batchSize: 2, learningRate: 2e-2, seed: 1, maxSteps: 3, warmupRatio: 0 });
    console.log(`sft losses: ${res.losses.map((l) => l.toFixed(3)).join(' ')}`);
    expect(res.steps).toBe(3);
    expect(res.losses.at(-1)!).toBeLessThan(res.losses[0]);

    trained = await lora.toAdapter();
    // Training moved B away from zero, so the adapter really changes the model.
    const bAbs = Math.max(...[...trained.layers.values()].map((l) => Math.max(...l.B.map(Math.abs))));
    expect(bAbs).toBeGreaterThan(1e-3);
    live = await logitsOf(be, dec, lora, IDS);
    const base = await logitsOf(be, dec, null, IDS);
    expect(maxRelDiff(live, base)).toBeGreaterThan(1e-2);

    await writePeftFolder(dir, exportPeft(trained));
    const back = await importPeftFolder(dir, cfg, name);
    expect(back.config).toEqual(trained.config);
    expect(back.baseModel).toBe('tiny');
    expect([...back.layers.keys()]).toEqual([...trained.layers.keys()]);
    for (const [path, l] of trained.layers) {
      const r = back.layers.get(path)!;
      expect([r.inFeatures, r.outFeatures]).toEqual([l.inFeatures, l.outFeatures]);
      expectSameBits(r.A, l.A, `${path}.lora_A`);
      expectSameBits(r.B, l.B, `${path}.lora_B`);
    }
    lora.release();
    dec.release();
  });

  it("base + re-imported adapter merged by PEFT's rule gives the live adapter's logits (alpha/r and rsLoRA alpha/√r)", async () => {
    const be = gpuBackend(await runtime());
    for (const useRslora of [false, true]) {
      const variant: LoraAdapter = { ...trained, config: { ...trained.config, useRslora } };
      const sub = join(dir, useRslora ? 'rslora' : 'plain');
      await writePeftFolder(sub, exportPeft(variant));
      const back = await importPeftFolder(sub, cfg, name);
      expect(back.config.useRslora).toBe(useRslora);

      const dec = new Decoder(be, cfg, model.weights);
      const lora = LoraParams.create(be, variant);
      const liveLogits = await logitsOf(be, dec, lora, IDS);
      if (!useRslora) expect(maxRelDiff(liveLogits, live)).toBeLessThan(1e-6); // same adapter, same engine
      lora.release();
      dec.release();

      const merged = new Decoder(be, cfg, mergeLoraIntoWeights(model.weights, back));
      const mergedLogits = await logitsOf(be, merged, null, IDS);
      merged.release();
      const rel = maxRelDiff(mergedLogits, liveLogits);
      console.log(`${useRslora ? 'rsLoRA' : 'LoRA'}: merged vs live max relative diff ${rel.toExponential(3)}`);
      expect(rel).toBeLessThan(1e-4);
    }
  });

  it("`mindprint logits --adapter DIR` gives the live adapter's logits", async () => {
    const chunks: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void chunks.push(args.join(' ')));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    let code: number;
    try {
      code = await logitsCommand.run(['--model', 'tiny', '--adapter', join(dir, 'plain'), '--ids', IDS.join(','), '--json']);
    } finally {
      vi.restoreAllMocks();
    }
    expect(code).toBe(0);
    const rows = (JSON.parse(chunks.join('\n')) as { logits: number[][] }).logits;
    expect(rows).toHaveLength(IDS.length);
    const rel = maxRelDiff(rows.flat(), live);
    console.log(`CLI --adapter vs live: max relative diff ${rel.toExponential(3)}`);
    expect(rel).toBeLessThan(1e-4);
    // A folder that is not an adapter is a usage error naming the missing file.
    await expect(logitsCommand.run(['--model', 'tiny', '--adapter', join(dir, 'nope'), '--ids', '1'])).rejects.toThrow(/adapter_config\.json is missing/);
  });
});
