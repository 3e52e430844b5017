// The studio's Hub settings, kept only in this browser's localStorage, each in its own entry: the
// endpoint (HF_ENDPOINT's equivalent: a mirror, or the tests' local fake Hub) and the access token
// for gated models. The token lives in that one entry only: it is never put in the studio's store,
// IndexedDB, the model cache, a log or an export, and is read at request time.
import type { BrowserHubSettings } from './hub-fetch.ts';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';
export const ENDPOINT_KEY = 'mindprint.hub.endpoint';
export const TOKEN_KEY = 'mindprint.hub.token';

type KeyValue = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const local = (): KeyValue | null => {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage blocked by the browser's settings
  }
};

/** Checks an endpoint the user typed: an http(s) URL without a trailing slash, or a sentence saying what is wrong. */
export function normaliseEndpoint(text: string): { endpoint: string } | { error: string } {
  const t = text.trim() || DEFAULT_ENDPOINT;
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    return { error: `'${t}' is not a web address: write it as https://huggingface.co or the address of a mirror.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { error: `'${t}': the Hub address must start with https:// (or http:// for a local mirror).` };
  if (url.search || url.hash) return { error: `'${t}': give the Hub's base address, without ? or #.` };
  return { endpoint: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}

export function readEndpoint(s: KeyValue | null = local()): string {
  const v = s?.getItem(ENDPOINT_KEY);
  const n = v ? normaliseEndpoint(v) : null;
  return n && 'endpoint' in n ? n.endpoint : DEFAULT_ENDPOINT;
}

export function saveEndpoint(endpoint: string, s: KeyValue | null = local()): void {
  if (endpoint === DEFAULT_ENDPOINT) s?.removeItem(ENDPOINT_KEY);
  else s?.setItem(ENDPOINT_KEY, endpoint);
}

export const hasToken = (s: KeyValue | null = local()) => !!s?.getItem(TOKEN_KEY);

/** Saves the token (trimmed); an empty one removes it. */
export function saveToken(token: string, s: KeyValue | null = local()): void {
  const t = token.trim();
  if (t) s?.setItem(TOKEN_KEY, t);
  else s?.removeItem(TOKEN_KEY);
}

/** The settings for a request, token included: call right before the request, never keep the result. */
export function hubRequestSettings(s: KeyValue | null = local()): BrowserHubSettings {
  return { endpoint: readEndpoint(s), token: s?.getItem(TOKEN_KEY) || null };
}
