/**
 * The endpoints a signed-out or signed-in client calls (https://github.com/supabase/auth#endpoints): signup, token (password and
 * refresh_token grants), user GET/PUT and logout.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OutgoingMail } from '../mail/mailbox.ts';
import { z } from 'zod';
import { requireUser } from './caller.ts';
import { AuthError, clientIp, clientKey, readBody, sendJson } from './http.ts';
import { assertStrongPassword, passwordWeakness } from './password.ts';
import { sendConfirmation } from './email-routes.ts';
import { deliverAll, type MailContext } from './email-tokens.ts';
import type { AttemptLimiter, MailLimiter } from './mail-limit.ts';
import { consumeAuthCode, pkceChallenge } from './pkce.ts';
import type { SignInLimiter } from './rate-limit.ts';
import { referrer } from './redirect.ts';
import { createSession, endSessions, refreshGrant, sessionResponse, type SessionContext } from './sessions.ts';
import { findUserByEmail, findUserById, insertUser, isBanned, passwordMatches, userJson, validateEmail } from './users.ts';

export interface RouteContext extends SessionContext {
  limiter: SignInLimiter;
  mail: MailContext;
  mailLimiter: MailLimiter;
  verifyLimiter: AttemptLimiter;
  /** Failed link / token_hash checks of all clients together (verify.ts). */
  linkFailures: AttemptLimiter;
}

const metadata = z.record(z.string(), z.unknown());
const email = z.string().trim().max(255);

const signupBody = z.object({
  email: email.optional(),
  phone: z.string().optional(),
  password: z.string().optional(),
  data: metadata.nullish(),
  code_challenge: z.string().nullish(),
  code_challenge_method: z.string().nullish(),
});

function client(req: IncomingMessage) {
  return { ip: clientIp(req), userAgent: req.headers['user-agent'] };
}

export async function signup(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const body = await readBody(req, signupBody);
  const { config } = ctx;
  if (!config.enable_signup) throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');
  if (body.phone) throw new AuthError(422, 'phone_provider_disabled', 'Phone signups are disabled');
  if (!body.email) {
    if (!body.password) throw new AuthError(422, 'anonymous_provider_disabled', 'Anonymous sign-ins are disabled');
    throw new AuthError(400, 'validation_failed', 'To signup, please provide your email');
  }
  if (!config.email.enable_signup) throw new AuthError(422, 'email_provider_disabled', 'Email signups are disabled');
  const address = validateEmail(body.email);
  if (!body.password) throw new AuthError(400, 'validation_failed', 'Signup requires a valid password');
  assertStrongPassword(body.password, config);
  ctx.limiter.signUp(clientKey(req));
  const autoconfirm = !config.email.enable_confirmations;
  const pkce = pkceChallenge(body);
  // With confirmations on, signup sends a mail: it counts against the mail limits.
  if (!autoconfirm) ctx.mailLimiter.take(address, clientKey(req));
  const redirectTo = referrer(config, req, query);
  const outbox: OutgoingMail[] = [];

  const answer = await ctx.sql.begin(async (tx) => {
    // One signup per email at a time; the unique index would also catch it, less politely.
    await tx`select pg_advisory_xact_lock(hashtext(${`signup:${address}`}))`;
    const existing = await findUserByEmail(tx, address);
    if (existing) {
      if (autoconfirm) throw new AuthError(422, 'user_already_exists', 'User already registered');
      // With confirmations on, GoTrue does not reveal that the address is taken; an
      // unconfirmed account gets its confirmation mail again.
      if (!existing.email_confirmed_at) await sendConfirmation(ctx, tx, existing, redirectTo, pkce, outbox);
      return { obfuscated: true as const, email: address };
    }
    const user = await insertUser(tx, { source: 'signup', email: address, password: body.password!, emailConfirmed: autoconfirm, userMetadata: body.data ?? {} });
    if (!autoconfirm) {
      await sendConfirmation(ctx, tx, user, redirectTo, pkce, outbox);
      return await userJson(tx, (await findUserById(tx, user.id))!);
    }
    const { sessionId, refreshToken } = await createSession(tx, user, 'password', client(req));
    return await sessionResponse(ctx, tx, user.id, sessionId, refreshToken);
  });
  deliverAll(ctx.mail, outbox);
  if ('obfuscated' in answer) {
    const now = new Date().toISOString();
    sendJson(res, 200, {
      id: crypto.randomUUID(), aud: 'authenticated', role: '', email: answer.email, phone: '',
      confirmation_sent_at: now, app_metadata: {}, user_metadata: {}, identities: [],
      created_at: now, updated_at: now, is_anonymous: false,
    });
    return;
  }
  sendJson(res, 200, answer);
}

const passwordGrantBody = z.object({ email: email.optional(), phone: z.string().optional(), password: z.string().optional() });
const refreshGrantBody = z.object({ refresh_token: z.string().optional() });
const pkceGrantBody = z.object({ auth_code: z.string().optional(), code_verifier: z.string().optional() });

export async function token(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const grant = query.get('grant_type');
  if (grant === 'refresh_token') {
    const body = await readBody(req, refreshGrantBody);
    if (!body.refresh_token) throw new AuthError(400, 'validation_failed', 'refresh_token required');
    sendJson(res, 200, await refreshGrant(ctx, body.refresh_token));
    return;
  }
  if (grant === 'pkce') {
    const body = await readBody(req, pkceGrantBody);
    if (!body.auth_code || !body.code_verifier) {
      throw new AuthError(400, 'validation_failed', 'invalid request: both auth code and code verifier should be non-empty');
    }
    sendJson(res, 200, await ctx.sql.begin(async (tx) => {
      const flow = await consumeAuthCode(tx, body.auth_code!, body.code_verifier!);
      const user = await findUserById(tx, flow.userId);
      if (!user) throw new AuthError(404, 'user_not_found', 'User not found');
      if (isBanned(user)) throw new AuthError(400, 'user_banned', 'User is banned');
      const { sessionId, refreshToken } = await createSession(tx, user, flow.method, client(req));
      return await sessionResponse(ctx, tx, user.id, sessionId, refreshToken);
    }));
    return;
  }
  if (grant !== 'password') throw new AuthError(400, 'invalid_credentials', 'unsupported_grant_type');

  const body = await readBody(req, passwordGrantBody);
  if (body.phone && !body.email) throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
  if (!body.email) throw new AuthError(400, 'validation_failed', 'missing email or phone');
  // GoTrue reads a missing password as '', and '' matches no stored password: 400
  // invalid_credentials, counted as a failed attempt like any wrong password.
  const password = body.password ?? '';
  const address = body.email.toLowerCase();
  const ip = clientKey(req);
  // Counted before bcrypt runs, so a burst of parallel guesses is limited too.
  const attempt = ctx.limiter.begin(address, ip);

  const user = await findUserByEmail(ctx.sql, address);
  if (!(await passwordMatches(ctx.sql, user, password)) || !user) {
    throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
  }
  attempt.succeeded();
  if (isBanned(user)) throw new AuthError(400, 'user_banned', 'User is banned');
  if (!user.email_confirmed_at) throw new AuthError(400, 'email_not_confirmed', 'Email not confirmed');

  const session = await ctx.sql.begin(async (tx) => {
    const { sessionId, refreshToken } = await createSession(tx, user, 'password', client(req));
    return await sessionResponse(ctx, tx, user.id, sessionId, refreshToken);
  });
  // A password that no longer meets the policy still signs in, but the client is told.
  const weakness = passwordWeakness(password, ctx.config);
  sendJson(res, 200, weakness ? { ...session, weak_password: weakness } : session);
}

export async function getUser(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { user } = await requireUser(req, ctx.keys, ctx.sql);
  sendJson(res, 200, await userJson(ctx.sql, user));
}

const logoutScope = z.enum(['global', 'local', 'others']);

export async function logout(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const scope = logoutScope.safeParse(query.get('scope') ?? 'global');
  if (!scope.success) throw new AuthError(400, 'validation_failed', 'Unsupported logout scope');
  const caller = await requireUser(req, ctx.keys, ctx.sql);
  await endSessions(ctx.sql, caller.user.id, caller.sessionId, scope.data);
  res.writeHead(204);
  res.end();
}
