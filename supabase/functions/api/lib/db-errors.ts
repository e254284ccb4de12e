/**
 * Database errors a request can legitimately cause, turned into API errors. Inputs are
 * validated before they reach SQL, so the one expected failure is a reference that vanished
 * between the check and the write: most often the caller's own account, deleted while their
 * access token is still unexpired (JWTs cannot be revoked). A database that cannot be reached
 * is a 503 the caller can retry. Anything else stays a 500.
 */
import postgres from 'postgres';
import { ApiError, notFound } from './errors.ts';

const FOREIGN_KEY_VIOLATION = '23503';
// Raised by public.require_live_session: the token's session has been signed out.
const SESSION_SIGNED_OUT = 'MR401';

/** True when the database refused the caller's token because its session was signed out. */
export function isSessionSignedOut(error: unknown): boolean {
  return error instanceof postgres.PostgresError && error.code === SESSION_SIGNED_OUT;
}

/** The answer to a token whose session has been signed out (on another device, by a password reset). */
export const sessionEnded = () =>
  new ApiError(401, 'session_ended', 'This session has been signed out; sign in again');

// Raised by public.require_mfa_level and the tables' triggers: an aal1 session of an account
// with a verified second factor (20261203214659_require_aal2_for_all_user_data.sql).
const INSUFFICIENT_AAL = 'MR403';

/** True when the database refused an aal1 session of an account that uses two-factor sign-in. */
export function isInsufficientAal(error: unknown): boolean {
  return error instanceof postgres.PostgresError && error.code === INSUFFICIENT_AAL;
}

/** The answer to the password alone, for an account with an authenticator app. */
export const insufficientAal = () =>
  new ApiError(403, 'insufficient_aal', 'This account uses two-factor sign-in: enter the code from your authenticator app first');

// Raised by the row quotas (20261130234451_create_row_quotas.sql, and for chats, messages and
// prompt versions whoever writes them, 20261207000000_enforce_row_quotas_for_every_writer.sql):
// "<table> limit reached: at most <n> rows per <owner column>".
const ROW_QUOTA = /^(\w+) limit reached: at most (\d+) rows per (\w+)$/;

/** What each owner column is called, and what to do instead, where not "account" and "delete some". */
const QUOTA_OWNERS: Record<string, { per: string; advice: string }> = {
  session_id: { per: 'chat', advice: 'start a new chat to go on' },
};
// A prompt's versions go only with the prompt.
const VERSIONS_ADVICE = 'save the text as a new prompt to go on';

/** The row quota a write ran into, if that is why the database refused it. */
export function rowQuotaReached(error: unknown): ApiError | null {
  const quota = rowQuotaOf(error);
  if (!quota) return null;
  const { table, limit, owner } = quota;
  const what = table.replaceAll('_', ' ');
  const known = QUOTA_OWNERS[owner];
  const per = known?.per ?? (owner === 'user_id' ? 'account' : owner.replace(/_id$/, '').replaceAll('_', ' '));
  const advice = known?.advice ?? (table === 'prompt_versions' && owner === 'prompt_id' ? VERSIONS_ADVICE : 'delete some before adding more');
  return new ApiError(409, 'limit_reached', `There can be at most ${limit.toLocaleString('en')} ${what} per ${per}; ${advice}`);
}

/** Which table's row quota (and for what owner column) refused a write, if one did. */
export function rowQuotaOf(error: unknown): { table: string; limit: number; owner: string } | null {
  if (!(error instanceof postgres.PostgresError) || error.code !== '54000') return null;
  const match = ROW_QUOTA.exec(error.message);
  return match ? { table: match[1]!, limit: Number(match[2]), owner: match[3]! } : null;
}

// The refusals of the project's own RPCs, each with its own SQLSTATE of class `MR` (the
// migrations that raise them list them: 20261203205734_give_invitation_refusals_sqlstates.sql,
// 20261203210206_rate_limit_forks_and_invitations.sql, 20261203212549_give_fork_refusals_sqlstates.sql).
// Matched by code, never by message text.
const REFUSALS: Record<string, (error: postgres.PostgresError) => ApiError> = {
  MRG01: () => notFound('Session'),
  MRG02: () => new ApiError(422, 'already_owner', 'You own this chat already'),
  MRG03: () => new ApiError(409, 'already_member', 'That person is in this chat already; change their role in the list'),
  MRG04: () => new ApiError(409, 'too_many_invitations', 'This chat has 100 pending invitations; cancel some first'),
  MRG05: () => notFound('Invitation'),
  MRG06: (error) => rateLimited('invitations', error),
  MRF01: (error) => rateLimited('forks', error),
  MRF02: () => notFound('Session'),
  MRF03: () => notFound('Message'),
};

/** A rate-limit refusal of an RPC: its DETAIL is the whole seconds until a token is back. */
function rateLimited(what: string, error: postgres.PostgresError): ApiError {
  const seconds = /^\d+$/.test(error.detail ?? '') ? Number(error.detail) : 60;
  return new ApiError(429, 'rate_limited', `Too many ${what}; try again in ${seconds} s`, { 'retry-after': String(seconds) });
}

/** Use as `.catch(rethrowRefusal)` on a call of an RPC that refuses with `MR` codes. */
export function rethrowRefusal(error: unknown): never {
  if (error instanceof postgres.PostgresError) {
    const refusal = REFUSALS[error.code];
    if (refusal) throw refusal(error);
  }
  throw error;
}

// Raised by private.refuse_future_chat_times: a chat or message dated in the future
// (20261207110000_refuse_future_chat_times.sql). Its message names the column and both times.
const FUTURE_TIME = 'MRT01';

/** Use as `.catch(rethrowDatabaseError)` on a write that references other rows or carries times. */
export function rethrowDatabaseError(error: unknown): never {
  if (error instanceof postgres.PostgresError && error.code === FUTURE_TIME) {
    throw new ApiError(400, 'invalid_request', error.message);
  }
  if (error instanceof postgres.PostgresError && error.code === FOREIGN_KEY_VIOLATION) {
    if (error.constraint_name?.endsWith('_user_id_fkey')) {
      throw new ApiError(401, 'unauthorized', 'This account no longer exists; sign in again');
    }
    throw new ApiError(404, 'not_found', 'Something this refers to no longer exists');
  }
  throw error;
}

// Connection-level failures: the server is down, restarting or refusing connections (class 08
// and 57P0x), or the client lost its socket. Statement errors (RLS, constraints) are not here.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  '57P01', '57P02', '57P03', '53300',
]);

/** True when an error means the database could not be reached, rather than a bad query. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? String(error.code) : '';
  return UNAVAILABLE_CODES.has(code) || code.startsWith('08');
}

/** The one answer for "the database is down": health checks and every route alike. */
export const databaseUnavailable = () =>
  new ApiError(503, 'database_unavailable', 'The database is not reachable right now; try again in a moment', { 'retry-after': '2' });
