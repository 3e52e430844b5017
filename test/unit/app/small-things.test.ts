// The small studio rules: arrow keys over the tabs (ARIA tabs pattern) and the notice when loaded
// files are replaced by files of the same names.
import { describe, expect, it } from 'vitest';
import { tabForKey } from '../../../src/app/tab-keys.ts';
import { replacedNames, replacedNotice } from '../../../src/app/store/files-slice.ts';

describe('tabForKey', () => {
  const ids = ['files', 'dashboard', 'training'];
  it('moves with the arrows, wrapping, and jumps with Home and End', () => {
    expect(tabForKey(ids, 'files', 'ArrowRight')).toBe('dashboard');
    expect(tabForKey(ids, 'training', 'ArrowRight')).toBe('files');
    expect(tabForKey(ids, 'files', 'ArrowLeft')).toBe('training');
    expect(tabForKey(ids, 'dashboard', 'Home')).toBe('files');
    expect(tabForKey(ids, 'dashboard', 'End')).toBe('training');
  });
  it('ignores other keys and an unknown current tab', () => {
    expect(tabForKey(ids, 'files', 'Enter')).toBeNull();
    expect(tabForKey(ids, 'nope', 'ArrowRight')).toBeNull();
  });
});

describe('replaced files', () => {
  it('names the incoming files a loaded file already has, once each', () => {
    expect(replacedNames(['a.jsonl', 'b.json'], ['b.json', 'c.json', 'b.json', 'a.jsonl'])).toEqual(['b.json', 'a.jsonl']);
    expect(replacedNames([], ['a.jsonl'])).toEqual([]);
  });
  it('says which were replaced', () => {
    expect(replacedNotice(['sft_data.jsonl'])).toBe('Replaced the loaded file with the same name: sft_data.jsonl');
    expect(replacedNotice(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('Replaced 6 loaded files with the same names: a, b, c, d and 2 more');
  });
});
