// The signed-in and two-factor checks on writes to chats, members, shares and invitations, per
// writer: one check each, where security needs it (20261204050511). A write under RLS (the
// user's token: Data API, the API function) is held by the restrictive policies alone; a
// definer RPC, past RLS, by the statement trigger; the function's own connection and
// service_role pass both as before.
import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthUser, RLS_VIOLATION, type AuthUser } from '../helpers/actors.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => { db = await createTestDatabase(); });
afterAll(async () => { await db.drop(); });

type Claims = Record<string, unknown>;

/** As the Data API runs a statement for these claims and role; `calls`: the checks it made. */
async function asWriter<T>(role: 'authenticated' | 'service_role', claims: Claims, fn: (tx: TransactionSql) => Promise<T>) {
  return await db.sql.begin(async (tx) => {
    await tx`set local track_functions = 'all'`;
    await tx`select set_config('request.jwt.claims', ${JSON.stringify({ ...claims, role })}, true)`;
    await tx`select set_config('role', ${role}, true)`;
    const result = await fn(tx);
    await tx`reset role`;
    const counts = await tx<{ funcname: string; calls: number }[]>`
      select funcname, calls::int from pg_stat_xact_user_functions where funcname in ('session_is_live', 'meets_mfa_requirement', 'session_checks_pass')`;
    return { result, calls: Object.fromEntries(counts.map((c) => [c.funcname, c.calls])) as Record<string, number> };
  });
}

async function signedIn(user: AuthUser): Promise<string> {
  const id = randomUUID();
  await db.sql`insert into auth.sessions (id, user_id, created_at, updated_at) values (${id}, ${user.id}, now(), now())`;
  return id;
}
const userClaims = (user: AuthUser, session: string, aal = 'aal1') => ({ sub: user.id, email: user.email, aud: 'authenticated', session_id: session, aal });

describe('writes to a chat: owner with their token (Data API, the API function)', () => {
  it('renaming a chat checks the session and two-factor level once per policy side, not again in a trigger', async () => {
    const owner = await createAuthUser(db.sql);
    const [chat] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'mine') returning id`;
    const { result, calls } = await asWriter('authenticated', userClaims(owner, await signedIn(owner)), (tx) =>
      tx`update public.chat_sessions set title = 'renamed' where id = ${chat!.id} returning title`);
    expect(result).toEqual([{ title: 'renamed' }]);
    // The policy's USING and WITH CHECK, both questions in one call (20261204123441); the
    // trigger used to ask a third time.
    expect(calls).toEqual({ session_checks_pass: 2 });
  });

  it('signed out, their writes fail RLS or find no row, and nothing changes', async () => {
    const owner = await createAuthUser(db.sql);
    const [chat] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'mine') returning id`;
    const gone = await signedIn(owner);
    await db.sql`delete from auth.sessions where id = ${gone}`;
    const claims = userClaims(owner, gone);
    await expect(asWriter('authenticated', claims, (tx) => tx`insert into public.chat_sessions (user_id) values (${owner.id})`)).rejects.toThrow(RLS_VIOLATION);
    expect((await asWriter('authenticated', claims, (tx) => tx`update public.chat_sessions set title = 'x' returning id`)).result).toEqual([]);
    expect((await asWriter('authenticated', claims, (tx) => tx`delete from public.chat_sessions returning id`)).result).toEqual([]);
    expect(await db.sql`select id, title from public.chat_sessions where user_id = ${owner.id}`).toEqual([{ id: chat!.id, title: 'mine' }]);
  });

  it('at aal1 with a verified second factor, their writes fail RLS', async () => {
    const owner = await createAuthUser(db.sql);
    await db.sql`insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at)
      values (${randomUUID()}, ${owner.id}, 'phone', 'totp', 'verified', now(), now())`;
    const session = await signedIn(owner);
    await expect(asWriter('authenticated', userClaims(owner, session), (tx) => tx`insert into public.chat_sessions (user_id) values (${owner.id})`)).rejects.toThrow(RLS_VIOLATION);
    const { result } = await asWriter('authenticated', userClaims(owner, session, 'aal2'), (tx) => tx`insert into public.chat_sessions (user_id) values (${owner.id}) returning user_id`);
    expect(result).toEqual([{ user_id: owner.id }]);
  });
});

describe('writes to a chat: a definer RPC, past RLS', () => {
  it('the trigger still refuses a signed-out session (MR401) and an aal1 two-factor one (MR403)', async () => {
    const [owner, friend] = [await createAuthUser(db.sql), await createAuthUser(db.sql)];
    const [chat] = await db.sql`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'mine') returning id`;
    const gone = await signedIn(owner);
    await db.sql`delete from auth.sessions where id = ${gone}`;
    const invite = (tx: TransactionSql) => tx`select public.invite_session_member(${chat!.id}, ${friend.email}, 'member')`;
    await expect(asWriter('authenticated', userClaims(owner, gone), invite)).rejects.toMatchObject({ code: 'MR401' });
    await expect(asWriter('authenticated', userClaims(owner, gone), (tx) => tx`select public.share_session(${chat!.id}, true)`)).rejects.toMatchObject({ code: 'MR401' });
    await db.sql`insert into auth.mfa_factors (id, user_id, friendly_name, factor_type, status, created_at, updated_at)
      values (${randomUUID()}, ${owner.id}, 'phone', 'totp', 'verified', now(), now())`;
    const live = await signedIn(owner);
    await expect(asWriter('authenticated', userClaims(owner, live), invite)).rejects.toMatchObject({ code: 'MR403' });
    await asWriter('authenticated', userClaims(owner, live, 'aal2'), invite);
    expect(await db.sql`select count(*)::int as n from public.session_invitations where session_id = ${chat!.id}`).toEqual([{ n: 1 }]);
  });
});

describe('writes to a chat: service_role and the function\'s own connection', () => {
  it('pass, as before', async () => {
    const owner = await createAuthUser(db.sql);
    const { result } = await asWriter('service_role', {}, (tx) => tx`insert into public.chat_sessions (user_id, title) values (${owner.id}, 'admin') returning title`);
    expect(result).toEqual([{ title: 'admin' }]);
    expect(await db.sql`update public.chat_sessions set title = 'owner' where user_id = ${owner.id} returning title`).toEqual([{ title: 'owner' }]);
  });
});
