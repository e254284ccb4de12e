/**
 * The mail-sending endpoints (as GoTrue's recover.go, otp.go, magic_link.go, resend.go,
 * reauthenticate.go): POST /recover, POST /otp (email), POST /magiclink, POST /resend and
 * GET /reauthenticate. Every one counts against the mail limits before looking the address
 * up, and answers an unknown address exactly as a known one, so nobody can tell which
 * addresses have accounts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { requireUser } from './caller.ts';
import type { OutgoingMail } from '../mail/mailbox.ts';
import { composeAuthMail, confirmationUrl, deliverAll, issueEmailChangeTokens, issueToken } from './email-tokens.ts';
import { AuthError, clientKey, readBody, sendJson } from './http.ts';
import { createFlowState, pkceChallenge } from './pkce.ts';
import { referrer } from './redirect.ts';
import type { RouteContext } from './user-routes.ts';
import { findUserByEmail, findUserById, insertUser, validateEmail, type Db, type UserRow } from './users.ts';

const pkceFields = { code_challenge: z.string().nullish(), code_challenge_method: z.string().nullish() };
const security = { gotrue_meta_security: z.object({ captcha_token: z.string().nullish() }).nullish() };
const recoverBody = z.object({ email: z.string().optional(), ...pkceFields, ...security });
const otpBody = z.object({
  email: z.string().optional(), phone: z.string().optional(), data: z.record(z.string(), z.unknown()).nullish(),
  create_user: z.boolean().default(true), channel: z.string().optional(), ...pkceFields, ...security,
});
const resendBody = z.object({ email: z.string().optional(), phone: z.string().optional(), type: z.string().optional(), ...pkceFields, ...security });

/** Confirmation (signup) mail for an unconfirmed user; PKCE when the client started one. */
export async function sendConfirmation(ctx: RouteContext, tx: Db, user: UserRow, redirectTo: string, pkce: ReturnType<typeof pkceChallenge>, outbox: OutgoingMail[]) {
  if (pkce) await createFlowState(tx, pkce, { providerType: 'email', authenticationMethod: 'email/signup', userId: user.id });
  const token = await issueToken(tx, user, 'confirmation', ctx, Boolean(pkce));
  outbox.push(composeAuthMail(ctx.mail, 'confirmation', user.email!, {
    user, token: token.otp, tokenHash: token.hash, redirectTo,
    confirmationUrl: confirmationUrl(ctx.mail, token.hash, 'signup', redirectTo),
  }));
}

async function sendRecoveryLike(ctx: RouteContext, tx: Db, user: UserRow, kind: 'recovery' | 'magiclink', redirectTo: string, pkce: ReturnType<typeof pkceChallenge>, outbox: OutgoingMail[]) {
  if (pkce) await createFlowState(tx, pkce, { providerType: kind === 'recovery' ? 'recovery' : 'magiclink', authenticationMethod: kind, userId: user.id });
  const token = await issueToken(tx, user, 'recovery', ctx, Boolean(pkce));
  outbox.push(composeAuthMail(ctx.mail, kind === 'recovery' ? 'recovery' : 'magic_link', user.email!, {
    user, token: token.otp, tokenHash: token.hash, redirectTo,
    confirmationUrl: confirmationUrl(ctx.mail, token.hash, kind, redirectTo),
  }));
}

/** Both mails of an email change (GoTrue EmailChangeMail): the new address, and with
 * double_confirm_changes the current one too. */
export async function sendEmailChange(ctx: RouteContext, tx: Db, user: UserRow, newEmail: string, redirectTo: string, pkce: ReturnType<typeof pkceChallenge>, outbox: OutgoingMail[]) {
  if (pkce) await createFlowState(tx, pkce, { providerType: 'email_change', authenticationMethod: 'email_change', userId: user.id });
  const tokens = await issueEmailChangeTokens(tx, user, newEmail, ctx, Boolean(pkce));
  const mails = [{ to: newEmail, otp: tokens.otpNew, hash: tokens.hashNew }];
  if (tokens.secure) mails.push({ to: user.email!, otp: tokens.otpCurrent, hash: tokens.hashCurrent });
  for (const mail of mails) {
    outbox.push(composeAuthMail(ctx.mail, 'email_change', mail.to, {
      user, newEmail, token: mail.otp, tokenHash: mail.hash, redirectTo,
      confirmationUrl: confirmationUrl(ctx.mail, mail.hash, 'email_change', redirectTo),
    }));
  }
}

export async function recover(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const body = await readBody(req, recoverBody);
  if (!body.email) throw new AuthError(400, 'validation_failed', 'Password recovery requires an email');
  const email = validateEmail(body.email);
  const pkce = pkceChallenge(body);
  ctx.mailLimiter.take(email, clientKey(req));
  const redirectTo = referrer(ctx.config, req, query);
  const outbox: OutgoingMail[] = [];
  await ctx.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`mail:${email}`}))`;
    const user = await findUserByEmail(tx, email);
    if (user) await sendRecoveryLike(ctx, tx, user, 'recovery', redirectTo, pkce, outbox);
  });
  deliverAll(ctx.mail, outbox);
  sendJson(res, 200, {});
}

export async function otp(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const body = await readBody(req, otpBody);
  if (body.email && body.phone) throw new AuthError(400, 'validation_failed', 'Only an email address or phone number should be provided');
  if (body.phone) throw new AuthError(400, 'phone_provider_disabled', 'Unsupported phone provider');
  if (!body.email) throw new AuthError(400, 'validation_failed', 'One of email or phone must be set');
  if (!ctx.config.email.enable_signup) throw new AuthError(422, 'email_provider_disabled', 'Email logins are disabled');
  const email = validateEmail(body.email);
  const pkce = pkceChallenge(body);
  ctx.mailLimiter.take(email, clientKey(req));
  const redirectTo = referrer(ctx.config, req, query);
  const mayCreate = body.create_user && ctx.config.enable_signup;
  const outbox: OutgoingMail[] = [];
  await ctx.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`signup:${email}`}))`;
    let user = await findUserByEmail(tx, email);
    // GoTrue answers "Signups not allowed for otp" here; that tells a caller which addresses
    // have accounts, so an unknown address gets the same empty answer and no mail.
    if (!user && !mayCreate) return;
    if (!user) {
      const autoconfirm = !ctx.config.email.enable_confirmations;
      user = await insertUser(tx, {
        source: 'signup', email, password: randomBytes(24).toString('base64url'), emailConfirmed: autoconfirm, userMetadata: body.data ?? {},
      });
    }
    if (!user.email_confirmed_at) await sendConfirmation(ctx, tx, user, redirectTo, pkce, outbox);
    else await sendRecoveryLike(ctx, tx, user, 'magiclink', redirectTo, pkce, outbox);
  });
  deliverAll(ctx.mail, outbox);
  sendJson(res, 200, {});
}

export async function resend(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const body = await readBody(req, resendBody);
  if (body.type !== 'signup' && body.type !== 'email_change' && body.type !== 'sms' && body.type !== 'phone_change') {
    throw new AuthError(400, 'validation_failed', 'Missing one of these types: signup, email_change, sms, phone_change');
  }
  if (body.type === 'sms' || body.type === 'phone_change') throw new AuthError(400, 'phone_provider_disabled', 'Phone logins are disabled');
  if (!body.email) throw new AuthError(400, 'validation_failed', 'Type provided requires an email address');
  const email = validateEmail(body.email);
  const pkce = pkceChallenge(body);
  ctx.mailLimiter.take(email, clientKey(req));
  const redirectTo = referrer(ctx.config, req, query);
  const outbox: OutgoingMail[] = [];
  await ctx.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`mail:${email}`}))`;
    const user = await findUserByEmail(tx, email);
    if (!user) return;
    if (body.type === 'signup' && !user.email_confirmed_at) await sendConfirmation(ctx, tx, user, redirectTo, pkce, outbox);
    if (body.type === 'email_change' && user.email_change) await sendEmailChange(ctx, tx, user, user.email_change, redirectTo, pkce, outbox);
  });
  deliverAll(ctx.mail, outbox);
  sendJson(res, 200, {});
}

export async function reauthenticate(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const caller = await requireUser(req, ctx.keys, ctx.sql);
  const user = caller.user;
  if (!user.email) throw new AuthError(400, 'validation_failed', 'Reauthentication requires the user to have an email or a phone number');
  if (!user.email_confirmed_at) throw new AuthError(422, 'email_not_confirmed', 'Please verify your email first.');
  ctx.mailLimiter.take(user.email, clientKey(req));
  const outbox: OutgoingMail[] = [];
  await ctx.sql.begin(async (tx) => {
    const fresh = (await findUserById(tx, user.id))!;
    const token = await issueToken(tx, fresh, 'reauthentication', ctx);
    outbox.push(composeAuthMail(ctx.mail, 'reauthentication', fresh.email!, { user: fresh, token: token.otp }));
  });
  deliverAll(ctx.mail, outbox);
  sendJson(res, 200, {});
}
