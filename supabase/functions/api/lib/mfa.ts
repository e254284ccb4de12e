/**
 * Two-factor sign-in for what the API does on the owner connection: a user with a verified
 * MFA factor manages their provider keys and their API keys, and deletes their account, only
 * from an aal2 session. The database's restrictive policies hold it for reads and deletes made
 * as the user (public.meets_mfa_requirement(),
 * https://supabase.com/docs/guides/auth/auth-mfa#enforce-rules-for-mfa-logins);
 * writes that go through owner-side helpers (store_credential, create_api_key, delete_account)
 * ask the same function as the caller first.
 *
 *   await assertMfaLevel(c, 'to manage provider keys');
 *   await db.withUserTransaction(user, async (sql) => { await requireMfaLevel(sql, 'to manage API keys'); … });
 */
import type { TransactionSql } from 'postgres';
import type { Context } from 'hono';
import type { AppEnv } from './context.ts';
import { ApiError } from './errors.ts';

/** In a transaction as the caller: 403 insufficient_aal unless they have no verified factor or signed in with it. */
export async function requireMfaLevel(sql: TransactionSql, what: string): Promise<void> {
  const [row] = await sql<{ ok: boolean }[]>`select public.meets_mfa_requirement() as ok`;
  if (!row?.ok) {
    throw new ApiError(403, 'insufficient_aal', `Enter the code from your authenticator app ${what} (this account uses two-factor sign-in)`);
  }
}

/** The same check in a transaction of its own, before a route's work on the owner connection. */
export async function assertMfaLevel(c: Context<AppEnv>, what: string): Promise<void> {
  await c.var.db.withUserTransaction(c.var.user, (sql) => requireMfaLevel(sql, what));
}
