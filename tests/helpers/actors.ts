/**
 * Who runs a query in database tests: users created the way GoTrue creates them, and a
 * transaction that assumes a caller's role and JWT claims exactly as the API does
 * (`set_config('request.jwt.claims', …, true)` + `set local role …`), so RLS applies.
 *
 *   const alice = await createAuthUser(db.sql);
 *   const rows = await asActor(db.sql, alice, (tx) => tx`select * from public.prompts`);
 *   await asActor(db.sql, 'anon', (tx) => tx`select * from public.prompts`);
 */
import { randomUUID } from 'node:crypto';
import type { Sql, TransactionSql } from 'postgres';

export interface AuthUser {
  id: string;
  email: string;
}

/** A signed-in user, an anonymous visitor (publishable key) or the service role (secret key). */
export type Actor = AuthUser | 'anon' | 'service_role';

export interface CreateAuthUserOptions {
  email?: string;
  password?: string;
  /** raw_user_meta_data, e.g. { display_name: 'Ada' } as sign-up's `options.data`. */
  metadata?: Record<string, unknown>;
}

/** Inserts a confirmed email user into auth.users (bcrypt hash via pgcrypto, '' in the token
 * columns) and its email identity, as GoTrue's sign-up does; the profile trigger fires. */
export async function createAuthUser(sql: Sql, options: CreateAuthUserOptions = {}): Promise<AuthUser> {
  const id = randomUUID();
  const email = options.email ?? `user-${id.slice(0, 8)}@example.test`;
  const password = options.password ?? `pw-${randomUUID()}`;
  const metadata = options.metadata ?? {};
  await sql.begin(async (tx) => {
    await tx`
      insert into auth.users (
        instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
        confirmation_token, recovery_token, email_change_token_new, email_change,
        raw_app_meta_data, raw_user_meta_data, is_super_admin, created_at, updated_at
      ) values (
        '00000000-0000-0000-0000-000000000000', ${id}, 'authenticated', 'authenticated', ${email},
        extensions.crypt(${password}, extensions.gen_salt('bf', 4)), now(),
        '', '', '', '',
        ${JSON.stringify({ provider: 'email', providers: ['email'] })}::text::jsonb, ${JSON.stringify(metadata)}::text::jsonb, false, now(), now()
      )`;
    await tx`
      insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
      values (${id}, ${id}, ${JSON.stringify({ sub: id, email, email_verified: true })}::text::jsonb, 'email', now(), now(), now())`;
  });
  return { id, email };
}

/** The JWT claims the API would put in request.jwt.claims for this actor. */
export function claimsFor(actor: Actor): Record<string, unknown> {
  if (actor === 'anon') return { role: 'anon', iss: 'supabase-test' };
  if (actor === 'service_role') return { role: 'service_role', iss: 'supabase-test' };
  return { sub: actor.id, email: actor.email, role: 'authenticated', aud: 'authenticated', iss: 'supabase-test' };
}

/** Runs fn in a transaction as the actor; the transaction commits if fn resolves. */
export async function asActor<T>(sql: Sql, actor: Actor, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  const result = await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claimsFor(actor))}, true)`;
    // Role names are identifiers, not parameters; these three fixed strings are the only ones.
    if (actor === 'anon') await tx`set local role anon`;
    else if (actor === 'service_role') await tx`set local role service_role`;
    else await tx`set local role authenticated`;
    return [await fn(tx)] as const;
  });
  return result[0];
}

/** A session's authenticator assurance level: aal2 once a second factor was verified in it. */
export type Aal = 'aal1' | 'aal2';

/** As the Data API (or the API function) runs a user's query for a token of this assurance level. */
export async function asUserAt<T>(sql: Sql, user: AuthUser, aal: Aal, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  const claims = { ...claimsFor(user), aal };
  const result = await sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    await tx`set local role authenticated`;
    return [await fn(tx)] as const;
  });
  return result[0];
}

/** Gives the user a TOTP factor (as Auth stores one), verified unless said otherwise. */
export async function enrollFactor(sql: Sql, user: AuthUser, status: 'verified' | 'unverified' = 'verified'): Promise<void> {
  await sql`insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at, secret)
    values (${randomUUID()}, ${user.id}, 'phone app', 'totp', ${status}, now(), now(), 'JBSWY3DPEHPK3PXP')`;
}

/** Postgres' message when a row fails a policy's `with check`. */
export const RLS_VIOLATION = /new row violates row-level security policy/;
/** Postgres' message when the role lacks a table or column privilege. */
export const PERMISSION_DENIED = /permission denied/;

/** Makes `who` a participant of `owner`'s chat the only way there is: the owner invites their
 * address, and they accept (invite_session_member, accept_session_invitation). */
export async function joinGroupChat(sql: Sql, owner: AuthUser, who: AuthUser, sessionId: string, role: 'member' | 'viewer'): Promise<void> {
  const [invited] = await asActor(sql, owner, (tx) => tx`select public.invite_session_member(${sessionId}, ${who.email}, ${role}) as id`);
  await asActor(sql, who, (tx) => tx`select public.accept_session_invitation(${invited!.id})`);
}
