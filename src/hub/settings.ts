// Where the Hub client reads its settings from, as huggingface_hub does: HF_ENDPOINT, HF_TOKEN (or
// the token file `hf auth login` writes), HF_HUB_OFFLINE, and the cache folder HF_HUB_CACHE /
// $HF_HOME/hub / ~/.cache/huggingface/hub, so transformers, `hf download` and we share one cache.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface HubSettings {
  /** The Hub's base URL, no trailing slash. */
  endpoint: string;
  /** The access token (never printed); null without one. */
  token: string | null;
  /** HF_HUB_OFFLINE: the cache only, never the network. */
  offline: boolean;
  /** The hub cache folder (holding models--ORG--NAME/). */
  cacheDir: string;
}

export interface HubOverrides {
  /** --token: wins over HF_TOKEN and the token file. */
  token?: string;
  /** The environment to read (default process.env; tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

const truthy = (v: string | undefined) => !!v && ['1', 'on', 'yes', 'true'].includes(v.trim().toLowerCase());

/** The hub cache folder: $HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub. */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HUGGINGFACE_HUB_CACHE) return env.HUGGINGFACE_HUB_CACHE; // the older name, still honoured by huggingface_hub
  return join(hfHome(env), 'hub');
}

function hfHome(env: NodeJS.ProcessEnv): string {
  return env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'huggingface');
}

/** The settings in force: overrides, then the environment, then huggingface_hub's defaults. */
export async function hubSettings(over: HubOverrides = {}): Promise<HubSettings> {
  const env = over.env ?? process.env;
  let token = over.token || env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN || null;
  if (!token) {
    // The file `hf auth login` writes; absent for most users of this tool, which is fine.
    const file = env.HF_TOKEN_PATH ?? join(hfHome(env), 'token');
    token = (await readFile(file, 'utf8').catch(() => '')).trim() || null;
  }
  return {
    endpoint: (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, ''),
    token,
    offline: truthy(env.HF_HUB_OFFLINE),
    cacheDir: hubCacheDir(env),
  };
}
