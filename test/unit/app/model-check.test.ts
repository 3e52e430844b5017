// The Model tab's pure parts: a picked folder's summary and its problems, the no-WebGPU advice per
// browser, the Hub settings (endpoint checks; the token only in its own entry), the storage groups.
import { describe, expect, it } from 'vitest';
import { checkModelFolder, safetensorsDtypes } from '../../../src/app/model-check.ts';
import { browserFamily, noWebGpuAdvice } from '../../../src/app/gpu-probe.ts';
import { groupKeys } from '../../../src/app/storage-usage.ts';
import {
  DEFAULT_ENDPOINT,
  ENDPOINT_KEY,
  hubRequestSettings,
  normaliseEndpoint,
  readEndpoint,
  saveEndpoint,
  saveToken,
  TOKEN_KEY,
} from '../../../src/hub/browser/settings.ts';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { writeSafetensors } from '../../../src/model/safetensors.ts';

const tiny = buildTinyModel(0);
const folder = (files: Record<string, string | Uint8Array>) => new Map(Object.entries(files).map(([k, v]) => [k, new Blob([v as BlobPart])]));

describe('checkModelFolder', () => {
  it('reads name, architecture, parameters, dtype, tokenizer and chat template of a model folder', async () => {
    const s = await checkModelFolder('tiny-folder', folder(tiny));
    expect(s).toMatchObject({ name: 'tiny-folder', architecture: 'LlamaForCausalLM', dtype: 'F32', tokenizer: true, chatTemplate: true, problems: [] });
    expect(s.parameters).toBe(139_584);
    expect(s.weightFiles).toEqual(['model.safetensors']);
  });

  it('reads the dtype from the safetensors header alone', async () => {
    const bf16 = writeSafetensors({
      w: { dtype: 'BF16', shape: [2], data: new Float32Array([1, 2]) },
      x: { dtype: 'F16', shape: [1], data: new Float32Array([3]) },
    });
    expect(await safetensorsDtypes(new Blob([bf16 as BlobPart]), 'm.safetensors')).toEqual(['BF16', 'F16']);
    await expect(safetensorsDtypes(new Blob([new Uint8Array(12)]), 'x.safetensors')).rejects.toThrow(/x\.safetensors: the header length \(0\)|not valid JSON/);
    await expect(safetensorsDtypes(new Blob(['{"a":1}']), 'y.safetensors')).rejects.toThrow(/y\.safetensors: shorter than a safetensors header/);
  });

  it('names what keeps a folder from training: no weights, no tokenizer, no chat template, a missing shard', async () => {
    const { 'model.safetensors': _w, 'tokenizer.json': _t, ...rest } = tiny;
    const tc = JSON.parse(tiny['tokenizer_config.json'] as string);
    delete tc.chat_template;
    const s = await checkModelFolder('base-model', folder({ ...rest, 'tokenizer_config.json': JSON.stringify(tc) }));
    expect(s.problems).toEqual([
      'base-model has no safetensors weights (model.safetensors, or shards with model.safetensors.index.json).',
      "base-model has no tokenizer.json (the fast tokenizer's file), which training needs.",
      'base-model has no chat template (in tokenizer_config.json or chat_template.jinja): pick an instruct or chat model, which ships one.',
    ]);
    const index = JSON.stringify({ weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } });
    const { 'model.safetensors': _m, ...noSingle } = tiny;
    const half = await checkModelFolder(
      'sharded',
      folder({ ...noSingle, 'model.safetensors.index.json': index, 'model-00001-of-00002.safetensors': tiny['model.safetensors'] }),
    );
    expect(half.problems).toEqual(['sharded lacks model-00002-of-00002.safetensors, named in model.safetensors.index.json.']);
    expect(half.weightFiles).toEqual(['model-00001-of-00002.safetensors']);
  });

  it('refuses a folder without config.json, and an architecture the engine does not train, with one sentence', async () => {
    await expect(checkModelFolder('photos', folder({ 'a.jpg': 'x' }))).rejects.toThrow(/^photos has no config\.json: pick the folder of a Hugging Face model/);
    const mamba = JSON.stringify({ ...JSON.parse(tiny['config.json'] as string), model_type: 'mamba' });
    await expect(checkModelFolder('m', folder({ ...tiny, 'config.json': mamba }))).rejects.toThrow(/m\/config\.json.*mamba/);
  });
});

describe('noWebGpuAdvice', () => {
  const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
  const FIREFOX = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0';
  const SAFARI = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';

  it('tells each browser family its own steps', () => {
    expect([CHROME_LINUX, FIREFOX, SAFARI, 'curl/8'].map(browserFamily)).toEqual(['chromium', 'firefox', 'safari', 'other']);
    const chrome = noWebGpuAdvice({ ok: false, reason: 'no-adapter', detail: null }, CHROME_LINUX);
    expect(chrome.title).toMatch(/found no GPU it may use/);
    expect(chrome.steps.join('\n')).toMatch(/graphics acceleration[\s\S]*chrome:\/\/gpu[\s\S]*chrome:\/\/flags\/#enable-unsafe-webgpu/);
    const ff = noWebGpuAdvice({ ok: false, reason: 'no-api', detail: null }, FIREFOX);
    expect(ff.title).toMatch(/does not offer WebGPU/);
    expect(ff.steps.join('\n')).toMatch(/dom\.webgpu\.enabled[\s\S]*about:support/);
    expect(noWebGpuAdvice({ ok: false, reason: 'no-api', detail: null }, SAFARI).steps[0]).toMatch(/Safari 26.*Feature Flags/);
    expect(noWebGpuAdvice({ ok: false, reason: 'no-adapter', detail: 'GPU process crashed' }, SAFARI).steps.at(-1)).toBe(
      'The browser said: GPU process crashed',
    );
  });
});

describe('Hub settings in this browser', () => {
  const memory = () => {
    const m = new Map<string, string>();
    return {
      m,
      s: { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) },
    };
  };

  it('checks the endpoint and keeps the default out of storage', () => {
    expect(normaliseEndpoint(' http://127.0.0.1:8080/ ')).toEqual({ endpoint: 'http://127.0.0.1:8080' });
    expect(normaliseEndpoint('')).toEqual({ endpoint: DEFAULT_ENDPOINT });
    expect(normaliseEndpoint('hf-mirror')).toEqual({
      error: "'hf-mirror' is not a web address: write it as https://huggingface.co or the address of a mirror.",
    });
    expect(normaliseEndpoint('ftp://x.org')).toMatchObject({ error: expect.stringMatching(/must start with https:\/\//) });
    const { m, s } = memory();
    saveEndpoint('https://hf-mirror.com', s);
    expect(readEndpoint(s)).toBe('https://hf-mirror.com');
    saveEndpoint(DEFAULT_ENDPOINT, s);
    expect(m.has(ENDPOINT_KEY)).toBe(false);
  });

  it('keeps the token in its own entry only, trimmed, and forgets it when emptied', () => {
    const { m, s } = memory();
    saveToken('  hf_abc  ', s);
    expect([...m]).toEqual([[TOKEN_KEY, 'hf_abc']]);
    expect(hubRequestSettings(s)).toEqual({ endpoint: DEFAULT_ENDPOINT, token: 'hf_abc' });
    saveToken('', s);
    expect(m.size).toBe(0);
    expect(hubRequestSettings(s).token).toBeNull();
  });
});

describe('groupKeys', () => {
  it('sums a run store per run and other keys per top-level folder', () => {
    const g = groupKeys('mindprint-run', [
      { key: 'runs/r1/run/state.json', size: 10 },
      { key: 'runs/r1/adapters/u/sft_adapter/adapter_model.safetensors', size: 1000 },
      { key: 'runs/r2/metrics.jsonl', size: 5 },
      { key: 'imports/a/adapter_config.json', size: 7 },
    ]);
    expect(g).toEqual([
      { label: 'run r1', bytes: 1010, items: 2, unit: 'stored values' },
      { label: 'run r2', bytes: 5, items: 1, unit: 'stored values' },
      { label: 'mindprint-run: imports', bytes: 7, items: 1, unit: 'stored values' },
    ]);
  });
});
