// The few Hub requests a download needs, as huggingface_hub makes them: the model's metadata
// (`/api/models/{repo}[/revision/{rev}]`: the commit and the file list), a HEAD per file on
// `/{repo}/resolve/{rev}/{file}` (ETag, size, commit, and for large files the redirect to the CDN),
// and the GET of the bytes with a Range to resume. The token goes only to the endpoint's own origin.
import { HubError, responseError, unreachableError, type HubRequestContext } from './errors.ts';
import { isCommitHash } from './hub-id.ts';
import type { HubSettings } from './settings.ts';

/** What the HEAD of a file says about it. */
export interface FileMeta {
  file: string;
  /** The Hub's ETag, unquoted: a sha256 for LFS files (the bytes' hash), a git blob sha1 otherwise. */
  etag: string;
  size: number;
  /** Where to GET the bytes (the CDN for large files). */
  url: string;
}

const META_TIMEOUT_MS = 30_000;

export class HubClient {
  /** Requests made, for tests and the "nothing fetched" check. */
  requests = 0;

  constructor(
    private readonly s: HubSettings,
    private readonly repoId: string,
    private readonly revision: string,
  ) {}

  private ctx(file?: string): HubRequestContext {
    return { endpoint: this.s.endpoint, repoId: this.repoId, revision: this.revision, file, hasToken: !!this.s.token };
  }

  private headers(url: string, extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { 'Accept-Encoding': 'identity', 'User-Agent': 'mindprint-hub/0.1', ...extra };
    if (this.s.token && new URL(url).origin === new URL(this.s.endpoint).origin) h.Authorization = `Bearer ${this.s.token}`;
    return h;
  }

  /** One request; a network failure or an error status becomes a HubError (3xx are returned: redirects are ours to follow). */
  async request(url: string, init: { method?: string; headers?: Record<string, string>; signal?: AbortSignal }, file?: string): Promise<Response> {
    this.requests++;
    let res: Response;
    try {
      res = await fetch(url, {
        method: init.method ?? 'GET',
        headers: this.headers(url, init.headers),
        redirect: 'manual',
        signal: init.signal ?? AbortSignal.timeout(META_TIMEOUT_MS),
      });
    } catch (err) {
      throw unreachableError(this.s.endpoint, err);
    }
    if (res.status >= 400 && res.status !== 416) {
      // 416: a Range past the end, the downloader's to handle
      await res.body?.cancel().catch(() => {});
      throw responseError(res.status, res.headers.get('x-error-code'), this.ctx(file));
    }
    return res;
  }

  /** A request that follows relative redirects (a renamed repo: same Hub, new path), not those to another host (the CDN). */
  private async requestFollowing(
    url: string,
    init: { method?: string; headers?: Record<string, string> },
    file?: string,
  ): Promise<{ res: Response; url: string }> {
    for (let hops = 0; ; hops++) {
      const res = await this.request(url, init, file);
      const location = res.headers.get('location');
      if (!(res.status >= 300 && res.status < 400 && location?.startsWith('/') && !location.startsWith('//') && hops < 5)) return { res, url };
      await res.body?.cancel().catch(() => {});
      url = new URL(location, url).href;
    }
  }

  /** The commit the revision points at and the repo's file names. */
  async modelInfo(): Promise<{ commit: string; siblings: string[] }> {
    const rev = this.revision === 'main' ? '' : `/revision/${encodeURIComponent(this.revision)}`;
    const url = `${this.s.endpoint}/api/models/${this.repoId}${rev}`;
    const { res } = await this.requestFollowing(url, { headers: { Accept: 'application/json' } });
    let info: { sha?: unknown; siblings?: Array<{ rfilename?: unknown }> };
    try {
      info = (await res.json()) as typeof info;
    } catch (err) {
      throw new HubError('http', `${url}: the Hub's answer is not JSON (${(err as Error).message}): check HF_ENDPOINT (${this.s.endpoint})`);
    }
    if (typeof info.sha !== 'string' || !isCommitHash(info.sha) || !Array.isArray(info.siblings)) {
      throw new HubError('http', `${url}: the Hub's answer lacks the commit (sha) or the file list (siblings): check HF_ENDPOINT (${this.s.endpoint})`);
    }
    return { commit: info.sha, siblings: info.siblings.map((s) => String(s.rfilename)) };
  }

  resolveUrl(commit: string, file: string): string {
    return `${this.s.endpoint}/${this.repoId}/resolve/${encodeURIComponent(commit)}/${file.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** HEAD of one file at a commit: its ETag and size, and the URL of its bytes (following a renamed repo's relative redirects). */
  async fileMeta(commit: string, file: string): Promise<FileMeta> {
    const { res, url } = await this.requestFollowing(this.resolveUrl(commit, file), { method: 'HEAD' }, file);
    const location = res.headers.get('location');
    const etag = (res.headers.get('x-linked-etag') ?? res.headers.get('etag') ?? '').replace(/^W\//, '').replace(/"/g, '');
    const size = Number(res.headers.get('x-linked-size') ?? res.headers.get('content-length'));
    if (!etag || !/^[\w.-]+$/.test(etag) || !Number.isSafeInteger(size) || size < 0) {
      const what = `the Hub's answer has no usable ETag or size (status ${res.status})`;
      throw new HubError('http', `${this.repoId}/${file}: ${what}: check HF_ENDPOINT (${this.s.endpoint}) or try again`);
    }
    const bytesUrl = res.status >= 300 && res.status < 400 && location ? new URL(location, url).href : url;
    return { file, etag, size, url: bytesUrl };
  }

  /** GET of a file's bytes from `start` on (a Range request when start > 0). */
  async openBytes(meta: FileMeta, start: number, signal: AbortSignal): Promise<Response> {
    let url = meta.url;
    for (let hops = 0; ; hops++) {
      const res = await this.request(url, { headers: start > 0 ? { Range: `bytes=${start}-` } : {}, signal }, meta.file);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location && hops < 5) {
        await res.body?.cancel().catch(() => {});
        url = new URL(location, url).href;
        continue;
      }
      return res;
    }
  }
}
