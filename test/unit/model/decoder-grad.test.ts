// The decoder's LoRA gradients (CPU twin backend) against central finite differences of the SFT loss.
import { expect, it } from 'vitest';
import { cpuBackend, type CpuTensor } from '../../../src/engine/backend.ts';
import { Decoder, Workspace, type LoraDropout } from '../../../src/model/decoder.ts';
import { LoraParams } from '../../../src/model/lora-params.ts';
import { initLora } from '../../../src/model/lora-types.ts';
import { loadModelFolder } from '../../../src/model/weights.ts';
import { tinyModelFiles } from '../../../src/model/tiny-model.ts';
import { packBatch } from '../../../src/training/sft.ts';
import { Rng } from '../../../src/util/rng.ts';

it.each([0, 0.3])('LoRA gradients of the SFT loss match finite differences (LoRA dropout %s)', async (dropP) => {
  const model = await loadModelFolder(tinyModelFiles(0));
  const cfg = model.config;
  const be = cpuBackend();
  const dec = new Decoder(be, cfg, model.weights);
  const adapter = initLora(
    cfg,
    { r: 2, alpha: 4, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'], useRslora: false },
    new Rng(1),
  );
  const r2 = new Rng(9);
  for (const l of adapter.layers.values()) for (let i = 0; i < l.B.length; i++) l.B[i] = r2.normal() * 0.1;
  const lora = LoraParams.create(be, adapter);
  const rng = new Rng(11);
  const exs = [7, 9].map((n) => {
    const ids = [507, ...Array.from({ length: n }, () => rng.int(500))];
    return { ids, lossMask: ids.map((_, t) => (t >= 3 ? 1 : 0)) };
  });
  const T = 10;
  const ws = new Workspace(be, cfg, 2, T, Decoder.loraRanks(lora), true, dropP > 0);
  const drop: LoraDropout | undefined = dropP > 0 ? { p: dropP, seed: 77, step: 3 } : undefined;
  const p = packBatch(exs, 2, T);
  ws.setBatch(p.ids, p.lens, p.targets, p.mask);
  const V = cfg.vocabSize;
  const lossAt = () => {
    dec.forward(ws, lora, undefined, drop);
    be.crossEntropyForward(ws.losses, ws.loss, ws.ceLse, ws.logits!, ws.targets, ws.mask, ws.N, V);
    return (ws.loss as CpuTensor).data[0];
  };
  lossAt();
  lora.zeroGrads();
  be.crossEntropyBackward(ws.logits!, ws.logits!, ws.ceLse, ws.targets, ws.mask, ws.loss, ws.N, V);
  dec.backward(ws, lora, drop);
  const grads = Float32Array.from((lora.grads as CpuTensor).data);
  const params = (lora.params as CpuTensor).data as Float32Array;
  const pick = new Rng(3);
  let worst = 0;
  for (const mod of lora.modules.values()) {
    for (const [off, n] of [
      [mod.offsetA, mod.r * mod.inFeatures],
      [mod.offsetB, mod.outFeatures * mod.r],
    ]) {
      for (let k = 0; k < 2; k++) {
        const i = off + pick.int(n);
        const h = 1e-2;
        const orig = params[i];
        params[i] = orig + h;
        const up = lossAt();
        params[i] = orig - h;
        const down = lossAt();
        params[i] = orig;
        const fd = (up - down) / (2 * h);
        const err = Math.abs(fd - grads[i]) / Math.max(1e-3, Math.abs(fd) + Math.abs(grads[i]));
        worst = Math.max(worst, err);
        if (err > 0.05) console.log(mod.path, i - off, 'fd', fd, 'analytic', grads[i]);
      }
    }
  }
  console.log(`decoder LoRA grads vs finite differences (dropout ${dropP}): worst relative error ${worst.toExponential(2)}`);
  expect(worst).toBeLessThan(0.05);
});
