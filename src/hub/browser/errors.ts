// The Hub errors as the studio says them: the CLI's classification (../errors.ts) with the studio's
// remedies (the token field, the endpoint setting, the Storage tab), one sentence each. No message
// ever holds the token.
import { HubError, responseError, type HubRequestContext } from '../errors.ts';
import { formatBytes } from '../progress.ts';

/** A failed Hub answer → one sentence saying what to do in the studio. */
export function studioResponseError(status: number, errorCode: string | null, ctx: HubRequestContext): HubError {
  const kind = responseError(status, errorCode, ctx).kind;
  const page = `${ctx.endpoint}/${ctx.repoId}`;
  const say = (text: string) => new HubError(kind, text);
  switch (kind) {
    case 'gated':
      return say(
        ctx.hasToken
          ? `${ctx.repoId} is gated and the Hub refused this access token (HTTP ${status}): accept the licence on the model page (${page}) with the account the token belongs to, or paste another token.`
          : `${ctx.repoId} is a gated model (HTTP ${status}): accept the licence on the model page (${page}), then paste an access token in the field below.`,
      );
    case 'repo-not-found':
      return say(
        `${ctx.repoId}: no such model on ${ctx.endpoint} (HTTP ${status}): check the id (ORG/NAME, as on the model page)${ctx.hasToken ? '' : ', or paste an access token if it is private'}.`,
      );
    case 'revision-not-found':
      return say(`${ctx.repoId}@${ctx.revision}: no such revision (HTTP ${status}): give a branch, tag or commit of the repo, or leave out @${ctx.revision}.`);
    case 'file-not-found':
      return say(
        `${ctx.repoId}: the Hub lists ${ctx.file ?? 'a file'} but does not serve it (HTTP ${status}): try again later, or pin another revision with @REV.`,
      );
    default:
      return say(
        `${ctx.repoId}${ctx.file ? `/${ctx.file}` : ''}: the Hub answered HTTP ${status}${errorCode ? ` (${errorCode})` : ''}: try again later, or check the Hub address (${ctx.endpoint}).`,
      );
  }
}

/** fetch() failed before any answer. Browsers say only "Failed to fetch" (offline, refused, or a CORS refusal). */
export function studioUnreachable(endpoint: string, err: unknown): HubError {
  return new HubError(
    'network',
    `Cannot reach ${endpoint} (${(err as Error).message || String(err)}): check the network connection and the Hub address setting (the studio's security policy lets it reach huggingface.co and mirrors on this machine only), then try again.`,
  );
}

/** The connection dropped mid-file: what arrived is kept. */
export function studioConnectionLost(repoId: string, file: string, have: number, size: number): HubError {
  return new HubError(
    'network',
    `${repoId}/${file}: the connection was lost after ${formatBytes(have)} of ${formatBytes(size)}: press Download again to resume from there.`,
  );
}

/** The browser refused to store more (quota). */
export function studioQuotaFull(repoId: string, file: string, have: number, size: number): HubError {
  return new HubError(
    'disk-full',
    `The browser's storage for this site is full after ${formatBytes(have)} of ${repoId}/${file} (${formatBytes(size)}): delete cached models or old runs in the Storage tab, then press Download to resume; the models already cached are intact.`,
  );
}

/** True for the errors browsers raise when storage is over quota. */
export function isQuotaError(e: unknown): boolean {
  const err = e as { name?: string; message?: string } | null;
  return !!err && (err.name === 'QuotaExceededError' || /quota/i.test(err.message ?? ''));
}

/** True when the user (or a newer request) aborted. */
export const isAbort = (e: unknown) => (e as { name?: string } | null)?.name === 'AbortError';
