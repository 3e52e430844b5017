// The errors a Hub download meets, each one sentence that says what to do. The token never appears
// in any of them (nor in any URL we build).

export type HubErrorKind =
  | 'gated'
  | 'repo-not-found'
  | 'revision-not-found'
  | 'file-not-found'
  | 'no-safetensors'
  | 'offline-missing'
  | 'network'
  | 'disk-full'
  | 'integrity'
  | 'unsupported'
  | 'http';

export class HubError extends Error {
  constructor(
    readonly kind: HubErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

/** What the request was about, for the messages. */
export interface HubRequestContext {
  endpoint: string;
  repoId: string;
  revision: string;
  /** The file asked for (resolve requests), if any. */
  file?: string;
  hasToken: boolean;
}

/**
 * A failed Hub response → a HubError. The Hub says what went wrong in `X-Error-Code` (GatedRepo,
 * RepoNotFound, RevisionNotFound, EntryNotFound); unauthenticated requests for a repo it will not
 * name get 401 RepoNotFound, so the code wins over the status when present.
 */
export function responseError(status: number, errorCode: string | null, ctx: HubRequestContext): HubError {
  const page = `${ctx.endpoint}/${ctx.repoId}`;
  const code = errorCode ?? (status === 404 ? (ctx.file ? 'EntryNotFound' : 'RepoNotFound') : status === 401 || status === 403 ? 'GatedRepo' : '');
  if (code === 'GatedRepo' || (code === '' && (status === 401 || status === 403))) {
    return new HubError(
      'gated',
      ctx.hasToken
        ? `${ctx.repoId}: the Hub refused the token given for this gated model (HTTP ${status}): accept the licence on the model page (${page}) with the account the token belongs to, then give a token with HF_TOKEN or --token`
        : `${ctx.repoId} is a gated model (HTTP ${status}): accept the licence on the model page (${page}), then give a token with HF_TOKEN or --token`,
    );
  }
  if (code === 'RepoNotFound') {
    return new HubError(
      'repo-not-found',
      `${ctx.repoId}: no such model on ${ctx.endpoint} (HTTP ${status}): check the id (ORG/NAME, as on the model page)${ctx.hasToken ? '' : ', and give a token with HF_TOKEN or --token if it is private'}`,
    );
  }
  if (code === 'RevisionNotFound') {
    return new HubError(
      'revision-not-found',
      `${ctx.repoId}@${ctx.revision}: no such revision (HTTP ${status}): give a branch, tag or commit of the repo, or leave out @${ctx.revision} for main`,
    );
  }
  if (code === 'EntryNotFound') {
    return new HubError(
      'file-not-found',
      `${ctx.repoId}@${ctx.revision}: ${ctx.file ?? 'a file'} is listed but the Hub does not serve it (HTTP ${status}): try again, or pin another revision with @REV`,
    );
  }
  return new HubError(
    'http',
    `${ctx.repoId}${ctx.file ? `/${ctx.file}` : ''}: the Hub answered HTTP ${status}${errorCode ? ` (${errorCode})` : ''}: try again later, or check HF_ENDPOINT (${ctx.endpoint})`,
  );
}

/** A fetch that failed before any answer (DNS, refused, reset) → a HubError that says how to go on. */
export function unreachableError(endpoint: string, err: unknown): HubError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  return new HubError('network', `cannot reach ${endpoint} (${why}): check the network or HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only the cached models`);
}

/** Whether an error is the file system saying it is full (or over quota). */
export const isDiskFull = (err: unknown): boolean => ['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException).code ?? '');
