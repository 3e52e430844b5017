// `ORG/NAME[@REV]` → a model folder on disk: the Hugging Face cache's snapshot when it is complete
// (no request at all), else the missing files downloaded into that cache (see cache.ts, download.ts).
// Node only: src/model/load.ts reaches this module through a dynamic import.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cachedCommit, cachedSnapshot, isFile, linkSnapshotFile, missingFiles, repoCache, writeRef, type RepoCache } from './cache.ts';

export { snapshotModelFiles } from './cache.ts';
import { downloadBlob } from './download.ts';
import { withBlobLock } from './lock.ts';
import { HubError, isDiskFull } from './errors.ts';
import { HubClient, type FileMeta } from './http.ts';
import { parseHubId, type HubId } from './hub-id.ts';
import { CONFIG, INDEX, selectFiles, shardsOfIndex, type HubNeed } from './model-files.ts';
import { DownloadProgress, formatBytes, type ProgressSink } from './progress.ts';
import { hubSettings, type HubOverrides, type HubSettings } from './settings.ts';

export interface ResolveOptions extends HubOverrides {
  /** 'model' (default): weights and tokenizer too; 'config': config.json alone. */
  need?: HubNeed;
  /** Where progress lines go (default stderr). */
  progress?: ProgressSink;
  /**
   * Checks config.json before any weights are fetched (throws for an architecture the caller cannot
   * load), so an unsupported model costs one small file, not gigabytes.
   */
  checkConfig?: ConfigCheck;
}

/** Throws when a config.json describes a model the caller cannot use. */
export type ConfigCheck = (json: unknown, file: string) => void;

export interface ResolvedModel {
  /** The snapshot folder: snapshots/{commit} in the cache. */
  dir: string;
  repoId: string;
  revision: string;
  commit: string;
  /** Files fetched by this call (empty when the cache had everything). */
  downloaded: string[];
  /** HTTP requests made (0 when the cache had everything). */
  requests: number;
}

const label = (id: HubId) => (id.pinned ? `${id.repoId}@${id.revision}` : id.repoId);

async function offlineError(id: HubId, s: HubSettings, repo: RepoCache, need: HubNeed): Promise<HubError> {
  const commit = await cachedCommit(repo, id.revision);
  const missing = commit ? await missingFiles(join(repo.snapshots, commit), need) : [];
  const what = commit ? `its cached snapshot ${commit.slice(0, 7)} lacks ${missing.join(', ')}` : `it is not in the Hugging Face cache (${s.cacheDir})`;
  return new HubError(
    'offline-missing',
    `${label(id)}: ${what}, and HF_HUB_OFFLINE is set, so nothing is downloaded: unset HF_HUB_OFFLINE to download it (or fetch it with \`hf download ${id.repoId}\`)`,
  );
}

/** HEADs the files, downloads those whose blob is missing (one progress total), and links them into the snapshot. */
async function fetchFiles(client: HubClient, id: HubId, repo: RepoCache, commit: string, files: string[], sink: ProgressSink): Promise<void> {
  const metas: FileMeta[] = [];
  for (const f of files) metas.push(await client.fileMeta(commit, f));
  const toFetch: FileMeta[] = [];
  for (const m of metas) if (!(await isFile(join(repo.blobs, m.etag)))) toFetch.push(m);
  const total = toFetch.reduce((a, m) => a + m.size, 0);
  const progress = new DownloadProgress(sink, total);
  if (toFetch.length)
    progress.line(
      `${label(id)} (${commit.slice(0, 7)}): downloading ${toFetch.length > 6 ? `${toFetch.length} files` : toFetch.map((m) => m.file).join(', ')}: ${formatBytes(total)} into ${repo.root}`,
    );
  for (const m of metas) {
    const wait = (pid: number) => progress.line(`  ${m.file}: waiting for process ${pid}, which is downloading it into the same cache`);
    if (toFetch.includes(m)) await withBlobLock(repo, m.etag, () => downloadBlob(client, id.repoId, m, repo, progress), wait);
    await linkSnapshotFile(repo, commit, m.file, m.etag);
  }
}

/** Fetches config.json alone (if missing) and hands it to the caller's check before anything larger comes. */
async function checkConfigFirst(client: HubClient, id: HubId, repo: RepoCache, commit: string, missing: string[], check: ConfigCheck, sink: ProgressSink) {
  const file = join(repo.snapshots, commit, CONFIG);
  if (missing.includes(CONFIG)) {
    await fetchFiles(client, id, repo, commit, [CONFIG], sink);
    missing.splice(missing.indexOf(CONFIG), 1);
  }
  try {
    check(JSON.parse(await readFile(file, 'utf8')), file);
  } catch (err) {
    throw new HubError('unsupported', `${(err as Error).message}; nothing more of ${label(id)} was downloaded: pick a model of a supported architecture`);
  }
}

/** The index first (if missing), then the shards it names that the snapshot lacks. */
async function missingShards(client: HubClient, id: HubId, repo: RepoCache, commit: string, siblings: string[], indexMissing: boolean, sink: ProgressSink) {
  const dir = join(repo.snapshots, commit);
  if (indexMissing) await fetchFiles(client, id, repo, commit, [INDEX], sink);
  const where = `${label(id)}/${INDEX}`;
  let index: unknown;
  try {
    index = JSON.parse(await readFile(join(dir, INDEX), 'utf8'));
  } catch (err) {
    throw new HubError('integrity', `${where}: not valid JSON (${(err as Error).message}): the repo's index is broken; pin another revision with @REV`);
  }
  const shards = shardsOfIndex(index, where);
  const absent = shards.filter((f) => !siblings.includes(f));
  if (absent.length)
    throw new HubError('integrity', `${where} names ${absent.join(', ')}, which the repo does not have: the repo is broken; pin another revision with @REV`);
  const missing: string[] = [];
  for (const f of shards) if (!(await isFile(join(dir, f)))) missing.push(f);
  return missing;
}

async function download(id: HubId, s: HubSettings, repo: RepoCache, need: HubNeed, sink: ProgressSink, check?: ConfigCheck): Promise<ResolvedModel> {
  const client = new HubClient(s, id.repoId, id.revision);
  const { commit, siblings } = await client.modelInfo();
  const dir = join(repo.snapshots, commit);
  const { files, sharded } = selectFiles(id.repoId, siblings, need);
  const missing: string[] = [];
  for (const f of files) if (!(await isFile(join(dir, f)))) missing.push(f);
  const downloaded = missing.slice();
  try {
    if (check) await checkConfigFirst(client, id, repo, commit, missing, check, sink);
    if (sharded) {
      const shards = await missingShards(client, id, repo, commit, siblings, missing.includes(INDEX), sink);
      missing.push(...shards);
      downloaded.push(...shards);
    }
    const rest = missing.filter((f) => f !== INDEX);
    if (rest.length) await fetchFiles(client, id, repo, commit, rest, sink);
    await writeRef(repo, id.revision, commit);
  } catch (err) {
    if (!isDiskFull(err)) throw err;
    const why = (err as Error).message;
    throw new HubError(
      'disk-full',
      `${s.cacheDir}: the disk is full (${why}): free space or point HF_HUB_CACHE at a larger disk, then run again; the files already cached are intact`,
    );
  }
  const still = await missingFiles(dir, need);
  if (still.length)
    throw new HubError('integrity', `${label(id)}: after the download, ${dir} still lacks ${still.join(', ')}: run again, or report the repo's layout`);
  return { dir, repoId: id.repoId, revision: id.revision, commit, downloaded, requests: client.requests };
}

/** The local folder of a Hub model: cached as is, or downloaded into the Hugging Face cache first. */
export async function resolveHubModel(idText: string | HubId, opts: ResolveOptions = {}): Promise<ResolvedModel> {
  const id = typeof idText === 'string' ? parseHubId(idText) : idText;
  if (!id) throw new HubError('repo-not-found', `'${String(idText)}' is not a Hugging Face Hub id: write ORG/NAME or ORG/NAME@REVISION`);
  const need = opts.need ?? 'model';
  const s = await hubSettings(opts);
  const repo = repoCache(s.cacheDir, id.repoId);
  const cached = await cachedSnapshot(repo, id.revision, need);
  if (cached) return { ...cached, repoId: id.repoId, revision: id.revision, downloaded: [], requests: 0 };
  if (s.offline) throw await offlineError(id, s, repo, need);
  return download(id, s, repo, need, opts.progress ?? process.stderr, opts.checkConfig);
}
