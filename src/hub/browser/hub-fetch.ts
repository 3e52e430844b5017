// The Hub requests the studio makes from the page: the model's metadata with file sizes and hashes
// (`/api/models/{repo}[/revision/{rev}]?blobs=true`, as huggingface.js does, so no HEAD per file is
// needed: a browser cannot see a redirect's headers) and the bytes from `/{repo}/resolve/{commit}/{file}`,
// redirects followed, with a Range to resume. The token goes only to the endpoint's own origin.
import { HubError } from '../errors.ts';
import { isCommitHash, type HubId } from '../hub-id.ts';
import type { CachedFile } from './hub-cache.ts';
import { isAbort, studioResponseError, studioUnreachable } from './errors.ts';

export interface BrowserHubSettings {
  /** The Hub's base URL (no trailing slash): https://huggingface.co, a mirror, or a test server. */
  endpoint: string;
  /** The access token for gated and private models; null without one. */
  token: string | null;
}

/** One repo file as the metadata lists it. */
export interface Sibling {
  name: string;
  size: number | null;
  /** sha256 for LFS files, the git blob id otherwise; null when the Hub did not say. */
  etag: string | null;
  sha256: boolean;
}

export class BrowserHubClient {
  requests = 0;

  constructor(
    readonly s: BrowserHubSettings,
    readonly id: HubId,
    private readonly fetchFn: typeof fetch = (...a) => fetch(...a),
  ) {}

  private headers(url: string, extra: Record<string, string> = {}): Record<string, string> {
    const h = { ...extra };
    if (this.s.token && new URL(url).origin === new URL(this.s.endpoint).origin) h.Authorization = `Bearer ${this.s.token}`;
    return h;
  }

  /** One GET/HEAD; a failure before an answer or an error status becomes a one-sentence HubError. */
  async request(url: string, init: { method?: string; headers?: Record<string, string>; signal?: AbortSignal }, file?: string): Promise<Response> {
    this.requests++;
    let res: Response;
    try {
      res = await this.fetchFn(url, { method: init.method ?? 'GET', headers: this.headers(url, init.headers), signal: init.signal, cache: 'no-store' });
    } catch (err) {
      if (isAbort(err)) throw err;
      throw studioUnreachable(this.s.endpoint, err);
    }
    if (res.status >= 400 && res.status !== 416) {
      await res.body?.cancel().catch(() => {});
      const ctx = { endpoint: this.s.endpoint, repoId: this.id.repoId, revision: this.id.revision, file, hasToken: !!this.s.token };
      throw studioResponseError(res.status, res.headers.get('x-error-code'), ctx);
    }
    return res;
  }

  /** The commit the revision points at and the repo's files with their sizes and hashes. */
  async modelInfo(signal?: AbortSignal): Promise<{ commit: string; siblings: Sibling[] }> {
    const rev = this.id.revision === 'main' ? '' : `/revision/${encodeURIComponent(this.id.revision)}`;
    const url = `${this.s.endpoint}/api/models/${this.id.repoId}${rev}?blobs=true`;
    const res = await this.request(url, { headers: { Accept: 'application/json' }, signal });
    let info: { sha?: unknown; siblings?: Array<{ rfilename?: unknown; size?: unknown; blobId?: unknown; lfs?: { sha256?: unknown; size?: unknown } }> };
    try {
      info = await res.json();
    } catch {
      throw new HubError('http', `${url} did not answer with JSON: check the Hub address setting (${this.s.endpoint}).`);
    }
    if (typeof info.sha !== 'string' || !isCommitHash(info.sha) || !Array.isArray(info.siblings))
      throw new HubError('http', `${url} lacks the commit or the file list: check the Hub address setting (${this.s.endpoint}).`);
    const siblings = info.siblings.map((s): Sibling => {
      const lfs = typeof s.lfs?.sha256 === 'string' && /^[0-9a-f]{64}$/.test(s.lfs.sha256) ? s.lfs.sha256 : null;
      const size = Number(s.lfs?.size ?? s.size);
      const blob = typeof s.blobId === 'string' && /^[0-9a-f]{40}$/.test(s.blobId) ? s.blobId : null;
      return { name: String(s.rfilename), size: Number.isSafeInteger(size) && size >= 0 ? size : null, etag: lfs ?? blob, sha256: !!lfs };
    });
    return { commit: info.sha, siblings };
  }

  resolveUrl(commit: string, file: string): string {
    return `${this.s.endpoint}/${this.id.repoId}/resolve/${commit}/${file.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** A file's cache entry; a Hub that lists no size or hash gets a HEAD (redirects followed) for the size. */
  async describe(commit: string, s: Sibling, signal?: AbortSignal): Promise<CachedFile> {
    let size = s.size;
    if (size === null) {
      const res = await this.request(this.resolveUrl(commit, s.name), { method: 'HEAD', signal }, s.name);
      size = Number(res.headers.get('content-length'));
      if (!Number.isSafeInteger(size) || size < 0)
        throw new HubError('http', `${this.id.repoId}/${s.name}: the Hub gives no size for it: check the Hub address setting (${this.s.endpoint}).`);
    }
    return { name: s.name, size, etag: s.etag ?? `${commit}-${s.name.replace(/[^\w.-]/g, '_')}`, sha256: s.sha256 };
  }

  /** The bytes of a file from `start` on. */
  openBytes(commit: string, file: string, start: number, signal: AbortSignal): Promise<Response> {
    return this.request(this.resolveUrl(commit, file), { headers: start > 0 ? { Range: `bytes=${start}-` } : {}, signal }, file);
  }
}
