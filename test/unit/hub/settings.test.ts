// The pure parts of the Hub client: ids, where the cache and token come from, file selection, and
// the progress figures.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHubId } from '../../../src/hub/hub-id.ts';
import { selectFiles } from '../../../src/hub/model-files.ts';
import { DownloadProgress, formatBytes, progressFigures } from '../../../src/hub/progress.ts';
import { hubCacheDir, hubSettings } from '../../../src/hub/settings.ts';

describe('Hub ids, settings, file selection, progress', () => {
  it('parses ORG/NAME[@REVISION] and refuses paths and bad names', () => {
    expect(parseHubId('Qwen/Qwen2.5-0.5B-Instruct')).toEqual({ repoId: 'Qwen/Qwen2.5-0.5B-Instruct', revision: 'main', pinned: false });
    expect(parseHubId('google/gemma-3-1b-it@refs/pr/3')).toEqual({ repoId: 'google/gemma-3-1b-it', revision: 'refs/pr/3', pinned: true });
    for (const bad of ['tiny', './a/b', '../a/b', '/abs/path', 'a/b/c', 'a--b/c', 'a/b@../../x', 'a/b@', '.a/b', 'a/b.', 'a/b@/etc'])
      expect(parseHubId(bad), bad).toBeNull();
  });

  it('finds the cache and the token where huggingface_hub does; the token is never required', async () => {
    expect(hubCacheDir({ HF_HUB_CACHE: '/c', HF_HOME: '/h' })).toBe('/c');
    expect(hubCacheDir({ HF_HOME: '/h' })).toBe('/h/hub');
    expect(hubCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/huggingface/hub');
    expect(hubCacheDir({})).toBe(join(homedir(), '.cache', 'huggingface', 'hub'));
    const home = await mkdtemp(join(tmpdir(), 'hf-home-'));
    try {
      expect(await hubSettings({ env: { HF_HOME: home } })).toEqual({
        endpoint: 'https://huggingface.co',
        token: null,
        offline: false,
        cacheDir: join(home, 'hub'),
      });
      await writeFile(join(home, 'token'), 'hf_from_file\n');
      expect((await hubSettings({ env: { HF_HOME: home } })).token).toBe('hf_from_file');
      expect((await hubSettings({ env: { HF_HOME: home, HF_TOKEN: 'hf_env' } })).token).toBe('hf_env');
      expect((await hubSettings({ env: { HF_HOME: home, HF_TOKEN: 'hf_env' }, token: 'hf_flag' })).token).toBe('hf_flag');
      const s = await hubSettings({ env: { HF_HOME: home, HF_ENDPOINT: 'http://mirror.local/', HF_HUB_OFFLINE: 'YES' } });
      expect([s.endpoint, s.offline]).toEqual(['http://mirror.local', true]);
    } finally {
      await rm(home, { recursive: true });
    }
  });

  it('selects the config, tokenizer, template, generation config and safetensors, nothing else', () => {
    const all = [
      'README.md',
      '.gitattributes',
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
      'generation_config.json',
      'model.safetensors',
      'pytorch_model.bin',
      'onnx/model.onnx',
    ];
    expect(selectFiles('a/b', all, 'model')).toEqual({
      files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'model.safetensors'],
      sharded: false,
    });
    expect(selectFiles('a/b', all, 'config')).toEqual({ files: ['config.json'], sharded: false });
    const sharded = [
      'config.json',
      'tokenizer.json',
      'chat_template.jinja',
      'model.safetensors.index.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ];
    expect(selectFiles('a/b', sharded, 'model')).toEqual({
      files: ['config.json', 'tokenizer.json', 'chat_template.jinja', 'model.safetensors.index.json'],
      sharded: true,
    });
    expect(() => selectFiles('a/b', ['README.md'], 'model')).toThrow('a/b: the repo has no config.json at its top level');
    expect(() => selectFiles('a/b', ['config.json', 'model.safetensors'], 'model')).toThrow('a/b: the repo has no tokenizer.json');
    expect(() => selectFiles('a/b', ['config.json', 'model-00001-of-00002.safetensors'], 'model')).toThrow(
      'the repo has safetensors files (model-00001-of-00002.safetensors) but neither model.safetensors nor model.safetensors.index.json',
    );
  });

  it('prints bytes, rate and ETA per file and in total; plain lines off a terminal', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.50 GiB');
    expect(progressFigures(50 * 2 ** 20, 150 * 2 ** 20, 10 * 2 ** 20)).toBe('50.0 MiB / 150.0 MiB  10.0 MiB/s  ETA 10 s');
    expect(progressFigures(0, 100, 0)).toBe('0 B / 100 B  0 B/s  ETA ?');
    let t = 0;
    const lines: string[] = [];
    const p = new DownloadProgress({ write: (s: string) => lines.push(s) }, 4 * 2 ** 20, () => t);
    p.beginFile('a.safetensors', 4 * 2 ** 20, 2 ** 20);
    t = 1000;
    p.advance(2 ** 20); // 1 MiB in 1 s; not printed yet off a terminal
    t = 6000;
    p.advance(2 ** 20);
    p.endFile(); // not repeated: the same figures were just printed
    expect(lines).toEqual([
      '  a.safetensors: resuming at 1.00 MiB of 4.00 MiB\n',
      '  a.safetensors  3.00 MiB / 4.00 MiB  341.3 KiB/s  ETA 3 s  | total 3.00 MiB / 4.00 MiB  341.3 KiB/s  ETA 3 s\n',
    ]);
  });
});
