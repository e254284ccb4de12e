/**
 * One-time email tokens as GoTrue keeps them: a numeric OTP goes into the mail, and the user
 * row stores a hash of email + otp (with a `pkce_` prefix in a PKCE flow) beside a *_sent_at
 * time; a token is valid for [auth.email] otp_expiry seconds and is cleared when used, so
 * every code and link works once (internal/crypto, internal/api/mail.go, verify.go). The hash
 * is also the link's token: `{{ .TokenHash }}`, generate_link's hashed_token and
 * verifyOtp({ token_hash }).
 *
 * Where local differs from hosted: GoTrue derives that hash as plain sha224(email + otp)
 * (internal/crypto/crypto.go GenerateTokenHash), so anyone who knows an address can compute
 * every one of its 10^otp_length link tokens and is held back only by the limits on /verify
 * (security review 16 #1 walked them from one IPv6 /64 in half an hour). Here it is an HMAC
 * keyed by a secret derived from the stack's persisted jwtSecret: the same shape (56 hex
 * characters) and the same uses, since only Auth ever computes it — clients pass it back as
 * they got it — but not derivable from the address, so a link is as hard to guess as any
 * random token, and the 6-digit code stays the one guessable form, limited per email
 * (verify.ts). New keys (a fresh keys.json) void the links mailed before, as they end sessions.
 */
import { createHmac, randomInt } from 'node:crypto';
import type { AuthConfig } from '../config.ts';
import type { StackKeys } from '../keys/index.ts';
import type { EmailNotificationName, EmailTemplateName } from '../config.ts';
import type { Mailbox, OutgoingMail } from '../mail/mailbox.ts';
import type { EmailTemplates } from '../mail/templates.ts';
import { PKCE_PREFIX } from './pkce.ts';
import type { Db, UserRow } from './users.ts';

export type TokenKind = 'confirmation' | 'recovery' | 'reauthentication';

const COLUMNS: Record<TokenKind, { token: string; sentAt: string }> = {
  confirmation: { token: 'confirmation_token', sentAt: 'confirmation_sent_at' },
  recovery: { token: 'recovery_token', sentAt: 'recovery_sent_at' },
  reauthentication: { token: 'reauthentication_token', sentAt: 'reauthentication_sent_at' },
};

export function generateOtp(length: number): string {
  let otp = '';
  for (let i = 0; i < length; i++) otp += String(randomInt(10));
  return otp;
}

/** What issuing and checking a token needs: the settings, and the secret the hash is keyed by. */
export interface TokenSettings {
  config: AuthConfig;
  keys: Pick<StackKeys, 'jwtSecret'>;
}

/** Its own key, so the hash never shares one with the HS256 tokens jwtSecret signs. */
const linkKey = (keys: TokenSettings['keys']) => createHmac('sha256', keys.jwtSecret).update('mrprompt local auth: email token hash').digest();

/** The stored token (and link token) of `otp` mailed to `emailOrPhone`: HMAC-SHA224, hex. */
export function tokenHash(keys: TokenSettings['keys'], emailOrPhone: string, otp: string): string {
  return createHmac('sha224', linkKey(keys)).update(emailOrPhone + otp).digest('hex');
}

export interface IssuedToken {
  otp: string;
  /** What the user row stores and links carry: the hash, `pkce_`-prefixed in a PKCE flow. */
  hash: string;
}

/** Stores a fresh token of `kind` for the user's current email. */
export async function issueToken(db: Db, user: UserRow, kind: TokenKind, settings: TokenSettings, pkce = false): Promise<IssuedToken> {
  const otp = generateOtp(settings.config.email.otp_length);
  const hash = (pkce ? PKCE_PREFIX : '') + tokenHash(settings.keys, user.email ?? '', otp);
  const { token, sentAt } = COLUMNS[kind];
  await db`update auth.users set ${db(token)} = ${hash}, ${db(sentAt)} = now() where id = ${user.id}`;
  return { otp, hash };
}

/** The two tokens of an email change: to the new address, and (secure change) the current one. */
export async function issueEmailChangeTokens(db: Db, user: UserRow, newEmail: string, settings: TokenSettings, pkce: boolean) {
  const { config, keys } = settings;
  const prefix = pkce ? PKCE_PREFIX : '';
  const otpNew = generateOtp(config.email.otp_length);
  const hashNew = prefix + tokenHash(keys, newEmail, otpNew);
  const secure = config.email.double_confirm_changes && Boolean(user.email);
  const otpCurrent = secure ? generateOtp(config.email.otp_length) : '';
  const hashCurrent = secure ? prefix + tokenHash(keys, user.email!, otpCurrent) : '';
  await db`
    update auth.users set email_change = ${newEmail}, email_change_token_new = ${hashNew},
      email_change_token_current = ${hashCurrent}, email_change_confirm_status = 0, email_change_sent_at = now()
    where id = ${user.id}`;
  return { otpNew, hashNew, otpCurrent, hashCurrent, secure };
}

/**
 * Voids every outstanding one-time token of the user after a password change: confirmation,
 * recovery/magic link, both email change tokens with the pending address and its half-confirmed
 * status, phone change and reauthentication, with their *_sent_at. GoTrue's UpdatePassword
 * blanks the tokens (internal/models/user.go) and ClearAllPendingTokens, beside it, the pending
 * change too; the change is dropped here as well, so no later resend revives it. Locally these
 * columns are the only one-time tokens (no auth.one_time_tokens table is kept).
 */
export async function clearOneTimeTokens(db: Db, userId: string): Promise<void> {
  await db`
    update auth.users set confirmation_token = '', confirmation_sent_at = null, recovery_token = '', recovery_sent_at = null,
      email_change = '', email_change_token_new = '', email_change_token_current = '', email_change_sent_at = null,
      email_change_confirm_status = 0, phone_change = '', phone_change_token = '', phone_change_sent_at = null,
      reauthentication_token = '', reauthentication_sent_at = null
    where id = ${userId}`;
}

/** True when `actual` (a hash, or a hash without its pkce_ prefix) matches an unexpired token. */
export function otpValid(actual: string, expected: string | null, sentAt: Date | null, config: AuthConfig): boolean {
  if (!expected || !sentAt) return false;
  if (Date.now() > sentAt.getTime() + config.email.otp_expiry * 1000) return false;
  return actual === expected || PKCE_PREFIX + actual === expected;
}

export interface MailContext {
  config: AuthConfig;
  mailbox: Mailbox;
  templates: EmailTemplates;
  /** `${apiUrl}/auth/v1`: links point at its /verify. */
  issuer: string;
}

/** GoTrue's ConfirmationURL: {external}/verify?token=…&type=…&redirect_to=… */
export function confirmationUrl(ctx: MailContext, token: string, type: string, redirectTo: string): string {
  const url = new URL(`${ctx.issuer}/verify`);
  url.searchParams.set('token', token);
  url.searchParams.set('type', type);
  url.searchParams.set('redirect_to', redirectTo);
  return url.toString();
}

/** Renders an auth mail; callers deliver it after their transaction commits, so a link in
 * the inbox always refers to a stored token. */
export function composeAuthMail(
  ctx: MailContext,
  template: EmailTemplateName,
  to: string,
  data: { token?: string; tokenHash?: string; confirmationUrl?: string; redirectTo?: string; email?: string; newEmail?: string; user?: UserRow },
): OutgoingMail {
  const rendered = ctx.templates.render(template, {
    SiteURL: ctx.config.site_url,
    ConfirmationURL: data.confirmationUrl,
    Email: data.email ?? data.user?.email ?? '',
    NewEmail: data.newEmail,
    Token: data.token,
    TokenHash: data.tokenHash,
    RedirectTo: data.redirectTo,
    SendingTo: to,
    Data: data.user?.raw_user_meta_data ?? {},
  });
  return { to, subject: rendered.subject, html: rendered.html };
}

export function deliverAll(ctx: MailContext, outbox: OutgoingMail[]): void {
  for (const mail of outbox.splice(0)) ctx.mailbox.deliver(mail);
}

/**
 * GoTrue's account-change notices, sent after the change is stored, to the account's address,
 * when [auth.email.notification.<name>] enabled is true: password_changed from PUT /user
 * (internal/api/user.go UserUpdate), mfa_factor_enrolled when a factor is verified for the first
 * time and mfa_factor_unenrolled when one is removed (internal/api/mfa.go verifyTOTPFactor,
 * UnenrollFactor). Fields as templatemailer's …NotificationMail: SiteURL, Email, FactorType,
 * Data. GoTrue also counts them against its hourly email limit and, over it, logs and drops
 * them; locally they are not counted, so a taken session that first spends the address's
 * budget (reset requests, say) cannot keep the owner from hearing of the change. They are
 * answers to the account's own changes, each already limited (code checks, password guesses).
 */
export function notifyAccountChange(ctx: MailContext, name: EmailNotificationName, user: UserRow, data: { factorType?: string } = {}): void {
  if (!ctx.config.email.notification[name]?.enabled || !user.email) return;
  const rendered = ctx.templates.render(name, {
    SiteURL: ctx.config.site_url,
    Email: user.email,
    FactorType: data.factorType,
    Data: user.raw_user_meta_data ?? {},
  });
  ctx.mailbox.deliver({ to: user.email, subject: rendered.subject, html: rendered.html });
}
