/**
 * PUT /user (GoTrue user.go UserUpdate): metadata, password and email changes of the caller.
 *  - A user with a verified MFA factor changes email or password only from an aal2 session.
 *  - [auth.email] secure_password_change: a session older than 24 hours must send the
 *    `nonce` mailed by GET /reauthenticate to set a new password. A request carrying a nonce
 *    counts against [auth.rate_limit] token_verifications per 5 minutes, per client address
 *    and per user (GoTrue limits PUT /user per address: limiterOpts.User, internal/api/api.go).
 *  - security_update_password_require_current_password (GoTrue's
 *    GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD; no config.toml key, see
 *    config.ts): a user who has a password sets a new one only with the right
 *    `current_password` (400 current_password_required / current_password_invalid), checked
 *    after the reauthentication nonce and before same_password, unless the session is a
 *    recovery one: an `amr` of otp, magiclink or recovery (GoTrue Session.IsRecovery,
 *    internal/models/sessions.go; AuthenticationMethod.IsRecovery, internal/models/factor.go).
 *    GoTrue limits PUT /user per client address; here each check counts as a password guess
 *    in the sign-in limiter (auth/rate-limit.ts) keyed by the user, not the address (a web
 *    app's server sends every user's change from one address): 5 wrong guesses in 5 minutes
 *    and that user's further checks get 429, so a stolen session cannot guess the current
 *    password faster than the sign-in form can.
 *  - A new password voids every outstanding one-time token and ends the user's other sessions
 *    (GoTrue User.UpdatePassword, internal/models/user.go), and is mailed to the account when
 *    [auth.email.notification.password_changed] is enabled.
 *  - An email change is confirmed by mail (both addresses with double_confirm_changes); the
 *    user's `new_email` shows it pending until then.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type postgres from 'postgres';
import { z } from 'zod';
import type { OutgoingMail } from '../mail/mailbox.ts';
import { requireUser } from './caller.ts';
import { sendEmailChange } from './email-routes.ts';
import { clearOneTimeTokens, deliverAll, notifyAccountChange, otpValid, tokenHash } from './email-tokens.ts';
import { AuthError, clientKey, readBody, sendJson } from './http.ts';
import { assertStrongPassword } from './password.ts';
import { pkceChallenge } from './pkce.ts';
import { referrer } from './redirect.ts';
import { endSessions } from './sessions.ts';
import type { RouteContext } from './user-routes.ts';
import { ensureEmailIdentityForPassword, findUserByEmail, findUserById, mergeMetadata, passwordMatches, userJson, validateEmail, type Db, type UserRow } from './users.ts';

const updateUserBody = z.object({
  email: z.string().trim().max(255).optional(),
  phone: z.string().optional(),
  password: z.string().optional(),
  current_password: z.string().nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
  app_metadata: z.unknown().optional(),
  nonce: z.string().optional(),
  code_challenge: z.string().nullish(),
  code_challenge_method: z.string().nullish(),
});

const RECENT_SESSION_MS = 24 * 60 * 60 * 1000;
/** The `amr` methods of a session opened by a mailed link or code (GoTrue AuthenticationMethod.IsRecovery). */
const RECOVERY_METHODS = ['otp', 'magiclink', 'recovery'];

/** GoTrue verifyReauthentication: the mailed code, unexpired, used once. */
async function consumeNonce(ctx: RouteContext, db: Db, user: UserRow, nonce: string): Promise<void> {
  const [row] = await db<{ reauthentication_token: string | null; reauthentication_sent_at: Date | null }[]>`
    select reauthentication_token, reauthentication_sent_at from auth.users where id = ${user.id} for update`;
  const expected = row?.reauthentication_token ?? null;
  if (!expected || !otpValid(tokenHash(ctx.keys, user.email ?? '', nonce), expected, row!.reauthentication_sent_at, ctx.config)) {
    throw new AuthError(422, 'reauthentication_not_valid', 'Nonce has expired or is invalid');
  }
  await db`update auth.users set reauthentication_token = '' where id = ${user.id}`;
}

export async function updateUser(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const caller = await requireUser(req, ctx.keys, ctx.sql);
  const body = await readBody(req, updateUserBody);
  // A nonce is a mailed 6-digit code like /verify's: the same budget, so a stolen session
  // cannot walk through all of them.
  if (body.nonce !== undefined) ctx.verifyLimiter.take(`ip:${clientKey(req)}`, `reauthentication:${caller.user.id}`);
  if (body.app_metadata !== undefined) throw new AuthError(403, 'not_admin', 'Updating app_metadata requires admin privileges');
  if (body.phone) throw new AuthError(422, 'phone_provider_disabled', 'Phone logins are disabled');
  const newEmail = body.email ? validateEmail(body.email) : undefined;
  const changesEmail = Boolean(newEmail && newEmail !== caller.user.email);
  // As GoTrue's validateUserUpdateParams: any password given, the empty one too, meets the
  // policy (minimum_password_length is at least 6, so '' is 422 weak_password).
  if (body.password !== undefined) assertStrongPassword(body.password, ctx.config);
  const pkce = pkceChallenge(body);
  const redirectTo = referrer(ctx.config, req, query);
  const outbox: OutgoingMail[] = [];
  let passwordChanged: UserRow | undefined;

  const updated = await ctx.sql.begin(async (tx) => {
    const user = (await findUserById(tx, caller.user.id))!;
    const [mfa] = await tx<{ n: number }[]>`select count(*)::int as n from auth.mfa_factors where user_id = ${user.id} and status = 'verified'`;
    const [session] = caller.sessionId
      ? await tx<{ aal: string | null; created_at: Date | null; recovery: boolean }[]>`
          select s.aal::text, s.created_at, exists (select 1 from auth.mfa_amr_claims c
            where c.session_id = s.id and c.authentication_method = any(${RECOVERY_METHODS})) as recovery
          from auth.sessions s where s.id = ${caller.sessionId}`
      : [];
    if (mfa!.n > 0 && session?.aal !== 'aal2' && (body.password !== undefined || changesEmail)) {
      throw new AuthError(401, 'insufficient_aal', 'AAL2 session is required to update email or password when MFA is enabled.');
    }
    if (body.password !== undefined) {
      if (ctx.config.email.secure_password_change && (!session?.created_at || Date.now() > session.created_at.getTime() + RECENT_SESSION_MS)) {
        if (!body.nonce) throw new AuthError(400, 'reauthentication_needed', 'Password update requires reauthentication');
        await consumeNonce(ctx, tx, user, body.nonce);
      }
      // GoTrue UserUpdate: only for a user with a password (adding the first one needs none),
      // and a token without a session is no recovery session.
      if (ctx.config.security_update_password_require_current_password && user.encrypted_password && !session?.recovery) {
        if (!body.current_password) {
          throw new AuthError(400, 'current_password_required', 'Current password required when setting new password.');
        }
        // Counted per user, not per client address: a password change made by the app's own
        // server comes from the server's address for every user, and a shared budget would
        // let anyone's wrong guesses refuse everyone's change.
        const attempt = ctx.limiter.begin(user.email ?? user.id, `user:${user.id}`);
        if (!(await passwordMatches(tx, user, body.current_password))) {
          throw new AuthError(400, 'current_password_invalid', 'Current password required when setting new password.');
        }
        attempt.succeeded();
      }
      if (await passwordMatches(tx, user, body.password)) {
        throw new AuthError(422, 'same_password', 'New password should be different from the old password.');
      }
      await tx`update auth.users set encrypted_password = extensions.crypt(${body.password}, extensions.gen_salt('bf', 10)), updated_at = now() where id = ${user.id}`;
      // The account's first password (GoTrue UserUpdate's addingFirstPassword): the `email`
      // identity a password sign-up has.
      if (!user.encrypted_password) await ensureEmailIdentityForPassword(tx, user.id);
      // As GoTrue's UpdatePassword: links and codes mailed before no longer work, and every
      // other session ends (all of them for a token without a session).
      await clearOneTimeTokens(tx, user.id);
      await endSessions(tx, user.id, caller.sessionId, caller.sessionId ? 'others' : 'global');
      passwordChanged = user;
    }
    if (body.data) {
      const merged = mergeMetadata(user.raw_user_meta_data, body.data);
      await tx`update auth.users set raw_user_meta_data = ${tx.json(merged as postgres.JSONValue)}, updated_at = now() where id = ${user.id}`;
    }
    if (changesEmail) {
      if (await findUserByEmail(tx, newEmail!)) {
        throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
      }
      ctx.mailLimiter.take(newEmail!, clientKey(req));
      await sendEmailChange(ctx, tx, user, newEmail!, redirectTo, pkce, outbox);
    }
    return await userJson(tx, (await findUserById(tx, user.id))!);
  });
  deliverAll(ctx.mail, outbox);
  // GoTrue UserUpdate: [auth.email.notification.password_changed] tells the account's address.
  if (passwordChanged) notifyAccountChange(ctx.mail, 'password_changed', passwordChanged);
  sendJson(res, 200, updated);
}
