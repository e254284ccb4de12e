// Choosing a new password (the recovery screen and Settings › Security share the rules) and
// checking the current one before a signed-in change, so an open session alone cannot.
import { createClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { z } from 'zod';
import { ok, type Api } from '$lib/api';
import { forAddress } from '$lib/server/supabase';

export const newPasswordForm = z
  .object({ password: z.string().min(8, 'Use at least 8 characters').max(72, 'Use at most 72 characters'), confirm: z.string() })
  .refine((v) => v.password === v.confirm, { message: 'The two passwords differ', path: ['confirm'] });

/**
 * Whether `password` signs `email` in. A throwaway client, so the browser's session (and its
 * second factor) stays as it is; the session the check opened is revoked again at once.
 */
export async function passwordIsRight(email: string, password: string, clientAddress: string | undefined): Promise<boolean> {
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
 * Whether the signed-in account has a password, from Auth's own record of it (GET /api/me/password,
 * public.has_password: auth.users.encrypted_password set, as GoTrue's User.HasPassword). Not
 * guessed from the `email` identity: Auth also adds that one when an account single sign-on made
 * changes its address, without a password (GoTrue adminUserUpdate, emailChangeVerify). Nor from
 * `amr`: a session opened with a password says nothing once Auth has cleared it.
 */
export async function hasPassword(api: Api): Promise<boolean> {
  return (await ok(api.GET('/api/me/password'))).has_password;
}
