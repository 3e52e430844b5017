// The three users of the LoRA delta agree (CPU twin backend): folding into the decoder's base copy, merging
// into HF weights by PEFT's rule, and the live adapter give the same logits; folding with sign -1 undoes it.
import { expect, it } from 'vitest';
import { cpuBackend, type CpuTensor } from '../../../src/engine/backend.ts';
import { Decoder, Workspace } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora } from '../../../src/model/lora-types.ts';
import { tinyModelFiles } from '../../../src/model/tiny-model.ts';
import { loadModelFolder } from '../../../src/model/weights.ts';
import { mergeLoraIntoWeights } from '../../../src/storage/peft.ts';
import { Rng } from '../../../src/util/rng.ts';

it('fold, PEFT merge and live LoRA give the same logits; unfolding restores the base', async () => {
  const model = await loadModelFolder(tinyModelFiles(0));
  const cfg = model.config;
  const be = cpuBackend();
  const adapter = initLora(cfg, { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj', 'down_proj'], useRslora: true }, new Rng(2));
  const rng = new Rng(5);
  for (const l of adapter.layers.values()) for (let i = 0; i < l.B.length; i++) l.B[i] = rng.normal() * 0.2;
  const ids = Uint32Array.from([507, 12, 99, 250, 3, 480]);
  const logits = (dec: Decoder<CpuTensor>, lora: LoraParams<CpuTensor> | null) => {
    const ws = new Workspace(be, cfg, 1, ids.length, Decoder.loraRanks(lora));
    ws.setBatch(ids, Uint32Array.of(ids.length));
    dec.forward(ws, lora);
    return Float32Array.from((ws.logits as CpuTensor).data);
  };
  const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

  const base = logits(new Decoder(be, cfg, model.weights), null);
  const live = logits(new Decoder(be, cfg, model.weights), LoraParams.create(be, adapter));
  const merged = logits(new Decoder(be, cfg, mergeLoraIntoWeights(model.weights, adapter)), null);
  const dec = new Decoder(be, cfg, model.weights);
  dec.foldAdapter(adapter);
  const folded = logits(dec, null);
  dec.foldAdapter(adapter, -1);
  const unfolded = logits(dec, null);

  expect(maxDiff(live, base)).toBeGreaterThan(1e-2); // the adapter changes the output
  expect(maxDiff(folded, merged)).toBeLessThan(1e-4);
  expect(maxDiff(folded, live)).toBeLessThan(1e-3);
  expect(maxDiff(unfolded, base)).toBeLessThan(1e-4);
});
