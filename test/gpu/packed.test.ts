// Packed frozen weights (bf16, f16, q4 with groups of 32 and 64) on SwiftShader against the twins: the tiled
// GEMM in both orientations the decoder uses (forward x @ W^T, backward dy @ W) in both kernel profiles, and the embedding gather.
import { expect, it } from 'vitest';
import * as gpuMm from '../../src/engine/ops/matmul.ts';
import * as refMm from '../../src/engine/ref/matmul.ts';
import * as gpuEmb from '../../src/engine/ops/embedding.ts';
import * as refEmb from '../../src/engine/ref/embedding.ts';
import { packFloats, unpack, type PackedFormat } from '../../src/engine/packed.ts';
import { refTensor as host, type RefTensor } from '../../src/engine/ref/tensor.ts';
import { gpuBackend } from '../../src/engine/backend.ts';
import { compare, PROFILES, randIds, randn, runtime } from './helpers.ts';

const FORMATS: PackedFormat[] = [{ kind: 'bf16' }, { kind: 'f16' }, { kind: 'q4', group: 32 }, { kind: 'q4', group: 64 }];

function packedHost(words: Uint32Array, shape: number[], format: PackedFormat): RefTensor {
  return { data: words, shape, size: shape[0] * shape[1], format };
}

for (const profile of PROFILES) {
  it(`matmulForward / matmulBackward read packed W exactly as the twin unpacks it (N=37, I=128, O=70, ${profile} kernels)`, async () => {
    const rt = await runtime();
    rt.profile = profile;
    const [N, I, O] = [37, 128, 70];
    const W = randn(2, O * I, 0.2);
    const inp = randn(1, N * I);
    const dout = randn(3, N * O);
    const tIn = rt.upload(inp, [N, I]);
    const tDout = rt.upload(dout, [N, O]);
    for (const format of FORMATS) {
      const words = packFloats(format, W, [O, I]);
      const tW = rt.uploadPacked(words, [O, I], format);
      const tOut = rt.empty([N, O]);
      const tDinp = rt.empty([N, I]);
      gpuMm.matmulForward(rt, tOut, tIn, tW);
      gpuMm.matmulBackward(rt, tDinp, tDout, tW);
      const out = new Float32Array(N * O);
      const dinp = new Float32Array(N * I);
      const hW = packedHost(words, [O, I], format);
      refMm.matmulForward(host(out, [N, O]), host(inp, [N, I]), hW);
      refMm.matmulBackward(host(dinp, [N, I]), host(dout, [N, O]), hW);
      const name = format.kind === 'q4' ? `q4g${format.group}` : format.kind;
      expect(compare(`${name} forward`, await rt.read(tOut), out)).toBeLessThan(1e-4);
      expect(compare(`${name} backward`, await rt.read(tDinp), dinp)).toBeLessThan(1e-4);
      // The backend reads a packed weight back as the values the kernels use.
      expect(compare(`${name} read back`, await gpuBackend(rt).read(tW), unpack(format, words, O * I))).toBe(0);
      for (const t of [tW, tOut, tDinp]) rt.release(t);
    }
  });
}

it('the embedding gather reads a packed table like the twin (V=50, C=64)', async () => {
  const rt = await runtime();
  const [V, C, N] = [50, 64, 23];
  const table = randn(5, V * C, 0.5);
  const ids = randIds(6, N, V);
  for (const format of FORMATS) {
    const words = packFloats(format, table, [V, C]);
    const tOut = rt.empty([N, C]);
    gpuEmb.embeddingForward(rt, tOut, rt.upload(ids, [N]), rt.uploadPacked(words, [V, C], format));
    const out = new Float32Array(N * C);
    refEmb.embeddingForward(host(out, [N, C]), host(ids, [N]), packedHost(words, [V, C], format));
    expect(compare(`embedding ${format.kind}`, await rt.read(tOut), out)).toBe(0);
  }
});

it('refuses a packed operand where only f32 works, and a shape q4 cannot group', async () => {
  const rt = await runtime();
  const f: PackedFormat = { kind: 'bf16' };
  const packed = rt.uploadPacked(packFloats(f, randn(1, 64), [8, 8]), [8, 8], f);
  expect(() => gpuMm.gemm(rt, rt.empty([8, 8]), packed, rt.empty([8, 8]))).toThrow(/only b may be a packed weight/);
  expect(() => rt.view(packed, 0, [4, 8])).toThrow(/views of packed tensors/);
  expect(() => rt.uploadPacked(new Uint32Array(40), [8, 40], { kind: 'q4', group: 32 })).toThrow(/rows split into groups of 32/);
});

it('a decoder over packed weights (llama bf16, gemma3 q4), its vocabulary split across buffers on the GPU, gives the twin its logits, with an adapter folded beside it', async () => {
  const { loadModelFolder } = await import('../../src/model/weights.ts');
  const { tinyModelFiles } = await import('../../src/model/tiny-model.ts');
  const { Decoder, Workspace } = await import('../../src/model/decoder.ts');
  const { cpuBackend } = await import('../../src/engine/backend.ts');
  const { initLora, LORA_TARGETS } = await import('../../src/model/lora-types.ts');
  const { Rng } = await import('../../src/util/rng.ts');
  const rt = await runtime();
  const ids = [507, 12, 99, 300, 45, 7, 510, 256, 3];
  for (const [arch, precision] of [
    ['llama', 'bf16'],
    ['gemma3', 'q4'],
  ] as const) {
    const m = await loadModelFolder(tinyModelFiles(0, arch), { precision });
    const adapter = initLora(m.config, { r: 4, alpha: 8, dropout: 0, targetModules: [...LORA_TARGETS], useRslora: false }, new Rng(3), 'tiny');
    const rng = new Rng(4);
    for (const l of adapter.layers.values()) for (let i = 0; i < l.B.length; i++) l.B[i] = rng.normal() * 0.05;
    const logits = async <T extends { shape: readonly number[]; size: number }>(
      be: import('../../src/engine/backend.ts').Backend<T>,
      maxTensorBytes?: number,
    ) => {
      const dec = new Decoder(be, m.config, m.weights, m.packed, { maxTensorBytes });
      if (maxTensorBytes) expect(dec.embedParts.length).toBeGreaterThanOrEqual(3);
      dec.foldAdapter(adapter);
      const ws = new Workspace(be, m.config, 1, ids.length, new Map());
      ws.setBatch(Uint32Array.from(ids), Uint32Array.of(ids.length));
      be.beginStep();
      dec.forward(ws, null);
      be.submit();
      const out = await be.read(ws.logits!);
      ws.release();
      dec.release();
      return out;
    };
    const want = await logits(cpuBackend());
    const rowBytes = precision === 'q4' ? m.config.hiddenSize / 2 + (m.config.hiddenSize / 64) * 4 : m.config.hiddenSize * 2;
    expect(compare(`${arch} ${precision} decoder logits`, await logits(gpuBackend(rt), rowBytes * 130), want) / Math.max(...want.map(Math.abs))).toBeLessThan(
      1e-4,
    );
  }
});
