/**
 * TOTP multi-factor authentication as GoTrue serves it (internal/api/mfa.go):
 *   POST   /factors                       enroll (secret, otpauth URI and an SVG QR code)
 *   POST   /factors/:id/challenge         a challenge valid for 5 minutes
 *   POST   /factors/:id/verify            the code: factor verified, session raised to aal2
 *   DELETE /factors/:id                   unenroll (a verified factor needs an aal2 session);
 *                                         the sessions it raised drop to aal1
 * Factors are listed on the user (GET /user), which auth-js's listFactors reads. Verifying a
 * factor ends the user's aal1 sessions, as GoTrue does, and with [auth.email.notification]
 * mfa_factor_enrolled / mfa_factor_unenrolled on the account is mailed. A code is accepted once: each verify
 * records its time step and refuses the same or an older step of the factor, so a code seen over
 * a shoulder cannot be replayed within its 30-second window (RFC 6238 §5.2; GoTrue accepts it).
 * RFC 6238 via `otpauth`, the QR code via `qrcode`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { z } from 'zod';
import { requireUser, type Caller } from './caller.ts';
import { notifyAccountChange } from './email-tokens.ts';
import { AuthError, clientIp, clientKey, readBody, sendJson } from './http.ts';
import { downgradeSessionsToAal1, reissueRefreshToken, sessionResponse } from './sessions.ts';
import type { RouteContext } from './user-routes.ts';
import type { Db } from './users.ts';

const CHALLENGE_EXPIRY_MS = 5 * 60 * 1000;
/**
 * A replayed code. GoTrue has no answer of its own for it: its verifyTOTPFactor checks the code
 * against the clock alone (totp.ValidateCustom, skew 1) and accepts it again. Refused here with
 * GoTrue's code for a refused TOTP code, so clients written for GoTrue handle it as they handle a
 * wrong one, and a message that starts as GoTrue's and says why, for people to be told to wait.
 */
export const TOTP_CODE_USED = 'Invalid TOTP code entered: this code, or a later one, was already used; wait for the next one';
const enrollBody = z.object({ factor_type: z.string().optional(), friendly_name: z.string().max(255).optional(), issuer: z.string().max(255).optional() });
const verifyBody = z.object({ challenge_id: z.string().optional(), code: z.string().optional() });

interface FactorRow {
  id: string;
  user_id: string;
  friendly_name: string | null;
  factor_type: string;
  status: string;
  secret: string | null;
}

async function sessionAal(db: Db, caller: Caller): Promise<string> {
  if (!caller.sessionId) return 'aal1';
  const [row] = await db<{ aal: string | null }[]>`select aal::text from auth.sessions where id = ${caller.sessionId}`;
  return row?.aal ?? 'aal1';
}

async function ownFactor(db: Db, caller: Caller, id: string): Promise<FactorRow> {
  const [factor] = /^[0-9a-f-]{36}$/i.test(id)
    ? await db<FactorRow[]>`
        select id, user_id, friendly_name, factor_type::text, status::text, secret from auth.mfa_factors
        where id = ${id} and user_id = ${caller.user.id}`
    : [];
  if (!factor) throw new AuthError(404, 'mfa_factor_not_found', 'Factor not found');
  return factor;
}

function totp(secret: string, issuer: string, label: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: 30, secret: OTPAuth.Secret.fromBase32(secret) });
}

export async function enroll(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const caller = await requireUser(req, ctx.keys, ctx.sql);
  const body = await readBody(req, enrollBody);
  if (body.factor_type === 'phone') throw new AuthError(422, 'mfa_phone_enroll_not_enabled', 'MFA enroll is disabled for Phone');
  if (body.factor_type === 'webauthn') throw new AuthError(422, 'mfa_webauthn_enroll_not_enabled', 'MFA enroll is disabled for WebAuthn');
  if (body.factor_type !== 'totp') throw new AuthError(400, 'validation_failed', 'factor_type needs to be totp, phone, or webauthn');
  if (!ctx.config.mfa.totp.enroll_enabled) throw new AuthError(422, 'mfa_totp_enroll_not_enabled', 'MFA enroll is disabled for TOTP');
  const friendlyName = body.friendly_name ?? '';
  const issuer = body.issuer || new URL(ctx.config.site_url).host;

  const answer = await ctx.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`mfa:${caller.user.id}`}))`;
    // GoTrue drops unverified factors older than a day (FactorExpiryDuration) before counting.
    await tx`delete from auth.mfa_factors where user_id = ${caller.user.id} and status = 'unverified' and created_at < now() - interval '1 day'`;
    const factors = await tx<{ friendly_name: string | null; status: string }[]>`
      select friendly_name, status::text from auth.mfa_factors where user_id = ${caller.user.id}`;
    if (factors.some((f) => (f.friendly_name ?? '') === friendlyName)) {
      throw new AuthError(422, 'mfa_factor_name_conflict', `A factor with the friendly name ${JSON.stringify(friendlyName)} for this user already exists`);
    }
    if (factors.length >= ctx.config.mfa.max_enrolled_factors) {
      throw new AuthError(422, 'too_many_enrolled_mfa_factors', 'Maximum number of verified factors reached, unenroll to continue');
    }
    if (factors.some((f) => f.status === 'verified') && (await sessionAal(tx, caller)) !== 'aal2') {
      throw new AuthError(403, 'insufficient_aal', 'AAL2 required to enroll a new factor');
    }
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    const uri = totp(secret, issuer, caller.user.email ?? '').toString();
    const id = randomUUID();
    await tx`
      insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
      values (${id}, ${caller.user.id}, ${friendlyName}, 'totp', 'unverified', now(), now(), ${secret})`;
    return { id, uri, secret };
  });
  const qr = await QRCode.toString(answer.uri, { type: 'svg', errorCorrectionLevel: 'H', margin: 1 });
  sendJson(res, 200, { id: answer.id, type: 'totp', friendly_name: friendlyName, totp: { qr_code: qr, secret: answer.secret, uri: answer.uri } });
}

export async function challenge(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, factorId: string): Promise<void> {
  const caller = await requireUser(req, ctx.keys, ctx.sql);
  await readBody(req, z.object({ channel: z.string().optional(), webauthn: z.unknown().optional() }));
  if (!ctx.config.mfa.totp.verify_enabled) throw new AuthError(422, 'mfa_totp_verify_not_enabled', 'MFA verification is disabled for TOTP');
  const factor = await ownFactor(ctx.sql, caller, factorId);
  const id = randomUUID();
  const ip = /^[0-9a-f.:]+$/i.test(clientIp(req)) ? clientIp(req) : '0.0.0.0';
  const [row] = await ctx.sql<{ created_at: Date }[]>`
    insert into auth.mfa_challenges (id, factor_id, created_at, ip_address) values (${id}, ${factor.id}, now(), ${ip}::inet)
    returning created_at`;
  await ctx.sql`update auth.mfa_factors set last_challenged_at = now() where id = ${factor.id}`;
  sendJson(res, 200, { id, type: 'totp', expires_at: Math.floor((row!.created_at.getTime() + CHALLENGE_EXPIRY_MS) / 1000) });
}

export async function verify(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, factorId: string): Promise<void> {
  const caller = await requireUser(req, ctx.keys, ctx.sql);
  const body = await readBody(req, verifyBody);
  if (!ctx.config.mfa.totp.verify_enabled) throw new AuthError(422, 'mfa_totp_verify_not_enabled', 'MFA verification is disabled for TOTP');
  if (!body.challenge_id || !body.code) throw new AuthError(400, 'validation_failed', 'challenge_id and code are required');
  // Six digits are guessable without a limit: the same budget as email codes.
  ctx.verifyLimiter.take(`ip:${clientKey(req)}`, `mfa:${caller.user.id}`);
  let enrolled: FactorRow | undefined;
  const session = await ctx.sql.begin(async (tx) => {
    const factor = await ownFactor(tx, caller, factorId);
    await tx`select 1 from auth.mfa_factors where id = ${factor.id} for update`;
    const [found] = await tx<{ id: string; created_at: Date; verified_at: Date | null }[]>`
      select id, created_at, verified_at from auth.mfa_challenges where id = ${body.challenge_id!} and factor_id = ${factor.id}`;
    if (!found || found.verified_at) throw new AuthError(422, 'mfa_factor_not_found', 'MFA factor with the provided challenge ID not found');
    if (Date.now() > found.created_at.getTime() + CHALLENGE_EXPIRY_MS) {
      await tx`delete from auth.mfa_challenges where id = ${found.id}`;
      return new AuthError(422, 'mfa_challenge_expired', `MFA challenge ${found.id} has expired, verify against another challenge or create a new challenge.`);
    }
    const generator = totp(factor.secret ?? '', '', '');
    const delta = generator.validate({ token: body.code!.trim(), window: 1 });
    const step = delta === null ? null : generator.counter() + delta;
    const [last] = await tx<{ step: string | null }[]>`
      select max(otp_code) as step from auth.mfa_challenges c join auth.mfa_factors f on f.id = c.factor_id
      where f.id = ${factor.id} and c.verified_at is not null and c.otp_code like 'totp:%'`;
    const lastStep = last?.step ? Number(last.step.slice(5)) : -1;
    if (step === null) return new AuthError(422, 'mfa_verification_failed', 'Invalid TOTP code entered');
    if (step <= lastStep) return new AuthError(422, 'mfa_verification_failed', TOTP_CODE_USED);
    // Steps are stored zero-padded so max() orders them numerically.
    await tx`update auth.mfa_challenges set verified_at = now(), otp_code = ${`totp:${String(step).padStart(12, '0')}`} where id = ${found.id}`;
    await tx`update auth.mfa_factors set status = 'verified', updated_at = now() where id = ${factor.id}`;
    if (factor.status === 'unverified') enrolled = factor;
    if (!caller.sessionId) throw new AuthError(401, 'session_not_found', 'A valid session is required to verify a factor');
    await tx`update auth.sessions set aal = 'aal2', factor_id = ${factor.id}, updated_at = now() where id = ${caller.sessionId}`;
    await tx`
      insert into auth.mfa_amr_claims (session_id, created_at, updated_at, authentication_method, id)
      values (${caller.sessionId}, now(), now(), 'totp', gen_random_uuid())
      on conflict (session_id, authentication_method) do update set updated_at = now()`;
    // GoTrue ends the user's sessions below aal2 once a factor is verified (verifyTOTPFactor:
    // models.InvalidateSessionsWithAALLessThan, internal/api/mfa.go; mfa_test.go checks "alternate
    // session has been deleted"): a browser signed in with the password alone, before two-factor
    // sign-in was turned on or stopped at the code step, signs in again, with the code.
    await tx`delete from auth.sessions where user_id = ${caller.user.id} and aal < 'aal2'`;
    // GoTrue drops the user's other unverified factors once one is verified.
    await tx`delete from auth.mfa_factors where user_id = ${caller.user.id} and status = 'unverified' and id <> ${factor.id}`;
    const refreshToken = await reissueRefreshToken(tx, caller.user.id, caller.sessionId);
    return await sessionResponse(ctx, tx, caller.user.id, caller.sessionId, refreshToken);
  });
  // Returned, not thrown, so the expired challenge's removal commits.
  if (session instanceof AuthError) throw session;
  // GoTrue mails the account once a factor is verified for the first time (verifyTOTPFactor:
  // `verified && config.Mailer.Notifications.MFAFactorEnrolledEnabled`), after the change commits.
  if (enrolled) notifyAccountChange(ctx.mail, 'mfa_factor_enrolled', caller.user, { factorType: enrolled.factor_type });
  sendJson(res, 200, session);
}

export async function unenroll(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, factorId: string): Promise<void> {
  const caller = await requireUser(req, ctx.keys, ctx.sql);
  const factor = await ownFactor(ctx.sql, caller, factorId);
  if (factor.status === 'verified' && (await sessionAal(ctx.sql, caller)) !== 'aal2') {
    throw new AuthError(422, 'insufficient_aal', 'AAL2 required to unenroll verified factor');
  }
  // As GoTrue's UnenrollFactor (internal/api/mfa.go): deleted and its sessions downgraded together.
  await ctx.sql.begin(async (tx) => {
    await tx`delete from auth.mfa_factors where id = ${factor.id}`;
    await downgradeSessionsToAal1(tx, caller.user.id, factor.id, factor.factor_type);
  });
  // As GoTrue's UnenrollFactor: mailed for any factor removed by the user, verified or not
  // (the admin API's DELETE /admin/users/:id/factors/:id sends nothing there, nor here).
  notifyAccountChange(ctx.mail, 'mfa_factor_unenrolled', caller.user, { factorType: factor.factor_type });
  sendJson(res, 200, { id: factor.id });
}
