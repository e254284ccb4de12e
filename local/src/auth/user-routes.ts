/**
 * The endpoints a signed-out or signed-in client calls (§1.4): signup, token (password and
 * refresh_token grants), user GET/PUT and logout.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type postgres from 'postgres';
import { z } from 'zod';
import { requireUser } from './caller.ts';
import { AuthError, clientIp, readBody, sendJson } from './http.ts';
import { assertStrongPassword, passwordWeakness } from './password.ts';
import type { SignInLimiter } from './rate-limit.ts';
import { createSession, endSessions, refreshGrant, sessionResponse, type SessionContext } from './sessions.ts';
import { findUserByEmail, findUserById, insertUser, isBanned, mergeMetadata, passwordMatches, userJson, validateEmail } from './users.ts';

export interface RouteContext extends SessionContext {
  limiter: SignInLimiter;
}

const metadata = z.record(z.string(), z.unknown());
const email = z.string().trim().max(255);

const signupBody = z.object({
  email: email.optional(),
  phone: z.string().optional(),
  password: z.string().optional(),
  data: metadata.nullish(),
});

function client(req: IncomingMessage) {
  return { ip: clientIp(req), userAgent: req.headers['user-agent'] };
}

export async function signup(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
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
  ctx.limiter.signUp(clientIp(req));
  const autoconfirm = !config.email.enable_confirmations;

  const answer = await ctx.sql.begin(async (tx) => {
    // One signup per email at a time; the unique index would also catch it, less politely.
    await tx`select pg_advisory_xact_lock(hashtext(${`signup:${address}`}))`;
    const existing = await findUserByEmail(tx, address);
    if (existing) {
      if (autoconfirm) throw new AuthError(422, 'user_already_exists', 'User already registered');
      // With confirmations on, GoTrue does not reveal that the address is taken.
      return { obfuscated: true as const, email: address };
    }
    const user = await insertUser(tx, { source: 'signup', email: address, password: body.password!, emailConfirmed: autoconfirm, userMetadata: body.data ?? {} });
    if (!autoconfirm) return await userJson(tx, user);
    const { sessionId, refreshToken } = await createSession(tx, user, 'password', client(req));
    return await sessionResponse(ctx, tx, user.id, sessionId, refreshToken);
  });
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

export async function token(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const grant = query.get('grant_type');
  if (grant === 'refresh_token') {
    const body = await readBody(req, refreshGrantBody);
    if (!body.refresh_token) throw new AuthError(400, 'validation_failed', 'refresh_token required');
    sendJson(res, 200, await refreshGrant(ctx, body.refresh_token));
    return;
  }
  if (grant !== 'password') throw new AuthError(400, 'invalid_credentials', 'unsupported_grant_type');

  const body = await readBody(req, passwordGrantBody);
  if (body.phone && !body.email) throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
  if (!body.email) throw new AuthError(400, 'validation_failed', 'missing email or phone');
  if (body.password === undefined) throw new AuthError(400, 'validation_failed', 'missing password');
  const address = body.email.toLowerCase();
  const ip = clientIp(req);
  // Counted before bcrypt runs, so a burst of parallel guesses is limited too.
  const attempt = ctx.limiter.begin(address, ip);

  const user = await findUserByEmail(ctx.sql, address);
  if (!(await passwordMatches(ctx.sql, user, body.password)) || !user) {
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
  const weakness = passwordWeakness(body.password, ctx.config);
  sendJson(res, 200, weakness ? { ...session, weak_password: weakness } : session);
}

export async function getUser(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { user } = await requireUser(req, ctx.keys, ctx.sql);
  sendJson(res, 200, await userJson(ctx.sql, user));
}

const updateUserBody = z.object({
  email: email.optional(),
  phone: z.string().optional(),
  password: z.string().optional(),
  data: metadata.nullish(),
  app_metadata: z.unknown().optional(),
  nonce: z.string().optional(),
});

export async function updateUser(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const caller = await requireUser(req, ctx.keys, ctx.sql);
  const body = await readBody(req, updateUserBody);
  if (body.app_metadata !== undefined) throw new AuthError(403, 'not_admin', 'Updating app_metadata requires admin privileges');
  if (body.phone) throw new AuthError(422, 'phone_provider_disabled', 'Phone logins are disabled');
  const newEmail = body.email ? validateEmail(body.email) : undefined;
  if (body.password !== undefined) assertStrongPassword(body.password, ctx.config);

  const updated = await ctx.sql.begin(async (tx) => {
    const user = (await findUserById(tx, caller.user.id))!;
    if (body.password !== undefined) {
      if (await passwordMatches(tx, user, body.password)) {
        throw new AuthError(422, 'same_password', 'New password should be different from the old password.');
      }
      await tx`update auth.users set encrypted_password = extensions.crypt(${body.password}, extensions.gen_salt('bf', 10)), updated_at = now() where id = ${user.id}`;
      // As GoTrue: a password change ends every other session of the user.
      if (caller.sessionId) await endSessions(tx, user.id, caller.sessionId, 'others');
    }
    if (body.data) {
      const merged = mergeMetadata(user.raw_user_meta_data, body.data);
      await tx`update auth.users set raw_user_meta_data = ${tx.json(merged as postgres.JSONValue)}, updated_at = now() where id = ${user.id}`;
    }
    if (newEmail && newEmail !== user.email) {
      const taken = await findUserByEmail(tx, newEmail);
      if (taken) throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
      // Confirmations are off locally (mailer autoconfirm), so the change applies at once.
      await tx`update auth.users set email = ${newEmail}, email_confirmed_at = now(), updated_at = now() where id = ${user.id}`;
      await tx`
        update auth.identities
        set identity_data = identity_data || ${tx.json({ email: newEmail })}, updated_at = now()
        where user_id = ${user.id} and provider = 'email'`;
    }
    return await userJson(tx, (await findUserById(tx, user.id))!);
  });
  sendJson(res, 200, updated);
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
