// The Model tab's store slice in Node (no OPFS: the cache falls back to memory): the plan's precision
// goes into the run options as the worker reads them, a checked folder becomes the training model only
// when it reads, a Hub model checked against the fake Hub becomes it once downloaded, and the token
// stays out of the store.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTinyModel } from '../../../src/model/tiny-model.ts';
import { FakeHub } from '../hub/fake-hub.ts';
import { precisionOf } from '../../../src/workers/run-inputs.ts';

const TOKEN = 'hf_slice_token_777';
const local = new Map<string, string>();
vi.stubGlobal('localStorage', {
  getItem: (k: string) => local.get(k) ?? null,
  setItem: (k: string, v: string) => void local.set(k, v),
  removeItem: (k: string) => void local.delete(k),
});
const { createStudioStore } = await import('../../../src/app/store/store.ts');
const { storedPrecision } = await import('../../../src/app/store/model-slice.ts');

const tiny = buildTinyModel(0);
const file = (name: string, v: string | Uint8Array) => new File([v as BlobPart], name);
let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start([{ id: 'acme/gated', files: tiny, token: TOKEN }]);
});
afterAll(() => hub.close());

describe('model slice', () => {
  it('puts the plan precision into the run options as the worker reads them', () => {
    const store = createStudioStore();
    const opts = () => precisionOf(store.getState().trainOptions);
    expect(opts()).toEqual({});
    store.getState().setPlanSettings({ precision: 'q4' });
    expect(store.getState().trainOptions).toMatchObject({ quantize: 'q4', dtype: undefined });
    expect(opts()).toEqual({ precision: 'q4' });
    store.getState().setPlanSettings({ precision: 'bf16' });
    expect(opts()).toEqual({ precision: 'bf16' });
    store.getState().setPlanSettings({ precision: 'stored' });
    expect(opts()).toEqual({});
    expect([storedPrecision('BF16'), storedPrecision('F16, F32'), storedPrecision('F32'), storedPrecision('float16')]).toEqual(['bf16', 'f16', 'f32', 'f16']);
  });

  it('chooses a picked folder once it is checked, and keeps the last good model when a folder is refused', async () => {
    const store = createStudioStore();
    await store.getState().chooseFolder(
      'my-model',
      Object.entries(tiny).map(([n, v]) => file(n, v)),
    );
    expect(store.getState().modelSummary).toMatchObject({ name: 'my-model', problems: [] });
    expect(store.getState().trainModel).toMatchObject({ kind: 'files', label: 'my-model' });
    await store.getState().chooseFolder('holiday-photos', [file('a.jpg', 'x')]);
    expect(store.getState().modelCheck.error).toMatch(/^holiday-photos has no config\.json/);
    expect(store.getState().trainModel).toMatchObject({ kind: 'files', label: 'my-model' });
  });

  it('checks a gated Hub model with the saved token, downloads it, and chooses it; the token is never in the store', async () => {
    const store = createStudioStore();
    expect(store.getState().setHubEndpoint('not a url')).toMatch(/not a web address/);
    expect(store.getState().setHubEndpoint(`${hub.url}/`)).toBeNull();
    await store.getState().inspectHub('acme/gated');
    expect(store.getState().hub).toMatchObject({ phase: 'error', error: expect.stringMatching(/gated model \(HTTP 401\)/) });
    store.getState().setHubToken(TOKEN);
    expect(store.getState().hub.tokenSaved).toBe(true);
    await store.getState().inspectHub('acme/gated');
    expect(store.getState().hub.phase).toBe('ready');
    expect(store.getState().trainModel.kind).toBe('tiny'); // not chosen before it is downloaded
    await store.getState().downloadHub();
    expect(store.getState().hub.phase).toBe('done');
    expect(store.getState().trainModel).toMatchObject({ kind: 'hub', repoId: 'acme/gated', label: 'acme/gated' });
    expect(store.getState().cachedModels).toMatchObject([{ repoId: 'acme/gated', complete: true }]);
    const seen = new WeakSet<object>();
    const json = JSON.stringify(store.getState(), (_k, v) => (typeof v === 'object' && v !== null ? (seen.has(v) ? undefined : (seen.add(v), v)) : v));
    expect(json).toContain('acme/gated');
    expect(json).not.toContain(TOKEN);
    // A reload: the Model tab may open (and build the tiny model's summary) before the Hub choice is restored;
    // that must not forget the choice.
    const reloaded = createStudioStore();
    await reloaded.getState().showTinySummary();
    expect(reloaded.getState().modelSummary).not.toBeNull();
    expect(local.get('mindprint.model.choice')).toBe('acme/gated'); // still there for initModel to restore
    await reloaded.getState().chooseTiny(); // choosing the tiny model on purpose forgets it
    expect(local.has('mindprint.model.choice')).toBe(false);
    await store.getState().deleteCached('acme/gated');
    expect(store.getState().cachedModels).toEqual([]);
    expect(store.getState().trainModel.kind).toBe('tiny');
  });
});
