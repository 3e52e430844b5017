// The row-chunked LM head on SwiftShader: chunk views of hf, dh, targets, mask and the per-row outputs at
// 64-row offsets bind and give the whole head's SFT loss and LoRA gradients (Gemma 3: soft cap, tied head).
import { expect, it } from 'vitest';
import { gpuBackend } from '../../src/engine/backend.ts';
import type { GpuTensor } from '../../src/engine/op.ts';
import { Decoder, Workspace } from '../../src/model/decoder.ts';
import { LoraParams } from '../../src/model/lora-params.ts';
import { initLora } from '../../src/model/lora-types.ts';
import { tinyModelFiles } from '../../src/model/tiny-model.ts';
import { loadModelFolder } from '../../src/model/weights.ts';
import { sftLossBackward } from '../../src/training/logit-chunks.ts';
import { pack, writeBatch } from '../../src/training/seq.ts';
import { Rng } from '../../src/util/rng.ts';
import { compareRel, runtime } from './helpers.ts';

it('gemma3: SFT loss and LoRA gradients over 64-row logit chunks equal the whole head', async () => {
  const be = gpuBackend(await runtime());
  const m = await loadModelFolder(tinyModelFiles(0, 'gemma3'));
  const cfg = m.config;
  const dec = new Decoder(be, cfg, m.weights, m.packed);
  const adapter = initLora(cfg, { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'v_proj'], useRslora: false }, new Rng(3));
  const rng = new Rng(4);
  for (const layer of adapter.layers.values()) for (let i = 0; i < layer.B.length; i++) layer.B[i] = rng.normal() * 0.1;
  const lora = LoraParams.create(be, adapter);
  const ex = [80, 70].map((n) => ({
    ids: Array.from({ length: n }, () => 1 + Math.floor(rng.next() * (cfg.vocabSize - 1))),
    lossMask: Array.from({ length: n }, (_, t) => (t > 6 ? 1 : 0)),
  }));
  const batch = pack(ex, 2, 80);
  const run = async (ws: Workspace<GpuTensor>) => {
    writeBatch(ws, batch);
    be.beginStep();
    be.fill(lora.grads, 0);
    dec.forward(ws, lora);
    sftLossBackward(be, dec, lora, ws);
    be.submit();
    return { loss: (await be.read(ws.loss))[0], grads: await be.read(lora.grads) };
  };
  const whole = await run(new Workspace(be, cfg, 2, 80, Decoder.loraRanks(lora)));
  const chunked = new Workspace(be, cfg, 2, 80, Decoder.loraRanks(lora), { maxBytes: 2 * 64 * cfg.vocabSize * 4 });
  expect(chunked.logitRows).toBe(64);
  const got = await run(chunked);
  expect(Math.abs(got.loss - whole.loss)).toBeLessThan(1e-5 * whole.loss);
  expect(compareRel('chunked LoRA grads', got.grads, whole.grads)).toBeLessThan(1e-4);
});
