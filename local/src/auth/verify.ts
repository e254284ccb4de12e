/**
 * GET and POST /verify (GoTrue verify.go): a link (GET, token = the stored hash) or a code
 * (POST: email + token, or token_hash) for signup, invite, magiclink, recovery, email and
 * email_change. The token is cleared as it is used, so each works once, and expires after
 * [auth.email] otp_expiry. GET redirects: implicit flow → redirect_to#access_token=…&type=…;
 * PKCE (a `pkce_` token) → redirect_to?code=…; errors → #error=…&error_code=…. POST answers
 * with the session.
 *
 * Attempts: every request, GET or POST, by code or by hash, counts against [auth.rate_limit]
 * token_verifications per 5 minutes per client (an IPv4 address or an IPv6 /64, http.ts
 * clientKey), as GoTrue puts the whole /verify route behind limiterOpts.Verify
 * (internal/api/api.go; RateLimitVerify, apilimiter.go), 429 over_request_rate_limit. Past that,
 * each form is held so that spreading guesses over clients does not help:
 *  - a code (email + token) — 10^otp_length of them — counts against the address it is for too;
 *  - a link or token_hash is a keyed hash no one can derive from the address (email-tokens.ts,
 *    where local differs from hosted), and since a wrong one names no account, its failures
 *    count against one budget of all clients together, LINK_FAILURES_FACTOR × the setting per
 *    5 minutes: should a link ever be derivable again, a walk of 10^6 would take over a day.
 *    Right ones are taken back, so only failures (expired or used links, guesses) fill it; when
 *    someone does, links wait up to 5 minutes while codes keep working.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type postgres from 'postgres';
import { z } from 'zod';
import { otpValid, tokenHash } from './email-tokens.ts';
import { AuthError, clientIp, clientKey, readBody, sendJson } from './http.ts';
import { issueAuthCode, PKCE_PREFIX } from './pkce.ts';
import { referrer } from './redirect.ts';
import { createSession, sessionResponse } from './sessions.ts';
import type { RouteContext } from './user-routes.ts';
import { findUserById, isBanned, mergeMetadata, setEmailIdentity, validateEmail, type Db } from './users.ts';

/** How many failed link/token_hash checks of all clients together, per token_verifications. */
export const LINK_FAILURES_FACTOR = 100;
const LINK_FAILURES = 'links';

const TYPES = ['signup', 'invite', 'magiclink', 'recovery', 'email', 'email_change'] as const;
type VerifyType = (typeof TYPES)[number];

interface TokenRow {
  id: string;
  email: string | null;
  confirmation_token: string | null;
  confirmation_sent_at: Date | null;
  recovery_token: string | null;
  recovery_sent_at: Date | null;
  email_change: string | null;
  email_change_token_new: string | null;
  email_change_token_current: string | null;
  email_change_sent_at: Date | null;
  email_change_confirm_status: number;
  email_confirmed_at: Date | null;
  raw_user_meta_data: Record<string, unknown> | null;
}

const verifyBody = z.object({
  type: z.string().optional(), token: z.string().optional(), token_hash: z.string().optional(),
  email: z.string().optional(), phone: z.string().optional(), redirect_to: z.string().optional(),
});

const expired = (link: boolean) =>
  new AuthError(403, 'otp_expired', link ? 'Email link is invalid or has expired' : 'Token has expired or is invalid');

async function tokenRow(db: Db, where: postgres.PendingQuery<postgres.Row[]>): Promise<TokenRow | undefined> {
  const [row] = await db<TokenRow[]>`
    select id, email, confirmation_token, confirmation_sent_at, recovery_token, recovery_sent_at, email_change,
      email_change_token_new, email_change_token_current, email_change_sent_at, email_change_confirm_status,
      email_confirmed_at, raw_user_meta_data
    from auth.users where ${where} for update`;
  return row;
}

/** Finds the user of a token and settles the type ('email' becomes signup or magiclink). */
async function findByToken(ctx: RouteContext, db: Db, type: VerifyType, hash: string, email: string | null): Promise<{ row: TokenRow; type: VerifyType }> {
  const link = email === null;
  const matches = (column: string) => link ? db`${db(column)} = ${hash}` : db`lower(email) = ${email}`;
  const candidates: [VerifyType, string, keyof TokenRow][] =
    type === 'email' ? [['signup', 'confirmation_token', 'confirmation_sent_at'], ['magiclink', 'recovery_token', 'recovery_sent_at']]
    : type === 'signup' || type === 'invite' ? [[type, 'confirmation_token', 'confirmation_sent_at']]
    : type === 'recovery' || type === 'magiclink' ? [[type, 'recovery_token', 'recovery_sent_at']]
    : [];
  for (const [settled, column, sentAt] of candidates) {
    const row = await tokenRow(db, matches(column));
    if (row && otpValid(hash, row[column as keyof TokenRow] as string, row[sentAt] as Date | null, ctx.config)) return { row, type: settled };
  }
  if (type === 'email_change') {
    const where = link
      ? db`(email_change_token_new = ${hash} or email_change_token_current = ${hash})`
      : db`(lower(email_change) = ${email} or lower(email) = ${email}) and email_change <> ''`;
    const row = await tokenRow(db, where);
    if (row && (otpValid(hash, row.email_change_token_new, row.email_change_sent_at, ctx.config) ||
      otpValid(hash, row.email_change_token_current, row.email_change_sent_at, ctx.config))) return { row, type };
  }
  throw expired(link);
}

/** Applies a verified token; returns false for the first half of a double-confirmed change. */
async function applyToken(ctx: RouteContext, db: Db, row: TokenRow, type: VerifyType, hash: string): Promise<boolean> {
  const verified = mergeMetadata(row.raw_user_meta_data, { email_verified: true });
  if (type === 'signup' || type === 'invite' || ((type === 'magiclink' || type === 'recovery') && !row.email_confirmed_at)) {
    await db`update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()), confirmation_token = '',
      raw_user_meta_data = ${db.json(verified as postgres.JSONValue)}, updated_at = now() where id = ${row.id}`;
    await db`update auth.identities set identity_data = identity_data || '{"email_verified": true}'::jsonb
      where user_id = ${row.id} and provider = 'email'`;
  }
  if (type === 'magiclink' || type === 'recovery') {
    await db`update auth.users set recovery_token = '', updated_at = now() where id = ${row.id}`;
  }
  if (type === 'email_change') {
    const matchesCurrent = otpValid(hash, row.email_change_token_current, row.email_change_sent_at, ctx.config);
    const secure = ctx.config.email.double_confirm_changes && Boolean(row.email_change_token_current || row.email_change_confirm_status);
    if (secure && row.email_change_confirm_status === 0) {
      await db`update auth.users set email_change_confirm_status = 1,
        ${matchesCurrent ? db`email_change_token_current = ''` : db`email_change_token_new = ''`} where id = ${row.id}`;
      return false;
    }
    const taken = await db`select 1 from auth.users where lower(email) = lower(${row.email_change!}) and id <> ${row.id}`;
    if (taken.length) throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
    // GoTrue's User.ConfirmEmailChange (internal/models/user.go): the new address, and an
    // unconfirmed user is confirmed (Confirm(): email_verified in user_metadata).
    await db`update auth.users set email = ${row.email_change}, email_change = '', email_change_token_new = '',
      email_change_token_current = '', email_change_confirm_status = 0, email_confirmed_at = coalesce(email_confirmed_at, now()),
      ${row.email_confirmed_at ? db`` : db`raw_user_meta_data = ${db.json(verified as postgres.JSONValue)},`}
      updated_at = now() where id = ${row.id}`;
    // emailChangeVerify (internal/api/verify.go): the `email` identity takes the new address,
    // verified, and one is created for an account that had none (an external sign-in's).
    await setEmailIdentity(db, row.id, row.email_change!, true, true);
  }
  return true;
}

const CONFIRMATION_ACCEPTED = 'Confirmation link accepted. Please proceed to confirm link sent to the other email';
/** GoTrue's ParseAuthenticationMethod for the flow_state of a PKCE link. */
const FLOW_METHOD: Record<VerifyType, string> = {
  signup: 'email/signup', invite: 'invite', magiclink: 'magiclink', recovery: 'recovery', email: 'email/signup', email_change: 'email_change',
};

function parseType(type: string | undefined): VerifyType {
  if (!type) throw new AuthError(400, 'validation_failed', 'Verify requires a verification type');
  if (type === 'sms' || type === 'phone_change') throw new AuthError(400, 'phone_provider_disabled', 'Unsupported phone provider');
  if (!(TYPES as readonly string[]).includes(type)) throw new AuthError(400, 'validation_failed', 'Unsupported verification type');
  return type as VerifyType;
}

/** Counts this /verify request against the client's budget (throws 429 when spent). */
function countAttempt(ctx: RouteContext, req: IncomingMessage): void {
  ctx.verifyLimiter.take(`ip:${clientKey(req)}`);
}

/** Counts a link or token_hash check against the budget of all clients' failures (429 when
 * spent); `succeeded()` once it matched. */
function countLinkAttempt(ctx: RouteContext): { succeeded(): void } {
  return ctx.linkFailures.begin(LINK_FAILURES);
}

export async function verifyPost(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  countAttempt(ctx, req);
  const body = await readBody(req, verifyBody);
  const type = parseType(body.type);
  if (Boolean(body.token) === Boolean(body.token_hash)) throw new AuthError(400, 'validation_failed', 'Verify requires either a token or a token hash');
  let email: string | null = null;
  let hash = body.token_hash ?? '';
  let attempt = { succeeded() {} };
  if (body.token) {
    if (body.phone || !body.email) throw new AuthError(400, 'validation_failed', 'Only an email address or phone number should be provided on verify');
    try {
      email = validateEmail(body.email);
    } catch {
      throw new AuthError(422, 'validation_failed', 'Invalid email format');
    }
    ctx.verifyLimiter.take(`email:${email}`);
    hash = tokenHash(ctx.keys, email, body.token);
  } else if (body.email || body.phone || body.redirect_to) {
    throw new AuthError(400, 'validation_failed', 'Only the token_hash and type should be provided');
  } else {
    attempt = countLinkAttempt(ctx);
  }
  const outcome = await ctx.sql.begin(async (tx) => {
    const found = await findByToken(ctx, tx, type, hash, email);
    const user = await findUserById(tx, found.row.id);
    if (!user || isBanned(user)) throw new AuthError(403, 'user_banned', 'User is banned');
    if (!(await applyToken(ctx, tx, found.row, found.type, hash))) return null;
    const { sessionId, refreshToken } = await createSession(tx, user, 'otp', { ip: clientIp(req), userAgent: req.headers['user-agent'] });
    return await sessionResponse(ctx, tx, user.id, sessionId, refreshToken);
  });
  attempt.succeeded();
  if (!outcome) return sendJson(res, 200, { msg: CONFIRMATION_ACCEPTED, code: '200' });
  sendJson(res, 200, outcome);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}

export async function verifyGet(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  // Before the redirect logic: a refused link is a JSON 429, as GoTrue's limiter middleware answers.
  countAttempt(ctx, req);
  const token = query.get('token') ?? '';
  const type = parseType(query.get('type') ?? undefined);
  if (!token) throw new AuthError(400, 'validation_failed', 'Verify requires a token or a token hash');
  const redirectTo = referrer(ctx.config, req, query);
  const attempt = countLinkAttempt(ctx);
  const pkce = token.startsWith(PKCE_PREFIX);
  const target = new URL(redirectTo);
  try {
    type Outcome = { message: string } | { code: string } | { session: Record<string, unknown>; type: VerifyType };
    const outcome = await ctx.sql.begin(async (tx): Promise<Outcome> => {
      const found = await findByToken(ctx, tx, type, token, null);
      const user = await findUserById(tx, found.row.id);
      if (!user || isBanned(user)) throw new AuthError(403, 'user_banned', 'User is banned');
      if (!(await applyToken(ctx, tx, found.row, found.type, token))) return { message: CONFIRMATION_ACCEPTED };
      if (pkce) return { code: await issueAuthCode(tx, user.id, FLOW_METHOD[found.type]) };
      const { sessionId, refreshToken } = await createSession(tx, user, 'otp', { ip: clientIp(req), userAgent: req.headers['user-agent'] });
      return { session: await sessionResponse(ctx, tx, user.id, sessionId, refreshToken), type: found.type };
    });
    attempt.succeeded();
    if ('message' in outcome) {
      if (pkce) target.searchParams.set('message', outcome.message);
      target.hash = new URLSearchParams({ message: outcome.message, sb: '' }).toString();
    } else if ('code' in outcome) {
      target.searchParams.set('code', outcome.code);
    } else {
      const s = outcome.session as Record<string, unknown>;
      target.hash = new URLSearchParams({
        access_token: String(s.access_token), expires_at: String(s.expires_at), expires_in: String(s.expires_in),
        refresh_token: String(s.refresh_token), token_type: 'bearer', type: outcome.type,
      }).toString();
    }
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    const params = new URLSearchParams({ error: error.status === 403 ? 'access_denied' : 'invalid_request', error_code: error.code, error_description: error.message });
    if (pkce) for (const [key, value] of params) target.searchParams.set(key, value);
    params.set('sb', '');
    target.hash = params.toString();
  }
  redirect(res, target.toString());
}
