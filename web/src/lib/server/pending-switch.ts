// An email link that would sign a signed-in person in to another account (routes/auth/confirm).
// The link's token works once, and only verifying it tells whose it is, so the page verifies it
// without touching the session cookies and keeps the new session here, between the two steps:
// sealed (AES-256-GCM, node:crypto) in an httpOnly cookie scoped to /auth/confirm that lives five
// minutes — never in the page or its address. The seal is bound to the cookie's name and names
// the account that was signed in, so the choice is made for that person only.
//
// The key is derived (HKDF-SHA256, RFC 5869, with this seal's own label) from the server secret
// the web server is given — MRPROMPT_WEB_SECRET, else SUPABASE_SECRET_KEY ($lib/server/env.ts
// webSecret) — so a restart between the two steps, or the second step answered by another of
// several web servers, opens the seal as the first sealed it. Derived, not the secret itself:
// this cookie's key says nothing about the secret, and the label keeps it for this one use.
// With no secret configured, the key is this process's own (random at start; said once in the
// log): a restart or another server then costs the person a new link (the page says so).
import type { Cookies } from '@sveltejs/kit';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { webSecret } from './env';

const COOKIE = 'mrprompt-link-switch';
const PATH = '/auth/confirm';
/** How long the choice waits; the sealed session is then neither used nor readable. */
export const SWITCH_SECONDS = 5 * 60;

const AAD = Buffer.from(COOKIE);
/** HKDF's `info`: what the key is for, so the same secret yields other keys for other uses. */
const PURPOSE = 'mrprompt web: /auth/confirm pending account switch, AES-256-GCM, v1';

/** The sealing key for `secret` (null: a random one, this process's only). */
export function sealingKey(secret: string | null): Buffer {
  if (!secret) return randomBytes(32);
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), PURPOSE, 32));
}

let key: Buffer | undefined;
function currentKey(): Buffer {
  if (!key) {
    const secret = webSecret();
    // Names the settings, never a secret or the key.
    if (!secret) console.warn('mrprompt web: neither MRPROMPT_WEB_SECRET nor SUPABASE_SECRET_KEY is set, so an email link\'s pending account switch opens only in this process: after a restart, or on another web server, the person asks for a new link');
    key = sealingKey(secret);
  }
  return key;
}

const Account = z.object({ id: z.string(), email: z.string() });
const Pending = z.object({
  /** The session the link gave (the link's account). */
  accessToken: z.string(),
  refreshToken: z.string(),
  /** The link's account, and the one signed in when it was opened. */
  to: Account,
  from: Account,
  type: z.string(),
  next: z.string(),
  /** Seconds since the epoch after which the seal is refused. */
  expires: z.number(),
});
export type PendingSwitch = z.infer<typeof Pending>;

export function seal(value: PendingSwitch): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', currentKey(), iv).setAAD(AAD);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The sealed value, or null when it was not sealed with this key (another secret, or another process without one; altered), is unreadable or has expired. */
export function unseal(text: string | undefined, now = Date.now()): PendingSwitch | null {
  if (!text) return null;
  try {
    const raw = Buffer.from(text, 'base64url');
    if (raw.length < 29) return null;
    const decipher = createDecipheriv('aes-256-gcm', currentKey(), raw.subarray(0, 12)).setAAD(AAD);
    decipher.setAuthTag(raw.subarray(12, 28));
    const json = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    const value = Pending.parse(JSON.parse(json));
    return value.expires * 1000 > now ? value : null;
  } catch {
    return null;
  }
}

/** `secure` as the theme cookie has it (lib/server/theme.ts): on wherever the site is https. */
export function keepPendingSwitch(cookies: Cookies, value: Omit<PendingSwitch, 'expires'>, url: URL): void {
  const expires = Math.floor(Date.now() / 1000) + SWITCH_SECONDS;
  cookies.set(COOKIE, seal({ ...value, expires }), { path: PATH, httpOnly: true, secure: url.protocol === 'https:', sameSite: 'strict', maxAge: SWITCH_SECONDS });
}

export function readPendingSwitch(cookies: Cookies): PendingSwitch | null {
  return unseal(cookies.get(COOKIE));
}

/** Whether the browser sent a choice cookie at all (an expired or unreadable one included). */
export function hasPendingSwitch(cookies: Cookies): boolean {
  return cookies.get(COOKIE) !== undefined;
}

export function dropPendingSwitch(cookies: Cookies): void {
  cookies.delete(COOKIE, { path: PATH });
}
