/**
 * POST /invite and POST /admin/generate_link (GoTrue invite.go, mail.go adminGenerateLink):
 * service_role only. An invite creates the account without a password and mails an invite
 * link (type=invite); generate_link returns the link and code instead of mailing them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { OutgoingMail } from '../mail/mailbox.ts';
import { composeAuthMail, confirmationUrl, deliverAll, issueEmailChangeTokens, issueToken } from './email-tokens.ts';
import { AuthError, clientKey, readBody, sendJson } from './http.ts';
import { assertStrongPassword } from './password.ts';
import { referrer } from './redirect.ts';
import type { RouteContext } from './user-routes.ts';
import { findUserByEmail, findUserById, insertUser, userJson, validateEmail, type Db, type UserRow } from './users.ts';

const DUPLICATE = 'A user with this email address has already been registered';
const inviteBody = z.object({ email: z.string().optional(), data: z.record(z.string(), z.unknown()).nullish() });
const linkBody = z.object({
  type: z.string().optional(), email: z.string().optional(), password: z.string().optional(), new_email: z.string().optional(),
  data: z.record(z.string(), z.unknown()).nullish(), redirect_to: z.string().optional(),
});

async function invitedUser(tx: Db, email: string, data: Record<string, unknown>): Promise<UserRow> {
  const existing = await findUserByEmail(tx, email);
  if (existing?.email_confirmed_at) throw new AuthError(422, 'email_exists', DUPLICATE);
  const user = existing ?? (await insertUser(tx, { source: 'signup', email, password: null, emailConfirmed: false, userMetadata: data }));
  await tx`update auth.users set invited_at = now() where id = ${user.id}`;
  return (await findUserById(tx, user.id))!;
}

export async function invite(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const body = await readBody(req, inviteBody);
  const email = validateEmail(body.email);
  const redirectTo = referrer(ctx.config, req, query);
  const outbox: OutgoingMail[] = [];
  const user = await ctx.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`signup:${email}`}))`;
    const invited = await invitedUser(tx, email, body.data ?? {});
    // Only the service role invites, so the address check may come first, as GoTrue's does.
    ctx.mailLimiter.take(email, clientKey(req));
    const token = await issueToken(tx, invited, 'confirmation', ctx);
    outbox.push(composeAuthMail(ctx.mail, 'invite', email, {
      user: invited, token: token.otp, tokenHash: token.hash, redirectTo,
      confirmationUrl: confirmationUrl(ctx.mail, token.hash, 'invite', redirectTo),
    }));
    return await userJson(tx, (await findUserById(tx, invited.id))!);
  });
  deliverAll(ctx.mail, outbox);
  sendJson(res, 200, user);
}

export async function generateLink(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const body = await readBody(req, linkBody);
  const email = validateEmail(body.email);
  const type = body.type ?? '';
  const redirectTo = referrer(ctx.config, req, query, body.redirect_to);
  const answer = await ctx.sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext(${`signup:${email}`}))`;
    let user = await findUserByEmail(tx, email);
    let linkType = type;
    if (!user && ['recovery', 'email_change_current', 'email_change_new'].includes(type)) {
      throw new AuthError(404, 'user_not_found', 'User with this email not found');
    }
    if (!user && type === 'magiclink') linkType = 'signup';
    let token: { otp: string; hash: string };
    if (linkType === 'signup') {
      if (user?.email_confirmed_at) throw new AuthError(422, 'email_exists', DUPLICATE);
      if (!user) {
        const password = body.password ?? (type === 'magiclink' ? randomBytes(24).toString('base64url') : undefined);
        if (!password) throw new AuthError(422, 'weak_password', 'Password should be at least 6 characters.');
        if (body.password) assertStrongPassword(body.password, ctx.config);
        user = await insertUser(tx, { source: 'signup', email, password, emailConfirmed: false, userMetadata: body.data ?? {} });
      }
      token = await issueToken(tx, user, 'confirmation', ctx);
    } else if (linkType === 'invite') {
      user = await invitedUser(tx, email, body.data ?? {});
      token = await issueToken(tx, user, 'confirmation', ctx);
    } else if (linkType === 'magiclink' || linkType === 'recovery') {
      token = await issueToken(tx, user!, 'recovery', ctx);
    } else if (linkType === 'email_change_current' || linkType === 'email_change_new') {
      const newEmail = validateEmail(body.new_email);
      if (await findUserByEmail(tx, newEmail)) throw new AuthError(422, 'email_exists', DUPLICATE);
      if (linkType === 'email_change_current' && !ctx.config.email.double_confirm_changes) {
        throw new AuthError(400, 'validation_failed', 'Enable secure email change to generate link for current email');
      }
      const tokens = await issueEmailChangeTokens(tx, user!, newEmail, ctx, false);
      token = linkType === 'email_change_current' ? { otp: tokens.otpCurrent, hash: tokens.hashCurrent } : { otp: tokens.otpNew, hash: tokens.hashNew };
    } else {
      throw new AuthError(400, 'validation_failed', `Invalid email action link type requested: ${type}`);
    }
    const verifyType = linkType.startsWith('email_change') ? 'email_change' : linkType;
    return {
      ...(await userJson(tx, (await findUserById(tx, user!.id))!)),
      action_link: confirmationUrl(ctx.mail, token.hash, verifyType, redirectTo),
      email_otp: token.otp, hashed_token: token.hash, verification_type: linkType, redirect_to: redirectTo,
    };
  });
  sendJson(res, 200, answer);
}
