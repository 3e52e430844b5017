// Loading a multi-GiB bf16 model: writes a synthetic Llama-shaped checkpoint (two shards and an index, ~2 GiB
// by default; MINDPRINT_BENCH_LOAD_LAYERS scales it) to the temp folder once, then measures the load tensor by
// tensor into packed bf16 (and into q4), and the upload into a decoder that drops each host copy as it goes:
// time, peak host memory (maxRSS, JS heap and ArrayBuffers) and GPU bytes. On SwiftShader the "GPU" is host
// memory too, so its bytes show up in RSS; on a real GPU they do not.
// Run alone with `npx tsx bench/load.ts`, or through `npm run bench load`.
import { existsSync, mkdirSync, openSync, closeSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectNodeDriver } from '../src/engine/node-driver.ts';
import { GpuRuntime } from '../src/engine/runtime.ts';
import { gpuBackend } from '../src/engine/backend.ts';
import { Decoder } from '../src/model/decoder.ts';
import { parseModelConfig } from '../src/model/hf-config.ts';
import { expectedTensorShapes, loadModelFolder, nodeModelFiles } from '../src/model/weights.ts';
import { loadOntoBackend } from '../src/model/device-load.ts';
import type { BasePrecision } from '../src/model/base-precision.ts';
import { f32ToBf16 } from '../src/util/half.ts';
import { Rng } from '../src/util/rng.ts';

const LAYERS = Number(process.env.MINDPRINT_BENCH_LOAD_LAYERS ?? 10);
const CONFIG = {
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  hidden_size: 2048,
  intermediate_size: 5632,
  num_hidden_layers: LAYERS,
  num_attention_heads: 16,
  num_key_value_heads: 4,
  vocab_size: 131072,
  max_position_embeddings: 4096,
  rms_norm_eps: 1e-5,
  rope_theta: 10000,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
};
const GiB = 2 ** 30;

/** Writes the checkpoint (if not there yet); returns its folder and its size in bytes. */
function writeCheckpoint(): { dir: string; bytes: number } {
  const dir = join(tmpdir(), `mindprint-bench-load-${LAYERS}`);
  const cfg = parseModelConfig(CONFIG, 'bench/config.json');
  const shapes = [...expectedTensorShapes(cfg)];
  const half = Math.ceil(shapes.length / 2);
  const shards = [shapes.slice(0, half), shapes.slice(half)];
  const names = shards.map((_, i) => `model-0000${i + 1}-of-00002.safetensors`);
  const bytes = shapes.reduce((s, [, sh]) => s + sh.reduce((a, b) => a * b, 1) * 2, 0);
  if (existsSync(join(dir, 'model.safetensors.index.json'))) return { dir, bytes };
  mkdirSync(dir, { recursive: true });
  // One block of small random bf16 values, repeated: valid numbers, written without holding a tensor.
  const rng = new Rng(1);
  const block = new Uint8Array(1 << 20);
  const dv = new DataView(block.buffer);
  for (let i = 0; i < block.length / 2; i++) dv.setUint16(i * 2, f32ToBf16(rng.normal() * 0.02), true);
  const weightMap: Record<string, string> = {};
  shards.forEach((list, s) => {
    const header: Record<string, unknown> = {};
    let offset = 0;
    for (const [name, shape] of list) {
      const n = shape.reduce((a, b) => a * b, 1) * 2;
      header[name] = { dtype: 'BF16', shape, data_offsets: [offset, offset + n] };
      offset += n;
      weightMap[name] = names[s];
    }
    let json = JSON.stringify(header);
    json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8);
    const fd = openSync(join(dir, names[s]), 'w');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(json.length));
    writeSync(fd, len);
    writeSync(fd, Buffer.from(json));
    for (let left = offset; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(block.length, left));
    closeSync(fd);
  });
  writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: { total_size: bytes }, weight_map: weightMap }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(CONFIG));
  return { dir, bytes };
}

function memory() {
  const m = process.memoryUsage();
  return { maxRssGiB: (process.resourceUsage().maxRSS * 1024) / GiB, rssGiB: m.rss / GiB, heapGiB: m.heapUsed / GiB, arrayBuffersGiB: m.arrayBuffers / GiB };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

async function loadOnce(dir: string, precision: BasePrecision) {
  const t0 = performance.now();
  const model = await loadModelFolder(nodeModelFiles(dir), { precision });
  const seconds = (performance.now() - t0) / 1000;
  let hostBytes = 0;
  for (const p of model.packed.values()) hostBytes += p.words.byteLength;
  for (const w of model.weights.values()) hostBytes += w.byteLength;
  return { model, seconds, hostBytes };
}

export async function benchLoad(): Promise<Record<string, unknown>> {
  const { dir, bytes } = writeCheckpoint();
  const before = memory();
  // What a run does, first so that the peak RSS is its own: each tensor uploaded as soon as it is read, then
  // the decoder takes them over.
  const rt = await GpuRuntime.create();
  const t0 = performance.now();
  const { model, device } = await loadOntoBackend(gpuBackend(rt), nodeModelFiles(dir));
  const dec = new Decoder(gpuBackend(rt), model.config, model.weights, model.packed, { device, releaseHost: true });
  await rt.sync();
  const deviceSeconds = (performance.now() - t0) / 1000;
  const afterDevice = memory();
  const gpuBytes = rt.stats.bytesLive;
  const parts = dec.embedParts.length;
  dec.release();
  rt.destroy();
  // The host side alone: read tensor by tensor into packed bf16 (as stored), and into q4.
  const bf16 = await loadOnce(dir, 'stored');
  const afterHost = memory();
  const q4 = await loadOnce(dir, 'q4');
  const mem = (m: ReturnType<typeof memory>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v)]));
  return {
    adapter: rt.adapter,
    checkpoint: { dir, layers: LAYERS, fileGiB: round(bytes / GiB), parameters: bytes / 2 },
    hostLoadBf16: { seconds: round(bf16.seconds), GiBPerSecond: round(bytes / GiB / bf16.seconds), hostGiB: round(bf16.hostBytes / GiB) },
    hostLoadQ4: { seconds: round(q4.seconds), hostGiB: round(q4.hostBytes / GiB) },
    loadOntoGpu: { seconds: round(deviceSeconds), gpuGiB: round(gpuBytes / GiB), embeddingParts: parts },
    memory: {
      before: mem(before),
      afterGpuLoad: mem(afterDevice),
      gpuLoadPeakRssOverStartGiB: round(afterDevice.maxRssGiB - before.rssGiB),
      afterHostLoadBf16: mem(afterHost),
    },
    note: 'maxRSS is the peak since the process started; on SwiftShader GPU buffers are host memory, so the GPU load counts them in RSS',
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await selectNodeDriver();
  console.log(JSON.stringify(await benchLoad(), null, 2));
  process.exit(0);
}
