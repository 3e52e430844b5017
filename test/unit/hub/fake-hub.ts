// A local stand-in for the Hugging Face Hub, as the tests' only server: the Hub's URL scheme
// (`/{org}/{name}/resolve/{rev}/{file}`, `/api/models/{org}/{name}[/revision/{rev}]`), its headers
// (ETag, X-Repo-Commit, X-Linked-Etag/-Size, X-Error-Code), the redirect of large (LFS) files to a
// CDN path that answers Range requests, 401/403 for a gated repo, 404 for unknown repos and revisions,
// and a connection cut halfway through a file on request. Every request is logged.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSafetensors, writeSafetensors, type WritableTensor } from '../../../src/model/safetensors.ts';

export interface FakeRepo {
  id: string;
  files: Record<string, Uint8Array | string>;
  /** Other branch or tag names, all at the repo's one commit ('main' always is). */
  branches?: string[];
  /** Gated: resolve answers 401 without a token and 403 with any other token than this one. */
  token?: string;
}

export interface LoggedRequest {
  method: string;
  path: string;
  range?: string;
  /** Whether an Authorization header came (its value is never logged). */
  auth: boolean;
}

const bytesOf = (v: Uint8Array | string) => (typeof v === 'string' ? new TextEncoder().encode(v) : v);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** Git's blob id: what the Hub gives as the ETag of a file kept in git (not LFS). */
const gitSha1 = (b: Uint8Array) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
export const commitOf = (repoId: string) => createHash('sha1').update(`commit ${repoId}`).digest('hex');
const isLfs = (file: string) => /\.(safetensors|bin|gguf)$/.test(file);
/** The ETag the Hub gives a file (sha256 of LFS files, git sha1 of the rest), unquoted. */
export const etagOf = (file: string, v: Uint8Array | string) => (isLfs(file) ? sha256(bytesOf(v)) : gitSha1(bytesOf(v)));

/** Splits a model's model.safetensors into `n` shards plus the index, as save_pretrained does. */
export function shardModel(files: Record<string, Uint8Array | string>, n: number): Record<string, Uint8Array | string> {
  const { 'model.safetensors': single, ...rest } = files;
  const tensors = [...parseSafetensors(bytesOf(single))];
  const out: Record<string, Uint8Array | string> = { ...rest };
  const weightMap: Record<string, string> = {};
  for (let s = 0; s < n; s++) {
    const name = `model-${String(s + 1).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.safetensors`;
    const part: Record<string, WritableTensor> = {};
    tensors
      .filter((_, i) => i % n === s)
      .forEach(([k, e]) => {
        part[k] = { dtype: e.dtype as WritableTensor['dtype'], shape: e.shape, data: e.data };
        weightMap[k] = name;
      });
    out[name] = writeSafetensors(part, { format: 'pt' });
  }
  out['model.safetensors.index.json'] = JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap });
  return out;
}

export class FakeHub {
  readonly log: LoggedRequest[] = [];
  /** Cut the connection after `at` bytes of this file's body, `times` times. */
  cut: { file: string; at: number; times: number } | null = null;
  /** Old repo ids → new ones: the API and resolve answer 307 with a relative Location, as the Hub does after a rename. */
  readonly renamed = new Map<string, string>();
  /** Serve this file's bytes with its last byte changed (a corrupt transfer). */
  tamper: string | null = null;
  /** Send file bodies in pieces of `bytes` with `ms` between them (a slow link, so a progress bar is seen moving). */
  throttle: { bytes: number; ms: number } | null = null;
  private readonly byEtag = new Map<string, { file: string; body: Uint8Array }>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly repos: Map<string, FakeRepo>,
  ) {
    for (const r of repos.values()) for (const [f, v] of Object.entries(r.files)) this.byEtag.set(etagOf(f, v), { file: f, body: bytesOf(v) });
  }

  static async start(repos: FakeRepo[]): Promise<FakeHub> {
    const map = new Map(repos.map((r) => [r.id, r]));
    let hub: FakeHub | null = null;
    const server = createServer((req, res) => hub!.handle(req, res));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    hub = new FakeHub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, map);
    return hub;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((ok) => this.server.close(ok));
  }

  private fail(res: ServerResponse, status: number, code: string): undefined {
    res.writeHead(status, { 'X-Error-Code': code, 'Content-Type': 'application/json' }).end(JSON.stringify({ error: code }));
  }

  private handle(req: IncomingMessage, res: ServerResponse): undefined {
    const url = new URL(req.url!, this.url);
    const path = decodeURIComponent(url.pathname);
    // CORS as the Hub answers it, so a page on another origin (the studio in the e2e tests) can call it.
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader(
      'Access-Control-Expose-Headers',
      'X-Error-Code, X-Repo-Commit, ETag, X-Linked-Etag, X-Linked-Size, Content-Range, Content-Length, Accept-Ranges',
    );
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Headers': 'Authorization, Range, Accept', 'Access-Control-Allow-Methods': 'GET, HEAD' }).end();
      return;
    }
    this.log.push({ method: req.method!, path, range: req.headers.range, auth: !!req.headers.authorization });
    for (const [from, to] of this.renamed) {
      const moved = path
        .replace(`/api/models/${from}/`, `/api/models/${to}/`)
        .replace(new RegExp(`^/api/models/${from}$`), `/api/models/${to}`)
        .replace(`/${from}/resolve/`, `/${to}/resolve/`);
      if (moved !== path) return void res.writeHead(307, { Location: moved }).end();
    }
    let m = /^\/api\/models\/([^/]+\/[^/]+)(?:\/revision\/(.+))?$/.exec(path);
    if (m) return this.api(res, m[1], m[2] ?? 'main');
    m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (m) return this.resolve(req, res, m[1], m[2], m[3]);
    m = /^\/cdn\/([0-9a-f]{64})$/.exec(path);
    if (m && this.byEtag.has(m[1])) return this.bytes(req, res, this.byEtag.get(m[1])!);
    this.fail(res, 404, 'EntryNotFound');
  }

  private revisionOk(repo: FakeRepo, rev: string): boolean {
    return rev === 'main' || rev === commitOf(repo.id) || !!repo.branches?.includes(rev);
  }

  private api(res: ServerResponse, id: string, rev: string): undefined {
    const repo = this.repos.get(id);
    if (!repo) return this.fail(res, 404, 'RepoNotFound');
    if (!this.revisionOk(repo, rev)) return this.fail(res, 404, 'RevisionNotFound');
    // With ?blobs=true the Hub adds each file's size and blob id, and the LFS sha256 (the studio reads these).
    const siblings = Object.entries(repo.files).map(([rfilename, v]) => {
      const b = bytesOf(v);
      return { rfilename, size: b.length, blobId: gitSha1(b), ...(isLfs(rfilename) ? { lfs: { sha256: sha256(b), size: b.length, pointerSize: 134 } } : {}) };
    });
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ id, sha: commitOf(id), gated: repo.token ? 'manual' : false, siblings }));
  }

  private resolve(req: IncomingMessage, res: ServerResponse, id: string, rev: string, file: string): undefined {
    const repo = this.repos.get(id);
    if (!repo) return this.fail(res, 404, 'RepoNotFound');
    if (repo.token) {
      const auth = req.headers.authorization;
      if (!auth) return this.fail(res, 401, 'GatedRepo');
      if (auth !== `Bearer ${repo.token}`) return this.fail(res, 403, 'GatedRepo');
    }
    if (!this.revisionOk(repo, rev)) return this.fail(res, 404, 'RevisionNotFound');
    const v = repo.files[file];
    if (v === undefined) return this.fail(res, 404, 'EntryNotFound');
    const body = bytesOf(v);
    const etag = etagOf(file, v);
    const common = { 'X-Repo-Commit': commitOf(id) };
    if (isLfs(file)) {
      // As the Hub: a redirect to the CDN; the pointer's own ETag, the content's in X-Linked-Etag.
      res
        .writeHead(302, {
          ...common,
          Location: `${this.url}/cdn/${etag}`,
          ETag: `"${gitSha1(bytesOf(`version lfs ${etag}`))}"`,
          'X-Linked-Etag': `"${etag}"`,
          'X-Linked-Size': String(body.length),
          'Content-Length': '0',
        })
        .end();
      return;
    }
    res.writeHead(200, { ...common, ETag: `W/"${etag}"`, 'Content-Length': String(body.length), 'Content-Type': 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private bytes(req: IncomingMessage, res: ServerResponse, { file, body }: { file: string; body: Uint8Array }): undefined {
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start > body.length) return void res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
    const part = this.tamper === file ? Uint8Array.from(body.subarray(start)) : body.subarray(start);
    if (this.tamper === file && part.length) part[part.length - 1] ^= 0xff;
    res.writeHead(range ? 206 : 200, {
      'Content-Length': String(part.length),
      'Accept-Ranges': 'bytes',
      ...(range ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (req.method === 'HEAD') return void res.end();
    if (this.cut && this.cut.file === file && this.cut.times > 0) {
      this.cut.times--;
      const sent = part.subarray(0, this.cut.at - start);
      // Throttled, the bytes before the cut arrive over time, as on a real link (a browser may drop the
      // tail of a body whose connection fails in the same instant).
      if (this.throttle) return void this.trickle(res, sent, this.throttle, () => res.socket?.end());
      res.write(sent, () => res.socket?.end());
      return;
    }
    if (this.throttle) return void this.trickle(res, part, this.throttle);
    res.end(part);
  }

  /** Sends `body` in pieces; ends the response, or calls `cut` after the last piece instead. */
  private trickle(res: ServerResponse, body: Uint8Array, t: { bytes: number; ms: number }, cut?: () => void): void {
    let at = 0;
    const next = () => {
      if (res.destroyed) return;
      const end = Math.min(body.length, at + t.bytes);
      if (end >= body.length) return void (cut ? res.write(body.subarray(at), () => setTimeout(cut, t.ms)) : res.end(body.subarray(at)));
      res.write(body.subarray(at, end));
      at = end;
      setTimeout(next, t.ms);
    };
    next();
  }
}
