// The web server's settings, validated once per process at run time.
import { env } from '$env/dynamic/public';
import { env as privateEnv } from '$env/dynamic/private';
import { z } from 'zod';

const schema = z.object({
  PUBLIC_SUPABASE_URL: z.url(),
  PUBLIC_SUPABASE_PUBLISHABLE_KEY: z.string().min(1),
});

let cached: z.infer<typeof schema> | undefined;

export function publicEnv() {
  cached ??= schema.parse({
    PUBLIC_SUPABASE_URL: env.PUBLIC_SUPABASE_URL?.replace(/\/+$/, ''),
    PUBLIC_SUPABASE_PUBLISHABLE_KEY: env.PUBLIC_SUPABASE_PUBLISHABLE_KEY,
  });
  return cached;
}

/**
 * Where this server itself calls Supabase. SUPABASE_INTERNAL_URL (server only) is set when the
 * public URL is a reverse proxy's and the API is also reachable directly (`npm start` with
 * MRPROMPT_PUBLIC_URL: the gateway on 127.0.0.1); otherwise the public URL, as on hosted.
 */
export function serverSupabaseUrl(): string {
  return privateEnv.SUPABASE_INTERNAL_URL?.trim().replace(/\/+$/, '') || publicEnv().PUBLIC_SUPABASE_URL;
}

/** A Supabase URL an Auth call made from this server returned (an OAuth start), as the browser must open it. */
export function forBrowser(url: string): string {
  const internal = serverSupabaseUrl();
  const external = publicEnv().PUBLIC_SUPABASE_URL;
  return internal !== external && (url === internal || url.startsWith(`${internal}/`)) ? external + url.slice(internal.length) : url;
}

/**
 * SUPABASE_SECRET_KEY (optional, server only): used to vouch for the browser's address when
 * signing in (see createSupabaseServerClient), and as webSecret's fallback. Never sent to the browser.
 */
export function secretKey(): string | null {
  return privateEnv.SUPABASE_SECRET_KEY?.trim() || null;
}

/**
 * Tells the administrator, once at start-up, what a missing SUPABASE_SECRET_KEY costs: this server
 * cannot vouch for a browser's address, so Auth's per-address limits and the API's budget of
 * signed-out reads (shared chats /s/…, public prompts /p/…) count every visitor as this server —
 * one visitor reading fast gets those pages refused for everyone.
 */
export function warnIfNoSecretKey(): void {
  if (secretKey()) return;
  console.warn('mrprompt web: SUPABASE_SECRET_KEY is not set, so this server cannot vouch for a browser\'s address (Sb-Forwarded-For): sign-ins and the signed-out pages of shared chats and public prompts are all counted as this server\'s address, and one visitor over the limits gets them refused for everyone');
}

/**
 * The secret this server derives its own keys from (the pending account switch's seal,
 * $lib/server/pending-switch.ts): MRPROMPT_WEB_SECRET (optional, server only, at least 32
 * characters: `openssl rand -base64 32`), else SUPABASE_SECRET_KEY; null when neither is set.
 * Every web server behind one address must have the same one. Never logged or sent.
 */
export function webSecret(): string | null {
  const own = privateEnv.MRPROMPT_WEB_SECRET?.trim();
  if (own) {
    // The error names the setting, never its value.
    if (own.length < 32) throw new Error('MRPROMPT_WEB_SECRET is too short: use at least 32 characters (openssl rand -base64 32), or leave it unset to use SUPABASE_SECRET_KEY');
    return own;
  }
  return secretKey();
}
