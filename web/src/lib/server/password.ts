// Choosing a new password (the recovery screen and Settings › Security share the rules) and
// checking the current one before a signed-in change, so an open session alone cannot.
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { z } from 'zod';
import { forAddress } from '$lib/server/supabase';

export const newPasswordForm = z
  .object({ password: z.string().min(8, 'Use at least 8 characters').max(72, 'Use at most 72 characters'), confirm: z.string() })
  .refine((v) => v.password === v.confirm, { message: 'The two passwords differ', path: ['confirm'] });

/**
 * Whether `password` signs `email` in. A throwaway client, so the browser's session (and its
 * second factor) stays as it is; the session the check opened is revoked again at once.
 */
export async function passwordIsRight(email: string, password: string, clientAddress: string): Promise<boolean> {
  // As createSupabaseServerClient: Auth rate-limits by the browser's address, not this server's.
  const { url, key, global } = forAddress(clientAddress);
  const client = createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global,
    // Node 20 has no global WebSocket; this client never subscribes, but it insists.
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
  const { data, error } = await client.auth.signInWithPassword({ email, password });
  if (error || !data.session) return false;
  await client.auth.signOut({ scope: 'local' });
  return true;
}

/**
 * Whether the account signs in with a password, as far as the app can tell: Auth has no "has a
 * password" field, so an `email` identity (GoTrue creates one for a password sign-up, and when a
 * password is first set: ensureEmailIdentityForPassword, internal/api/user.go — behind
 * GOTRUE_EXPERIMENTAL_CREATE_EMAIL_IDENTITY_ON_PASSWORD_SET_ENABLED there, always in local
 * Auth) or a session opened with the password (`amr` method "password" in the verified access token). `user` must
 * come from Auth (getUser), not from the session cookie, which the browser could edit.
 */
export function hasPassword(user: { identities?: { provider: string }[] } | null | undefined, claims: { amr?: unknown } | null | undefined): boolean {
  if (user?.identities?.some((identity) => identity.provider === 'email')) return true;
  return Array.isArray(claims?.amr) && claims.amr.some((entry) => (typeof entry === 'string' ? entry : (entry as { method?: unknown })?.method) === 'password');
}
